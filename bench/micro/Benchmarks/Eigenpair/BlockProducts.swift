// Issue 11 item 4: G V for a block of k = 16 columns as one block product
// (`DistributedGraph.multiply(_:blocked: true)`: column-major in and out, interleaved inside, one
// exchange) against 16 vector products (`DistributedGraph.multiply(_:into:scratch:)`, one per
// column, what `multiply(_:)` does by default on one rank), on the 1-rank graph of a plain run in
// its default layout. Both compute the same numbers bit for bit; the metric is wall time per 16
// columns. The 1-rank exchange is empty, so this measures the local kernels only.
import Benchmark
import DenseAlgebra
import MicroKernels
import PairGraph

let blockWidth = 16

func blockProductBenchmarks(scale: Int) {
    let configuration = Benchmark.Configuration(metrics: [.wallClock], timeUnits: .milliseconds,
                                                warmupIterations: 1, maxDuration: .seconds(6), maxIterations: 20)
    nonisolated(unsafe) var graph: DistributedGraph!
    nonisolated(unsafe) var v = DenseMatrix(rows: 0, columns: 0)
    func setUp() {
        graph = Fixtures.graph(scale: scale)
        let n = graph.localRowCount
        v = DenseMatrix(rows: n, columns: blockWidth, columnMajor: (0..<(n * blockWidth)).map { 1 + Double($0 % 7) / 8 })
        graph.prepareLocalProduct()
    }

    Benchmark("SpMM k = \(blockWidth) (one block product), R-MAT scale \(scale)", configuration: configuration) { b in
        for _ in b.scaledIterations { blackHole(graph.multiply(v, blocked: true).storage[0]) }
    } setup: { setUp() }

    Benchmark("\(blockWidth) SpMVs (one per column), R-MAT scale \(scale)", configuration: configuration) { b in
        let n = graph.localRowCount
        var out = DenseMatrix(rows: n, columns: blockWidth)
        var scratch = [Double](repeating: 0, count: max(graph.block.columnCount, 1))
        for _ in b.scaledIterations {
            v.storage.withUnsafeBufferPointer { x in
                out.storage.withUnsafeMutableBufferPointer { y in
                    scratch.withUnsafeMutableBufferPointer { s in
                        for j in 0..<blockWidth {
                            graph.multiply(x.baseAddress! + j * n, into: y.baseAddress! + j * n, scratch: s.baseAddress!)
                        }
                    }
                }
            }
            blackHole(out.storage[0])
        }
    } setup: { setUp() }
}
