import CLAPACKE

/// The symmetric generalised eigenproblem A w = lambda B w with B symmetric positive
/// semi-definite, solved on the range of B. Eigenvalues ascending; eigenvectors B-orthonormal
/// (W^T B W = I), which is the normalisation every linear closed form needs (W = B^-1/2 V with V
/// orthonormal, up to a rotation inside tied eigenspaces).
///
/// Why the range: B is a covariance of the features (Sigma, Gamma or S_d), singular exactly when
/// some combination w of the features is constant (X w = c 1) or zero, and such a w changes no
/// loss (the embedding gets a constant or zero column, which VICReg's covariance, the Laplacian
/// term and the cross-correlations do not see). Raw pixels have constant pixels, so a feature set
/// of rank r < P is the normal case, not an error.
///
/// Steps: features with a zero diagonal entry of B (at most `relativeTolerance` times the
/// largest) are dropped outright; the others are scaled to unit diagonal (units do not matter);
/// the scaled B = V diag(e) V^T (LAPACK dsyevd) keeps the directions with e > `relativeTolerance`
/// times the largest e; with T = V_kept diag(e_kept^-1/2), the symmetric problem T^T A T = Q diag(lambda) Q^T
/// gives W = D T Q. `droppedDirections` = P - r counts what was left out.
public struct GeneralizedSymmetricEigen: Sendable {
    /// The tolerance of the range decision (relative to B's largest scaled eigenvalue).
    public static let defaultRangeTolerance = 1e-11

    /// r values, ascending.
    public var values: [Double]
    /// P x r. Column j: the eigenvector of values[j], with w^T B w = 1; zero on dropped features.
    public var vectors: DenseMatrix
    /// Condition number of the scaled B on its range (largest / smallest kept eigenvalue).
    public var conditionOfB: Double
    /// P - r: null directions of B left out (constant or collinear feature combinations).
    public var droppedDirections: Int

    public enum Failure: Error, CustomStringConvertible, Sendable {
        /// B is zero to working accuracy: no direction to solve on.
        case zeroMatrix

        public var description: String {
            switch self {
            case .zeroMatrix: return "the matrix is zero (every feature is constant)"
            }
        }
    }

    /// - Parameters:
    ///   - a: symmetric (lower triangle used).
    ///   - b: symmetric positive semi-definite (lower triangle used).
    ///   - relativeTolerance: directions of the unit-diagonal B with an eigenvalue at or below this
    ///     times its largest are its null space.
    /// - Throws: `Failure.zeroMatrix` when B has no range, `DenseAlgebraError` on LAPACK failure.
    public init(_ a: DenseMatrix, _ b: DenseMatrix, relativeTolerance: Double = defaultRangeTolerance) throws {
        precondition(a.rows == a.columns && b.rows == b.columns && a.rows == b.rows, "square matrices of one size expected")
        let n = a.rows
        let largestDiagonal = (0..<n).reduce(0.0) { max($0, b[$1, $1]) }
        let kept = (0..<n).filter { b[$0, $0] > relativeTolerance * largestDiagonal }
        guard !kept.isEmpty else { throw Failure.zeroMatrix }
        let m = kept.count
        let scale = kept.map { 1 / b[$0, $0].squareRoot() }
        var sa = DenseMatrix(rows: m, columns: m), sb = DenseMatrix(rows: m, columns: m)
        for j in 0..<m {
            for i in 0..<m {
                // Symmetrise from the lower triangle, as LAPACK reads it.
                let (r, c) = kept[i] >= kept[j] ? (kept[i], kept[j]) : (kept[j], kept[i])
                sa[i, j] = a[r, c] * scale[i] * scale[j]
                sb[i, j] = b[r, c] * scale[i] * scale[j]
            }
        }
        let eigenOfB = try SymmetricEigen(sb)
        let largest = eigenOfB.values.last ?? 0
        let range = eigenOfB.values.indices.filter { eigenOfB.values[$0] > relativeTolerance * largest }
        guard largest > 0, !range.isEmpty else { throw Failure.zeroMatrix }
        var t = DenseMatrix(rows: m, columns: range.count)
        for (c, j) in range.enumerated() {
            let inverseRoot = 1 / eigenOfB.values[j].squareRoot()
            for i in 0..<m { t[i, c] = eigenOfB.vectors[i, j] * inverseRoot }
        }
        let reduced = t.transposeTimes(sa * t)
        let eigen = try SymmetricEigen(0.5 * (reduced + reduced.transposed))
        let w = t * eigen.vectors
        var full = DenseMatrix(rows: n, columns: range.count)
        for c in 0..<range.count { for (i, row) in kept.enumerated() { full[row, c] = w[i, c] * scale[i] } }
        values = eigen.values
        vectors = full
        conditionOfB = largest / eigenOfB.values[range[0]]
        droppedDirections = n - range.count
    }
}
