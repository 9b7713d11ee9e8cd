import ClosedForms
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

    /// Collective (every rank passes an embedding or none).
    /// - Parameter embedding: this rank's rows; nil when the loss had no closed form (numerical
    ///   rank then nil).
    public static func report(embedding: DenseMatrix?, closedFormRank: Int, communicator: Communicator) throws -> RankReport {
        let numerical = try embedding.map { try numericalRank($0, communicator: communicator) }
        return RankReport(closedFormRank: closedFormRank, numericalRank: numerical,
                          columns: embedding?.columns ?? 0, relativeTolerance: relativeTolerance)
    }

    /// Collective.
    public static func report(_ solution: ClosedFormSolution, communicator: Communicator) throws -> RankReport {
        try report(embedding: solution.embedding, closedFormRank: solution.rank, communicator: communicator)
    }
}

public struct RankReport: Codable, Sendable, Equatable {
    /// Count of nonzero scale factors of the closed form.
    public var closedFormRank: Int
    /// Numerical rank of H Z; nil without an embedding.
    public var numericalRank: Int?
    /// K: columns of the embedding.
    public var columns: Int
    public var relativeTolerance: Double
    /// Whether the two ranks agree (nil without an embedding).
    public var agrees: Bool? { numericalRank.map { $0 == closedFormRank } }

    enum CodingKeys: String, CodingKey {
        case closedFormRank = "closed_form_rank"
        case numericalRank = "numerical_rank"
        case columns
        case relativeTolerance = "relative_tolerance"
        case agrees
    }

    public init(closedFormRank: Int, numericalRank: Int?, columns: Int, relativeTolerance: Double) {
        self.closedFormRank = closedFormRank
        self.numericalRank = numericalRank
        self.columns = columns
        self.relativeTolerance = relativeTolerance
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        closedFormRank = try c.decode(Int.self, forKey: .closedFormRank)
        numericalRank = try c.decodeIfPresent(Int.self, forKey: .numericalRank)
        columns = try c.decode(Int.self, forKey: .columns)
        relativeTolerance = try c.decode(Double.self, forKey: .relativeTolerance)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(closedFormRank, forKey: .closedFormRank)
        try c.encodeIfPresent(numericalRank, forKey: .numericalRank)
        try c.encode(columns, forKey: .columns)
        try c.encode(relativeTolerance, forKey: .relativeTolerance)
        try c.encodeIfPresent(agrees, forKey: .agrees)
    }
}
