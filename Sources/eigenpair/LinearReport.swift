import ClosedForms
import Output
import PairGraph

/// report.json of `eigenpair linear`.
struct LinearReport: Encodable {
    var tool = "eigenpair"
    var command = "linear"
    var version = EigenpairVersion.string
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
    var available: Bool
    var rank: Int
    var numericalRank: Int?
    /// The loss at Z = X W*.
    var loss: Double?
    /// How `loss` was evaluated.
    var lossEvaluation: String?
    var minLoss: Double?
    var eigenvalues: [Double]
    var scales: [Double]
    var hyperparameters: [String: Double]
    var unique: Bool
    var conditionNumber: Double?
    var notes: [String]
    /// Z = X W* (N x K).
    var file: String?
    /// W* (P x K).
    var weightsFile: String?

    init(_ s: LinearSolution, loss: Double?, lossEvaluation: String?, numericalRank: Int?, hyperparameters: [String: Double],
         file: String?, weightsFile: String?) {
        available = s.weights != nil
        rank = s.rank
        self.numericalRank = numericalRank
        self.loss = loss
        self.lossEvaluation = lossEvaluation
        minLoss = s.minLoss
        eigenvalues = s.eigenvalues
        scales = s.scales
        self.hyperparameters = hyperparameters
        unique = s.unique
        conditionNumber = s.conditionNumber
        notes = s.notes
        self.file = file
        self.weightsFile = weightsFile
    }

    enum CodingKeys: String, CodingKey {
        case available, rank, loss, eigenvalues, scales, hyperparameters, unique, notes, file
        case numericalRank = "numerical_rank"
        case lossEvaluation = "loss_evaluation"
        case minLoss = "min_loss"
        case conditionNumber = "condition_number"
        case weightsFile = "weights_file"
    }
}
