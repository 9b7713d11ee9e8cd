import DenseAlgebra
import PairGraph

/// M in {G, A_n, L} on a distributed graph (docs/math.md section 1): the one place the algebra of
/// the three relation operators over the whole graph is written. `apply` is the block product the
/// closed forms, the diagnostics and the certification use; the component solvers wrap the
/// component-restricted form (`ComponentOperator`) in `ShiftedOperator` or `ChebyshevFilter`.
public struct RelationOperator {
    public let kind: RelationOperatorKind
    public let graph: DistributedGraph

    /// Not collective.
    public init(_ kind: RelationOperatorKind, graph: DistributedGraph) {
        self.kind = kind
        self.graph = graph
    }

    /// Collective over `graph.communicator`. M V on this rank's rows, for V given by its owned rows
    /// (`graph.localRowCount` x k, column-major): G V by `DistributedGraph.multiply(_:)` (block
    /// products at P > 1, one halo exchange per 16 columns; each column's sums are bit for bit
    /// those of a vector product either way).
    public func apply(_ v: DenseMatrix) -> DenseMatrix {
        let n = graph.localRowCount
        precondition(v.rows == n, "\(v.rows) rows given for a block of \(n)")
        let inverseRoot = graph.degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 }
        let out = graph.multiply(kind == .normalizedAdjacency ? v.scalingRows(by: inverseRoot) : v)
        switch kind {
        case .adjacency:
            return out
        case .normalizedAdjacency:
            return out.scalingRows(by: inverseRoot)
        case .laplacian:
            return v.scalingRows(by: graph.degrees) - out
        }
    }

    /// Not collective (`graph.maxDegree` is global). An upper bound of ||M||_2: ||G|| <= max row
    /// sum d_max (G >= 0, symmetric); ||A_n|| = 1; ||L|| <= ||D|| + ||G|| <= 2 d_max.
    public var normBound: Double {
        let maxDegree = graph.maxDegree
        switch kind {
        case .adjacency: return maxDegree
        case .normalizedAdjacency: return maxDegree > 0 ? 1 : 0
        case .laplacian: return 2 * maxDegree
        }
    }

    /// Collective. ||M v_j - values[j] v_j|| of each column, with the squares summed over ranks.
    public func residuals(values: [Double], vectors: DenseMatrix) -> [Double] {
        let mv = apply(vectors)
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
