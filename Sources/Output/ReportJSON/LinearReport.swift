import ClosedForms
import NpyFormat
import PairGraph

/// report.json of `eigenpair linear`: the header (`ReportHeader`) and `LinearPayload`.
public typealias LinearReport = Report<LinearPayload>

/// linear's part of its report.json.
public struct LinearPayload: Encodable {
    public var input: LinearInputSummary
    /// The sparse pair graph's statistics (absent with --pairs-from-labels).
    public var graph: GraphStatistics?
    /// The label graph (with --pairs-from-labels; never materialised).
    public var labelGraph: LabelGraphSummary?
    public var features: FeatureSummary
    public var settings: LinearSettingsSummary
    public var losses: [String: LinearLossSummary] = [:]
    public var rankDetails: [RankSummary]?
    /// Rows of labelled nodes per rank (label graph runs).
    public var rowsPerRank: [Int]?

    public init(input: LinearInputSummary, features: FeatureSummary, settings: LinearSettingsSummary) {
        self.input = input
        self.features = features
        self.settings = settings
    }
}

public struct LinearInputSummary: Encodable {
    public var graph: String?
    public var format: String?
    public var features: String
    public var nodes: String?
    public var labels: String?

    public init(graph: String?, format: String?, features: String, nodes: String?, labels: String?) {
        (self.graph, self.format, self.features) = (graph, format, features)
        (self.nodes, self.labels) = (nodes, labels)
    }
}

public struct LabelGraphSummary: Encodable {
    public var file: String
    public var nodes: Int
    public var classes: Int
    public var classSizes: [Int]
    public var weighting: String
    /// S = sum_c w_c n_c (n_c - 1).
    public var totalWeight: Double
    /// Undirected pairs the label graph has: sum_c n_c (n_c - 1) / 2.
    public var impliedEdges: Int
    public var materialised = false

    /// `classSizes`: n_c for every class; `nodes`: the labelled nodes.
    public init(file: String, nodes: Int, classSizes: [Int], weighting: String, totalWeight: Double) {
        self.file = file
        self.nodes = nodes
        classes = classSizes.count
        self.classSizes = classSizes
        self.weighting = weighting
        self.totalWeight = totalWeight
        impliedEdges = classSizes.reduce(0) { $0 + $1 * ($1 - 1) / 2 }
    }
}

public struct FeatureSummary: Encodable {
    public var file: String
    public var dtype: String
    public var fortranOrder: Bool
    public var rows: Int
    public var columns: Int
    /// Rows matched to nodes of the graph.
    public var rowsUsed: Int
    /// Rows whose node ID is not a node of the graph (ignored).
    public var rowsIgnored: Int

    /// Before the rows are matched to nodes (`rowsUsed`, `rowsIgnored` 0 until then).
    public init(file: String, reader: NpyRowReader) {
        self.file = file
        dtype = reader.header.dtype.rawValue
        fortranOrder = reader.header.fortranOrder
        (rows, columns) = (reader.rows, reader.columns)
        (rowsUsed, rowsIgnored) = (0, 0)
    }
}

public struct LinearSettingsSummary: Encodable {
    public var dim: Int
    public var losses: [String]
    public var hyperparameters: Hyperparameters
    public var merge: String?
    public var labelWeighting: String?
    public var signRule = "each column of W: the entry of largest magnitude is positive (ties: lowest row)"

    public init(dim: Int, losses: [String], hyperparameters: Hyperparameters, merge: String?, labelWeighting: String?) {
        (self.dim, self.losses, self.hyperparameters) = (dim, losses, hyperparameters)
        (self.merge, self.labelWeighting) = (merge, labelWeighting)
    }
}

public struct LinearLossSummary: Encodable {
    public var loss: LossName
    public var available: Bool
    /// The closed-form rank (nonzero levels); nil (JSON null) when no W* was written.
    public var rank: Int?
    public var numericalRank: Int?
    /// The loss at Z* = X W*.
    public var lossAtZStar: Double?
    /// How `lossAtZStar` was evaluated.
    public var lossEvaluation: String?
    public var minLoss: Double?
    public var eigenvalues: [Double]
    /// The per-direction levels of the closed form, written under the name of what they are
    /// (`levelsKey`): VICReg t_k, the variances of Z*'s columns (Cov(X W*) = diag(t)); SimCLR
    /// max(0, nu_k), the second moments of Z*'s columns (W*^T Gamma W* = diag); BarlowTwins the
    /// water levels y_k, the eigenvalues of the cross-correlation C* (direction k of W* is scaled
    /// by sqrt(y_k / mu_k) before the rotation R). Each is the square of a column scale, not the
    /// scale itself.
    public var levels: [Double]
    public var hyperparameters: [String: Double]
    public var unique: Bool
    public var conditionNumber: Double?
    /// Null directions of the covariance left out (rank-deficient features).
    public var droppedDirections: Int
    public var notes: [String]
    /// Z = X W* (N x K).
    public var file: String?
    /// W* (P x K).
    public var weightsFile: String?

    public init(_ s: LinearSolution, loss: Double?, lossEvaluation: String?, numericalRank: Int?, hyperparameters: [String: Double],
         file: String?, weightsFile: String?) {
        self.loss = s.loss
        available = s.weights != nil
        rank = s.weights == nil ? nil : s.rank
        self.numericalRank = numericalRank
        lossAtZStar = loss
        self.lossEvaluation = lossEvaluation
        minLoss = s.minLoss
        eigenvalues = s.eigenvalues
        levels = s.scales
        self.hyperparameters = hyperparameters
        unique = s.unique
        conditionNumber = s.conditionNumber
        droppedDirections = s.droppedDirections
        notes = s.notes
        self.file = file
        self.weightsFile = weightsFile
    }

    /// The report key of `levels`.
    static func levelsKey(_ loss: LossName) -> CodingKeys {
        switch loss {
        case .vicreg: return .variances
        case .simclr, .simclrDegree: return .secondMoments
        case .barlow: return .waterLevels
        }
    }

    enum CodingKeys: String, CodingKey {
        case available, rank, loss, eigenvalues, hyperparameters, unique, notes, file, variances
        case secondMoments, waterLevels, numericalRank, lossAtZStar, lossEvaluation, minLoss, conditionNumber
        case weightsFile
        case droppedDirections = "null_directions_dropped"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(available, forKey: .available)
        try c.encode(rank, forKey: .rank)
        try c.encodeIfPresent(numericalRank, forKey: .numericalRank)
        try c.encodeIfPresent(lossAtZStar, forKey: .lossAtZStar)
        try c.encodeIfPresent(lossEvaluation, forKey: .lossEvaluation)
        try c.encodeIfPresent(minLoss, forKey: .minLoss)
        try c.encode(eigenvalues, forKey: .eigenvalues)
        try c.encode(levels, forKey: Self.levelsKey(loss))
        try c.encode(hyperparameters, forKey: .hyperparameters)
        try c.encode(unique, forKey: .unique)
        try c.encodeIfPresent(conditionNumber, forKey: .conditionNumber)
        try c.encode(droppedDirections, forKey: .droppedDirections)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(file, forKey: .file)
        try c.encodeIfPresent(weightsFile, forKey: .weightsFile)
    }
}
