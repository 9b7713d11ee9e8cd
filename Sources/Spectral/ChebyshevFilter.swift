/// p(L_c) = T_m(t(L_c)) with t(lambda) = (cut + upper - 2 lambda) / (upper - cut), T_m the Chebyshev
/// polynomial of odd degree m (docs/math.md 7.11). It maps the unwanted [cut, upper] into [-1, 1]
/// and every lambda < cut to T_m(t) > 1, increasing as lambda decreases: the largest algebraic
/// eigenvalues of p(L_c) belong to the smallest eigenvalues of L_c, with the same vectors. Odd m
/// keeps eigenvalues above a too-low `upper` negative, never among the largest. Eigenvalues come
/// back as Rayleigh quotients on L_c, never from p. `apply` is collective like the base operator's
/// (m products, each deflated).
final class ChebyshevFilter: LinearOperator {
    let localDimension: Int
    let degree: Int
    let cut: Double
    let upper: Double
    /// The deflated -L_c.
    private let base: ComponentOperator
    private var previous: [Double]
    private var current: [Double]
    private var product: [Double]

    init(negativeLaplacian base: ComponentOperator, degree: Int, cut: Double, upper: Double) {
        precondition(degree >= 1 && degree % 2 == 1, "the filter degree must be odd")
        precondition(upper > cut && cut > 0, "need 0 < cut < upper")
        self.base = base
        self.degree = degree
        self.cut = cut
        self.upper = upper
        localDimension = base.localDimension
        previous = [Double](repeating: 0, count: max(localDimension, 1))
        current = previous
        product = previous
    }

    /// y = T_m(t(L)) x by the three-term recurrence T_{k+1} = 2 t T_k - T_{k-1}, with
    /// t(L) x = (c x - 2 L x) / w = (c x + 2 N x) / w for N = -L, c = cut + upper, w = upper - cut.
    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        let c = cut + upper, w = upper - cut
        // T_0 = P x (the indicator, eigenvalue 0 of L_c, would be amplified most); T_1 = t T_0.
        for i in 0..<n { previous[i] = x[i] }
        previous.withUnsafeMutableBufferPointer { base.project($0.baseAddress!) }
        previous.withUnsafeBufferPointer { t in
            product.withUnsafeMutableBufferPointer { base.apply(t.baseAddress!, into: $0.baseAddress!) }
        }
        for i in 0..<n { current[i] = (c * previous[i] + 2 * product[i]) / w }
        for _ in 1..<degree {
            current.withUnsafeBufferPointer { t in
                product.withUnsafeMutableBufferPointer { base.apply(t.baseAddress!, into: $0.baseAddress!) }
            }
            for i in 0..<n {
                let next = 2 * (c * current[i] + 2 * product[i]) / w - previous[i]
                previous[i] = current[i]
                current[i] = next
            }
        }
        for i in 0..<n { y[i] = current[i] }
    }
}
