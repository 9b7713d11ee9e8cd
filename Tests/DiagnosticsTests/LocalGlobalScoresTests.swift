import EigenpairTestSupport
import DenseAlgebra
import Foundation
import PairGraph
import Testing
@testable import Diagnostics

/// `LocalGlobalScores` against a dense computation with N x N matrices (L, H, G, Z Z^T formed
/// explicitly), which the implementation never forms.
@Suite(.mpiLock) struct LocalGlobalScoresTests {
    /// A weighted graph on 9 nodes (IDs 3..11): two triangles joined by a path, one isolated-ish tail.
    static func graph() throws -> SparseGraph {
        var e = EdgeList()
        let edges: [(UInt64, UInt64, Double)] = [(3, 4, 1), (4, 5, 2), (3, 5, 0.5), (5, 6, 1.5), (6, 7, 1),
                                                 (7, 8, 3), (8, 9, 1), (7, 9, 0.25), (9, 10, 2), (10, 11, 0.75)]
        for (u, v, w) in edges { e.append(u, v, weight: w) }
        return try GraphAssembler.assemble(e, file: "hand")
    }

    static func dense(_ g: SparseGraph) -> [[Double]] {
        let n = g.nodeCount
        var m = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            let (cols, w) = g.neighbours(of: i)
            for (c, x) in zip(cols, w) { m[i][Int(c)] = x }
        }
        return m
    }

    /// Both scores by N x N algebra.
    static func reference(_ z: DenseMatrix, _ gd: [[Double]]) -> (local: Double, global: Double) {
        let n = gd.count, k = z.columns
        var lzz = 0.0, hzz = 0.0
        let d = gd.map { $0.reduce(0, +) }
        for a in 0..<k {
            for i in 0..<n {
                for j in 0..<n {
                    let l = (i == j ? d[i] : 0) - gd[i][j]
                    let h = (i == j ? 1 : 0) - 1 / Double(n)
                    lzz += z[i, a] * l * z[j, a]
                    hzz += z[i, a] * h * z[j, a]
                }
            }
        }
        var zzt = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n { for j in 0..<n { for a in 0..<k { zzt[i][j] += z[i, a] * z[j, a] } } }
        var inner = 0.0, zz2 = 0.0, g2 = 0.0
        for i in 0..<n { for j in 0..<n { inner += gd[i][j] * zzt[i][j]; zz2 += zzt[i][j] * zzt[i][j]; g2 += gd[i][j] * gd[i][j] } }
        let c = inner / zz2
        var err2 = 0.0
        for i in 0..<n { for j in 0..<n { let r = gd[i][j] - c * zzt[i][j]; err2 += r * r } }
        return (lzz / hzz, (err2 / g2).squareRoot())
    }

    @Test func matchTheDenseComputation() throws {
        let g = try Self.graph()
        let gd = Self.dense(g)
        var rng = SeededRNG(seed: 17)
        for k in [1, 2, 4] {
            let z = rng.normalMatrix(rows: g.nodeCount, columns: k)
            let s = LocalGlobalScores.measure(z, graph: singleGraph(g))
            let r = Self.reference(z, gd)
            #expect(abs(s.local! - r.local) <= 1e-12 * r.local, "K=\(k): \(s.local!) vs \(r.local)")
            #expect(abs(s.global! - r.global) <= 1e-12, "K=\(k): \(s.global!) vs \(r.global)")
        }
    }

    /// Scaling Z changes neither score (c* scales by the inverse square); shifting Z leaves the
    /// local score unchanged; a constant Z has no local score; Z = 0 has neither.
    @Test func invariancesAndDegenerateCases() throws {
        let g = try Self.graph()
        let graph = singleGraph(g)
        var rng = SeededRNG(seed: 5)
        let z = rng.normalMatrix(rows: g.nodeCount, columns: 3)
        let base = LocalGlobalScores.measure(z, graph: graph)
        let scaled = LocalGlobalScores.measure(7.5 * z, graph: graph)
        #expect(abs(scaled.local! - base.local!) <= 1e-12 * base.local!)
        #expect(abs(scaled.global! - base.global!) <= 1e-12)
        #expect(abs(scaled.scale! * 7.5 * 7.5 - base.scale!) <= 1e-12 * abs(base.scale!))
        var shifted = z
        for j in 0..<3 { for i in 0..<z.rows { shifted[i, j] += Double(j + 1) } }
        #expect(abs(LocalGlobalScores.measure(shifted, graph: graph).local! - base.local!) <= 1e-10 * base.local!)
        let constant = DenseMatrix(rows: g.nodeCount, columns: 2, repeating: 3)
        let c = LocalGlobalScores.measure(constant, graph: graph)
        #expect(c.local == nil)
        #expect(c.global! > 0 && c.global! <= 1)
        let zero = DenseMatrix(rows: g.nodeCount, columns: 2)
        let zs = LocalGlobalScores.measure(zero, graph: graph)
        #expect(zs.local == nil && zs.global == nil && zs.scale == nil)
        // Local score of a Laplacian eigenvector is its eigenvalue; a slowly varying vector scores
        // lower than an alternating one.
        var smooth = DenseMatrix(rows: g.nodeCount, columns: 1), rough = smooth
        for i in 0..<g.nodeCount { smooth[i, 0] = Double(i); rough[i, 0] = i % 2 == 0 ? 1 : -1 }
        #expect(LocalGlobalScores.measure(smooth, graph: graph).local! < LocalGlobalScores.measure(rough, graph: graph).local!)
    }
}
