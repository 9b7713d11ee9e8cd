@testable import Spectral
import EigenpairTestSupport
import DenseAlgebra
import Foundation
import PairGraph
import Testing

/// AMG and Jacobi shift-invert (`--laplacian-method amg`, `jacobi`; docs/math.md 7.13): Lanczos on
/// (L_c + sigma I)^-1 applied by hypre PCG with a BoomerAMG V-cycle or diagonal scaling, judged
/// against dense LAPACK.
@Suite(.serialized) struct AMGShiftInvertTests {
    /// Every family (a path, Erdos-Renyi, SBM, kNN, several components with ties across them)
    /// against dense LAPACK: values to 1e-9 relative, eigenspaces, residuals and the sign rule
    /// (`expectMatchesDense`), certified; each Lanczos component records the method, sigma and PCG's
    /// work, and every inner solve met its tolerance.
    @Test(arguments: ShiftInvertFamily.allCases, [LaplacianMethod.amg, .jacobi])
    func matchesDenseLAPACK(_ family: ShiftInvertFamily, _ method: LaplacianMethod) throws {
        let graph = try family.graph()
        let label = "\(family.rawValue) L \(method.rawValue)"
        let spectrum = try solveMatchingDense(graph, count: family.count, method: method, label: label)
        for solve in spectrum.solves {
            #expect(solve.method == method.rawValue, "\(label): component \(solve.component) used \(solve.method ?? "nil")")
            let amg = try #require(solve.amg)
            #expect(amg.sigma > 0 && solve.epsilon == amg.sigma && solve.shift == -amg.sigma)
            // The gap check's products are of L itself, not of the inverse.
            #expect(amg.solves >= solve.report.matvecs - (solve.gapCheckMatvecs ?? 0) && amg.iterations >= amg.solves)
            #expect(amg.unconverged == 0 && amg.worstRelativeResidual <= amg.innerTolerance)
            #expect(amg.innerTolerance <= (solve.tolerance ?? 1) / 5)
            #expect(solve.factorNonzeros == nil && solve.factorBytes == nil)
        }
    }

    /// Small eigenvalues far below the degree scale (a path of 3000 nodes: lambda_1 = 1.1e-6 against
    /// degrees of 2) against the analytic lambda_k = 2 - 2 cos(pi k / n): sigma follows lambda_1, so
    /// the inverse still separates them.
    @Test func longPathSmallEigenvalues() throws {
        let n = 3000, count = 6
        let spectrum = try solveLaplacian(try TestGraphs.path(n), count: count, method: .amg)
        #expect(spectrum.converged && spectrum.solves.first?.method == "amg")
        for k in 1...count {
            let lk = 2 - 2 * cos(Double.pi * Double(k) / Double(n))
            let v = spectrum.values[k - 1]
            #expect(abs(v - lk) <= 1e-9 * lk, "lambda_\(k) = \(v), want \(lk), relative \(abs(v - lk) / lk)")
        }
    }

    /// The first outer tolerance is a thousandth of the one asked for and the inner one a tenth of
    /// the outer, and a looser tolerance still gives certified pairs on that tolerance, matching
    /// dense LAPACK to it.
    @Test func innerToleranceFollowsTheOuterOne() throws {
        let graph = try TestGraphs.sbm(sizes: [80, 80, 80, 80], pIn: 0.15, pOut: 0.005, seed: 21)
        let ref = try DenseReference.spectrum(graph, kind: .laplacian)
        for tol in [1e-6, 1e-10] {
            let spectrum = try solveLaplacian(graph, count: 10, method: .amg, tolerance: tol)
            let solve = try #require(spectrum.solves.first)
            let amg = try #require(solve.amg)
            // The first solve runs at tol/1000 (docs/math.md 7.13); a refinement only tightens it.
            #expect((solve.tolerance ?? 1) <= SpectrumSolver.firstOuterTolerance(tol))
            #expect((solve.refinements ?? 0) > 0 || solve.tolerance == SpectrumSolver.firstOuterTolerance(tol))
            #expect(amg.innerTolerance == SpectrumSolver.innerTolerance(solve.tolerance ?? tol))
            #expect(amg.innerTolerance <= tol / 5)
            #expect(spectrum.certification.certified, "tol \(tol): \(spectrum.certification.values)")
            // The Rayleigh quotient's error is about the residual squared over the gap.
            for j in 0..<10 where ref.values[j] > 1e-10 {
                #expect(abs(spectrum.values[j] - ref.values[j]) <= max(tol, 1e-9) * ref.values[j],
                        "tol \(tol): lambda_\(j + 1) \(spectrum.values[j]) vs \(ref.values[j])")
            }
        }
    }
}

extension AMGShiftInvertTests {
    /// `auto` where the factor cannot fit (the budget is under the predicted factor) and the
    /// spectral shift is predicted slow: no analysis runs, AMG shift-invert is chosen with its
    /// reason, and the pairs are the ones CHOLMOD shift-invert and dense LAPACK give. On a 40 x 40
    /// grid: no hubs, lambda_1 = 2 - 2 cos(pi / 40) = 6.2e-3 against the Anderson-Morley bound 16,
    /// where the spectral shift needs thousands of products; the short Lanczos run's lowest Ritz
    /// value overestimates lambda_1 enough that the treewidth prediction exceeds a 100-byte factor
    /// budget.
    @Test func autoPicksAMGWhenTheFactorCannotFit() throws {
        let graph = try TestGraphs.grid(rows: 40, columns: 40)
        let count = 6
        let spectrum = try solveLaplacian(graph, count: count, method: .auto, factorBudgetBytes: 100, factorBudgetRatio: 0)
        let solve = try #require(spectrum.solves.first)
        let predicted = try #require(solve.predictedFactorBytes)
        try #require(predicted > 100, "premise: the predicted factor (\(predicted) bytes) must exceed the budget")
        #expect(solve.method == "amg", "method \(solve.method ?? "nil"), note \(solve.methodNote ?? "nil")")
        #expect(solve.factorNonzeros == nil && solve.factorBytes == nil, "an analysis ran")
        let note = solve.methodNote ?? ""
        #expect(note.contains("no analysis was run") && note.contains("AMG shift-invert: sigma_AM / lambda_1"), "note: \(note)")
        #expect(spectrum.converged && spectrum.certification.certified)
        try expectMatchesDense(spectrum, graph: graph, kind: .laplacian, count: count, label: "grid auto")
        let forced = try solveLaplacian(graph, count: count, method: .shiftInvert)
        for j in 0..<count {
            #expect(abs(forced.values[j] - spectrum.values[j]) <= 1e-9 * forced.values[j], "lambda_\(j + 1)")
        }
    }

    /// Hubs veto AMG under `auto` (a star joined to a path: largest degree far above the average),
    /// with the reason; sigma_AM / lambda_1 is under 200 there (152 / 1.0: the leaves' eigenvalues
    /// sit near 1), so the Chebyshev-filtered Lanczos runs, and its pairs are still certified.
    @Test func autoAvoidsAMGOnHubs() throws {
        let n = 150
        var e = TestEdges(n: n)
        for i in 1..<n { e.add(0, i) }
        for i in 1..<(n - 1) { e.add(i, i + 1) }
        let graph = try e.assemble()
        let spectrum = try solveLaplacian(graph, count: 4, method: .auto, factorBudgetBytes: 0, factorBudgetRatio: 0)
        let solve = try #require(spectrum.solves.first)
        #expect(solve.method == "chebyshev", "method \(solve.method ?? "nil"), note \(solve.methodNote ?? "nil")")
        #expect(solve.methodNote?.contains("hubs") == true, "note: \(solve.methodNote ?? "nil")")
        #expect(spectrum.certification.certified)
        try expectMatchesDense(spectrum, graph: graph, kind: .laplacian, count: 4, label: "star+path auto")
    }

    /// Hubs with small eigenvalues far below the Anderson-Morley bound (a star's centre joined to
    /// every 10th node of a 1,500-node path: largest degree 150, 68 times the average; lambda_1 =
    /// 0.027 against sigma_AM = 153): `auto` runs Jacobi-preconditioned shift-invert without
    /// analysing a factor, even one that would fit, says why, and its pairs are certified and match
    /// dense LAPACK.
    @Test func autoPicksJacobiOnHubsWithSmallEigenvalues() throws {
        let n = 1500
        var e = TestEdges(n: n)
        for i in stride(from: 1, to: n, by: 10) { e.add(0, i) }
        for i in 1..<(n - 1) { e.add(i, i + 1) }
        let graph = try e.assemble()
        let spectrum = try solveLaplacian(graph, count: 4, method: .auto, factorBudgetBytes: 0, factorBudgetRatio: 0)
        let solve = try #require(spectrum.solves.first)
        #expect(solve.method == "jacobi", "method \(solve.method ?? "nil"), note \(solve.methodNote ?? "nil")")
        let note = solve.methodNote ?? ""
        #expect(note.contains("hubs") && note.contains("Jacobi"), "note: \(note)")
        let amg = try #require(solve.amg)
        #expect(amg.unconverged == 0 && amg.iterations >= amg.solves)
        #expect(spectrum.certification.certified)
        try expectMatchesDense(spectrum, graph: graph, kind: .laplacian, count: 4, label: "star+long path auto")
        // With the default budget, where this small factor would fit, hubs still skip CHOLMOD's
        // analysis: no factor is analysed and the note says so.
        let roomy = try solveLaplacian(graph, count: 4, method: .auto)
        let chosen = try #require(roomy.solves.first)
        #expect(chosen.method == "jacobi" && chosen.factorNonzeros == nil, "method \(chosen.method ?? "nil")")
        #expect(chosen.methodNote?.contains("hubs") == true && chosen.methodNote?.contains("no analysis was run") == true,
                "note: \(chosen.methodNote ?? "nil")")
        #expect(roomy.certification.certified)
    }
}
