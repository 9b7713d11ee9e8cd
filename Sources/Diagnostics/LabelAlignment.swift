import DenseAlgebra
import Foundation

/// How much of the task's label signal an embedding's span holds (MATH.md section 6).
///
/// Every measure is restricted to the labelled rows: with m labelled rows, Z_l and Y_l are the
/// labelled rows of Z and of the one-hot Y, and H = I - 11^T/m centres over those rows only.
/// - captured label energy: ||P H Y_l||_F^2 / ||H Y_l||_F^2, with P the orthogonal projector on
///   span(H Z_l), built from an orthonormal basis (thin SVD keeping singular values above
///   `relativeTolerance` times the largest), so a rank-deficient Z is fine: 1 when span(H Z_l)
///   contains every centred class indicator, 0 when it is orthogonal to them all.
/// - principal angles (degrees, ascending) between span(H Z_l) and span(H Y_l); there are
///   min(rank H Z_l, rank H Y_l) of them, and rank H Y_l is (classes present) - 1.
public enum LabelAlignment {
    /// Singular values of H Z_l (and of H Y_l) at or below this fraction of the largest are
    /// treated as zero, as in `RankDiagnostics`.
    public static let relativeTolerance = 1e-9

    /// Captured label energy and principal angles together (they share the bases).
    public struct Measures: Sendable, Equatable {
        /// nil when H Y_l = 0 (fewer than two classes among the labelled rows).
        public var capturedLabelEnergy: Double?
        public var principalAnglesDegrees: [Double]
    }

    /// Both measures for embedding `z` (N x K, one row per label row).
    /// - Throws: `DiagnosticsError.rowMismatch` when z.rows != labels.rowCount.
    public static func measure(_ z: DenseMatrix, labels: LabelMatrix) throws -> Measures {
        try labels.checkRows(of: z, what: "embedding")
        let rows = labels.labelledRows
        let hz = z.selectingRows(rows).centered
        let hy = labels.oneHot(rows: rows).centered
        let labelNorm2 = squaredNorm(hy)
        let qz = try hz.orthonormalBasis(relativeTolerance: relativeTolerance)
        let qy = try hy.orthonormalBasis(relativeTolerance: relativeTolerance)
        var energy: Double? = nil
        if labelNorm2 > 0 {
            energy = qz.columns == 0 ? 0 : min(1, squaredNorm(qz.transposeTimes(hy)) / labelNorm2)
        }
        var angles: [Double] = []
        if qz.columns > 0 && qy.columns > 0 {
            let cosines = try SingularValues(qz.transposeTimes(qy)).values
            angles = cosines.map { acos(Swift.min(1, Swift.max(-1, $0))) * 180 / Double.pi }.sorted()
        }
        return Measures(capturedLabelEnergy: energy, principalAnglesDegrees: angles)
    }

    /// ||P_Z H Y||_F^2 / ||H Y||_F^2 over the labelled rows; nil when fewer than two classes are
    /// present among them.
    public static func capturedLabelEnergy(_ z: DenseMatrix, labels: LabelMatrix) throws -> Double? {
        try measure(z, labels: labels).capturedLabelEnergy
    }

    /// Principal angles (degrees, ascending) between span(H Z) and span(H Y) over the labelled rows.
    public static func principalAnglesDegrees(_ z: DenseMatrix, labels: LabelMatrix) throws -> [Double] {
        try measure(z, labels: labels).principalAnglesDegrees
    }

    static func squaredNorm(_ m: DenseMatrix) -> Double {
        m.storage.reduce(0) { $0 + $1 * $1 }
    }
}

/// The label diagnostics of one embedding, as report.json carries them.
public struct LabelReport: Codable, Sendable, Equatable {
    /// Rows with a label (the rows every measure below uses).
    public var labelled: Int
    /// Classes with at least one labelled row.
    public var classes: Int
    /// nil (key absent) when fewer than two classes are present.
    public var capturedLabelEnergy: Double?
    public var principalAnglesDegrees: [Double]
    public var probe: ProbeReport
    /// Numerical rank of H Z over all rows (see `RankDiagnostics`).
    public var numericalRank: Int

    enum CodingKeys: String, CodingKey {
        case labelled
        case classes
        case capturedLabelEnergy = "captured_label_energy"
        case principalAnglesDegrees = "principal_angles_deg"
        case probe
        case numericalRank = "numerical_rank"
    }

    public init(labelled: Int, classes: Int, capturedLabelEnergy: Double?, principalAnglesDegrees: [Double],
                probe: ProbeReport, numericalRank: Int) {
        self.labelled = labelled
        self.classes = classes
        self.capturedLabelEnergy = capturedLabelEnergy
        self.principalAnglesDegrees = principalAnglesDegrees
        self.probe = probe
        self.numericalRank = numericalRank
    }

    /// Every label measure of `embedding` (N x K): label energy, principal angles, the linear probe
    /// on the node-ID split, and the numerical rank.
    /// - Parameter nodeIDs: the node ID of each row (`SparseGraph.nodeIDs`), which decides the split.
    public init(embedding: DenseMatrix, labels: LabelMatrix, nodeIDs: [UInt64]) throws {
        let m = try LabelAlignment.measure(embedding, labels: labels)
        self.init(labelled: labels.labelledCount, classes: labels.presentClassCount,
                  capturedLabelEnergy: m.capturedLabelEnergy, principalAnglesDegrees: m.principalAnglesDegrees,
                  probe: try LinearProbe.evaluate(features: embedding, labels: labels, nodeIDs: nodeIDs),
                  numericalRank: try RankDiagnostics.numericalRank(embedding))
    }
}
