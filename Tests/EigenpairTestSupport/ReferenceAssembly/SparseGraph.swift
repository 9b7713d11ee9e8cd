// The one-process reference assembly of the tests (this folder): the whole graph in one process,
// in CHOLMOD's compressed columns, assembled by code independent of the distributed assembly that
// production uses (DistributedGraphBuilder). Tests check the distributed graph, its components and
// its products against it; the production code never sees it.

import PairGraph

/// The symmetric relation matrix G (both triangles, zero diagonal) with its node IDs, degrees and
/// components. Rows are in ascending original-ID order. It keeps the edge list it was assembled
/// from, so the same graph can be built distributed (`distributed(over:)`).
public final class SparseGraph: @unchecked Sendable {
    /// The edges as given, and how duplicates were merged.
    public let edges: EdgeList
    public let mergeRule: MergeRule
    public let nodeIDs: [UInt64]
    public let matrix: CholmodMatrix
    /// d = G 1.
    public let degrees: [Double]
    public let components: Components
    public let statistics: GraphStatistics

    public var nodeCount: Int { nodeIDs.count }
    /// S = sum_ij G_ij.
    public var totalWeight: Double { statistics.totalWeight }

    init(edges: EdgeList, mergeRule: MergeRule, nodeIDs: [UInt64], matrix: CholmodMatrix, components: Components,
         statistics: GraphStatistics) {
        self.edges = edges
        self.mergeRule = mergeRule
        self.nodeIDs = nodeIDs
        self.matrix = matrix
        self.components = components
        self.statistics = statistics
        var d = [Double](repeating: 0, count: nodeIDs.count)
        let p = matrix.columnPointers, x = matrix.values
        for j in 0..<nodeIDs.count {
            var s = 0.0
            for q in Int(p[j])..<Int(p[j + 1]) { s += x[q] }
            d[j] = s
        }
        degrees = d
    }

    /// Y = G X for X with `count` columns (column-major, leading dimension nodeCount).
    public func multiply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int = 1) {
        matrix.multiplyTransposed(x, into: y, count: count)
    }

    /// The neighbours of `row` and their weights.
    public func neighbours(of row: Int) -> (columns: UnsafeBufferPointer<Int32>, weights: UnsafeBufferPointer<Double>) {
        let p = matrix.columnPointers
        let lo = Int(p[row]), hi = Int(p[row + 1])
        return (UnsafeBufferPointer(start: matrix.rowIndices + lo, count: hi - lo),
                UnsafeBufferPointer(start: matrix.values + lo, count: hi - lo))
    }

    /// The graph restricted to its largest connected component (rows keep ascending ID order).
    public func largestComponent() -> SparseGraph {
        if components.count == 1 { return self }
        let rows = Array(components.rows(0))
        let sub = matrix.submatrix(rows)
        var stats = statistics
        stats.nodesBeforeRestriction = nodeCount
        stats.nodes = rows.count
        stats.nonzeros = sub.nonzeros
        stats.edges = sub.nonzeros / 2
        stats.isolatedNodes = rows.count == 1 ? 1 : 0
        stats.components = 1
        stats.componentsWithEdges = rows.count > 1 ? 1 : 0
        stats.largestComponent = rows.count
        var total = 0.0
        for q in 0..<sub.nonzeros { total += sub.values[q] }
        stats.totalWeight = total
        let comps = Components(nodeCount: rows.count, root: [Int32](repeating: 0, count: rows.count))
        // The component's edges: those whose first end lies in it (a component is closed).
        let kept = Set(rows.map { nodeIDs[Int($0)] })
        var subEdges = EdgeList()
        for i in 0..<edges.count where kept.contains(edges.sources[i]) {
            subEdges.append(edges.sources[i], edges.targets[i], weight: edges.weights?[i])
        }
        return SparseGraph(edges: subEdges, mergeRule: mergeRule, nodeIDs: rows.map { nodeIDs[Int($0)] }, matrix: sub,
                           components: comps, statistics: stats)
    }
}
