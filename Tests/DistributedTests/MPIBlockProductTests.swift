import DenseAlgebra
import Distributed
import EigenpairTestSupport
import PairGraph
import Spectral
import Testing

/// The distributed k-column product (`DistributedGraph.multiply(_:blocked:)`, block products forced
/// on and off and by default, and `RelationOperator.apply` on it) on the world communicator: every column bit for bit the vector product
/// (`DistributedGraph.multiply(_:into:scratch:)`), every entry against the one-process reference
/// (`DenseReference.operatorMatrix` of the reference assembly, times V), one halo exchange per
/// `DistributedGraph.blockProductWidth` columns, for k = 0, 1, a few, one block and more than one,
/// on the production partition and on one where rank 0 holds no rows.
///
/// Under `swift test` the world has one rank; `scripts/mpi-tests.sh` runs it at P = 3.
@Suite(.serialized, .mpiLock, .tags(.mpi)) struct MPIBlockProductTests {
    static func graphs() throws -> [(name: String, graph: SparseGraph)] {
        [("rmat-8", try TestMatrices.rmat(scale: 8, seed: 17)),
         ("er-weighted", try TestGraphs.erdosRenyi(n: 70, p: 0.12, seed: 81)),
         ("disconnected", try TestGraphs.disconnected(isolated: 3, seed: 82).graph)]
    }

    static let widths = [0, 1, 5, 16, 21]

    /// Vector products by default at any rank count (faster at P = 1 and 2, docs/hardware-limit.md).
    @Test func vectorProductsByDefault() throws {
        #expect(!DistributedGraph.blocksByDefault)
    }

    /// `graph` over `communicator` with rank 0 holding no rows (at P >= 2; the whole graph at P = 1),
    /// the other ranks splitting the rows evenly: the production constructor on a hand-made partition.
    static func withEmptyFirstRank(_ graph: SparseGraph, communicator: Communicator) -> DistributedGraph {
        let p = communicator.size, n = graph.nodeCount
        let boundaries = p == 1 ? [0, n] : [0] + (0..<p).map { n * $0 / (p - 1) }
        let partition = RowPartition(boundaries: boundaries)
        let mine = partition.rows(of: communicator.rank)
        var pointers = [0], columns: [Int32] = [], weights: [Double] = []
        for r in mine {
            let (cols, w) = graph.neighbours(of: r)
            for (c, v) in zip(cols, w).sorted(by: { $0.0 < $1.0 }) {
                columns.append(c)
                weights.append(v)
            }
            pointers.append(columns.count)
        }
        return DistributedGraph(communicator: communicator, partition: partition, nodeIDs: Array(graph.nodeIDs[mine]),
                                rowPointers: pointers, globalColumns: columns, weights: weights,
                                statistics: graph.statistics)
    }

    /// N x k, the same on every rank, entries of mixed magnitude.
    static func block(rows n: Int, columns k: Int) -> DenseMatrix {
        DenseMatrix(rows: n, columns: k, columnMajor: (0..<(n * k)).map { q in
            let v = Double((q * 6151 + 17) % 2003) / 2003 - 0.5
            return q % 11 == 0 ? 1e3 * v : v
        })
    }

    /// Rows `rows` of M V, M the dense reference operator of the whole graph.
    static func reference(_ graph: SparseGraph, _ kind: RelationOperatorKind, _ v: DenseMatrix,
                          rows: Range<Int>) -> DenseMatrix {
        guard v.columns > 0 else { return DenseMatrix(rows: rows.count, columns: 0) }
        return rowsOf(DenseReference.operatorMatrix(graph, kind: kind) * v, Array(rows))
    }

    @Test func blockProductIsEveryColumnsVectorProductAndMatchesTheReference() throws {
        let world = testMPI.world
        for (name, whole) in try Self.graphs() {
            for (layout, graph) in [("assembled", try whole.distributed(over: world)),
                                    ("rank 0 empty", Self.withEmptyFirstRank(whole, communicator: world))] {
                let mine = graph.ownedRows, n = graph.localRowCount
                if layout == "rank 0 empty" && world.size > 1 && world.rank == 0 { #expect(n == 0) }
                for k in Self.widths {
                    for blocked in [true, false, nil] {
                        let full = Self.block(rows: whole.nodeCount, columns: k)
                        let v = rowsOf(full, Array(mine))
                        let exchanges = graph.exchange.exchangeCount, received = graph.exchange.bytesReceived
                        let y = graph.multiply(v, blocked: blocked)
                        let width = blocked ?? DistributedGraph.blocksByDefault ? DistributedGraph.blockProductWidth : 1
                        #expect(graph.exchange.exchangeCount - exchanges == (k + width - 1) / width,
                                "\(name), \(layout), k = \(k): one exchange per block of \(width) columns")
                        #expect(graph.exchange.bytesReceived - received == 8 * k * graph.ghostCount)
                        #expect(y.rows == n && y.columns == k)

                        // Column by column through the vector product: the same bits.
                        var scratch = [Double](repeating: 0, count: max(graph.block.columnCount, 1))
                        for j in 0..<k {
                            let x = Array(v.column(j)) + [0]
                            var out = [Double](repeating: .nan, count: n + 1)
                            x.withUnsafeBufferPointer { xb in
                                out.withUnsafeMutableBufferPointer { yb in
                                    scratch.withUnsafeMutableBufferPointer {
                                        graph.multiply(xb.baseAddress!, into: yb.baseAddress!, scratch: $0.baseAddress!)
                                    }
                                }
                            }
                            #expect(Array(y.column(j)) == Array(out.prefix(n)), "\(name), \(layout), k = \(k), column \(j)")
                        }

                        // Against the dense product on the whole graph (another summation order: rounding only).
                        let want = Self.reference(whole, .adjacency, full, rows: mine)
                        let scale = max(1, maxAbs(want))
                        #expect(maxAbs(y - want) <= 1e-12 * scale, "\(name), \(layout), k = \(k)")
                    }
                }
            }
        }
    }

    /// G, A_n and L on a block against the dense reference operators.
    @Test func relationOperatorsMatchTheReference() throws {
        let world = testMPI.world
        for (name, whole) in try Self.graphs() {
            for graph in [try whole.distributed(over: world), Self.withEmptyFirstRank(whole, communicator: world)] {
                let mine = graph.ownedRows
                let full = Self.block(rows: whole.nodeCount, columns: 6)
                let v = rowsOf(full, Array(mine))
                for kind in RelationOperatorKind.allCases {
                    let got = RelationOperator(kind, graph: graph).apply(v)
                    let want = Self.reference(whole, kind, full, rows: mine)
                    let scale = max(1, maxAbs(DenseReference.operatorMatrix(whole, kind: kind) * full))
                    #expect(maxAbs(got - want) <= 1e-12 * scale, "\(name), \(kind)")
                }
            }
        }
    }

    /// The certification's residuals ||M v_j - lambda_j v_j|| (one vector product per column into
    /// reused buffers) against the dense operator's, on both partitions (a rank with no rows too).
    @Test func residualsMatchTheReference() throws {
        let world = testMPI.world
        let k = 6
        let values = (0..<k).map { 0.25 + 0.5 * Double($0) }
        for (name, whole) in try Self.graphs() {
            for graph in [try whole.distributed(over: world), Self.withEmptyFirstRank(whole, communicator: world)] {
                let full = Self.block(rows: whole.nodeCount, columns: k)
                let v = rowsOf(full, Array(graph.ownedRows))
                for kind in RelationOperatorKind.allCases {
                    let got = RelationOperator(kind, graph: graph).residuals(values: values, vectors: v)
                    let mv = DenseReference.operatorMatrix(whole, kind: kind) * full
                    for j in 0..<k {
                        var square = 0.0
                        for i in 0..<whole.nodeCount {
                            let r = mv[i, j] - values[j] * full[i, j]
                            square += r * r
                        }
                        let want = square.squareRoot()
                        #expect(abs(got[j] - want) <= 1e-12 * max(1, want), "\(name), \(kind), column \(j): \(got[j]) vs \(want)")
                    }
                }
            }
        }
    }
}
