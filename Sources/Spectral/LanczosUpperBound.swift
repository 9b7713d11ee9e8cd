import Foundation

/// An upper bound of lambda_max(B) from m Lanczos steps on a symmetric B from a random start
/// (docs/math.md 7.12; the Lanczos-polynomial bound of van Dorsselaer, Hochstenbach and van der
/// Vorst, SIAM J. Matrix Anal. Appl. 22, 2000).
///
/// The characteristic polynomial chi_m of the Lanczos tridiagonal T_m obeys the three-term
/// recurrence of the Lanczos vectors, so chi_m(B) v_1 = beta_1 ... beta_m v_{m+1} (beta_m = ||f||,
/// the norm of the final residual). With c_1 the component of v_1 on a unit top eigenvector of B,
/// |c_1| chi_m(lambda_max) <= beta_1 ... beta_m. By interlacing lambda_max >= theta_max, where chi_m
/// is positive and increasing, so |c_1| >= delta gives lambda_max <= t*, the root of
/// chi_m(t) = beta_1 ... beta_m / delta past theta_max. For v_1 uniform on the unit sphere of a
/// d-dimensional space, P(|c_1| < delta) <= delta sqrt(2 d / pi).
enum LanczosUpperBound {
    /// log(1 / delta) for which P(|c_1| < delta) <= `failureProbability` in dimension `d`.
    static func logInverseDelta(dimension d: Int, failureProbability: Double) -> Double {
        log((2 * Double(max(d, 1)) / Double.pi).squareRoot() / failureProbability)
    }

    /// t* for the Ritz values `ritz` (the eigenvalues of T_m) and `betas` = beta_1 ... beta_m. An
    /// invariant Krylov space (some beta 0) holds lambda_max itself whenever c_1 != 0: then theta_max.
    static func bound(ritz: [Double], betas: [Double], logInverseDelta: Double) -> Double {
        precondition(!ritz.isEmpty && ritz.count == betas.count, "T_m's m Ritz values and m betas")
        let top = ritz.max()!
        guard betas.allSatisfy({ $0 > 0 }) else { return top }
        let target = betas.reduce(0) { $0 + log($1) } + logInverseDelta
        // log chi_m(t) = sum log(t - theta_i) >= m log(t - theta_max), which is `target` at `high`.
        var low = top, high = top + exp(target / Double(ritz.count))
        while true {
            let mid = low + (high - low) / 2
            guard mid > low && mid < high else { return high }
            if ritz.reduce(0, { $0 + log(mid - $1) }) < target { low = mid } else { high = mid }
        }
    }
}
