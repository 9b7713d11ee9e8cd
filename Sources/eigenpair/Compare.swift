import ArgumentParser
import ClosedForms
import Diagnostics
import Distributed
import Foundation
import Output
import PairGraph
import Spectral

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a trained embedding against the closed-form optimum of each loss.",
        discussion: """
        Reads a user's embedding Z (N x K float64 or float32 .npy; row i = node ID i, or the node ID \
        of each row from --nodes, int64), and reports per loss: the loss at Z (loss_at_embedding), the \
        closed-form minimum at the same K (min_loss), gap = loss_at_embedding - min_loss (>= 0; \
        differences within 1e-9 relative are roundoff, reported as 0), gap_at_best_scale (after the \
        best positive rescaling c Z, best_scale = c), energy_in_optimal_subspace (the share of the \
        centred Z inside the span of every optimal solution: the whole tied eigenspace when Z* is not \
        unique), zero_variance_columns, a note naming the surrogate each loss measures, the \
        principal angles between span(Z) and span(Z*) (both centred as the loss sees them: H Z for \
        vicreg, simclr and simclr-degree; degree-weighted D^1/2 (Z - 1 m_d^T), m_d = d^T Z / S, for \
        barlow), Z's numerical rank under that centring next to the closed-form rank, and the \
        local/global scores of Z and of every Z*. Every graph node needs a row of Z (else exit 2); \
        extra rows are ignored and counted. Each rank reads only its own rows of Z. Writes \
        DIR/report.json and DIR/local-global.svg.

        Example: eigenpair compare pairs.tsv --embedding Z.npy --out cmp --labels labels.txt
        """
    )

    @Argument(help: "Pair graph: edge list (`u v` or `u v w`), Matrix Market (.mtx), SciPy .npz, NumPy .npy, .gz, or - (stdin).")
    var graph: String

    @Option(help: "The embedding: N x K float64 or float32 .npy.")
    var embedding: String

    @Option(name: [.customShort("o"), .long], help: "Output directory (created; must not exist unless --force).")
    var out: String

    @Option(help: "int64 .npy with the node ID of each row of the embedding (default: row i is node ID i).")
    var nodes: String?

    @Option(help: "Labels for alignment diagnostics: text lines `id label`, or an int .npy (row i = node ID i).")
    var labels: String?

    @Option(name: [.customShort("k"), .customLong("dim")], parsing: .unconditional, help: "K of the closed forms (default: the embedding's columns).")
    var dim: Int?

    @Option(name: .long, help: "Losses: one, a comma-separated list, or all.")
    var loss: LossList<AnyLoss> = LossList(argument: "all")

    @Option(parsing: .unconditional, help: "VICReg invariance weight gamma (> 0). Default: beta N / S, as in embed.")
    var gamma: Double?

    @Option(parsing: .unconditional, help: "VICReg variance/covariance weight beta (> 0; alpha = beta).")
    var beta: Double = 1

    @Option(name: .customLong("lambda"), parsing: .unconditional, help: "BarlowTwins off-diagonal weight lambda (0 < lambda <= 1).")
    var lambda: Double = 1

    @OptionGroup var solver: SolverOptions

    @Flag(name: [.customShort("f"), .long], help: "Replace an existing output directory.")
    var force = false

    @Flag(name: [.customShort("q"), .long], help: "No progress lines on stderr.")
    var quiet = false

    func run() throws {
        var options: CompareOptions?
        ClosedFormRunner.runJob(validate: {
            options = try CompareOptions(self)
            try OutputDirectory.checkWritable(out, force: force)
        }) { world in
            var pipeline = ComparePipeline(options: options!, communicator: world,
                                           progress: Progress(enabled: !quiet && world.isCoordinator))
            try pipeline.run()
        }
    }
}

struct CompareOptions {
    var graph: String
    var embedding: String
    var out: String
    var nodes: String?
    var labels: String?
    var dim: Int?
    var losses: [LossName]
    var hyper: Hyperparameters
    var gammaGiven: Bool
    var lanczos: LanczosSettings
    var merge: MergeRule
    var largestComponent: Bool
    var force: Bool

    init(_ c: Compare) throws {
        graph = c.graph
        embedding = c.embedding
        out = c.out
        nodes = c.nodes
        labels = c.labels
        if let d = c.dim, d < 1 { throw ValidationError("--dim must be at least 1 (got \(d))") }
        dim = c.dim
        losses = try c.loss.parsed()
        hyper = try ClosedFormRunner.hyperparameters(gamma: c.gamma, beta: c.beta, lambda: c.lambda)
        gammaGiven = c.gamma != nil
        (lanczos, merge) = try c.solver.settings(dimension: c.dim ?? 1)
        largestComponent = c.solver.largestComponent
        force = c.force
    }
}

/// One loss in compare's report.json.
struct CompareLoss: Encodable {
    var `operator`: String
    var available: Bool
    var lossAtEmbedding: Double?
    var minLoss: Double?
    var gap: Double?
    var relativeGap: Double?
    /// The gap after the best positive rescaling c Z (`LossFunction.bestScale`).
    var gapAtBestScale: Double?
    var bestScale: Double?
    /// ||P H Z||^2 / ||H Z||^2, P the projector on the span of every optimal solution.
    var energyInOptimalSubspace: Double?
    var optimalSubspace: String?
    /// 0-based columns of Z with zero variance under this loss's centring.
    var zeroVarianceColumns: [Int]
    var principalAnglesDegrees: [Double]?
    var centring: String
    /// Numerical rank of the embedding under this loss's centring.
    var numericalRank: Int
    var closedFormRank: Int?
    var closedFormNumericalRank: Int?
    /// Scores of Z* (the embedding's are under "embedding").
    var localScore: Double?
    var globalScore: Double?
    var lossAtZStar: Double?
    var hyperparameters: [String: Double]
    var unique: Bool
    var notes: [String]

    enum CodingKeys: String, CodingKey {
        case `operator`, available
        case lossAtEmbedding = "loss_at_embedding"
        case minLoss = "min_loss"
        case gap
        case relativeGap = "relative_gap"
        case gapAtBestScale = "gap_at_best_scale"
        case bestScale = "best_scale"
        case energyInOptimalSubspace = "energy_in_optimal_subspace"
        case optimalSubspace = "optimal_subspace"
        case zeroVarianceColumns = "zero_variance_columns"
        case principalAnglesDegrees = "principal_angles_deg"
        case centring
        case numericalRank = "numerical_rank"
        case closedFormRank = "closed_form_rank"
        case closedFormNumericalRank = "closed_form_numerical_rank"
        case localScore = "local_score"
        case globalScore = "global_score"
        case lossAtZStar = "loss_at_z_star"
        case hyperparameters, unique, notes
    }
}

/// The user's embedding in compare's report.json.
struct CompareEmbedding: Encodable {
    var file: String
    var nodesFile: String?
    var rows: Int
    var columns: Int
    var dtype: String
    var rowsUsed: Int
    var extraRowsIgnored: Int
    /// Numerical rank of H Z.
    var numericalRank: Int
    var localScore: Double?
    var globalScore: Double?
    var globalFitScale: Double?
    var labels: LabelAlignmentSummary?

    enum CodingKeys: String, CodingKey {
        case file
        case nodesFile = "nodes_file"
        case rows, columns, dtype
        case rowsUsed = "rows_used"
        case extraRowsIgnored = "extra_rows_ignored"
        case numericalRank = "numerical_rank"
        case localScore = "local_score"
        case globalScore = "global_score"
        case globalFitScale = "global_fit_scale"
        case labels
    }
}

/// compare's report.json.
struct CompareReport: Encodable {
    var tool = "eigenpair"
    var version = EigenpairVersion.string
    var schemaVersion = ReportSchema.version
    var command = "compare"
    var arguments: [String]
    var input: InputSummary
    var ranks: Int
    var graph: GraphStatistics
    var settings: SettingsSummary
    var embedding: CompareEmbedding
    var solves: [SolveSummary] = []
    var losses: [String: CompareLoss] = [:]
    var labels: LabelsSummary?
    var timings: [String: Double] = [:]
    var peakMemoryBytes: Int = 0

    enum CodingKeys: String, CodingKey {
        case tool, version, command, arguments, input, ranks, graph, settings, embedding, solves, losses, labels, timings
        case schemaVersion = "schema_version"
        case peakMemoryBytes = "peak_memory_bytes"
    }
}
