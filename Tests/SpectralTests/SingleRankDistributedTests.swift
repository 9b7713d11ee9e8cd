import DenseAlgebra
import Distributed
import EigenpairTestSupport
import PairGraph
import Spectral
import Testing

/// The DistributedGraph entry point on `testMPI.single` (MPI_COMM_SELF, one rank inside any job):
/// the whole-graph solve of the tests (`solveWhole` on the world communicator, one rank under
/// `swift test`) is the same code, so the two agree bit for bit, and the distributed result holds
/// all N rows from row 0.
@Suite(.serialized) struct SingleRankDistributedTests {
    @Test(arguments: [SpectralFamily.disconnected, .sbm], RelationOperatorKind.allCases)
    func distributedEntryPointMatchesTheWrapper(_ family: SpectralFamily, _ kind: RelationOperatorKind) throws {
        let graph = try family.graph()
        let count = family.count(kind)
        let choice = MethodChoice(denseLimit: 8)
        try withSolverLock {
            let single = testMPI.single
            let distributed = try graph.distributed(over: single)
            let direct = try SpectrumSolver(method: choice).solve(distributed, kind: kind, count: count)
            let wrapped = try solveWhole(graph, kind: kind, count: count, method: choice, communicator: testMPI.world)
            #expect(direct.firstRow == 0 && direct.vectors.rows == graph.nodeCount)
            #expect(direct.values == wrapped.values && direct.vectors == wrapped.vectors)
            #expect(direct.sources == wrapped.sources && direct.residuals == wrapped.residuals)
            #expect(direct.solves.count == wrapped.solves.count && direct.nextValue == wrapped.nextValue)
            try expectMatchesDense(direct, graph: graph, kind: kind, count: count,
                                   label: "\(family.rawValue) \(kind.rawValue) on MPI_COMM_SELF")
        }
    }

    /// The sign rule picks the largest magnitude, ties (within 1e-12 relative) by lowest row.
    @Test func signRuleOnOneRank() {
        withSolverLock {
            var m = DenseMatrix(rows: 4, columns: 3, columnMajor: [0.1, -0.5, 0.5 * (1 + 1e-14), 0.2,
                                                                   0.3, 0.2, -0.9, 0.1,
                                                                   0, 0, 0, 0])
            SignRule.normalize(&m, firstRow: 0, communicator: testMPI.single)
            #expect(Array(m.column(0)) == [-0.1, 0.5, -0.5 * (1 + 1e-14), -0.2])
            #expect(Array(m.column(1)) == [-0.3, -0.2, 0.9, -0.1])
            #expect(Array(m.column(2)) == [0, 0, 0, 0])
        }
    }
}
