import ClosedForms
import Output
import PairGraph

/// report.json of `eigenpair linear`.
struct LinearReport: Encodable {
    var tool = "eigenpair"
    var command = "linear"
    var version = EigenpairVersion.string
    var schemaVersion = ReportSchema.version
    var arguments: [String]
    var input: LinearInputSummary
    var ranks: Int
    /// The sparse pair graph's statistics (absent with --pairs-from-labels).
    var graph: GraphStatistics?
    /// The label graph (with --pairs-from-labels; never materialised).
    var labelGraph: LabelGraphSummary?
    var features: FeatureSummary
    var settings: LinearSettingsSummary
    var losses: [String: LinearLossSummary] = [:]
    var timings: [String: Double] = [:]
    var peakMemoryBytes = 0
    var rankDetails: [RankSummary]?
    /// Rows of labelled nodes per rank (label graph runs).
    var rowsPerRank: [Int]?

    enum CodingKeys: String, CodingKey {
        case tool, command, version, arguments, input, ranks, graph
        case schemaVersion = "schema_version"
        case labelGraph = "label_graph"
        case features, settings, losses, timings
        case peakMemoryBytes = "peak_memory_bytes"
        case rankDetails = "rank_details"
        case rowsPerRank = "rows_per_rank"
    }
}

struct LinearInputSummary: Encodable {
    var graph: String?
    var format: String?
    var features: String
    var nodes: String?
    var labels: String?
}

struct LabelGraphSummary: Encodable {
    var file: String
    var nodes: Int
    var classes: Int
    var classSizes: [Int]
    var weighting: String
    /// S = sum_c w_c n_c (n_c - 1).
    var totalWeight: Double
    /// Undirected pairs the label graph has: sum_c n_c (n_c - 1) / 2.
    var impliedEdges: Int
    var materialised = false

    enum CodingKeys: String, CodingKey {
        case file, nodes, classes, weighting, materialised
        case classSizes = "class_sizes"
        case totalWeight = "total_weight"
        case impliedEdges = "implied_edges"
    }
}

struct FeatureSummary: Encodable {
    var file: String
    var dtype: String
    var fortranOrder: Bool
    var rows: Int
    var columns: Int
    /// Rows matched to nodes of the graph.
    var rowsUsed: Int
    /// Rows whose node ID is not a node of the graph (ignored).
    var rowsIgnored: Int

    enum CodingKeys: String, CodingKey {
        case file, dtype, rows, columns
        case fortranOrder = "fortran_order"
        case rowsUsed = "rows_used"
        case rowsIgnored = "rows_ignored"
    }
}

struct LinearSettingsSummary: Encodable {
    var dim: Int
    var losses: [String]
    var hyperparameters: Hyperparameters
    var merge: String?
    var labelWeighting: String?
    var signRule = "each column of W: the entry of largest magnitude is positive (ties: lowest row)"

    enum CodingKeys: String, CodingKey {
        case dim, losses, hyperparameters, merge
        case labelWeighting = "label_weighting"
        case signRule = "sign_rule"
    }
}

struct LinearLossSummary: Encodable {
    var loss: LossName
    var available: Bool
    /// The closed-form rank (nonzero levels); nil (JSON null) when no W* was written.
    var rank: Int?
    var numericalRank: Int?
    /// The loss at Z* = X W*.
    var lossAtZStar: Double?
    /// How `lossAtZStar` was evaluated.
    var lossEvaluation: String?
    var minLoss: Double?
    var eigenvalues: [Double]
    /// The per-direction levels of the closed form, written under the name of what they are
    /// (`levelsKey`): VICReg t_k, the variances of Z*'s columns (Cov(X W*) = diag(t)); SimCLR
    /// max(0, nu_k), the second moments of Z*'s columns (W*^T Gamma W* = diag); BarlowTwins the
    /// water levels y_k, the eigenvalues of the cross-correlation C* (direction k of W* is scaled
    /// by sqrt(y_k / mu_k) before the rotation R). Each is the square of a column scale, not the
    /// scale itself.
    var levels: [Double]
    var hyperparameters: [String: Double]
    var unique: Bool
    var conditionNumber: Double?
    /// Null directions of the covariance left out (rank-deficient features).
    var droppedDirections: Int
    var notes: [String]
    /// Z = X W* (N x K).
    var file: String?
    /// W* (P x K).
    var weightsFile: String?

    init(_ s: LinearSolution, loss: Double?, lossEvaluation: String?, numericalRank: Int?, hyperparameters: [String: Double],
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
        case available, rank, loss, eigenvalues, hyperparameters, unique, notes, file
        case variances
        case secondMoments = "second_moments"
        case waterLevels = "water_levels"
        case numericalRank = "numerical_rank"
        case lossAtZStar = "loss_at_z_star"
        case lossEvaluation = "loss_evaluation"
        case minLoss = "min_loss"
        case conditionNumber = "condition_number"
        case droppedDirections = "null_directions_dropped"
        case weightsFile = "weights_file"
    }

    func encode(to encoder: Encoder) throws {
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
