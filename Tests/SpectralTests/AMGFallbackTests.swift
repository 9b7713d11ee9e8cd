@testable import Spectral
import EigenpairTestSupport
import Foundation
import PairGraph
import Testing

/// Solves L on the world communicator with BoomerAMG `amg` settings in place of the defaults
/// (`SpectrumSolver`'s internal initialiser, which makes hypre fail), the factor budget at 100 bytes so that `auto` cannot take
/// CHOLMOD; vectors gathered whole.
private func solveWithAMG(_ graph: SparseGraph, count: Int, method: LaplacianMethod,
                          amg: AMGSettings) throws -> Spectrum {
    let choice = MethodChoice(denseLimit: 8, laplacianMethod: method, factorBudgetBytes: 100, factorBudgetRatio: 0)
    return try withSolverLock {
        let distributed = try graph.distributed(over: testMPI.world)
        let solver = SpectrumSolver(method: choice, amgSettings: amg)
        var spectrum = try solver.solve(distributed, kind: .laplacian, count: count)
        spectrum.vectors = gatherRows(spectrum.vectors, partition: distributed.partition, communicator: testMPI.world)
        spectrum.firstRow = 0
        return spectrum
    }
}

/// A 40 x 40 grid, where `auto` picks AMG shift-invert when the factor cannot fit
/// (`AMGShiftInvertTests.autoPicksAMGWhenTheFactorCannotFit`).
private func grid40() throws -> SparseGraph {
    var e = TestEdges(n: 1600)
    for i in 0..<40 {
        for j in 0..<40 {
            if i + 1 < 40 { e.add(i * 40 + j, (i + 1) * 40 + j) }
            if j + 1 < 40 { e.add(i * 40 + j, i * 40 + j + 1) }
        }
    }
    return try e.assemble()
}

/// What `auto` does when hypre fails (docs/math.md 7.13, "When hypre fails"): the spectral shift
/// takes over, with the reason in `method_note`, and its pairs match dense LAPACK; an explicit
/// `amg` fails with hypre's error instead.
@Suite(.serialized) struct AMGFallbackTests {
    /// A BoomerAMG setting hypre rejects (strong threshold 2, outside [0, 1]) stands for a setup
    /// that fails.
    static let rejectedSetup = AMGSettings(strongThreshold: 2)
    /// One PCG iteration cannot reach tol/10 on the grid: PCG that does not converge.
    static let oneIteration = AMGSettings(maxIterations: 1)

    @Test(arguments: [("setup", rejectedSetup, "BoomerAMGSetStrongThreshold failed"),
                      ("pcg", oneIteration, "PCG missed the inner tolerance")])
    func autoFallsBackToTheSpectralShift(_ name: String, _ amg: AMGSettings, _ reason: String) throws {
        let graph = try grid40()
        let count = 6
        let spectrum = try solveWithAMG(graph, count: count, method: .auto, amg: amg)
        let solve = try #require(spectrum.solves.first)
        let note = solve.methodNote ?? ""
        #expect(solve.method == "spectral-shift", "\(name): method \(solve.method ?? "nil"), note \(note)")
        // The decision that chose AMG, then why it was abandoned.
        #expect(note.contains("AMG shift-invert: sigma_AM / lambda_1"), "\(name): \(note)")
        #expect(note.contains("AMG shift-invert failed (") && note.contains(reason)
                && note.contains("fell back to the spectral shift"), "\(name): \(note)")
        #expect(solve.amg == nil && solve.epsilon == nil, "\(name): an AMG report on a spectral-shift solve")
        #expect(solve.shift.map { $0 > 0 } == true, "\(name): the spectral shift's sigma")
        // The spectral shift runs at the tolerance asked for, not at AMG's tighter first one.
        #expect((solve.refinements ?? 0) > 0 || solve.tolerance == LanczosSettings().tolerance,
                "\(name): ARPACK tolerance \(solve.tolerance ?? .nan)")
        #expect(spectrum.converged && spectrum.certification.certified, "\(name): \(spectrum.certification.values)")
        try expectMatchesDense(spectrum, graph: graph, kind: .laplacian, count: count, label: "grid auto, \(name) fails")
    }

    /// The same failures under an explicit `--laplacian-method amg` stay errors: the setup one at
    /// once; PCG at its cap is not one (the certification judges those pairs), so it is not tested here.
    @Test func explicitAMGFailsWithHypresError() throws {
        let graph = try grid40()
        #expect {
            _ = try solveWithAMG(graph, count: 6, method: .amg, amg: Self.rejectedSetup)
        } throws: { error in
            guard case EigensolverError.multigrid(let why) = error else { return false }
            return why.contains("BoomerAMGSetStrongThreshold failed")
        }
    }

    /// The defaults are accepted (the premise of the two above: only the changed setting fails).
    @Test func defaultSettingsPassTheTrialSolve() throws {
        let spectrum = try solveWithAMG(try grid40(), count: 6, method: .auto, amg: AMGSettings())
        let solve = try #require(spectrum.solves.first)
        #expect(solve.method == "amg", "note: \(solve.methodNote ?? "nil")")
        #expect(solve.methodNote?.contains("failed") == false)
    }
}
