import CLAPACKE

/// SVD of a tall, skinny matrix A (N x K, N >> K) whose rows are split over ranks in contiguous
/// blocks, by TSQR (Demmel et al. 2012): each rank factors its block A_p = Q1_p R_p, the small
/// R_p are all-gathered in rank order and stacked, the stack is factored once more,
/// [R_0; ...; R_{P-1}] = Q2 R, and the SVD of the K x K factor R = U S V^T gives
/// A = (Q1 Q2 U) S V^T. Every rank computes the same R (same gathered data, same LAPACK calls),
/// so singular values and ranks agree on every rank, and for a given P the result is
/// deterministic. Unlike an eigen-decomposition of A^T A it does not square the condition number,
/// which matters for rank decisions at 1e-9 relative.
///
/// DenseAlgebra knows nothing of MPI: the caller passes the all-gather (a communicator's
/// `allgatherv(double:)`, or the identity for one process).
public struct TallSkinnySVD: Sendable {
    /// Singular values, descending: min(N, K) of them.
    public var values: [Double]
    /// This rank's rows of the left singular vectors (local rows x values.count), when requested.
    public var left: DenseMatrix
    /// V^T (values.count x K), the same on every rank, when requested.
    public var rightTransposed: DenseMatrix

    /// - Parameters:
    ///   - local: this rank's rows of A (any count, zero included; every rank the same K).
    ///   - rank: this rank's index (its block's position in the gathered stack).
    ///   - vectors: whether to form `left` and `rightTransposed`.
    ///   - allgather: collective; every rank's list concatenated in rank order, and the counts.
    public init(_ local: DenseMatrix, rank: Int, vectors: Bool,
                allgather: ([Double]) -> (values: [Double], counts: [Int])) throws {
        let k = local.columns
        // 1. Local factor: thin QR when the block has at least K rows; otherwise the block itself
        //    is its own "R" (Q1 = I), so no rank ever contributes more than K rows to the stack.
        let (q1, r1) = try local.rows >= k ? local.thinQR(wantQ: vectors) : (DenseMatrix.identity(local.rows), local)
        // 2. Stack every rank's factor (row-major, so a rank's rows are contiguous), in rank order.
        let gathered = allgather(r1.rowMajor)
        let stackedRows = gathered.values.count / max(k, 1)
        let stacked = k == 0 ? DenseMatrix(rows: 0, columns: 0)
            : DenseMatrix(rows: stackedRows, columns: k, rowMajor: gathered.values)
        let offset = k == 0 ? 0 : gathered.counts[..<rank].reduce(0, +) / k
        // 3. One more QR of the stack (at most P K rows), then the SVD of the small R.
        let (q2, r) = try stacked.rows >= k ? stacked.thinQR(wantQ: vectors) : (DenseMatrix.identity(stacked.rows), stacked)
        let svd = try SingularValues(r, vectors: vectors)
        values = svd.values
        if vectors {
            // Rows offset..<offset + r1.rows of Q2 belong to this rank.
            var q2Mine = DenseMatrix(rows: r1.rows, columns: q2.columns)
            for j in 0..<q2.columns { for i in 0..<r1.rows { q2Mine[i, j] = q2[offset + i, j] } }
            left = q1 * q2Mine * svd.left
            rightTransposed = svd.rightTransposed
        } else {
            left = DenseMatrix(rows: local.rows, columns: 0)
            rightTransposed = DenseMatrix(rows: 0, columns: k)
        }
    }

    /// Singular values above `relativeTolerance` times the largest (0 when all vanish).
    public func rank(relativeTolerance: Double) -> Int {
        guard let top = values.first, top > 0 else { return 0 }
        return values.filter { $0 > relativeTolerance * top }.count
    }
}

extension DenseMatrix {
    /// Thin QR (LAPACK dgeqrf, dorgqr) of a matrix with rows >= columns: Q (rows x columns) with
    /// orthonormal columns when `wantQ` (else 0 columns), R upper triangular (columns x columns).
    public func thinQR(wantQ: Bool) throws -> (q: DenseMatrix, r: DenseMatrix) {
        let m = rows, n = columns
        precondition(m >= n, "thin QR needs rows >= columns, got \(m) x \(n)")
        var r = DenseMatrix(rows: n, columns: n)
        guard n > 0 else { return (DenseMatrix(rows: m, columns: 0), r) }
        var a = storage
        var tau = [Double](repeating: 0, count: n)
        var info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, Int32(m), Int32(n), &a, Int32(m), &tau)
        if info != 0 { throw DenseAlgebraError.lapack("dgeqrf", info) }
        for j in 0..<n { for i in 0...j { r[i, j] = a[j * m + i] } }
        guard wantQ else { return (DenseMatrix(rows: m, columns: 0), r) }
        info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, Int32(m), Int32(n), Int32(n), &a, Int32(m), &tau)
        if info != 0 { throw DenseAlgebraError.lapack("dorgqr", info) }
        return (DenseMatrix(rows: m, columns: n, columnMajor: a), r)
    }
}
