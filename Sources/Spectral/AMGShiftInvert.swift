import Distributed
import Foundation

/// The two numbers of AMG shift-invert (docs/math.md 7.13): the shift sigma of L_c + sigma I and
/// the inner tolerance of PCG.
extension SpectrumSolver {
    /// sigma as a fraction of the short Lanczos run's lowest Ritz value theta_1 >= lambda_1 (docs/math.md
    /// 7.13). lambda = 1/theta - sigma holds for any sigma > 0 (the Rayleigh quotient on L replaces
    /// it anyway), so sigma trades two things: the wanted 1/(lambda_j + sigma) separate better the
    /// smaller sigma is against lambda_1, while PCG's work grows as L_c + sigma I nears the
    /// singular L_c, whose null vector 1_c AMG reproduces only approximately.
    static func amgShift(bounds: SpectrumBounds?, andersonMorley: Double) -> Double {
        let fraction = amgShiftFraction
        if let theta = bounds?.ritz.first, theta > 0 { return fraction * theta }
        // No estimate (a component too small for a Lanczos step): a small fraction of ||L_c||.
        return 1e-6 * max(andersonMorley, 1)
    }

    static var amgShiftFraction: Double {
        Double(ProcessInfo.processInfo.environment["EIGENPAIR_AMG_SIGMA"] ?? "") ?? 0.1
    }

    /// PCG's relative tolerance for an ARPACK tolerance `outer`: the error of an inexact inverse
    /// enters the Krylov relation like a perturbation of the operator, so it has to stay below what
    /// ARPACK resolves (docs/math.md 7.13, measured in docs/benchmarks.md).
    static func innerTolerance(_ outer: Double) -> Double {
        let factor = Double(ProcessInfo.processInfo.environment["EIGENPAIR_AMG_INNER"] ?? "") ?? 0.1
        return max(outer * factor, 1e-14)
    }

    /// Collective over `communicator` (the ranks holding the component). `auto`'s choice between AMG
    /// shift-invert and the spectral shift (docs/math.md 7.13), in the units of `CostModel`
    /// (memory-bound flops): the spectral shift as there; AMG as about 10 K outer products of about
    /// 20 PCG iterations, each about 10 nnz (the product, two l1-Gauss-Seidel sweeps and the
    /// transfers of an operator complexity near 1.5), plus ARPACK's 4 ncv n. Hubs veto AMG: where
    /// the largest degree exceeds `hubRatio` times the average, BoomerAMG's coarse operators fill in
    /// around the hubs (R-MAT scale 16: a 25,531-entry row on level 1, setup over a minute).
    func amgChoice(block: ComponentBlock, bounds: SpectrumBounds, andersonMorley: Double, count: Int,
                   communicator: Communicator) -> (amg: Bool, note: String) {
        let n = Double(block.size)
        let nonzeros = Double(communicator.allreduceSum(block.nonzeros))
        let maxDegree = communicator.allreduceMax(block.degrees.max() ?? 0)
        let average = communicator.allreduceSum(block.degrees.reduce(0, +)) / max(n, 1)
        let ncv = Double(min(block.size, settings.krylovDimension ?? LanczosSettings.defaultKrylovDimension(count)))
        let lambda = bounds.ritz.first ?? 0
        let k = Double(count)
        let shift = lambda > 0
            ? 5 * k * (andersonMorley / lambda).squareRoot() * (2 * nonzeros + 4 * ncv * n) : .infinity
        let amg = 10 * k * (20 * 10 * nonzeros + 4 * ncv * n)
        if maxDegree > Self.hubRatio * average {
            return (false, String(format: "spectral shift, not AMG: hubs (largest degree %.3g over %.0f times the average %.3g)",
                                  maxDegree, Self.hubRatio, average))
        }
        let verdict = amg < shift ? "AMG shift-invert" : "spectral shift"
        return (amg < shift, String(format: "%@ predicted cheaper: AMG %.3g against spectral shift %.3g flop-equivalents (sigma / lambda_1 about %.3g)",
                                    verdict, amg, shift, andersonMorley / lambda))
    }

    static let hubRatio = 30.0
}
