import DenseAlgebra
import Distributed

/// Moving between a whole N x K matrix (every row, as one process or a test holds it) and one
/// rank's contiguous block of rows (what the distributed pipeline holds).
public enum RowBlocks {
    /// Not collective. Rows `rows` of `full`, in order.
    public static func slice(_ full: DenseMatrix, rows: Range<Int>) -> DenseMatrix {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= full.rows, "rows \(rows) outside 0..<\(full.rows)")
        var out = DenseMatrix(rows: rows.count, columns: full.columns)
        for j in 0..<full.columns {
            let from = j * full.rows + rows.lowerBound
            out.storage.replaceSubrange((j * rows.count)..<((j + 1) * rows.count), with: full.storage[from..<(from + rows.count)])
        }
        return out
    }

    /// Collective. Every rank's block stacked in rank order: the whole matrix, on every rank.
    /// Memory: N x K doubles on every rank (for tests and small problems, never the pipeline).
    public static func allgather(_ local: DenseMatrix, communicator: Communicator) -> DenseMatrix {
        let k = local.columns
        let gathered = communicator.allgatherv(double: local.rowMajor).values
        return DenseMatrix(rows: k == 0 ? communicator.allreduceSum(local.rows) : gathered.count / k, columns: k,
                           rowMajor: gathered)
    }
}
