@testable import Spectral
import EigenpairTestSupport
import DenseAlgebra
import Foundation
import PairGraph
import Testing

/// A random graph of `n` nodes and mean degree about 12, unit weights: an expander, whose
/// Cholesky factor fills in (a separator of a fixed fraction of the nodes).
private func expander(n: Int, seed: UInt64) throws -> SparseGraph {
    var rng = SeededRNG(seed: seed)
    var e = TestEdges(n: n)
    for i in 0..<n {
        for _ in 0..<6 {
            let j = rng.index(n)
            if j != i { e.add(i, j) }
        }
    }
    e.connect(&rng)
    return try e.assemble()
}

@Suite(.serialized) struct ChebyshevTests {
    /// The Chebyshev-filtered solve against dense LAPACK: values to 1e-9 relative, eigenspaces,
    /// certification; the filter's upper bound is at least the component's lambda_max and every
    /// returned pair lies below the cut (where the filter orders eigenvalues).
    @Test(arguments: ShiftInvertFamily.allCases)
    func matchesDenseLAPACK(_ family: ShiftInvertFamily) throws {
        let graph = family == .path ? try TestGraphs.path(60) : try family.graph()
        let label = "\(family.rawValue) L chebyshev"
        let spectrum = try solveMatchingDense(graph, count: family.count, method: .chebyshev, label: label)
        for solve in spectrum.solves {
            #expect(solve.method == "chebyshev" && solve.factorNonzeros == nil && solve.predictedFactorBytes == nil)
            let filter = try #require(solve.chebyshev)
            #expect(filter.degree % 2 == 1 && filter.degree >= 3)
            // lambda_max of the component, from the dense operator restricted to its rows.
            let rows = graph.components.rows(solve.component).map(Int.init)
            let full = DenseReference.operatorMatrix(graph, kind: .laplacian)
            var block = DenseMatrix(rows: rows.count, columns: rows.count)
            for (a, r) in rows.enumerated() { for (b, c) in rows.enumerated() { block[a, b] = full[r, c] } }
            let top = try SymmetricEigen(block, vectors: false).values.last ?? 0
            #expect(filter.upper >= top * (1 - 1e-9), "\(label): upper \(filter.upper) below lambda_max \(top)")
            #expect(filter.cut < filter.upper)
            let own = spectrum.values.enumerated().filter { spectrum.sources[$0.offset] == .lanczos }.map(\.element)
            #expect(own.allSatisfy { $0 < filter.cut }, "\(label): values \(own) vs cut \(filter.cut)")
        }
    }

    /// `auto` on an expander whose factor cannot fit the budget decides from the prediction, without
    /// running the analysis (no factor size is reported, the note says so), runs the Chebyshev
    /// filter (certified) and gets the same answer
    /// as forced shift-invert. The premise is checked independently: the forced analysis's factor
    /// is over the budget, and the prediction is not above it by more than the factor's padding.
    @Test func autoSkipsTheAnalysisWhenTheFactorCannotFit() throws {
        let graph = try expander(n: 1500, seed: 31)
        let budget = 500_000
        let forced = try solveLaplacian(graph, count: 6, method: .shiftInvert)
        let factorBytes = try #require(forced.solves.first?.factorBytes)
        try #require(factorBytes > budget, "premise: the factor (\(factorBytes) bytes) must exceed the budget")
        let spectrum = try solveLaplacian(graph, count: 6, method: .auto, factorBudgetBytes: budget, factorBudgetRatio: 0)
        let solve = try #require(spectrum.solves.first)
        let predicted = try #require(solve.predictedFactorBytes)
        #expect(predicted > budget && predicted <= 4 * factorBytes, "predicted \(predicted), analysed \(factorBytes)")
        #expect(solve.method == "chebyshev", "method \(solve.method ?? "nil"), note \(solve.methodNote ?? "nil")")
        #expect(solve.factorNonzeros == nil && solve.factorBytes == nil, "an analysis ran")
        #expect(solve.methodNote?.contains("no analysis was run") == true, "note: \(solve.methodNote ?? "nil")")
        #expect(spectrum.converged)
        for j in 0..<6 {
            #expect(abs(forced.values[j] - spectrum.values[j]) <= 1e-9 * forced.values[j], "lambda_\(j + 1)")
        }
    }

    /// `auto` on an expander whose factor fits the memory budget but costs more than the spectral
    /// shift by the cost model (a dense-ish factor, sigma / lambda_1 small): the analysis runs,
    /// Lanczos on L (Chebyshev-filtered, sigma_AM / lambda_1 being small) is chosen with the reason,
    /// and the answer is the one forced shift-invert gives.
    @Test func autoPrefersTheSpectralShiftWhenTheFactorIsCostly() throws {
        let graph = try expander(n: 1500, seed: 31)
        let forced = try solveLaplacian(graph, count: 6, method: .shiftInvert)
        let spectrum = try solveLaplacian(graph, count: 6, method: .auto)
        let solve = try #require(spectrum.solves.first)
        #expect(solve.method == "chebyshev", "method \(solve.method ?? "nil"), note \(solve.methodNote ?? "nil")")
        #expect((solve.factorNonzeros ?? 0) > 0 && solve.methodNote?.contains("predicted to cost") == true,
                "note: \(solve.methodNote ?? "nil")")
        #expect(spectrum.converged)
        for j in 0..<6 {
            #expect(abs(forced.values[j] - spectrum.values[j]) <= 1e-9 * forced.values[j], "lambda_\(j + 1)")
        }
    }

    /// The degree model: m = 2 ratio + 1 for a step of ARPACK's own work costing `ratio` products,
    /// odd, within [3, 15], capped by the filter's range.
    @Test func degreeModel() {
        #expect(SpectrumSolver.filterDegree(stepToProduct: 2.5) == 5)
        #expect(SpectrumSolver.filterDegree(stepToProduct: 4) == 9)
        #expect(SpectrumSolver.filterDegree(stepToProduct: 0.1) == 3)
        #expect(SpectrumSolver.filterDegree(stepToProduct: 100) == 15)
        #expect(SpectrumSolver.filterDegree(stepToProduct: .nan) == 3)
        // A wide filter range caps the degree: T_m(t(top)) <= 1e4, acosh(1e4) = 9.9.
        #expect(SpectrumSolver.filterDegree(stepToProduct: 100, rangeFactor: 1) == 9)
    }

    /// The cost model behind the degree reproduces the degrees that the probe's own timings picked on
    /// the benchmark graphs of docs/benchmarks.md ("Filter degree: a model, not timings"), from sizes
    /// alone: the planted partition 300k (5), aug1m's component (9 or 11 by timings; 11), R-MAT 18's
    /// component at K = 16 (3) and K = 64 (7). A step's cost grows with ncv, a product's does not.
    @Test func degreeFromSizes() {
        func degree(rows: Int, nonzeros: Int, ncv: Int) -> Int {
            SpectrumSolver.filterDegree(stepToProduct: SpectrumSolver.stepToProduct(rows: rows, nonzeros: nonzeros,
                                                                                  krylovDimension: ncv))
        }
        #expect(degree(rows: 300_000, nonzeros: 5_994_400, ncv: 49) == 5)
        #expect(degree(rows: 997_620, nonzeros: 4_492_848, ncv: 49) == 11)
        #expect(degree(rows: 173_908, nonzeros: 7_610_710, ncv: 48) == 3)
        #expect(degree(rows: 173_908, nonzeros: 7_610_710, ncv: 128) == 7)
        let base = SpectrumSolver.stepToProduct(rows: 1000, nonzeros: 20_000, krylovDimension: 40)
        #expect(abs(SpectrumSolver.stepToProduct(rows: 1000, nonzeros: 20_000, krylovDimension: 80) - 2 * base) <= 1e-12 * base)
    }

    /// `--filter chebyshev` on G and A_n against dense LAPACK: values to 1e-9 of the spectrum's
    /// scale, eigenspaces, residuals, sign rule (`expectMatchesDense`), certified; every Lanczos
    /// component ran the filter, whose damped interval [lower, cut] lies below every pair it returned
    /// (A_n's bounds are exactly [-1, 1]).
    @Test(arguments: ShiftInvertFamily.allCases, [RelationOperatorKind.adjacency, .normalizedAdjacency])
    func filterOnGAndAnMatchesDenseLAPACK(_ family: ShiftInvertFamily, _ kind: RelationOperatorKind) throws {
        let graph = family == .path ? try TestGraphs.path(60) : try family.graph()
        let label = "\(family.rawValue) \(kind.rawValue) chebyshev"
        let spectrum = try solveWhole(graph, kind: kind, count: family.count,
                                      method: MethodChoice(denseLimit: 8, filter: .chebyshev), communicator: testMPI.world)
        try expectMatchesDense(spectrum, graph: graph, kind: kind, count: family.count, label: label)
        #expect(spectrum.converged && spectrum.certification.certified, "\(label): \(spectrum.certification.values)")
        #expect(!spectrum.solves.isEmpty)
        let own = spectrum.values.enumerated().filter { spectrum.sources[$0.offset] == .lanczos }.map(\.element)
        for solve in spectrum.solves {
            let filter = try #require(solve.chebyshev, "\(label): component \(solve.component) unfiltered")
            #expect(filter.degree % 2 == 1 && filter.degree >= 3 && filter.probeMatvecs > 0)
            #expect(filter.lower < filter.cut && filter.cut < filter.upper, "\(label): \(filter)")
            if kind == .normalizedAdjacency { #expect(filter.lower == -1 && filter.upper == 1) }
        }
        if spectrum.solves.count == 1, let filter = spectrum.solves.first?.chebyshev {
            #expect(own.allSatisfy { $0 > filter.cut }, "\(label): values \(own) vs cut \(filter.cut)")
        }
    }

    /// The cut check: a cut placed between the 2nd and 3rd wanted eigenvalues damps the others, so
    /// the first filtered solve returns pairs on the damped side; the cut moves below the smallest
    /// Ritz value of the returned span and the resumed solve gets all of them, to 1e-9 of dense LAPACK.
    @Test(arguments: RelationOperatorKind.allCases)
    func misplacedCutIsRepaired(_ kind: RelationOperatorKind) throws {
        let graph = try SpectralFamily.sbm.graph()
        try #require(graph.components.count == 1)
        let count = 6
        // Dense eigenvalues on the deflated space, the wanted end first (L's reference is already on
        // 1-perp; A_n's starts with the trivial 1 of D^{1/2} 1).
        let all = try DenseReference.spectrum(graph, kind: kind).values
        let reference = Array(all.dropFirst(kind == .normalizedAdjacency ? 1 : 0).prefix(count))
        let bad = 0.5 * (reference[1] + reference[2])
        try withSolverLock {
            let world = testMPI.world
            let distributed = try graph.distributed(over: world)
            let block = ComponentBlock(graph: distributed, component: 0)
            let weights = KnownEigenvectors.weights(distributed, kind: kind)
            let volume = world.allreduceSum(block.rows.reduce(0) { $0 + weights[Int($1)] })
            let indicator = kind == .adjacency ? []
                : KnownEigenvectors.localIndicator(rows: block.rows, weights: weights, volume: volume)
            let deflation = Deflation(indicator, active: kind != .adjacency, communicator: world)
            var start = block.rows.map { StartVector.entry(globalRow: block.firstRow + Int($0)) }
            deflation.project(&start)
            let solver = SpectrumSolver(settings: LanczosSettings(tolerance: 1e-10))
            let (values, _, _, filter) = try solver.chebyshevSolve(
                block: block, kind: kind, deflation: deflation, start: start, count: count, tolerance: 1e-10,
                bounds: nil, cap: kind == .laplacian ? block.andersonMorley(graph: distributed) : distributed.maxDegree,
                operatorNorm: 2 * distributed.maxDegree, label: "test", reporting: false, communicator: world,
                misplacedCut: bad)
            #expect(filter.cutRaises >= 1, "\(kind.rawValue): the misplaced cut \(bad) was not moved")
            let scale = max(1, all.map(abs).max() ?? 0)
            #expect(values.count == count)
            for (v, r) in zip(values, reference) {
                #expect(abs(v - r) <= 1e-9 * scale, "\(kind.rawValue): \(values) vs dense \(reference)")
            }
            let wanted = kind == .laplacian ? values.allSatisfy { $0 < filter.cut } : values.allSatisfy { $0 > filter.cut }
            #expect(wanted, "\(kind.rawValue): \(values) vs cut \(filter.cut)")
        }
    }

    /// The cut refinement, run on a cut placed halfway up L's spectrum (`looseCut`): a small graph's
    /// probe converges, so its own cut leaves nothing to refine. One filtered cycle and Rayleigh-Ritz
    /// on its basis must move the cut below the loose one yet beyond the dense lambda_count
    /// (interlacing), and the pairs match dense LAPACK to 1e-9.
    @Test func cutRefinementTightensASafeCut() throws {
        let graph = try SpectralFamily.sbm.graph()
        let count = 6
        let all = try DenseReference.spectrum(graph, kind: .laplacian).values
        let reference = Array(all.prefix(count))
        let loose = 0.5 * all.max()!
        try withSolverLock {
            let world = testMPI.world
            let distributed = try graph.distributed(over: world)
            let block = ComponentBlock(graph: distributed, component: 0)
            let weights = KnownEigenvectors.weights(distributed, kind: .laplacian)
            let volume = world.allreduceSum(block.rows.reduce(0) { $0 + weights[Int($1)] })
            let deflation = Deflation(KnownEigenvectors.localIndicator(rows: block.rows, weights: weights, volume: volume),
                                      active: true, communicator: world)
            var start = block.rows.map { StartVector.entry(globalRow: block.firstRow + Int($0)) }
            deflation.project(&start)
            let solver = SpectrumSolver(settings: LanczosSettings(tolerance: 1e-10))
            let (values, _, report, filter) = try solver.chebyshevSolve(
                block: block, kind: .laplacian, deflation: deflation, start: start, count: count, tolerance: 1e-10,
                bounds: nil, cap: block.andersonMorley(graph: distributed), operatorNorm: 2 * distributed.maxDegree,
                label: "test", reporting: false, communicator: world, looseCut: loose)
            let probeCut = try #require(filter.probeCut, "the refinement did not run or found no tighter cut")
            #expect(probeCut == loose)
            #expect(filter.refinementMatvecs > 0 && report.matvecs > filter.refinementMatvecs)
            #expect(filter.cut < probeCut, "refined \(filter.cut) vs probe's \(probeCut)")
            #expect(filter.cut > reference[count - 1], "refined cut \(filter.cut) vs dense lambda_\(count) \(reference[count - 1])")
            #expect(values.count == count)
            let scale = 2 * distributed.maxDegree
            for (v, r) in zip(values, reference) {
                #expect(abs(v - r) <= 1e-9 * scale, "\(values) vs dense \(reference)")
            }
        }
    }
}
