import DenseAlgebra
import Distributed
import Foundation

/// How much of the task's label signal an embedding's span holds (docs/math.md section 8).
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

    /// Collective over `labels.communicator`. Both measures for embedding `z` (this rank's rows,
    /// one per owned label row). Centring uses the means over every rank's labelled rows; the
    /// bases come from TSQR of H Z_l and H Y_l (`RowBlockAlgebra.svd`), their left singular vectors
    /// kept on the owned rows; Q_Z^T H Y and Q_Z^T Q_Y are all-reduced (small: K x C).
    /// - Throws: `DiagnosticsError.rowMismatch` (on every rank) when z.rows != labels.rowCount on
    ///   some rank.
    public static func measure(_ z: DenseMatrix, labels: LabelMatrix) throws -> Measures {
        try labels.checkRows(of: z, what: "embedding")
        let comm = labels.communicator
        let rows = labels.labelledRows
        let centred = RowBlockAlgebra.centred([z.selectingRows(rows), labels.oneHot(rows: rows)],
                                              count: labels.labelledCount, communicator: comm)
        let hz = centred[0], hy = centred[1]
        let svdZ = try RowBlockAlgebra.svd(hz, vectors: true, communicator: comm)
        let svdY = try RowBlockAlgebra.svd(hy, vectors: true, communicator: comm)
        let qz = svdZ.left.columns(0..<svdZ.rank(relativeTolerance: relativeTolerance))
        let qy = svdY.left.columns(0..<svdY.rank(relativeTolerance: relativeTolerance))
        let reduced = RowBlockAlgebra.reducedProducts([(qz, hy), (qz, qy)], extra: [squaredNorm(hy)], communicator: comm)
        let labelNorm2 = reduced.extra[0]
        var energy: Double? = nil
        if labelNorm2 > 0 {
            energy = qz.columns == 0 ? 0 : min(1, squaredNorm(reduced.products[0]) / labelNorm2)
        }
        var angles: [Double] = []
        if qz.columns > 0 && qy.columns > 0 {
            let cosines = try SingularValues(reduced.products[1]).values
            angles = cosines.map { acos(Swift.min(1, Swift.max(-1, $0))) * 180 / Double.pi }.sorted()
        }
        return Measures(capturedLabelEnergy: energy, principalAnglesDegrees: angles)
    }

    /// Collective. ||P_Z H Y||_F^2 / ||H Y||_F^2 over the labelled rows; nil when fewer than two
    /// classes are present among them.
    public static func capturedLabelEnergy(_ z: DenseMatrix, labels: LabelMatrix) throws -> Double? {
        try measure(z, labels: labels).capturedLabelEnergy
    }

    /// Collective. Principal angles (degrees, ascending) between span(H Z) and span(H Y) over the
    /// labelled rows.
    public static func principalAnglesDegrees(_ z: DenseMatrix, labels: LabelMatrix) throws -> [Double] {
        try measure(z, labels: labels).principalAnglesDegrees
    }

    /// Collective over `labels.communicator`. The largest captured label energy over every
    /// subspace span(F) + S, S any `choose`-dimensional subspace of span(T): the best-aligned
    /// optimal solution when Z* is F plus `choose` directions of a tied eigenspace T (any basis
    /// of the tie is optimal). With Q_F an orthonormal basis of H F_l and Q_T one of
    /// (I - Q_F Q_F^T) H T_l, it is (||Q_F^T H Y_l||^2 + the sum of the `choose` largest squared
    /// singular values of Q_T^T H Y_l) / ||H Y_l||^2 (Ky Fan). nil when fewer than two classes
    /// are present. `fixed`, `tied`: this rank's rows, one per owned label row.
    public static func bestLabelEnergy(fixed: DenseMatrix, tied: DenseMatrix, choose: Int, labels: LabelMatrix) throws -> Double? {
        try labels.checkRows(of: fixed, what: "eigenvector block")
        try labels.checkRows(of: tied, what: "eigenvector block")
        let comm = labels.communicator
        let rows = labels.labelledRows
        let centred = RowBlockAlgebra.centred([fixed.selectingRows(rows), tied.selectingRows(rows), labels.oneHot(rows: rows)],
                                              count: labels.labelledCount, communicator: comm)
        let hf = centred[0], hy = centred[2]
        var ht = centred[1]
        var qf = DenseMatrix(rows: hf.rows, columns: 0)
        if hf.columns > 0 {
            let svdF = try RowBlockAlgebra.svd(hf, vectors: true, communicator: comm)
            qf = svdF.left.columns(0..<svdF.rank(relativeTolerance: relativeTolerance))
        }
        // The scale of H T_l before the projection decides what is left of it: a direction of T
        // inside span(F) leaves only roundoff, which must not count as rank.
        let scale = RowBlockAlgebra.reducedProducts([], extra: [squaredNorm(ht)], communicator: comm).extra[0].squareRoot()
        if qf.columns > 0 && ht.columns > 0 {
            let overlap = RowBlockAlgebra.reducedProducts([(qf, ht)], communicator: comm).products[0]
            ht = ht - qf * overlap
        }
        var qt = DenseMatrix(rows: ht.rows, columns: 0)
        if ht.columns > 0 {
            let svdT = try RowBlockAlgebra.svd(ht, vectors: true, communicator: comm)
            qt = svdT.left.columns(0..<svdT.values.filter { $0 > relativeTolerance * scale }.count)
        }
        let reduced = RowBlockAlgebra.reducedProducts([(qf, hy), (qt, hy)], extra: [squaredNorm(hy)], communicator: comm)
        let labelNorm2 = reduced.extra[0]
        guard labelNorm2 > 0 else { return nil }
        var inside = squaredNorm(reduced.products[0])
        if qt.columns > 0 && choose > 0 {
            let sigma = try SingularValues(reduced.products[1]).values
            inside += sigma.prefix(choose).reduce(0) { $0 + $1 * $1 }
        }
        return min(1, inside / labelNorm2)
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
    /// When Z* is not unique (a tie at K): the largest label energy of any optimal Z*
    /// (`LabelAlignment.bestLabelEnergy`); nil otherwise.
    public var bestOptimalLabelEnergy: Double?
    public var principalAnglesDegrees: [Double]
    public var probe: ProbeReport
    /// Numerical rank of H Z over all rows (see `RankDiagnostics`).
    public var numericalRank: Int

    enum CodingKeys: String, CodingKey {
        case labelled, classes, capturedLabelEnergy, bestOptimalLabelEnergy, probe, numericalRank
        case principalAnglesDegrees = "principal_angles_deg"
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

    /// Collective over `labels.communicator`. Every label measure of `embedding` (this rank's
    /// rows of Z, one per owned label row): label energy, principal angles, the linear probe on the
    /// node-ID split, and the numerical rank; the same on every rank.
    /// - Parameter nodeIDs: the node ID of each owned row (`DistributedGraph.nodeIDs`), which
    ///   decides the split.
    public init(embedding: DenseMatrix, labels: LabelMatrix, nodeIDs: [UInt64]) throws {
        let m = try LabelAlignment.measure(embedding, labels: labels)
        self.init(labelled: labels.labelledCount, classes: labels.presentClassCount,
                  capturedLabelEnergy: m.capturedLabelEnergy, principalAnglesDegrees: m.principalAnglesDegrees,
                  probe: try LinearProbe.evaluate(features: embedding, labels: labels, nodeIDs: nodeIDs),
                  numericalRank: try RankDiagnostics.numericalRank(embedding, communicator: labels.communicator))
    }
}
