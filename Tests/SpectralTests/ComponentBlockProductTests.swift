@testable import Spectral
import DenseAlgebra
import EigenpairTestSupport
import PairGraph
import Testing

/// `ComponentOperator.apply(columns:count:into:blocked:)`, the block product the Rayleigh quotients
/// use at P > 1 (forced here at P = 1):
/// every column bit for bit `apply` of that column, for G, A_n (scaled, deflated) and sigma I - L
/// (diagonal, deflated), on a component that is the whole graph (the graph's own layout) and on
/// components of a disconnected graph (the component's rows only), at widths below, at and above
/// one block.
@Suite(.serialized, .mpiLock) struct ComponentBlockProductTests {
    @Test func everyColumnIsTheVectorProductBitForBit() throws {
        let connected = singleGraph(try TestGraphs.erdosRenyi(n: 60, p: 0.15, seed: 91))
        let split = singleGraph(try TestGraphs.disconnected(isolated: 2, seed: 92).graph)
        for (name, graph, component) in [("connected", connected, 0), ("component 0", split, 0), ("component 1", split, 1)] {
            let block = ComponentBlock(graph: graph, component: component)
            #expect((block.wholeGraph != nil) == (name == "connected"))
            let n = block.rows.count
            let volume = block.rows.reduce(0) { $0 + graph.degrees[Int($1)] }
            let indicator = KnownEigenvectors.localIndicator(rows: block.rows, weights: graph.degrees, volume: volume)
            for kind in RelationOperatorKind.allCases {
                let deflation = Deflation(kind == .adjacency ? [] : indicator, active: kind != .adjacency,
                                          communicator: graph.communicator)
                let op = ComponentOperator(block: block, kind: kind, shift: 2 * graph.maxDegree, deflation: deflation)
                for count in [1, 3, DistributedGraph.blockProductWidth + 4] {
                    let x = (0..<(n * count)).map { q in Double((q * 4099 + 7) % 977) / 977 - 0.5 }
                    var blockY = [Double](repeating: .nan, count: n * count)
                    var columnY = [Double](repeating: .nan, count: n * count)
                    x.withUnsafeBufferPointer { xb in
                        blockY.withUnsafeMutableBufferPointer { op.apply(columns: xb.baseAddress!, count: count, into: $0.baseAddress!, blocked: true) }
                        columnY.withUnsafeMutableBufferPointer { yb in
                            for j in 0..<count { op.apply(xb.baseAddress! + j * n, into: yb.baseAddress! + j * n) }
                        }
                    }
                    #expect(blockY == columnY, "\(name), \(kind), \(count) columns")
                    #expect(!blockY.contains { $0.isNaN })
                }
            }
        }
    }
}
