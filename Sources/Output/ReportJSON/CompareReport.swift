import Diagnostics
import NpyFormat
import PairGraph

/// compare's report.json: the header (`ReportHeader`) and `ComparePayload`.
public typealias CompareReport = Report<ComparePayload>

/// compare's part of its report.json.
public struct ComparePayload: Encodable {
    public var input: InputSummary
    public var graph: GraphStatistics
    public var settings: SettingsSummary
    public var embedding: CompareEmbedding
    public var solves: [SolveSummary] = []
    public var losses: [String: CompareLoss] = [:]
    public var labels: LabelsSummary?

    public init(input: InputSummary, graph: GraphStatistics, settings: SettingsSummary, embedding: CompareEmbedding) {
        (self.input, self.graph, self.settings) = (input, graph, settings)
        self.embedding = embedding
    }
}

/// One loss in compare's report.json.
public struct CompareLoss: Encodable {
    public var `operator`: String
    public var available: Bool
    public var lossAtEmbedding: Double?
    public var minLoss: Double?
    public var gap: Double?
    public var relativeGap: Double?
    /// The gap after the best positive rescaling c Z (`LossFunction.bestScale`).
    public var gapAtBestScale: Double?
    public var bestScale: Double?
    /// ||P H Z||^2 / ||H Z||^2, P the projector on the span of every optimal solution.
    public var energyInOptimalSubspace: Double?
    public var optimalSubspace: String?
    /// 0-based columns of Z with zero variance under this loss's centring.
    public var zeroVarianceColumns: [Int]
    public var principalAnglesDegrees: [Double]?
    public var centring: String
    /// Numerical rank of the embedding under this loss's centring.
    public var numericalRank: Int
    public var closedFormRank: Int?
    public var closedFormNumericalRank: Int?
    /// Scores of Z* (the embedding's are under "embedding").
    public var localScore: Double?
    public var globalScore: Double?
    public var lossAtZStar: Double?
    public var hyperparameters: [String: Double]
    public var unique: Bool
    public var notes: [String]

    /// The closed form's numbers come from `summary` (Z* of the same loss and K).
    public init(_ summary: LossSummary, lossAtEmbedding: Double, gap: Double?, relativeGap: Double?, gapAtBestScale: Double?,
                bestScale: Double?, energy: OptimalSubspaceEnergy?, zeroVarianceColumns: [Int], principalAnglesDegrees: [Double]?,
                centring: String, numericalRank: Int, closedFormNumericalRank: Int?, notes: [String]) {
        `operator` = summary.operator
        available = summary.available
        self.lossAtEmbedding = lossAtEmbedding
        minLoss = summary.minLoss
        self.gap = gap
        self.relativeGap = relativeGap
        self.gapAtBestScale = gapAtBestScale
        self.bestScale = bestScale
        energyInOptimalSubspace = energy?.fraction
        optimalSubspace = energy?.subspace
        self.zeroVarianceColumns = zeroVarianceColumns
        self.principalAnglesDegrees = principalAnglesDegrees
        self.centring = centring
        self.numericalRank = numericalRank
        closedFormRank = summary.rank
        self.closedFormNumericalRank = closedFormNumericalRank
        localScore = summary.localScore
        globalScore = summary.globalScore
        lossAtZStar = summary.lossAtZStar
        hyperparameters = summary.hyperparameters
        unique = summary.unique
        self.notes = notes + summary.notes
    }

    enum CodingKeys: String, CodingKey {
        case `operator`, available, lossAtEmbedding, minLoss, gap, relativeGap, gapAtBestScale, bestScale
        case energyInOptimalSubspace, optimalSubspace, zeroVarianceColumns, centring, numericalRank
        case closedFormRank, closedFormNumericalRank, localScore, globalScore, lossAtZStar, hyperparameters
        case unique, notes
        case principalAnglesDegrees = "principal_angles_deg"
    }
}

/// The user's embedding in compare's report.json.
public struct CompareEmbedding: Encodable {
    public var file: String
    public var nodesFile: String?
    public var rows: Int
    public var columns: Int
    public var dtype: String
    public var rowsUsed: Int
    public var extraRowsIgnored: Int
    /// Numerical rank of H Z.
    public var numericalRank: Int
    public var localScore: Double?
    public var globalScore: Double?
    public var globalFitScale: Double?
    public var labels: LabelAlignmentSummary?

    /// `header`: the embedding file's; `scores`: measured on Z / max|Z|, `unitScale` = 1 / max|Z|
    /// (the global fit scale is reported for Z itself).
    public init(file: String, nodesFile: String?, header: NpyHeader, rowsUsed: Int, numericalRank: Int,
                scores: LocalGlobalScores, unitScale: Double, labels: LabelAlignmentSummary?) {
        self.file = file
        self.nodesFile = nodesFile
        (rows, columns) = (header.shape[0], header.shape[1])
        dtype = header.dtype.rawValue
        self.rowsUsed = rowsUsed
        extraRowsIgnored = header.shape[0] - rowsUsed
        self.numericalRank = numericalRank
        (localScore, globalScore) = (scores.local, scores.global)
        globalFitScale = scores.scale.map { $0 * unitScale * unitScale }
        self.labels = labels
    }
}
