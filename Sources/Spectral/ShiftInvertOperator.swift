/// x -> P (L_c + eps I)^{-1} P x on one connected component, P the projector off the component's
/// normalised indicator 1_c / sqrt(n_c) (docs/math.md section 7, shift-invert on one rank).
///
/// L_c 1_c = 0, so 1_c is also an eigenvector of (L_c + eps I)^{-1} and P commutes with it: the
/// operator is symmetric, maps 1_c to 0, and on 1_c-perp has the eigenpairs (1 / (lambda + eps), u)
/// for every eigenpair (lambda, u) of L_c there. The largest algebraic theta thus give the smallest
/// lambda = 1/theta - eps, with the same eigenvectors. The projection after the solve also removes
/// the large multiple of 1_c that rounding errors in the solve pick up (amplified by 1/eps).
final class ShiftInvertOperator: LinearOperator {
    let localDimension: Int
    private let factor: CholmodFactor
    private let deflation: Deflation
    private let projected: UnsafeMutablePointer<Double>

    init(factor: CholmodFactor, deflation: Deflation) {
        precondition(deflation.vector.count == factor.dimension, "deflation vector has the wrong length")
        localDimension = factor.dimension
        self.factor = factor
        self.deflation = deflation
        projected = .allocate(capacity: max(factor.dimension, 1))
        projected.initialize(repeating: 0, count: max(factor.dimension, 1))
    }

    deinit { projected.deallocate() }

    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        for i in 0..<n { projected[i] = x[i] }
        deflation.project(projected)
        factor.solve(projected, into: y)
        deflation.project(y)
    }
}
