import DenseAlgebra
import Distributed
import EigenpairTestSupport
import PairGraph
import Spectral
import Testing

extension MPISpectrumTests {
    /// The Laplacian methods that run on any number of ranks (the Chebyshev filter, AMG and Jacobi
    /// shift-invert) on the world communicator against dense LAPACK and against their own 1-rank
    /// solve: the same checks as `matchesDenseAndSingleRankOnEveryRank`, so P = 1 (`swift test`) and P = 3
    /// (`scripts/mpi-tests.sh`; P = 2 and 4 by hand) give the same pairs to 1e-10. AMG's hypre matrix
    /// is built from each rank's rows, so BoomerAMG's hierarchy differs with P while the pairs do
    /// not; at P = 3 the large case's component is held by a sub-communicator, which hypre runs on.
    @Test(arguments: [Case.large, .disconnected, .cycle], [LaplacianMethod.chebyshev, .amg, .jacobi])
    func iterativeMethodMatchesDenseAndSingleRank(_ testCase: Case, _ method: LaplacianMethod) throws {
        let graph = try testCase.graph()
        let count = testCase.count(.laplacian)
        let choice = MethodChoice(denseLimit: testCase.denseLimit, laplacianMethod: method)
        try withSolverLock {
            let world = testMPI.world
            let distributed = try graph.distributed(over: world)
            let spectrum = try SpectrumSolver(method: choice)
                .solve(distributed, kind: .laplacian, count: count)
            let single = try solveWhole(graph, kind: .laplacian, count: count, method: choice,
                                        communicator: testMPI.single)
            #expect(!spectrum.solves.isEmpty && spectrum.solves.allSatisfy { $0.method == method.rawValue })
            #expect(method == .chebyshev || spectrum.solves.allSatisfy { $0.amg != nil })
            #expect(spectrum.certification.certified, "\(testCase.rawValue): \(spectrum.certification.values)")
            let reference = try DenseReference.spectrum(graph, kind: .laplacian)
            let label = "\(testCase.rawValue) L \(method.rawValue)"
            _ = try compare(spectrum, on: distributed, reference: reference,
                            single: method == .chebyshev ? rootSingle(single, world: world) : single,
                            count: count, label: label)
        }
    }

    /// hypre's LOBPCG (a reference point, docs/math.md 7.13) the same way at tol 1e-8: hypre 2.26's
    /// LOBPCG breaks down short of 1e-10 (LOBPCGTests). Values agree with dense LAPACK and the
    /// 1-rank solve to 1e-10 all the same (a Rayleigh quotient's error is the residual squared).
    @Test(arguments: [Case.large])
    func lobpcgMatchesDenseAndSingleRank(_ testCase: Case) throws {
        let graph = try testCase.graph()
        let count = testCase.count(.laplacian)
        let settings = LanczosSettings(tolerance: 1e-8)
        let choice = MethodChoice(denseLimit: testCase.denseLimit, laplacianMethod: .lobpcg)
        try withSolverLock {
            let world = testMPI.world
            let distributed = try graph.distributed(over: world)
            let spectrum = try SpectrumSolver(settings: settings, method: choice)
                .solve(distributed, kind: .laplacian, count: count)
            let single = try solveWhole(graph, kind: .laplacian, count: count, settings: settings, method: choice,
                                        communicator: testMPI.single)
            #expect(!spectrum.solves.isEmpty && spectrum.solves.allSatisfy { $0.method == "lobpcg" && $0.amg != nil })
            #expect(spectrum.certification.certified, "\(testCase.rawValue): \(spectrum.certification.values)")
            _ = try compare(spectrum, on: distributed, reference: try DenseReference.spectrum(graph, kind: .laplacian),
                            single: single, count: count, label: "\(testCase.rawValue) L lobpcg")
        }
    }
}

extension MPISpectrumTests {
    /// `--filter chebyshev` on G and A_n on the world communicator against dense LAPACK and against
    /// its own 1-rank solve (the checks of `matchesDenseAndSingleRankOnEveryRank`): P = 1 under
    /// `swift test`, P = 3 under `scripts/mpi-tests.sh`. The filter's degree comes from each run's
    /// timings, so the two runs may filter differently; the pairs agree to 1e-10 all the same (tied
    /// eigenspaces as subspaces).
    @Test(arguments: [Case.large, .disconnected, .cycle], [RelationOperatorKind.adjacency, .normalizedAdjacency])
    func chebyshevFilterMatchesDenseAndSingleRank(_ testCase: Case, _ kind: RelationOperatorKind) throws {
        let graph = try testCase.graph()
        let count = testCase.count(kind)
        let choice = MethodChoice(denseLimit: testCase.denseLimit, filter: .chebyshev)
        try withSolverLock {
            let world = testMPI.world
            let distributed = try graph.distributed(over: world)
            let spectrum = try SpectrumSolver(method: choice).solve(distributed, kind: kind, count: count)
            let single = try solveWhole(graph, kind: kind, count: count, method: choice, communicator: testMPI.single)
            #expect(!spectrum.solves.isEmpty && spectrum.solves.allSatisfy { $0.chebyshev != nil })
            #expect(spectrum.certification.certified, "\(testCase.rawValue): \(spectrum.certification.values)")
            let reference = try DenseReference.spectrum(graph, kind: kind)
            let label = "\(testCase.rawValue) \(kind.rawValue) chebyshev"
            _ = try compare(spectrum, on: distributed, reference: reference, single: rootSingle(single, world: world),
                            count: count, label: label)
        }
    }

    /// Rank 0's 1-rank solve on every rank. The filter's degree comes from each process's own timings,
    /// so the 1-rank solves that the ranks run side by side may return different (equally valid) bases
    /// of a tied eigenspace, such as the 30-cycle's eigenvalues of multiplicity 2; `compare` stitches
    /// the ranks' rows of `single` together, which needs one solve's vectors on every rank.
    func rootSingle(_ single: Spectrum, world: Communicator) -> Spectrum {
        let bits = world.broadcast(world.rank == 0 ? single.vectors.storage.map(\.bitPattern) : nil, root: 0)
        var agreed = single
        for (i, b) in bits.enumerated() { agreed.vectors.storage[i] = Double(bitPattern: b) }
        agreed.values = world.broadcast(world.rank == 0 ? single.values.map(\.bitPattern) : nil, root: 0)
            .map { Double(bitPattern: $0) }
        return agreed
    }
}
