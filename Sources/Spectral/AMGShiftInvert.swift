import Distributed

/// The two numbers of AMG shift-invert (docs/math.md 7.13): the shift sigma of L_c + sigma I and
/// the inner tolerance of PCG.
extension SpectrumSolver {
    /// sigma as a fraction of the short Lanczos run's lowest Ritz value theta_1 >= lambda_1 (docs/math.md
    /// 7.13). lambda = 1/theta - sigma holds for any sigma > 0 (the Rayleigh quotient on L replaces
    /// it anyway), so sigma trades two things: the wanted 1/(lambda_j + sigma) separate better the
    /// smaller sigma is against lambda_1, while PCG's work grows as L_c + sigma I nears the
    /// singular L_c, whose null vector 1_c AMG reproduces only approximately. Measured on a 20k
    /// planted partition at tol 1e-6: a tenth of theta_1 took 79 outer products and 601 PCG
    /// iterations, a half 96 and 662.
    static func amgShift(bounds: SpectrumBounds?, andersonMorley: Double) -> Double {
        let fraction = 0.1
        if let theta = bounds?.ritz.first, theta > 0 { return fraction * theta }
        // No estimate (a component too small for a Lanczos step): a small fraction of ||L_c||.
        return 1e-6 * max(andersonMorley, 1)
    }

    /// PCG's relative tolerance for an ARPACK tolerance `outer`: the error of an inexact inverse
    /// enters the Krylov relation like a perturbation of the operator, so it has to stay below what
    /// ARPACK resolves (docs/math.md 7.13). Measured on a 20k planted partition at tol 1e-6: a tenth
    /// of it took 601 PCG iterations in all; tol itself 1,011 and ten times it 891 (the outer
    /// products rose from 79 to 146), every run certified.
    static func innerTolerance(_ outer: Double) -> Double {
        max(outer / 10, 1e-14)
    }

    /// ARPACK's tolerance for the first solve of AMG or Jacobi shift-invert when `tol` is asked
    /// for: a thousandth of it (its PCG then at a ten-thousandth). With inexact inner solves
    /// ARPACK's Ritz estimates on the inverse undershoot the true residual on L: at `tol` itself the
    /// certification failed nearly every pair on R-MAT 16's and 18's components and the
    /// refinements took one and two more solves. tol/100 certified both in one solve but left a
    /// pair of R-MAT 20's uncertified, and its three warm-started refinements made that run 2.6
    /// times slower than tol/1000, which certified in one solve; tol/1000 costs 1.2 times tol/100
    /// where both certify (docs/benchmarks.md).
    static func firstOuterTolerance(_ tol: Double) -> Double {
        max(tol / 1000, Self.tightestTolerance)
    }

    /// Collective over `communicator` (the ranks holding the component). `auto`'s choice between AMG
    /// (or Jacobi) shift-invert and Lanczos on L itself, which runs Chebyshev-filtered (docs/math.md
    /// 7.13), by two measured predictors:
    /// - hubs veto AMG: where the largest degree exceeds `hubRatio` times the average, BoomerAMG's
    ///   coarse operators fill in around the hubs (R-MAT scale 16: a 25,531-entry row on level 1,
    ///   a useless 2-row coarsest level, setup over 40 s for 47k nodes); PCG then runs on diagonal
    ///   scaling (`jacobi`), which takes the hubs' rows to the normalised Laplacian's scale, when
    ///   the ratio below still favours an inverse (R-MAT scale 18's component: the spectral shift
    ///   failed to certify, Jacobi shift-invert certified; docs/benchmarks.md);
    /// - otherwise AMG when sigma_AM / theta_1 (Anderson-Morley bound over the short run's lowest
    ///   Ritz value) exceeds `amgRatio`: the spectral shift's steps grow like its square root while
    ///   AMG's outer products stay near 8-10 K at 10-30 products' cost each. Measured break-even
    ///   (docs/benchmarks.md): a 90k grid (ratio 274) AMG 4.1x faster, a 100k augmentation graph
    ///   (about 140) a tie, a 300k planted partition (about 26) the spectral shift over 10x faster.
    ///   Below the ratio `auto` runs the Chebyshev filter, which beat the spectral shift on every
    ///   graph measured, hubs or not (docs/benchmarks.md, "Chebyshev filter as `auto`'s default").
    func amgChoice(block: ComponentBlock, bounds: SpectrumBounds, andersonMorley: Double,
                   communicator: Communicator) -> (method: LaplacianMethod, note: String) {
        let n = Double(block.size)
        let maxDegree = communicator.allreduceMax(block.degrees.max() ?? 0)
        let average = communicator.allreduceSum(block.degrees.reduce(0, +)) / max(n, 1)
        let ratio = Self.inverseRatio(andersonMorley: andersonMorley, lowestRitz: bounds.ritz.first ?? 0)
        let inverse = ratio > Self.amgRatio
        let measure = String(format: "sigma_AM / lambda_1 about %.3g, %@ %.0f", ratio, inverse ? "above" : "at most",
                             Self.amgRatio)
        if maxDegree > Self.hubRatio * average {
            let hubs = String(format: "hubs (largest degree %.3g, over %.0f times the average %.3g)",
                              maxDegree, Self.hubRatio, average)
            return inverse
                ? (.jacobi, "Jacobi-preconditioned shift-invert, not AMG: \(hubs); \(measure)")
                : (.chebyshev, "Chebyshev-filtered Lanczos, not AMG shift-invert: \(hubs); \(measure)")
        }
        return inverse ? (.amg, "AMG shift-invert: \(measure)")
            : (.chebyshev, "Chebyshev-filtered Lanczos, not AMG shift-invert: \(measure)")
    }

    static let hubRatio = 30.0
    static let amgRatio = 200.0

    /// Not collective. sigma_AM / theta_1, the ratio `amgChoice` weighs against `amgRatio`
    /// (infinite when the short run's lowest Ritz value is not positive).
    static func inverseRatio(andersonMorley: Double, lowestRitz: Double) -> Double {
        lowestRitz > 0 ? andersonMorley / lowestRitz : .infinity
    }
}

/// AMG shift-invert's solve, and what `auto` does when hypre fails (docs/math.md 7.13, "When hypre
/// fails").
extension SpectrumSolver {
    struct AMGSolution {
        var values: [Double]
        var vectors: [Double]
        var report: LanczosReport
        var amg: AMGReport
    }

    /// Collective over `communicator` (the ranks holding the component). ARPACK on
    /// P (L_c + sigma I)^{-1} P with the inverse applied by hypre PCG + BoomerAMG; values are
    /// 1/theta - sigma. Throws `.multigrid` when hypre's setup fails, when an inner solve comes back
    /// NaN or infinite, and, with `trial` (`auto`), when PCG misses the inner tolerance on one solve
    /// of the start vector before ARPACK starts: each is then known after one inner solve at most,
    /// not after a whole Lanczos run on a wrong operator.
    func amgShiftInvert(block: ComponentBlock, deflation: Deflation, start: [Double], count: Int, sigma: Double,
                        tolerance: Double, trial: Bool, preconditioner: InnerPreconditioner, solver: LanczosSolver,
                        communicator: Communicator) throws -> AMGSolution {
        var settings = amgSettings
        settings.preconditioner = preconditioner
        let inverse = try AMGInverse(block: block, sigma: sigma, tolerance: Self.innerTolerance(tolerance),
                                     communicator: communicator, settings: settings)
        if trial {
            var y = [Double](repeating: 0, count: max(block.rows.count, 1))
            start.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { inverse.solve(x.baseAddress!, into: $0.baseAddress!) }
            }
            let r = inverse.report
            guard inverse.nonFiniteSolves == 0, r.worstRelativeResidual <= r.innerTolerance else {
                throw EigensolverError.multigrid(String(
                    format: "PCG missed the inner tolerance %.1e on a trial solve (relative residual %.3g after %d iterations)",
                    r.innerTolerance, r.worstRelativeResidual, r.iterations))
            }
        }
        let nonFinite = { EigensolverError.multigrid("PCG returned non-finite values in \(inverse.nonFiniteSolves) of \(inverse.report.solves) inner solves") }
        let op = ShiftInvertOperator(inverse: inverse, deflation: deflation)
        let solved: (values: [Double], vectors: [Double], report: LanczosReport)
        do {
            solved = try solver.largest(op, count: count, globalDimension: block.size, start: start)
        } catch where inverse.nonFiniteSolves > 0 {
            throw nonFinite()
        }
        guard inverse.nonFiniteSolves == 0 else { throw nonFinite() }
        return AMGSolution(values: solved.values.map { 1 / $0 - sigma }, vectors: solved.vectors, report: solved.report,
                           amg: inverse.report)
    }
}
