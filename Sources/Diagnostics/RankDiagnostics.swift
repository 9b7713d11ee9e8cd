import DenseAlgebra
import Distributed

/// Rank of an embedding next to the closed form's (docs/math.md section 8).
///
/// The numerical rank is the number of singular values of H Z (Z centred over all rows, since the
/// losses only see Cov(Z) = Z^T H Z / N) above `relativeTolerance` = 1e-9 times the largest; 0 for
/// H Z = 0. The closed-form rank is `ClosedFormSolution.rank`, the count of nonzero scale factors.
/// 1e-9 sits well above the rounding floor of an eigen-solve (~1e-13 relative) and well below any
/// scale factor the closed forms keep.
///
/// Distributed: Z is this rank's block of rows; the means are all-reduced and the singular values
/// come from TSQR (`RowBlockAlgebra.svd`: local QR, the R factors gathered in rank order, one more
/// QR, the SVD of the final K x K R), never from Z^T Z, whose eigenvalues would square the
/// condition number the 1e-9 tolerance is applied to.
public enum RankDiagnostics {
    public static let relativeTolerance = 1e-9

    /// Collective over `communicator`; `z`: this rank's rows.
    public static func numericalRank(_ z: DenseMatrix, communicator: Communicator) throws -> Int {
        let rows = communicator.allreduceSum(z.rows)
        let hz = RowBlockAlgebra.centred([z], count: rows, communicator: communicator)[0]
        return try RowBlockAlgebra.svd(hz, vectors: false, communicator: communicator).rank(relativeTolerance: relativeTolerance)
    }
}
