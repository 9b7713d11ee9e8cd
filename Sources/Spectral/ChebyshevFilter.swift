/// p(B) = T_m(t(B)) with t(beta) = (2 beta - (cut + lower)) / (cut - lower), T_m the Chebyshev
/// polynomial of odd degree m, and B a deflated component operator whose LARGEST eigenvalues are
/// wanted: G_c, A_n's component, or -L_c for L's smallest (docs/math.md 7.11). It maps the unwanted
/// [lower, cut] into [-1, 1] and every beta > cut to T_m(t) > 1, increasing with beta: the largest
/// algebraic eigenvalues of p(B) belong to the largest of B, with the same vectors. Odd m keeps
/// eigenvalues below a too-high `lower` negative, never among the largest. Eigenvalues come back as
/// Rayleigh quotients on B, never from p. `apply` is collective like the base operator's (m
/// products, each deflated).
final class ChebyshevFilter: LinearOperator {
    let localDimension: Int
    let degree: Int
    /// The damped interval [lower, cut] on B's scale.
    let cut: Double
    let lower: Double
    private let base: ComponentOperator
    private var previous: [Double]
    private var current: [Double]
    private var product: [Double]

    init(base: ComponentOperator, degree: Int, cut: Double, lower: Double) {
        precondition(degree >= 1 && degree % 2 == 1, "the filter degree must be odd")
        precondition(cut > lower, "need lower < cut")
        self.base = base
        self.degree = degree
        self.cut = cut
        self.lower = lower
        localDimension = base.localDimension
        previous = [Double](repeating: 0, count: max(localDimension, 1))
        current = previous
        product = previous
    }

    /// y = T_m(t(B)) x by the three-term recurrence T_{k+1} = 2 t T_k - T_{k-1}, with
    /// t(B) x = (2 B x - c x) / w for c = cut + lower, w = cut - lower.
    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        let c = cut + lower, w = cut - lower
        // T_0 = P x (the deflated vector, an extreme eigenvector of B, would be amplified most); T_1 = t T_0.
        for i in 0..<n { previous[i] = x[i] }
        previous.withUnsafeMutableBufferPointer { base.project($0.baseAddress!) }
        previous.withUnsafeBufferPointer { t in
            product.withUnsafeMutableBufferPointer { base.apply(t.baseAddress!, into: $0.baseAddress!) }
        }
        for i in 0..<n { current[i] = (2 * product[i] - c * previous[i]) / w }
        for _ in 1..<degree {
            current.withUnsafeBufferPointer { t in
                product.withUnsafeMutableBufferPointer { base.apply(t.baseAddress!, into: $0.baseAddress!) }
            }
            for i in 0..<n {
                let next = 2 * (2 * product[i] - c * current[i]) / w - previous[i]
                previous[i] = current[i]
                current[i] = next
            }
        }
        for i in 0..<n { y[i] = current[i] }
    }
}
