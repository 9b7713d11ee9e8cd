import CLAPACKE

/// The symmetric-definite generalised eigenproblem A w = lambda B w (A symmetric, B symmetric
/// positive definite), by LAPACK dsygvd (Cholesky B = L L^T, then the symmetric problem of
/// L^-1 A L^-T). Eigenvalues ascending; eigenvectors B-orthonormal (W^T B W = I), which is the
/// normalisation every linear closed form needs (W = B^-1/2 V with V orthonormal, up to a
/// rotation inside tied eigenspaces).
///
/// Both matrices are first scaled by D = diag(B)^-1/2 (so B's diagonal is 1), which makes the
/// definiteness test and the Cholesky factor independent of the units of each feature; the
/// vectors are scaled back (w = D v).
public struct GeneralizedSymmetricEigen: Sendable {
    public var values: [Double]
    /// Column j: the eigenvector of values[j], with w^T B w = 1.
    public var vectors: DenseMatrix
    /// Condition number of the scaled B (largest / smallest eigenvalue), the measure of how close
    /// B is to singular.
    public var conditionOfB: Double

    public enum Failure: Error, CustomStringConvertible, Sendable {
        /// B is singular or indefinite to working accuracy: its scaled smallest eigenvalue over
        /// the largest is below the tolerance (or B has a zero diagonal entry: a feature that is
        /// identically zero, or constant where B is a covariance).
        case notDefinite(smallestRelativeEigenvalue: Double, zeroDiagonal: [Int])

        public var description: String {
            switch self {
            case .notDefinite(let s, let zeros):
                if !zeros.isEmpty { return "the matrix is singular: zero diagonal at \(zeros.prefix(8).map(String.init).joined(separator: ", "))" }
                return "the matrix is singular to working accuracy (smallest/largest eigenvalue \(s))"
            }
        }
    }

    /// - Parameters:
    ///   - a: symmetric (lower triangle used).
    ///   - b: symmetric positive definite (lower triangle used).
    ///   - relativeTolerance: B counts as singular when, after scaling to unit diagonal, its
    ///     smallest eigenvalue is below this times its largest.
    /// - Throws: `Failure.notDefinite` for a singular B, `DenseAlgebraError` on LAPACK failure.
    public init(_ a: DenseMatrix, _ b: DenseMatrix, relativeTolerance: Double = 1e-11) throws {
        precondition(a.rows == a.columns && b.rows == b.columns && a.rows == b.rows, "square matrices of one size expected")
        let n = a.rows
        let zeros = (0..<n).filter { !(b[$0, $0] > 0) }
        guard zeros.isEmpty else { throw Failure.notDefinite(smallestRelativeEigenvalue: 0, zeroDiagonal: zeros) }
        let scale = (0..<n).map { 1 / b[$0, $0].squareRoot() }
        var sa = DenseMatrix(rows: n, columns: n), sb = DenseMatrix(rows: n, columns: n)
        for j in 0..<n {
            for i in 0..<n {
                // Symmetrise from the lower triangle, as LAPACK reads it.
                let (r, c) = i >= j ? (i, j) : (j, i)
                sa[i, j] = a[r, c] * scale[i] * scale[j]
                sb[i, j] = b[r, c] * scale[i] * scale[j]
            }
        }
        let spectrumOfB = try SymmetricEigen(sb, vectors: false).values
        let largest = spectrumOfB.last ?? 1, smallest = spectrumOfB.first ?? 1
        guard n == 0 || (smallest > relativeTolerance * largest && largest > 0) else {
            throw Failure.notDefinite(smallestRelativeEigenvalue: smallest / largest, zeroDiagonal: [])
        }
        conditionOfB = n == 0 ? 1 : largest / smallest
        var w = [Double](repeating: 0, count: n)
        if n > 0 {
            let info = LAPACKE_dsygvd(LAPACK_COL_MAJOR, 1, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "L")), Int32(n),
                                      &sa.storage, Int32(n), &sb.storage, Int32(n), &w)
            if info > Int32(n) {
                throw Failure.notDefinite(smallestRelativeEigenvalue: smallest / largest, zeroDiagonal: [])
            }
            if info != 0 { throw DenseAlgebraError.lapack("dsygvd", info) }
        }
        values = w
        vectors = sa.scalingRows(by: scale)
    }
}
