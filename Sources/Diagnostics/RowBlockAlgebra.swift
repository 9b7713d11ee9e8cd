import DenseAlgebra
import Distributed

/// The reductions over rows that the label measures share, for matrices held as this rank's block
/// of rows: centring with global means, and the SVD of a tall block-distributed matrix by TSQR
/// (never through a Gram matrix, which would square the condition number of the rank decisions).
enum RowBlockAlgebra {
    /// Collective. `matrices` with every column centred over all ranks' rows; `count` is the
    /// global row count (the columns of all matrices share one all-reduce).
    static func centred(_ matrices: [DenseMatrix], count: Int, communicator: Communicator) -> [DenseMatrix] {
        var sums: [Double] = []
        for m in matrices {
            for j in 0..<m.columns {
                var s = 0.0
                for i in 0..<m.rows { s += m[i, j] }
                sums.append(s)
            }
        }
        communicator.allreduceSum(&sums)
        var offset = 0
        return matrices.map { m in
            var out = m
            if count > 0 {
                for j in 0..<m.columns {
                    let mean = sums[offset + j] / Double(count)
                    for i in 0..<m.rows { out[i, j] -= mean }
                }
            }
            offset += m.columns
            return out
        }
    }

    /// Collective. TSQR + SVD of the matrix whose rows are every rank's `local` in rank order.
    static func svd(_ local: DenseMatrix, vectors: Bool, communicator: Communicator) throws -> TallSkinnySVD {
        try TallSkinnySVD(local, rank: communicator.rank, vectors: vectors) { communicator.allgatherv(double: $0) }
    }

    /// Collective. A^T B summed over ranks, for several pairs in one all-reduce, plus `extra`.
    static func reducedProducts(_ pairs: [(DenseMatrix, DenseMatrix)], extra: [Double] = [],
                                communicator: Communicator) -> (products: [DenseMatrix], extra: [Double]) {
        let locals = pairs.map { $0.0.transposeTimes($0.1) }
        var buffer = locals.flatMap { $0.storage } + extra
        communicator.allreduceSum(&buffer)
        var offset = 0
        let products = locals.map { p -> DenseMatrix in
            defer { offset += p.storage.count }
            return DenseMatrix(rows: p.rows, columns: p.columns, columnMajor: Array(buffer[offset..<(offset + p.storage.count)]))
        }
        return (products, Array(buffer[offset...]))
    }
}
