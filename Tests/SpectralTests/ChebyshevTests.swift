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
    /// running the analysis (no factor size is reported, the note says so), falls back to the
    /// spectral shift (certified) and gets the same answer
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
        #expect(solve.method == "spectral-shift")
        #expect(solve.factorNonzeros == nil && solve.factorBytes == nil, "an analysis ran")
        #expect(solve.methodNote?.contains("no analysis was run") == true, "note: \(solve.methodNote ?? "nil")")
        #expect(spectrum.converged)
        for j in 0..<6 {
            #expect(abs(forced.values[j] - spectrum.values[j]) <= 1e-9 * forced.values[j], "lambda_\(j + 1)")
        }
    }

    /// `auto` on an expander whose factor fits the memory budget but costs more than the spectral
    /// shift by the cost model (a dense-ish factor, sigma / lambda_1 small): the analysis runs, the
    /// spectral shift is chosen with the reason, and the answer is the one forced shift-invert gives.
    @Test func autoPrefersTheSpectralShiftWhenTheFactorIsCostly() throws {
        let graph = try expander(n: 1500, seed: 31)
        let forced = try solveLaplacian(graph, count: 6, method: .shiftInvert)
        let spectrum = try solveLaplacian(graph, count: 6, method: .auto)
        let solve = try #require(spectrum.solves.first)
        #expect(solve.method == "spectral-shift", "method \(solve.method ?? "nil"), note \(solve.methodNote ?? "nil")")
        #expect((solve.factorNonzeros ?? 0) > 0 && solve.methodNote?.contains("predicted to cost") == true,
                "note: \(solve.methodNote ?? "nil")")
        #expect(spectrum.converged)
        for j in 0..<6 {
            #expect(abs(forced.values[j] - spectrum.values[j]) <= 1e-9 * forced.values[j], "lambda_\(j + 1)")
        }
    }

    /// The degree model: odd, within [3, 31], larger for sparser graphs (less work per product
    /// next to ARPACK's orthogonalisation), capped by the filter's range.
    @Test func degreeModel() {
        let sparse = SpectrumSolver.filterDegree(nodes: 1000, nonzeros: 1000, ncv: 48)
        let dense = SpectrumSolver.filterDegree(nodes: 1000, nonzeros: 20000, ncv: 48)
        #expect(sparse == 9 && dense == 3, "\(sparse), \(dense)")
        #expect(SpectrumSolver.filterDegree(nodes: 10_000, nonzeros: 10_000, ncv: 200) == 31)
        // A wide filter range caps the degree: T_m(t(0)) <= 1e4, acosh(1e4) = 9.9.
        #expect(SpectrumSolver.filterDegree(nodes: 10_000, nonzeros: 10_000, ncv: 200, rangeFactor: 1) == 9)
    }
}
