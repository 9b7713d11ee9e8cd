import DenseAlgebra
import PairGraph

/// Products of the relation operators with blocks of vectors over the whole graph.
public enum OperatorProducts {
    /// M V for the operator `kind` (G, A_n or L itself, not shifted).
    public static func apply(_ graph: SparseGraph, kind: RelationOperatorKind, to v: DenseMatrix) -> DenseMatrix {
        let n = graph.nodeCount
        var input = v
        if kind == .normalizedAdjacency {
            input = v.scalingRows(by: graph.degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 })
        }
        var out = DenseMatrix(rows: n, columns: v.columns)
        if v.columns > 0 {
            input.storage.withUnsafeBufferPointer { x in
                out.storage.withUnsafeMutableBufferPointer { y in
                    graph.multiply(x.baseAddress!, into: y.baseAddress!, count: v.columns)
                }
            }
        }
        switch kind {
        case .adjacency:
            return out
        case .normalizedAdjacency:
            return out.scalingRows(by: graph.degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 })
        case .laplacian:
            return v.scalingRows(by: graph.degrees) - out
        }
    }

    /// ||M v_j - values[j] v_j|| for each column.
    public static func residuals(_ graph: SparseGraph, kind: RelationOperatorKind, values: [Double],
                                 vectors: DenseMatrix) -> [Double] {
        let mv = apply(graph, kind: kind, to: vectors)
        return (0..<values.count).map { j in
            var s = 0.0
            for i in 0..<vectors.rows {
                let r = mv[i, j] - values[j] * vectors[i, j]
                s += r * r
            }
            return s.squareRoot()
        }
    }
}

extension OperatorProducts {
    /// Collective over `graph.communicator`. M V on this rank's rows (`RelationOperator.apply`).
    public static func apply(_ graph: DistributedGraph, kind: RelationOperatorKind, to v: DenseMatrix) -> DenseMatrix {
        RelationOperator(kind, graph: graph).apply(v)
    }

    /// Collective. ||M v_j - lambda_j v_j|| of each column (`RelationOperator.residuals`).
    public static func residuals(_ graph: DistributedGraph, kind: RelationOperatorKind, values: [Double],
                                 vectors: DenseMatrix) -> [Double] {
        RelationOperator(kind, graph: graph).residuals(values: values, vectors: vectors)
    }
}
