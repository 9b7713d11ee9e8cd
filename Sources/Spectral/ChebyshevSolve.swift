import CLAPACKE
import DenseAlgebra
import Distributed
import Foundation

/// The Chebyshev-filtered Lanczos solve of one component, as the report lists it. Values are on the
/// scale of M (G, A_n or L): for L the damped interval is [cut, upper] (the smallest eigenvalues
/// are wanted), for G and A_n it is [lower, cut] (the largest).
public struct ChebyshevReport: Codable, Sendable {
    /// Odd degree m of the filter T_m.
    public var degree: Int
    /// The wanted eigenvalues lie beyond `cut`; the other end of the damped interval is `upper` (L)
    /// or `lower` (G, A_n).
    public var cut: Double
    public var upper: Double
    public var lower: Double
    /// Steps and seconds of the short Lanczos run that gave the bounds (0 for A_n, whose spectrum
    /// lies in [-1, 1]).
    public var boundSteps: Int
    public var boundSeconds: Double
    /// The wanted-end Ritz value of the unfiltered probe (an estimate of lambda_1 of L, or of the
    /// largest eigenvalue of G or A_n on the deflated space); without a probe, the bounds run's
    /// lowest Ritz value of L.
    public var lowestRitz: Double
    /// Products of the unfiltered probe that gave the cut and the start vector (in report.matvecs;
    /// 0 when the low-degree bound gave the cut).
    public var probeMatvecs: Int
    /// The probe's seconds per product and ARPACK's own seconds per step, as measured (a check on
    /// the cost model; the degree does not depend on them, see `stepToProduct`); without a probe,
    /// those of the first filtered solve.
    public var secondsPerProduct: Double
    public var secondsPerStep: Double
    /// The cost model's step of ARPACK's own work, in products, that gave the degree.
    public var stepToProduct: Double
    /// ARPACK's tolerance on p(M) (see `chebyshevSolve`).
    public var arpackTolerance: Double
    /// Times a returned Rayleigh quotient lay on the damped side of the cut and the cut was moved
    /// outward.
    public var cutRaises: Int = 0
    /// L only: the probe's cut when the cut refinement moved it (nil when it did not run or found
    /// no tighter cut), and the refinement's products (in report.matvecs; 0 when it did not run).
    public var probeCut: Double? = nil
    public var refinementMatvecs: Int = 0
    /// L only: the low-degree bound on lambda_{count+1} (`LowDegreeBound`) when it gave the cut in
    /// place of the probe; nil when the probe ran.
    public var lowDegreeBound: Double? = nil
}

extension SpectrumSolver {
    /// Steps of the short Lanczos run behind `auto`'s factor prediction and the filter's bounds:
    /// the extreme ends, which Lanczos finds first.
    static let predictionSteps = 20

    /// The unfiltered probe that gives the cut and the start vector stops after this many implicit
    /// restarts, or at ARPACK's tolerance `probeTolerance`, whichever comes first: converging it
    /// costs nearly a whole solve (286 products to tol 1e-2 against 367 to 1e-6 on a 300k planted
    /// partition), while two restarts (94-108 products) already give a safe cut (docs/math.md 7.11).
    static let probeRestarts = 2
    static let probeTolerance = 1e-2

    /// The cut refinement of L (docs/math.md 7.11) runs when the probe's (count+1)-th Ritz value lies
    /// more than `refinementRatio` times beyond its first: the unfiltered probe then has not reached
    /// the wanted end's neighbours, and its cut leaves the filter weak (aug1m: the probe's 1.14
    /// against lambda_18 = 0.055, a ratio of 38; sbm1m 3.8 and the 300k planted partition 3.1, where
    /// a tighter cut saved at most 11% of the products and the refinement cost more,
    /// docs/benchmarks.md). One restart cycle of Lanczos on a filter of degree at most
    /// `refinementDegree`, then Rayleigh-Ritz of B on its Krylov basis. Only where sigma_AM over the
    /// bounds' lowest Ritz value is at most `amgRatio`, the range where `auto` picks the filter: on a
    /// 100k kNN graph far above it (lambda_1 = 8.8e-5) the refinement cost 439 products and saved none.
    static let refinementRatio = 10.0
    static let refinementDegree = 5

    /// The cost model of the filter's degree (docs/math.md 7.11), fitted to the probe timings of
    /// docs/benchmarks.md ("Filter degree: a model, not timings"): one step of ARPACK's own work costs
    /// about `stepCostPerRowAndVector` ncv n, one product about `productCostPerNonzero` nnz +
    /// `productCostPerRow` n (the Chebyshev recurrence's vector passes included). Only the ratio matters,
    /// so the unit (nanoseconds on the machine they were fitted on) does too little to need a name.
    static let stepCostPerRowAndVector = 1.45
    static let productCostPerNonzero = 1.3
    static let productCostPerRow = 8.0

    /// Not collective. The cost model's step of ARPACK's own work in products, for a component of
    /// `rows` rows and `nonzeros` stored entries (the whole component, every rank) at Krylov dimension
    /// `ncv`. From sizes alone, never from timings: the degree, and with it every result, is then the
    /// same in every run and at every rank count.
    static func stepToProduct(rows: Int, nonzeros: Int, krylovDimension ncv: Int) -> Double {
        let step = stepCostPerRowAndVector * Double(ncv) * Double(rows)
        let product = productCostPerNonzero * Double(nonzeros) + productCostPerRow * Double(rows)
        return product > 0 ? step / product : 1
    }

    /// Not collective. The filter degree from the cost model of docs/math.md 7.11: a filtered step
    /// costs m products and one step of ARPACK's own work, worth `ratio` products
    /// (`stepToProduct`); m = 2 ratio + 1 keeps the products at least two thirds of the solve, where fewer
    /// ARPACK steps per product pay. Odd, between 3 and 15 (degree 16 lost on R-MAT 16), and at most
    /// what keeps the filter's range T_m(t(top)) within `maxRange` (`rangeFactor` = acosh t(top)): a
    /// pair whose filtered value is near 1 carries rounding errors of u T_m(t(top)) relative, which
    /// the certification would reject.
    static func filterDegree(stepToProduct ratio: Double, rangeFactor: Double = 0, maxRange: Double = 1e4) -> Int {
        var m = ratio.isFinite ? Int((2 * max(ratio, 0) + 1).rounded()) : 3
        if rangeFactor > 0 { m = min(m, Int((acosh(maxRange) / rangeFactor).rounded(.down))) }
        let clamped = min(15, max(3, m))
        return clamped % 2 == 1 ? clamped : clamped - 1
    }

    /// Collective over `communicator`. Seconds per product and ARPACK's own seconds per step of a
    /// solve whose steps each apply `productsPerStep` products (the slowest rank's), as reported.
    static func measuredCosts(_ report: LanczosReport, productsPerStep: Int,
                              communicator: Communicator) -> (product: Double, step: Double) {
        var times = [report.operatorSeconds, report.seconds - report.operatorSeconds]
        communicator.allreduceMax(&times)
        let steps = Double(max(report.matvecs, 1))
        return (times[0] / (steps * Double(productsPerStep)), max(times[1], 0) / steps)
    }

    /// Collective over `communicator` (the ranks holding the component). The `count` wanted
    /// eigenpairs of M (the smallest of L, the largest of G or A_n) by Lanczos on p(B), the Chebyshev
    /// filter of B = -L, G or A_n (deflated) over the damped [lower, cut] (docs/math.md 7.11):
    /// 1. bounds of B's spectrum: [-1, 1] for A_n; a short Lanczos run's theta +- |beta s| for G
    ///    and L (`bounds`, when given, is that run for L);
    /// 2. an unfiltered probe to `probeTolerance`: the cut is its (count+1)-th Ritz value, by Cauchy
    ///    interlacing on the safe side of lambda_{count+1}, and the sum of its Ritz vectors starts (3).
    ///    For L, where it applies, the `LowDegreeBound` on lambda_{count+1} gives the cut instead (no
    ///    products) and `start` starts (3);
    /// 3. Lanczos on p(B) with the degree from the cost model (`stepToProduct`); values are Rayleigh quotients on M,
    ///    wanted end first. A quotient on the damped side of the cut moves the cut below the smallest
    ///    Ritz value of B on the returned vectors' span and the solve resumes from them, at most twice.
    /// `cap` bounds |M| (Anderson-Morley for L, d_max for G); `operatorNorm` is the certification's ||M||.
    /// `misplacedCut` (tests only) replaces the probe's cut, on M's scale, to exercise the cut check;
    /// `looseCut` (tests only, L) replaces it with a loose one and runs the cut refinement on it.
    func chebyshevSolve(block: ComponentBlock, kind: RelationOperatorKind, deflation: Deflation, start: [Double],
                        count: Int, tolerance: Double, bounds known: SpectrumBounds?, cap: Double,
                        operatorNorm: Double, label: String, reporting: Bool, communicator: Communicator,
                        misplacedCut: Double? = nil, looseCut: Double? = nil)
        throws -> (values: [Double], vectors: [Double], report: LanczosReport, filter: ChebyshevReport) {
        let base = ComponentOperator(block: block, kind: kind, shift: 0, deflation: deflation)
        // M = sign B: B's largest are wanted.
        let sign: Double = kind == .laplacian ? -1 : 1
        let progress = reporting ? self.progress : nil
        var begin = start
        // 1. B's spectrum lies in [lowerB, topB].
        var lowerB = -1.0, topB = 1.0
        var boundSteps = 0, boundSeconds = 0.0, boundLowest = 0.0
        if kind != .normalizedAdjacency {
            let b = try known ?? SpectrumBounds(base, sign: sign, start: start, steps: Self.predictionSteps,
                                                globalDimension: block.size, cap: cap, communicator: communicator)
            (boundSteps, boundSeconds, boundLowest) = (b.steps, b.seconds, b.ritz.first ?? 0)
            // L is positive semidefinite: -L lies in [-upper, 0].
            (lowerB, topB) = kind == .laplacian ? (-b.upper, 0) : (b.lower, b.upper)
        }
        // 2. The cut and the start: for L, from the lowest-degree rows where that bound lies near the
        // bottom of the spectrum or the cut refinement (3b) will tighten it; otherwise the probe.
        var lowDegree: LowDegreeBound? = nil
        if kind == .laplacian, boundLowest > 0, let bound = try LowDegreeBound(block: block, count: count,
                                                                               communicator: communicator) {
            let near = bound.values[count] <= Self.refinementRatio * boundLowest
            let refinable = Self.inverseRatio(andersonMorley: cap, lowestRitz: boundLowest) <= Self.amgRatio
            if near || refinable { lowDegree = bound }
        }
        let probeSettings = LanczosSettings(tolerance: Self.probeTolerance, maxRestarts: Self.probeRestarts,
                                            krylovDimension: settings.krylovDimension)
        let probeSolver = LanczosSolver(settings: probeSettings,
                                        communicator: communicator) { state in
            progress?("lanczos \(label), chebyshev probe: \(state.summary())")
        }
        // L's probe runs on sigma I - L (the spectral shift, sigma = `cap`): the deflated indicator's
        // eigenvalue 0 is then the smallest, never wanted, where on -L it would be the largest.
        let probeShift = kind == .laplacian ? cap : 0
        let probeOperator = kind == .laplacian
            ? ComponentOperator(block: block, kind: kind, shift: probeShift, deflation: deflation) : base
        let ncv = settings.krylovDimension(nev: count, dimension: block.size)
        let (shifted, probeVectors, shiftedReport) = lowDegree == nil
            ? try probeSolver.largest(probeOperator, count: count, globalDimension: block.size, start: start)
            : ([], [], LanczosReport(requested: count, converged: 0, restarts: 0, matvecs: 0, krylovDimension: ncv,
                                     dimension: block.size, seconds: lowDegree?.seconds ?? 0, info: .normal))
        let probeValues = shifted.map { $0 - probeShift }
        var probe = shiftedReport
        probe.finalRitz = probe.finalRitz.map { $0 - probeShift }
        probe.nextRitzValue = probe.nextRitzValue.map { $0 - probeShift }
        var total = probe
        let n = block.rows.count
        if !probeValues.isEmpty {
            begin = (0..<n).map { t in (0..<probeValues.count).reduce(0) { $0 + probeVectors[$1 * n + t] } }
            deflation.project(&begin)
        }
        // The (count+1)-th Ritz value from the top, less 1% of the spread: a wanted eigenvalue right at
        // the cut has p = 1, which T_m also takes at m/2 points inside the damped interval, so its
        // pair would mix with damped ones. Never at or past the bounds.
        let spread = topB - lowerB
        var cut = probe.finalRitz.count > count ? probe.finalRitz[count] - 0.01 * spread : lowerB + 0.5 * spread
        if let lowDegree { cut = -lowDegree.values[count] - 0.01 * spread }
        if let misplacedCut { cut = sign * misplacedCut }
        if let looseCut { cut = sign * looseCut }
        cut = min(max(cut, lowerB + 1e-3 * spread), topB - 1e-3 * spread)
        // 3. The degree from the cost model: sizes only, so the same on every rank and in every run.
        // The probe's timings are reported beside it.
        let (perProduct, perStep) = Self.measuredCosts(probe, productsPerStep: 1, communicator: communicator)
        let nonzeros = communicator.allreduceSum(block.nonzeros)
        let ratio = Self.stepToProduct(rows: block.size, nonzeros: nonzeros, krylovDimension: ncv)
        let range = acosh((2 * topB - cut - lowerB) / (cut - lowerB))
        // Rounding of u T_m(t(top)) relative stays 100 times below the tolerance (at least 1e2).
        let maxRange = max(1e2, 1e-2 * tolerance / Double.ulpOfOne)
        let degree = Self.filterDegree(stepToProduct: ratio, rangeFactor: range, maxRange: maxRange)
        // The wanted end's magnitude, not below the certification's floor (docs/math.md 7.10).
        let floor = Certification.roundingFloor * operatorNorm / max(tolerance, Double.ulpOfOne)
        // Without a probe, the bounds run's lowest Ritz value (at least lambda_1; the certification
        // judges the pairs either way).
        let magnitude = max(lowDegree != nil ? boundLowest : probeValues.map(abs).min() ?? abs(topB), floor)
        // ARPACK's test on p(B) bounds the residual on M by about tol times the spread of B's
        // spectrum: aim at tol times the wanted eigenvalues' magnitude.
        let arpackTolerance = max(Self.tightestTolerance, min(tolerance, 0.5 * tolerance * magnitude / spread))
        var filter = ChebyshevReport(degree: degree, cut: sign * cut, upper: sign > 0 ? topB : -lowerB,
                                     lower: sign > 0 ? lowerB : -topB, boundSteps: boundSteps,
                                     boundSeconds: boundSeconds,
                                     lowestRitz: lowDegree != nil ? boundLowest : sign * (probe.finalRitz.first ?? 0),
                                     probeMatvecs: probe.matvecs, secondsPerProduct: perProduct, secondsPerStep: perStep,
                                     stepToProduct: ratio,
                                     arpackTolerance: arpackTolerance)
        filter.lowDegreeBound = lowDegree?.values[count]
        // 3b. L: the cut refinement, where the probe's cut is far from the wanted end.
        let lowest = lowDegree != nil ? boundLowest : -(probe.finalRitz.first ?? 0)
        let next = lowDegree?.values[count] ?? (probe.finalRitz.count > count ? -probe.finalRitz[count] : 0)
        let refine = lowest > 0 && next > Self.refinementRatio * lowest
            && Self.inverseRatio(andersonMorley: cap, lowestRitz: boundLowest) <= Self.amgRatio
        if kind == .laplacian, misplacedCut == nil, refine || looseCut != nil {
            // The stage's basis, kept for the Rayleigh-Ritz after the solver returns.
            let storage = KrylovBasisStorage(count: n * ncv)
            let stageDegree = min(Self.refinementDegree, degree)
            let stage = ChebyshevFilter(base: base, degree: stageDegree, cut: cut, lower: lowerB)
            var solver = LanczosSolver(settings: LanczosSettings(tolerance: arpackTolerance, maxRestarts: 1,
                                                                 krylovDimension: settings.krylovDimension),
                                       communicator: communicator) { state in
                progress?("lanczos \(label), chebyshev cut refinement: \(state.summary(unit: "filter applications (degree \(stageDegree))"))")
            }
            solver.workspace = storage
            let began = Date()
            let (_, _, report) = try solver.largest(stage, count: count, globalDimension: block.size, start: begin)
            // The solver kept its basis (ncv orthonormal columns) in `storage`.
            let ritz = try rayleighRitz(base, basis: UnsafePointer(storage.pointer), columns: ncv, rows: n, wanted: count,
                                        communicator: communicator)
            filter.refinementMatvecs = report.matvecs * stageDegree + ncv
            total.matvecs += filter.refinementMatvecs
            total.restarts += report.restarts
            total.seconds += Date().timeIntervalSince(began)
            total.operatorSeconds += report.operatorSeconds
            // lambda_count(B) >= theta_{count+1} (interlacing on the basis); p(lambda_count) >= 2 when
            // the cut lies spread (acosh 2 / m)^2 / 4 below it (docs/math.md 7.11).
            let refined = ritz.values[count] - spread * pow(acosh(2.0) / Double(degree), 2) / 4
            if refined > cut {
                filter.probeCut = sign * cut
                cut = min(refined, topB - 1e-3 * spread)
                filter.cut = sign * cut
                begin = ritz.start
                deflation.project(&begin)
            }
        }
        // 4. Lanczos on p(B), B's damped interval [lowerB, cutB].
        var cutB = cut
        while true {
            let op = ChebyshevFilter(base: base, degree: filter.degree, cut: cutB, lower: lowerB)
            let solver = LanczosSolver(settings: settings.with(tolerance: arpackTolerance), communicator: communicator) { state in
                progress?("lanczos \(label): \(state.summary(unit: "filter applications (degree \(filter.degree))"))")
            }
            let (theta, ritzVectors, report) = try solver.largest(op, count: count, globalDimension: block.size,
                                                                  start: begin)
            let (values, vectors) = rayleighQuotients(block: block, kind: kind, deflation: deflation,
                                                      vectors: ritzVectors, count: theta.count,
                                                      communicator: communicator)
            // Ritz values of p(B) have no monotone inverse over the whole spectrum: only the probe's
            // (on B's scale) are kept for the gap certificate (docs/math.md 7.12).
            total.matvecs += report.matvecs * filter.degree
            total.restarts += report.restarts
            total.seconds += report.seconds
            total.operatorSeconds += report.operatorSeconds
            total.converged = report.converged
            total.info = report.info
            if lowDegree != nil && filter.cutRaises == 0 {
                (filter.secondsPerProduct, filter.secondsPerStep) =
                    Self.measuredCosts(report, productsPerStep: filter.degree, communicator: communicator)
            }
            // The quotient nearest the damped side, on B's scale.
            let inner = values.map { sign * $0 }.min() ?? 0
            guard inner <= cutB, filter.cutRaises < 2, !values.isEmpty else {
                return (values, vectors, total, filter)
            }
            // The smallest Ritz value of B on the returned vectors' span is at most lambda_count(B)
            // (interlacing): a cut below it damps no wanted eigenvalue.
            filter.cutRaises += 1
            let safe = try smallestRitzValue(base, vectors: vectors, count: values.count, communicator: communicator)
            cutB = max(min(inner, safe) - 0.05 * (min(inner, safe) - lowerB), lowerB + 1e-3 * spread)
            filter.cut = sign * cutB
            begin = (0..<n).map { t in (0..<values.count).reduce(0) { $0 + vectors[$1 * n + t] } }
            deflation.project(&begin)
        }
    }

    /// Collective over `communicator`. V' B V for the `columns` orthonormal columns V of `basis` (this
    /// rank's `rows` rows, column-major), symmetrised: B is symmetric, V' B V only up to rounding. The
    /// products run 8 columns at a time.
    private func projected(_ base: ComponentOperator, basis: UnsafePointer<Double>, columns m: Int, rows n: Int,
                           communicator: Communicator) -> DenseMatrix {
        var h = [Double](repeating: 0, count: m * m)
        let width = 8
        var products = [Double](repeating: 0, count: max(n * min(width, m), 1))
        var first = 0
        while first < m {
            let c = min(width, m - first)
            products.withUnsafeMutableBufferPointer { y in
                base.apply(columns: basis + first * n, count: c, into: y.baseAddress!)
                // Columns first..<first+c of V' B V.
                h.withUnsafeMutableBufferPointer { hp in
                    if n > 0 {
                        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(c), Int32(n), 1, basis,
                                    Int32(n), y.baseAddress, Int32(n), 0, hp.baseAddress! + first * m, Int32(m))
                    }
                }
            }
            first += c
        }
        communicator.allreduceSum(&h)
        var matrix = DenseMatrix(rows: m, columns: m)
        for a in 0..<m { for b in 0..<m { matrix[a, b] = 0.5 * (h[a + b * m] + h[b + a * m]) } }
        return matrix
    }

    /// Collective over `communicator`. Rayleigh-Ritz of B on the `columns` orthonormal columns of
    /// `basis` (this rank's `rows` rows, column-major): the Ritz values, descending, and the sum of
    /// the `wanted` leading Ritz vectors (a start vector).
    private func rayleighRitz(_ base: ComponentOperator, basis: UnsafePointer<Double>, columns m: Int,
                              rows n: Int, wanted: Int, communicator: Communicator) throws
        -> (values: [Double], start: [Double]) {
        let eig = try SymmetricEigen(projected(base, basis: basis, columns: m, rows: n, communicator: communicator))
        // Ascending from LAPACK: the wanted leading ones are the last.
        var s = [Double](repeating: 0, count: m)
        for j in (m - wanted)..<m { for a in 0..<m { s[a] += eig.vectors[a, j] } }
        var start = [Double](repeating: 0, count: max(n, 1))
        if n > 0 {
            cblas_dgemv(CblasColMajor, CblasNoTrans, Int32(n), Int32(m), 1, basis, Int32(n), s, 1, 0, &start, 1)
        }
        return (Array(eig.values.reversed()), Array(start.prefix(n)))
    }

    /// Collective over `communicator`. The smallest eigenvalue of V' B V for the `count` orthonormal
    /// columns V of `vectors` (this rank's rows): by Cauchy interlacing at most the count-th largest
    /// eigenvalue of B.
    private func smallestRitzValue(_ base: ComponentOperator, vectors: [Double], count: Int,
                                   communicator: Communicator) throws -> Double {
        let h = vectors.withUnsafeBufferPointer { v in
            projected(base, basis: v.baseAddress!, columns: count, rows: base.localDimension, communicator: communicator)
        }
        return try SymmetricEigen(h, vectors: false).values.first ?? 0
    }
}
