/// The uniqueness certificate of Z*: is lambda_{K+1} apart from lambda_K? (docs/math.md 7.12)
extension GapCertificate {
    /// `exactNext`: the first certified pair past the K returned ones (closed form, dense, or a
    /// converged Lanczos pair), nil when none. `tails`: per Lanczos component (`.ritzBound` only), the
    /// gap check's interval for its next eigenvalue, nil entries when unknown. Values are compared in
    /// the wanted direction (descending for G and A_n, ascending for L).
    init(lambdaK: Double, residualK: Double, exactNext: Double?, tails: [ClosedRange<Double>?],
         smallestFirst: Bool, method: NextEigenvalueMethod) {
        // Work on s * value, so "past lambda_K" is always "below" it.
        let s: Double = smallestFirst ? -1 : 1
        let k = s * lambdaK
        var lower = exactNext.map { s * $0 }
        var upper = lower
        var unbounded = false
        for tail in tails {
            guard let tail else { unbounded = true; continue }
            let (lo, hi) = smallestFirst ? (-tail.upperBound, -tail.lowerBound) : (tail.lowerBound, tail.upperBound)
            upper = max(upper ?? hi, hi)
            if exactNext == nil { lower = max(lower ?? lo, lo) }
        }
        if unbounded { upper = nil }
        self.lambdaK = lambdaK
        self.method = method.rawValue
        nextLower = smallestFirst ? upper.map { -$0 } : lower
        nextUpper = smallestFirst ? lower.map { -$0 } : upper
        gap = nil
        if let e = exactNext, Self.tied(e, lambdaK) {
            certified = false
            reason = "tied: a certified eigenpair past K has lambda_{K+1} = lambda_K"
        } else if unbounded {
            certified = false
            reason = "a Lanczos component's next eigenvalue is not bounded (its gap check did not run)"
        } else if let u = upper {
            // lambda_K itself is only known within its residual.
            certified = u < k - residualK && !Self.tied(s * u, lambdaK)
            if certified { gap = k - u }
            reason = certified ? "the interval for lambda_{K+1} lies past lambda_K by more than its residual"
                : "the interval for lambda_{K+1} reaches lambda_K (within its residual)"
        } else {
            certified = true
            reason = "no eigenvalue past K"
        }
    }

    /// Whether `exactNext` is lambda_{K+1} itself (no Lanczos tail can lie between it and lambda_K),
    /// or a tie at lambda_K: only then is it reported as the next eigenvalue.
    func exactNextIsNext(_ exactNext: Double?, tails: [ClosedRange<Double>?], smallestFirst: Bool) -> Bool {
        guard let e = exactNext else { return false }
        if Self.tied(e, lambdaK) { return true }
        return tails.allSatisfy { tail in
            guard let tail else { return false }
            return smallestFirst ? tail.lowerBound >= e : tail.upperBound <= e
        }
    }

    /// The closed forms' tie test (relative 1e-9), so "certified" and "tied" never disagree.
    static func tied(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }
}
