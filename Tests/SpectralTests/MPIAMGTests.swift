import DenseAlgebra
import EigenpairTestSupport
import PairGraph
@testable import Spectral
import Testing

extension MPISpectrumTests {
    /// AMG shift-invert on the world communicator (P = 1 under `swift test`, P = 3 under
    /// scripts/mpi-tests.sh, P = 2 and 4 by hand) against dense LAPACK and its own 1-rank solve: the
    /// hypre matrix is built from each rank's rows, so BoomerAMG's hierarchy differs with P, but
    /// the pairs agree to 1e-10 (`compare`); at P = 3 the large case's component is held by a
    /// sub-communicator, which hypre then runs on.
    @Test(arguments: [Case.large, .disconnected, .cycle])
    func amgMatchesDenseAndSingleRank(_ testCase: Case) throws {
        let graph = try testCase.graph()
        let count = testCase.count(.laplacian)
        var settings = LanczosSettings()
        settings.denseLimit = testCase.denseLimit
        settings.laplacianMethod = .amg
        try withSolverLock {
            let world = testMPI.world
            let distributed = DistributedGraph.scatter(graph, communicator: world)
            let spectrum = try SpectrumSolver(settings: settings, communicator: world)
                .solve(distributed, kind: .laplacian, count: count)
            let single = try SpectrumSolver(settings: settings, communicator: testMPI.single)
                .solve(graph, kind: .laplacian, count: count)
            #expect(!spectrum.solves.isEmpty && spectrum.solves.allSatisfy { $0.method == "amg" && $0.amg != nil })
            #expect(spectrum.certification.certified, "\(testCase.rawValue): \(spectrum.certification.values)")
            _ = try compare(spectrum, on: distributed, reference: try DenseReference.spectrum(graph, kind: .laplacian),
                            single: single, count: count, label: "\(testCase.rawValue) L amg")
        }
    }
}
