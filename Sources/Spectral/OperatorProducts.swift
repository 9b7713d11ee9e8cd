import DenseAlgebra
import PairGraph

/// Products of the relation operators with blocks of vectors on this rank's rows.
public enum OperatorProducts {
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
