/// The inner solve of shift-invert: y ~ (L_c + shift I)^{-1} x on this rank's rows of one
/// component, exact (a CHOLMOD factor, one rank) or iterative (hypre PCG + BoomerAMG, any ranks).
/// `solve` is collective when the solver is distributed.
protocol ShiftedLaplacianInverse: AnyObject {
    var localDimension: Int { get }
    /// eps (or sigma) of L_c + eps I.
    var shift: Double { get }
    func solve(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>)
}

extension CholmodFactor: ShiftedLaplacianInverse {
    var localDimension: Int { dimension }
    var shift: Double { epsilon }
}

/// x -> P (L_c + eps I)^{-1} P x on one connected component, P the projector off the component's
/// normalised indicator 1_c / sqrt(n_c) (docs/math.md section 7, shift-invert; 7.13 for the
/// iterative inner solve).
///
/// L_c 1_c = 0, so 1_c is also an eigenvector of (L_c + eps I)^{-1} and P commutes with it: the
/// operator is symmetric, maps 1_c to 0, and on 1_c-perp has the eigenpairs (1 / (lambda + eps), u)
/// for every eigenpair (lambda, u) of L_c there. The largest algebraic theta thus give the smallest
/// lambda = 1/theta - eps, with the same eigenvectors. The projection after the solve also removes
/// the large multiple of 1_c that rounding errors in the solve pick up (amplified by 1/eps), and
/// the 1_c part an AMG-preconditioned iterate picks up.
final class ShiftInvertOperator: LinearOperator {
    let localDimension: Int
    private let inverse: any ShiftedLaplacianInverse
    private let deflation: Deflation
    private let projected: UnsafeMutablePointer<Double>

    init(inverse: any ShiftedLaplacianInverse, deflation: Deflation) {
        precondition(deflation.vector.count == inverse.localDimension, "deflation vector has the wrong length")
        localDimension = inverse.localDimension
        self.inverse = inverse
        self.deflation = deflation
        projected = .allocate(capacity: max(localDimension, 1))
        projected.initialize(repeating: 0, count: max(localDimension, 1))
    }

    deinit { projected.deallocate() }

    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        for i in 0..<n { projected[i] = x[i] }
        deflation.project(projected)
        inverse.solve(projected, into: y)
        deflation.project(y)
    }
}
