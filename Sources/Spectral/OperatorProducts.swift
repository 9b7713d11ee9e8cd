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
    /// Collective over `graph.communicator`. M V on this rank's rows, for V given by its owned rows
    /// (`graph.localRowCount` x k, column-major): one halo exchange per column.
    public static func apply(_ graph: DistributedGraph, kind: RelationOperatorKind, to v: DenseMatrix) -> DenseMatrix {
        let n = graph.localRowCount
        precondition(v.rows == n, "\(v.rows) rows given for a block of \(n)")
        let inverseRoot = graph.degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
        let input = kind == .normalizedAdjacency ? v.scalingRows(by: inverseRoot) : v
        var out = DenseMatrix(rows: n, columns: v.columns)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(graph.block.columnCount, 1))
        defer { scratch.deallocate() }
        input.storage.withUnsafeBufferPointer { x in
            out.storage.withUnsafeMutableBufferPointer { y in
                for j in 0..<v.columns {
                    graph.multiply(x.baseAddress! + j * n, into: y.baseAddress! + j * n, scratch: scratch)
                }
            }
        }
        switch kind {
        case .adjacency:
            return out
        case .normalizedAdjacency:
            return out.scalingRows(by: inverseRoot)
        case .laplacian:
            return v.scalingRows(by: graph.degrees) - out
        }
    }

    /// Collective. ||M v_j - lambda_j v_j|| of each column, with the squares summed over ranks.
    public static func residuals(_ graph: DistributedGraph, kind: RelationOperatorKind, values: [Double],
                                 vectors: DenseMatrix) -> [Double] {
        let mv = apply(graph, kind: kind, to: vectors)
        var squares = (0..<values.count).map { j in
            var s = 0.0
            for i in 0..<vectors.rows {
                let r = mv[i, j] - values[j] * vectors[i, j]
                s += r * r
            }
            return s
        }
        graph.communicator.allreduceSum(&squares)
        return squares.map { $0.squareRoot() }
    }
}
