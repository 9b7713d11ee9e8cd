/// p(B) = T_m(t(B)) with t(beta) = (2 beta - (cut + lower)) / (cut - lower), T_m the Chebyshev
/// polynomial of odd degree m, and B a deflated component operator whose LARGEST eigenvalues are
/// wanted: G_c, A_n's component, or -L_c for L's smallest (docs/math.md 7.11). It maps the unwanted
/// [lower, cut] into [-1, 1] and every beta > cut to T_m(t) > 1, increasing with beta: the largest
/// algebraic eigenvalues of p(B) belong to the largest of B, with the same vectors. Odd m keeps
/// eigenvalues below a too-high `lower` negative, never among the largest. Eigenvalues come back as
/// Rayleigh quotients on B, never from p. `apply` is collective like the base operator's (m
/// products; the input and the output deflated).
final class ChebyshevFilter: LinearOperator {
    let localDimension: Int
    let degree: Int
    /// The damped interval [lower, cut] on B's scale.
    let cut: Double
    let lower: Double
    private let base: ComponentOperator
    /// The recurrence's three vectors, owned like `ComponentOperator`'s buffers: element access
    /// through arrays stored in a class (exclusivity and uniqueness checks per element) cost as much
    /// as the products on a 300k planted partition (docs/benchmarks.md).
    private let previous: UnsafeMutablePointer<Double>
    private let current: UnsafeMutablePointer<Double>
    private let product: UnsafeMutablePointer<Double>
    /// Whether the base multiplies the recurrence's vectors where they are (`inPlaceWidth`).
    private let inPlace: Bool

    init(base: ComponentOperator, degree: Int, cut: Double, lower: Double) {
        precondition(degree >= 1 && degree % 2 == 1, "the filter degree must be odd")
        precondition(cut > lower, "need lower < cut")
        self.base = base
        self.degree = degree
        self.cut = cut
        self.lower = lower
        localDimension = base.localDimension
        // Where the base can multiply in place, the recurrence's vectors carry the ghost tail.
        inPlace = base.inPlaceWidth != nil
        let size = max(localDimension, base.inPlaceWidth ?? 1, 1)
        previous = .allocate(capacity: size)
        current = .allocate(capacity: size)
        product = .allocate(capacity: size)
        for buffer in [previous, current, product] { buffer.initialize(repeating: 0, count: size) }
    }

    deinit {
        previous.deallocate()
        current.deallocate()
        product.deallocate()
    }

    /// y = T_m(t(B)) x by the three-term recurrence T_{k+1} = 2 t T_k - T_{k-1}, with
    /// t(B) x = (2 B x - c x) / w for c = cut + lower, w = cut - lower.
    func apply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        let n = localDimension
        let c = cut + lower, w = cut - lower
        let a = 4 / w, b = 2 * c / w
        var prev = previous, cur = current
        let q = product
        // T_0 = P x (the deflated vector, an extreme eigenvector of B, would be amplified most);
        // T_1 = t T_0. The products skip the deflation: B keeps P x's complement, and the one
        // projection at the end removes what rounding put into the deflated direction (amplified
        // at most by the filter's range, `maxRange` in `chebyshevSolve`).
        prev.update(from: x, count: n)
        base.project(prev)
        multiply(prev, into: q)
        for i in 0..<n { cur[i] = (2 * q[i] - c * prev[i]) / w }
        for _ in 1..<degree {
            multiply(cur, into: q)
            // T_{k+1} over T_{k-1}'s buffer, then the two buffers trade roles.
            for i in 0..<n { prev[i] = a * q[i] - b * cur[i] - prev[i] }
            swap(&prev, &cur)
        }
        y.update(from: cur, count: n)
        base.project(y)
    }

    /// B v without the projections, in place where the base allows it.
    private func multiply(_ v: UnsafeMutablePointer<Double>, into q: UnsafeMutablePointer<Double>) {
        if inPlace { base.applyInPlace(v, into: q) } else { base.apply(v, into: q, deflating: false) }
    }
}
