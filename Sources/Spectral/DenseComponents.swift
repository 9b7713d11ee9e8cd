import DenseAlgebra
import Distributed
import PairGraph

/// Small components, solved by dense LAPACK. A component's rows may lie on several ranks: each one
/// is solved on the owner of its smallest row (where most of its rows usually are, so little
/// moves), after one all-to-all-v of their CSR rows. The block is built in ascending global row
/// order, so its eigenpairs do not depend on P.
struct DenseComponents {
    /// One component gathered on its solving rank: rows ascending, neighbours as indices into
    /// `rows`.
    struct Component {
        var rows: [Int]
        var degrees: [Double]
        var pointers: [Int]
        var neighbours: [Int]
        var weights: [Double]
    }

    /// The components this rank solves.
    private(set) var solved: [Int: Component] = [:]

    /// Collective over `graph.communicator`. Sends the rows of every small component (`isSmall`
    /// of its index) to its solving rank. Record per row, as Int64 (Doubles as bit patterns):
    /// row, component, degree, entry count, then (global column, weight) per entry.
    static func gather(_ graph: DistributedGraph, isSmall: (Int) -> Bool, kind: RelationOperatorKind) throws
        -> DenseComponents
    {
        let world = graph.communicator
        var small: [Int32: Bool] = [:]
        for c in graph.localComponents() { small[Int32(c)] = isSmall(c) }
        var outgoing = [[Int64]](repeating: [], count: world.size)
        for i in 0..<graph.localRowCount where small[graph.components.label[i]] == true {
            let to = graph.partition.owner(of: Int(graph.components.representative[i]))
            let (cols, w) = graph.neighbours(ofLocal: i)
            outgoing[to] += [Int64(graph.firstRow + i), Int64(graph.components.label[i]),
                             Int64(bitPattern: graph.degrees[i].bitPattern), Int64(cols.count)]
            for q in cols.indices {
                outgoing[to] += [Int64(graph.globalColumn(ofLocal: Int(cols[q]))), Int64(bitPattern: w[q].bitPattern)]
            }
        }
        let (incoming, _) = world.exchange(outgoing.flatMap { $0 }, sendCounts: outgoing.map(\.count))

        var records: [Int: [(row: Int, degree: Double, columns: [Int], weights: [Double])]] = [:]
        var at = 0
        while at < incoming.count {
            let row = Int(incoming[at]), c = Int(incoming[at + 1])
            let degree = Double(bitPattern: UInt64(bitPattern: incoming[at + 2]))
            let entries = Int(incoming[at + 3])
            at += 4
            var columns: [Int] = [], weights: [Double] = []
            for _ in 0..<entries {
                columns.append(Int(incoming[at]))
                weights.append(Double(bitPattern: UInt64(bitPattern: incoming[at + 1])))
                at += 2
            }
            records[c, default: []].append((row, degree, columns, weights))
        }
        var out = DenseComponents()
        for (c, var list) in records {
            precondition(list.count == graph.components.size(c),
                         "component \(c): \(list.count) rows gathered of \(graph.components.size(c))")
            list.sort { $0.row < $1.row }
            var index: [Int: Int] = [:]
            for (t, r) in list.enumerated() { index[r.row] = t }
            var component = Component(rows: list.map(\.row), degrees: list.map(\.degree), pointers: [0],
                                      neighbours: [], weights: [])
            for r in list {
                component.neighbours += r.columns.map { index[$0]! }
                component.weights += r.weights
                component.pointers.append(component.neighbours.count)
            }
            out.solved[c] = component
        }
        return out
    }

    /// Collective. Every rank's best `want` candidates (of the components it solved), all-gathered
    /// and merged: the pool's head is then the same as if every component's values were pooled, for
    /// any P. A LAPACK failure on any rank fails every rank, with the lowest failing rank's error.
    func candidates(kind: RelationOperatorKind, want: Int, communicator: Communicator) throws
        -> [SpectrumSolver.Candidate]
    {
        var local: [SpectrumSolver.Candidate] = []
        var failure: DenseAlgebraError?
        do throws(DenseAlgebraError) {
            for (c, component) in solved {
                let values = try Self.eigen(component, kind: kind, vectors: false).values
                for (i, v) in values.enumerated() {
                    local.append(.init(value: v, origin: .dense(component: c, index: i), key: (2, c, i)))
                }
            }
        } catch {
            failure = error
        }
        try communicator.agree(failure: failure)
        local.sort { SpectrumSolver.precedes($0, $1, smallestFirst: kind.wantsSmallest) }
        var flat: [Int64] = []
        for cand in local.prefix(want) {
            guard case .dense(let c, let i) = cand.origin else { continue }
            flat += [Int64(bitPattern: cand.value.bitPattern), Int64(c), Int64(i)]
        }
        let (all, _) = communicator.allgatherv(int64: flat)
        return stride(from: 0, to: all.count, by: 3).map { at in
            let c = Int(all[at + 1]), i = Int(all[at + 2])
            return .init(value: Double(bitPattern: UInt64(bitPattern: all[at])), origin: .dense(component: c, index: i),
                         key: (2, c, i))
        }
    }

    /// Collective. The chosen dense pairs' vectors, computed on their solving ranks (only for
    /// components with a chosen pair) and sent to the rows' owners: one all-to-all-v of
    /// (row, column, value bits).
    func scatterVectors(_ chosen: [(component: Int, index: Int, column: Int)], kind: RelationOperatorKind,
                        graph: DistributedGraph, into vectors: inout DenseMatrix) throws {
        let world = graph.communicator
        var outgoing = [[Int64]](repeating: [], count: world.size)
        var failure: DenseAlgebraError?
        do throws(DenseAlgebraError) {
            let mine = Dictionary(grouping: chosen.filter { solved[$0.component] != nil }, by: \.component)
            for (c, pairs) in mine {
                let component = solved[c]!
                let block = try Self.eigen(component, kind: kind, vectors: true).vectors
                for pair in pairs {
                    for (t, row) in component.rows.enumerated() {
                        outgoing[graph.partition.owner(of: row)] += [Int64(row), Int64(pair.column),
                                                                     Int64(bitPattern: block[t, pair.index].bitPattern)]
                    }
                }
            }
        } catch {
            failure = error
        }
        try world.agree(failure: failure)
        let (incoming, _) = world.exchange(outgoing.flatMap { $0 }, sendCounts: outgoing.map(\.count))
        for at in stride(from: 0, to: incoming.count, by: 3) {
            vectors[Int(incoming[at]) - graph.firstRow, Int(incoming[at + 1])] =
                Double(bitPattern: UInt64(bitPattern: incoming[at + 2]))
        }
    }

    /// Eigenpairs of a small component's block, in the wanted order, with the component's known
    /// eigenvector removed: its eigenvalue is moved past the unwanted end (B - (mu - tau) u u^T),
    /// so the first block.count - 1 pairs are exactly the others.
    static func eigen(_ component: Component, kind: RelationOperatorKind, vectors: Bool) throws(DenseAlgebraError)
        -> (values: [Double], vectors: DenseMatrix)
    {
        let m = component.rows.count
        let d = component.degrees
        var block = DenseMatrix(rows: m, columns: m)
        for t in 0..<m {
            for q in component.pointers[t]..<component.pointers[t + 1] {
                let s = component.neighbours[q], w = component.weights[q]
                switch kind {
                case .adjacency: block[t, s] = w
                case .normalizedAdjacency: block[t, s] = w / (d[t] * d[s]).squareRoot()
                case .laplacian: block[t, s] = -w
                }
            }
            if kind == .laplacian { block[t, t] = d[t] }
        }
        var dropLast = false
        if kind != .adjacency {
            var u = kind == .normalizedAdjacency ? d.map { $0.squareRoot() } : [Double](repeating: 1, count: m)
            let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for t in 0..<m { u[t] /= norm }
            let (mu, tau) = kind == .laplacian ? (0.0, 4 * (d.max() ?? 0) + 1) : (1.0, -2.0)
            for s in 0..<m { for t in 0..<m { block[t, s] -= (mu - tau) * u[t] * u[s] } }
            dropLast = true
        }
        let eig = try SymmetricEigen(block, vectors: vectors)
        // Ascending from LAPACK; wanted order is descending for G and A_n.
        var order = Array(0..<m)
        if !kind.wantsSmallest { order.reverse() }
        if dropLast { order.removeLast() }
        let values = order.map { eig.values[$0] }
        var vecs = DenseMatrix(rows: m, columns: vectors ? order.count : 0)
        if vectors { for (j, o) in order.enumerated() { vecs.setColumn(j, eig.vectors.column(o)) } }
        return (values, vecs)
    }
}
