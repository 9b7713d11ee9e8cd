// Test-only helpers: a seeded RNG, small graph families, dense reference operators, small matrix
// utilities and hand-made input files. The MPI lock is in MPILock.swift, distributed graphs and
// whole spectra in DistributedGraphs.swift, the one-process reference assembly in ReferenceAssembly/.
//
// Shared by every test target (a library target of its own, so one copy serves all of them and
// one MPI environment serves the process).

import DenseAlgebra
import Distributed
import Foundation
import PairGraph
import Spectral

// MARK: - Random numbers

/// The library's SplitMix64 stream with the draws the tests need.
public struct SeededRNG: RandomNumberGenerator {
    private var source: SplitMix64

    public init(seed: UInt64) { source = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { source.next() }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }

    /// Standard normal (Box-Muller).
    public mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-300)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    public mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// A Fisher-Yates permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, index(i + 1)) } }
        return p
    }

    public mutating func normalMatrix(rows: Int, columns: Int) -> DenseMatrix {
        DenseMatrix(rows: rows, columns: columns, columnMajor: (0..<(rows * columns)).map { _ in normal() })
    }
}

// MARK: - Graph families

/// A weighted edge list over nodes 0..<n, assembled through the production assembler.
public struct TestEdges {
    public var n: Int
    public var edges: [(Int, Int, Double)] = []

    public init(n: Int) { self.n = n }

    public mutating func add(_ u: Int, _ v: Int, _ w: Double = 1) { edges.append((u, v, w)) }

    /// Adds one edge from each component (of the edges so far) to a random node of the first, so
    /// that the graph is connected.
    public mutating func connect(_ rng: inout SeededRNG, weight: Double = 0.5) {
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int {
            var r = x
            while parent[r] != r { r = parent[r] }
            return r
        }
        for (u, v, _) in edges {
            let a = find(u), b = find(v)
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var roots: [Int] = []
        var seen = Set<Int>()
        for i in 0..<n where seen.insert(find(i)).inserted { roots.append(i) }
        guard roots.count > 1 else { return }
        let firstRoot = find(roots[0])
        let firstMembers = (0..<n).filter { find($0) == firstRoot }
        for r in roots.dropFirst() {
            add(r, firstMembers[rng.index(firstMembers.count)], weight)
        }
    }

    public func assemble() throws -> SparseGraph {
        var list = EdgeList()
        for (u, v, w) in edges { list.append(UInt64(u), UInt64(v), weight: w) }
        list.declaredNodeCount = n
        return try GraphAssembler.assemble(list, merge: .max, file: "test")
    }
}

public enum TestGraphs {
    /// Erdos-Renyi G(n, p) with weights uniform in [0.5, 2], made connected.
    public static func erdosRenyi(n: Int, p: Double, seed: UInt64) throws -> SparseGraph {
        var rng = SeededRNG(seed: seed)
        var e = TestEdges(n: n)
        for i in 0..<n {
            for j in (i + 1)..<n where rng.uniform() < p { e.add(i, j, rng.uniform(0.5, 2)) }
        }
        e.connect(&rng)
        return try e.assemble()
    }

    /// Stochastic block model, unit weights, made connected. Node IDs are shuffled so that blocks
    /// are not contiguous rows.
    public static func sbm(sizes: [Int], pIn: Double, pOut: Double, seed: UInt64) throws -> SparseGraph {
        var rng = SeededRNG(seed: seed)
        let n = sizes.reduce(0, +)
        var block: [Int] = []
        for (b, s) in sizes.enumerated() { block += [Int](repeating: b, count: s) }
        block.shuffle(using: &rng)
        var e = TestEdges(n: n)
        for i in 0..<n {
            for j in (i + 1)..<n where rng.uniform() < (block[i] == block[j] ? pIn : pOut) { e.add(i, j) }
        }
        e.connect(&rng)
        return try e.assemble()
    }

    /// Symmetrised k-nearest-neighbour graph of n points drawn from three Gaussian clusters in the
    /// plane, Gaussian-kernel weights, made connected.
    public static func knn(n: Int, k: Int, seed: UInt64) throws -> SparseGraph {
        var rng = SeededRNG(seed: seed)
        let centres: [(Double, Double)] = [(0, 0), (4, 0), (2, 3.5)]
        let points: [(Double, Double)] = (0..<n).map { i in
            let c = centres[i % 3]
            return (c.0 + rng.normal(), c.1 + rng.normal())
        }
        var neighbourLists: [[(Int, Double)]] = []
        var total = 0.0
        for i in 0..<n {
            var d: [(Int, Double)] = []
            for j in 0..<n where j != i {
                let dx = points[i].0 - points[j].0, dy = points[i].1 - points[j].1
                d.append((j, (dx * dx + dy * dy).squareRoot()))
            }
            d.sort { $0.1 < $1.1 }
            let near = Array(d.prefix(k))
            total += near.reduce(0) { $0 + $1.1 }
            neighbourLists.append(near)
        }
        let sigma = total / Double(n * k)
        var e = TestEdges(n: n)
        for i in 0..<n {
            for (j, dist) in neighbourLists[i] { e.add(i, j, exp(-dist * dist / (2 * sigma * sigma))) }
        }
        e.connect(&rng, weight: 0.1)
        return try e.assemble()
    }

    /// Augmentation graph: `groups` cliques of `views` nodes (unit weights). With `cross > 0`,
    /// a ring of cross-group edges plus `cross` random ones, all of weight `crossWeight`, so the
    /// graph is connected; with `cross == 0` the pure disjoint-cliques graph of docs/math.md 4b.
    public static func augmentation(groups: Int, views: Int, cross: Int, crossWeight: Double = 0.2,
                             seed: UInt64) throws -> SparseGraph {
        var rng = SeededRNG(seed: seed)
        let n = groups * views
        var e = TestEdges(n: n)
        for g in 0..<groups {
            for a in 0..<views {
                for b in (a + 1)..<views { e.add(g * views + a, g * views + b) }
            }
        }
        if cross > 0 {
            for g in 0..<groups { e.add(g * views, ((g + 1) % groups) * views + 1, crossWeight) }
            var added = 0
            while added < cross {
                let u = rng.index(n), v = rng.index(n)
                if u / views != v / views {
                    e.add(u, v, crossWeight)
                    added += 1
                }
            }
        }
        return try e.assemble()
    }

    /// Several components of different kinds plus `isolated` isolated nodes, node IDs shuffled:
    /// an ER block (30), an SBM-like two-block piece (24), a path (12), a clique (6), two equal
    /// triangles (ties between components) and the isolated nodes.
    public static func disconnected(isolated: Int, seed: UInt64) throws -> (graph: SparseGraph, componentsWithEdges: Int) {
        var rng = SeededRNG(seed: seed)
        var pieces: [(size: Int, edges: [(Int, Int, Double)])] = []
        var er: [(Int, Int, Double)] = []
        for i in 0..<30 { er.append((i, (i + 1) % 30, rng.uniform(0.5, 2))) }
        for i in 0..<28 { for j in (i + 2)..<30 where rng.uniform() < 0.12 { er.append((i, j, rng.uniform(0.5, 2))) } }
        pieces.append((30, er))
        var two: [(Int, Int, Double)] = []
        for i in 0..<23 { two.append((i, i + 1, 1)) }
        for i in 0..<22 { for j in (i + 2)..<24 where rng.uniform() < ((i < 12) == (j < 12) ? 0.4 : 0.05) { two.append((i, j, 1)) } }
        pieces.append((24, two))
        pieces.append((12, (0..<11).map { ($0, $0 + 1, 1.0) }))
        var clique: [(Int, Int, Double)] = []
        for i in 0..<6 { for j in (i + 1)..<6 { clique.append((i, j, 1.5)) } }
        pieces.append((6, clique))
        pieces.append((3, [(0, 1, 1), (1, 2, 1), (0, 2, 1)]))
        pieces.append((3, [(0, 1, 1), (1, 2, 1), (0, 2, 1)]))
        let n = pieces.reduce(0) { $0 + $1.size } + isolated
        var ids = Array(0..<n)
        ids.shuffle(using: &rng)
        var e = TestEdges(n: n)
        var offset = 0
        for piece in pieces {
            for (u, v, w) in piece.edges { e.add(ids[offset + u], ids[offset + v], w) }
            offset += piece.size
        }
        return (try e.assemble(), pieces.count)
    }

    public static func path(_ n: Int) throws -> SparseGraph {
        var e = TestEdges(n: n)
        for i in 0..<(n - 1) { e.add(i, i + 1) }
        return try e.assemble()
    }

    public static func cycle(_ n: Int) throws -> SparseGraph {
        var e = TestEdges(n: n)
        for i in 0..<n { e.add(i, (i + 1) % n) }
        return try e.assemble()
    }

    /// A `rows` x `columns` grid graph (node i * columns + j), unit weights.
    public static func grid(rows: Int, columns: Int) throws -> SparseGraph {
        var e = TestEdges(n: rows * columns)
        for i in 0..<rows {
            for j in 0..<columns {
                if i + 1 < rows { e.add(i * columns + j, (i + 1) * columns + j) }
                if j + 1 < columns { e.add(i * columns + j, i * columns + j + 1) }
            }
        }
        return try e.assemble()
    }
}

// MARK: - Dense reference operators

public enum DenseReference {
    /// G, A_n or L as a dense matrix, built from the graph's rows (independently of the solver).
    public static func operatorMatrix(_ g: SparseGraph, kind: RelationOperatorKind) -> DenseMatrix {
        let n = g.nodeCount
        var m = DenseMatrix(rows: n, columns: n)
        for i in 0..<n {
            let (cols, w) = g.neighbours(of: i)
            for q in 0..<cols.count { m[i, Int(cols[q])] += w[q] }
        }
        var d = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n { d[i] += m[i, j] } }
        switch kind {
        case .adjacency:
            return m
        case .normalizedAdjacency:
            let s = d.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
            for j in 0..<n { for i in 0..<n { m[i, j] *= s[i] * s[j] } }
            return m
        case .laplacian:
            for j in 0..<n { for i in 0..<n { m[i, j] = (i == j ? d[i] : 0) - m[i, j] } }
            return m
        }
    }

    /// The whole spectrum in the solver's order: descending for G and A_n, ascending for L on
    /// 1-perp (the constant direction is shifted past the top by + tau 11^T/N and dropped).
    public static func spectrum(_ g: SparseGraph, kind: RelationOperatorKind) throws -> (values: [Double], vectors: DenseMatrix) {
        var m = operatorMatrix(g, kind: kind)
        let n = g.nodeCount
        if kind == .laplacian {
            let tau = 4 * (g.degrees.max() ?? 0) + 1
            for j in 0..<n { for i in 0..<n { m[i, j] += tau / Double(n) } }
        }
        let eig = try SymmetricEigen(m)
        var order = Array(0..<n)
        if kind == .laplacian { order.removeLast() } else { order.reverse() }
        var vectors = DenseMatrix(rows: n, columns: order.count)
        for (j, o) in order.enumerated() { vectors.setColumn(j, eig.vectors.column(o)) }
        return (order.map { eig.values[$0] }, vectors)
    }
}

// MARK: - Small matrix utilities

public func maxAbs(_ m: DenseMatrix) -> Double { m.storage.reduce(0) { max($0, abs($1)) } }

public func sumOfSquares(_ m: DenseMatrix) -> Double { m.storage.reduce(0) { $0 + $1 * $1 } }

/// Rows `rows` of m, by plain loops (independent of the modules' helpers).
public func rowsOf(_ m: DenseMatrix, _ rows: [Int]) -> DenseMatrix {
    var out = DenseMatrix(rows: rows.count, columns: m.columns)
    for (i, r) in rows.enumerated() { for j in 0..<m.columns { out[i, j] = m[r, j] } }
    return out
}

/// Column means subtracted, by plain loops.
public func centreColumns(_ m: DenseMatrix) -> DenseMatrix {
    var out = m
    for j in 0..<m.columns {
        var s = 0.0
        for i in 0..<m.rows { s += m[i, j] }
        for i in 0..<m.rows { out[i, j] -= s / Double(m.rows) }
    }
    return out
}

public func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<a.count { s += a[i] * b[i] }
    return s
}

/// ||V^T V - I||_max.
public func orthonormalityError(_ v: DenseMatrix) -> Double {
    maxAbs(v.transposeTimes(v) - DenseMatrix.identity(v.columns))
}

/// ||V - W (W^T V)||_F for W with orthonormal columns: how far span(V) sticks out of span(W)
/// (the sines of the principal angles, in the Frobenius norm, when V is orthonormal).
public func outsideSpan(_ v: DenseMatrix, of w: DenseMatrix) -> Double {
    (v - w * w.transposeTimes(v)).frobeniusNorm
}

// MARK: - Hand-made input files

/// An .npy file of format version `major`.0 with the given header text (shape as written) and
/// `data` after it, for hostile-input tests: nothing is checked, so any header can be made.
public func npyFileBytes(descr: String, shape: String, data: [UInt8] = [], major: UInt8 = 1) -> [UInt8] {
    var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
    let total = (10 + dict.utf8.count + 1 + 63) / 64 * 64
    dict += String(repeating: " ", count: total - 10 - dict.utf8.count - 1) + "\n"
    let n = dict.utf8.count
    return [0x93] + Array("NUMPY".utf8) + [major, 0, UInt8(n & 0xff), UInt8(n >> 8)] + Array(dict.utf8) + data
}
