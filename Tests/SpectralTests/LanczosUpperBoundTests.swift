import DenseAlgebra
import EigenpairTestSupport
import Foundation
@testable import Spectral
import Testing

/// The gap check's upper bound of lambda_max (docs/math.md 7.12) against diagonal matrices, whose
/// eigenvalues and eigenvectors are known exactly. The Lanczos run here is a plain loop of this
/// test, independent of the check's own.
struct LanczosUpperBoundTests {
    /// m steps of Lanczos with full reorthogonalisation on diag(d) from `start`: the eigenvalues of
    /// T_m (LAPACK) and beta_1 ... beta_m, for every m up to `steps`.
    static func lanczos(_ d: [Double], start: [Double], steps: Int) throws -> [(ritz: [Double], betas: [Double])] {
        let n = d.count
        let startNorm = start.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var v = start.map { $0 / startNorm }
        var basis: [[Double]] = [], alpha: [Double] = [], beta: [Double] = []
        var out: [(ritz: [Double], betas: [Double])] = []
        for _ in 0..<steps {
            basis.append(v)
            var w = (0..<n).map { d[$0] * v[$0] }
            alpha.append((0..<n).reduce(0) { $0 + v[$1] * w[$1] })
            for _ in 0..<2 {
                for b in basis {
                    let dot = (0..<n).reduce(0) { $0 + b[$1] * w[$1] }
                    for i in 0..<n { w[i] -= dot * b[i] }
                }
            }
            let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            beta.append(norm)
            var t = DenseMatrix(rows: alpha.count, columns: alpha.count)
            for i in alpha.indices {
                t[i, i] = alpha[i]
                if i > 0 { t[i, i - 1] = beta[i - 1]; t[i - 1, i] = beta[i - 1] }
            }
            out.append((try SymmetricEigen(t, vectors: false).values, beta))
            v = w.map { $0 / norm }
        }
        return out
    }

    /// A bulk evenly spread over [-1, 0.5] and an isolated top eigenvalue 0.6, n = 400, Gaussian
    /// starts. With delta = |c_1| (the start's exact component on the top eigenvector) the bound is
    /// never below lambda_max, at every m (the inequality it rests on); with the probabilistic delta
    /// (failure probability 1e-9) it holds on every seed, and at m = 40 lies within 0.1 of
    /// lambda_max (0.66 in a NumPy run of the same construction), tightening as m grows.
    @Test func boundsTheTopEigenvalueOfADiagonalMatrix() throws {
        let n = 400, top = 0.6
        let d = (0..<(n - 1)).map { -1 + 1.5 * Double($0) / Double(n - 2) } + [top]
        let logInverseDelta = LanczosUpperBound.logInverseDelta(dimension: n, failureProbability: 1e-9)
        for seed in UInt64(1)...5 {
            var rng = SeededRNG(seed: seed)
            let start = (0..<n).map { _ in rng.normal() }
            let c1 = abs(start[n - 1]) / start.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let runs = try Self.lanczos(d, start: start, steps: 60)
            for (m, run) in runs.enumerated() {
                let exact = LanczosUpperBound.bound(ritz: run.ritz, betas: run.betas, logInverseDelta: -log(c1))
                #expect(exact >= top - 1e-12, "seed \(seed), m = \(m + 1): \(exact)")
                let bound = LanczosUpperBound.bound(ritz: run.ritz, betas: run.betas, logInverseDelta: logInverseDelta)
                #expect(bound >= top - 1e-12 && bound >= run.ritz.last!, "seed \(seed), m = \(m + 1): \(bound)")
            }
            let at = { (m: Int) in LanczosUpperBound.bound(ritz: runs[m - 1].ritz, betas: runs[m - 1].betas,
                                                          logInverseDelta: logInverseDelta) }
            #expect(at(40) <= top + 0.1 && at(60) <= at(40), "seed \(seed): \(at(40)), \(at(60))")
        }
    }

    /// An invariant Krylov space (the start in a span of 3 eigenvectors): beta_3 = 0 to rounding,
    /// and the bound is theta_max = the top eigenvalue of that span; a zero beta gives it exactly.
    @Test func invariantKrylovSpaceGivesTheRitzValue() throws {
        let d = [0.9, 0.5, -0.2, 0.1, 0.3]
        let run = try Self.lanczos(d, start: [1, 1, 1, 0, 0], steps: 3)[2]
        #expect(abs(run.ritz.last! - 0.9) <= 1e-14 && run.betas[2] <= 1e-14)
        #expect(LanczosUpperBound.bound(ritz: run.ritz, betas: run.betas.dropLast() + [0], logInverseDelta: 20) == run.ritz.last!)
    }

    /// The probability statement: P(|c_1| < delta) <= delta sqrt(2 d / pi) for a uniform direction
    /// in dimension d. The exact law (x_1 has density Gamma(d/2) / (sqrt(pi) Gamma((d-1)/2))
    /// (1 - x^2)^((d-3)/2), integrated by Simpson's rule) stays below the stated probability and,
    /// for d >= 50, within 2% of it (0.72 of it at d = 3), so the stated delta is not wasteful.
    @Test(arguments: [3, 50, 10_000, 1_000_000])
    func deltaMatchesTheSphereLaw(_ dimension: Int) {
        for p in [0.05, 1e-9] {
            let delta = exp(-LanczosUpperBound.logInverseDelta(dimension: dimension, failureProbability: p))
            let d = Double(dimension)
            let density = exp(lgamma(d / 2) - lgamma((d - 1) / 2)) / Double.pi.squareRoot()
            let f = { (x: Double) in density * pow(1 - x * x, (d - 3) / 2) }
            let steps = 1000
            let h = delta / Double(steps)
            var integral = f(0) + f(delta)
            for i in 1..<steps { integral += (i % 2 == 1 ? 4 : 2) * f(Double(i) * h) }
            let probability = 2 * integral * h / 3
            #expect(probability <= p && probability >= (dimension >= 50 ? 0.98 : 0.7) * p,
                    "d = \(dimension), p = \(p): \(probability)")
        }
    }
}
