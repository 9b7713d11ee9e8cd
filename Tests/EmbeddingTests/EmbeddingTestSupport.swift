import DenseAlgebra
import Distributed
import EigenpairTestSupport
import Foundation
import PairGraph
import Spectral
@testable import Embedding

/// A small weighted graph known edge by edge, read through the production reader (an edge-list
/// file), with the dense matrices of docs/math.md built here from the same edges.
struct KnownGraph {
    let n: Int
    /// Each undirected pair once, u < v.
    let edges: [(Int, Int, Double)]
    let graph: DistributedGraph

    /// Three planted blocks of `n / 3` nodes, a path through all nodes (connected), seeded weights.
    static func planted(n: Int = 45, seed: UInt64 = 7) throws -> KnownGraph {
        var rng = SeededRNG(seed: seed)
        var weights: [Int: Double] = [:]
        func add(_ a: Int, _ b: Int, _ w: Double) { weights[min(a, b) * n + max(a, b)] = w }
        for i in 0..<(n - 1) { add(i, i + 1, 0.2 + rng.uniform()) }
        for u in 0..<n {
            for v in (u + 2)..<max(u + 2, n) where rng.uniform() < (u % 3 == v % 3 ? 0.4 : 0.03) {
                add(u, v, 0.5 + rng.uniform())
            }
        }
        let edges = weights.keys.sorted().map { ($0 / n, $0 % n, weights[$0]!) }
        let path = NSTemporaryDirectory() + "embedding-tests-\(getpid())-\(seed)-\(n).tsv"
        let text = edges.map { "\($0.0)\t\($0.1)\t\(String($0.2))" }.joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let graph = try DistributedGraphBuilder.read(path: path, merge: .max, communicator: testMPI.world).graph
        return KnownGraph(n: n, edges: edges, graph: graph)
    }

    var adjacency: DenseMatrix {
        var g = DenseMatrix(rows: n, columns: n)
        for (u, v, w) in edges { g[u, v] = w; g[v, u] = w }
        return g
    }

    var degrees: [Double] {
        let g = adjacency
        return (0..<n).map { i in (0..<n).reduce(0) { $0 + g[i, $1] } }
    }

    /// S = sum of all entries of G.
    var totalWeight: Double { 2 * edges.reduce(0) { $0 + $1.2 } }

    /// L = D - G, G, or A_n = D^-1/2 G D^-1/2 (docs/math.md section 1).
    func dense(_ kind: RelationOperatorKind) -> DenseMatrix {
        var m = adjacency
        let d = degrees
        for i in 0..<n {
            for j in 0..<n {
                switch kind {
                case .adjacency: break
                case .laplacian: m[i, j] = (i == j ? d[i] : 0) - m[i, j]
                case .normalizedAdjacency: m[i, j] /= (d[i] * d[j]).squareRoot()
                }
            }
        }
        return m
    }
}

/// A run context for library calls in tests: the test MPI world, no progress lines.
func testContext() -> RunContext {
    RunContext(communicator: testMPI.world, progress: Progress(enabled: false))
}

func testSolver() -> SpectrumSolver {
    SpectrumSolver(settings: LanczosSettings())
}

func relativeDifference(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(1, abs(a), abs(b)) }
