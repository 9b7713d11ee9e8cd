import PairGraph

/// The tests' one-process reference assembly (see SparseGraph.swift). Edge list -> compacted IDs
/// -> merged undirected edges -> symmetric CHOLMOD matrix + components.
public enum GraphAssembler {
    /// Not collective: this process assembles the whole graph. `file` names the input in error
    /// messages.
    public static func assemble(_ edges: EdgeList, merge rule: MergeRule = .max, file: String) throws -> SparseGraph {
        let inputEntries = edges.count
        let zeroWeights = edges.zeroWeightEdges
        let weighted = edges.weights != nil
        let compacted = try IDCompaction.compact(edges, file: file)
        let upper = EdgeMerging.merge(compacted, weights: edges.weights, rule: rule)
        let n = compacted.nodeIDs.count
        guard upper.count > 0 else {
            throw InputError(file: file, reason: "empty graph: no edges left after dropping \(upper.selfLoopsDropped) self-loops")
        }
        guard 2 * upper.count < Int(Int32.max) else {
            throw InputError(file: file, reason: "more than 2^31-1 nonzeros are not supported on one rank")
        }
        let matrix = symmetricMatrix(upper)
        let components = Components(nodeCount: n, edges: upper)
        var total = 0.0
        if let w = upper.weights { for v in w { total += 2 * v } } else { total = Double(2 * upper.count) }
        var isolated = 0
        var withEdges = 0
        for c in 0..<components.count {
            if components.size(c) == 1 { isolated += 1 } else { withEdges += 1 }
        }
        let stats = GraphStatistics(
            nodes: n, edges: upper.count, nonzeros: 2 * upper.count, inputEntries: inputEntries,
            selfLoopsDropped: upper.selfLoopsDropped, duplicatesMerged: upper.duplicatesMerged,
            zeroWeightDropped: zeroWeights, isolatedNodes: isolated, components: components.count,
            componentsWithEdges: withEdges, largestComponent: components.size(0), totalWeight: total,
            weighted: weighted || rule == .sum && upper.weights != nil, mergeRule: rule.rawValue,
            nodesBeforeRestriction: nil)
        return SparseGraph(edges: edges, mergeRule: rule, nodeIDs: compacted.nodeIDs, matrix: matrix,
                           components: components, statistics: stats)
    }

    /// Both triangles, columns sorted: the lower entries of each column come first (written in
    /// ascending order of their row by the first pass), the upper ones after (second pass).
    static func symmetricMatrix(_ upper: UpperEdges) -> CholmodMatrix {
        let n = upper.nodeCount
        var degree = [Int](repeating: 0, count: n)
        for a in 0..<n {
            degree[a] += upper.bucketStart[a + 1] - upper.bucketStart[a]
            for p in upper.bucketStart[a]..<upper.bucketStart[a + 1] { degree[Int(upper.high[p])] += 1 }
        }
        let matrix = CholmodMatrix(rows: n, columns: n, nonzeros: 2 * upper.count)
        let ptr = matrix.columnPointers, idx = matrix.rowIndices, val = matrix.values
        var cursor = [Int](repeating: 0, count: n)
        ptr[0] = 0
        for j in 0..<n {
            ptr[j + 1] = ptr[j] + Int32(degree[j])
            cursor[j] = Int(ptr[j])
        }
        for a in 0..<n {
            for p in upper.bucketStart[a]..<upper.bucketStart[a + 1] {
                let b = Int(upper.high[p])
                idx[cursor[b]] = Int32(a)
                val[cursor[b]] = upper.weights?[p] ?? 1
                cursor[b] += 1
            }
        }
        for a in 0..<n {
            for p in upper.bucketStart[a]..<upper.bucketStart[a + 1] {
                idx[cursor[a]] = upper.high[p]
                val[cursor[a]] = upper.weights?[p] ?? 1
                cursor[a] += 1
            }
        }
        return matrix
    }
}
