import ArgumentParser
import ClosedForms
import Distributed
import Foundation
import Output
import PairGraph
import Spectral

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Closed forms over a grid of gamma (VICReg) and K from one eigen-solve per operator.",
        discussion: """
        Solves each operator once, at the largest K of --dims (+1 for A_n with BarlowTwins), then \
        evaluates the closed forms at every K of --dims and, for VICReg, every gamma of --gammas: \
        closed-form rank and numerical rank, loss at Z* and closed-form minimum, local/global scores, \
        and with --labels captured label energy, probe accuracy and the guidance. Each point equals \
        `eigenpair embed --dim K --gamma g` with the same settings. Writes DIR/sweep.json, \
        spectrum-<op>.npy, rank-vs-gamma.svg, label-energy-vs-gamma.svg (with --labels), \
        spectrum.svg (L with the thresholds beta/gamma, G, A_n) and local-global.svg.

        Example: eigenpair sweep pairs.tsv --out sweep --dims 2,4,8 --labels labels.txt
        """
    )

    @Argument(help: "Pair graph: edge list (`u v` or `u v w`), Matrix Market (.mtx), SciPy .npz, NumPy .npy, .gz, or - (stdin).")
    var graph: String

    @Option(name: [.customShort("o"), .long], help: "Output directory (created; must not exist unless --force).")
    var out: String

    @Option(parsing: .unconditional, help: "VICReg gamma values, comma-separated (each > 0). Default: 13 values on a log grid spanning the thresholds beta/lambda_k of the Laplacian spectrum, plus embed's default beta N / S.")
    var gammas: String?

    @Option(parsing: .unconditional, help: "Embedding dimensions K, comma-separated (1 <= K < N). Default: 2,4,8,16, those below N.")
    var dims: String?

    @Option(help: "Losses: one, a comma-separated list, or all.")
    var loss: LossList<AnyLoss> = LossList(argument: "all")

    @Option(parsing: .unconditional, help: "VICReg variance/covariance weight beta (> 0; alpha = beta).")
    var beta: Double = 1

    @Option(name: .customLong("lambda"), parsing: .unconditional, help: "BarlowTwins off-diagonal weight lambda (0 < lambda <= 1).")
    var lambda: Double = 1

    @Option(help: "Labels for alignment diagnostics: text lines `id label`, or an int .npy (row i = node ID i).")
    var labels: String?

    @OptionGroup var solver: SolverOptions

    @Flag(name: [.customShort("f"), .long], help: "Replace an existing output directory.")
    var force = false

    @Flag(name: [.customShort("q"), .long], help: "No progress lines on stderr.")
    var quiet = false

    func run() throws {
        var options: SweepOptions?
        ClosedFormRunner.runJob(validate: {
            options = try SweepOptions(self)
            try OutputDirectory.checkWritable(out, force: force)
        }) { world in
            var pipeline = SweepPipeline(options: options!, communicator: world,
                                         progress: Progress(enabled: !quiet && world.isCoordinator))
            try pipeline.run()
        }
    }
}

/// Validated options of `sweep`.
struct SweepOptions {
    var graph: String
    var out: String
    /// nil: 2, 4, 8, 16 below N.
    var dims: [Int]?
    /// nil: the default log grid.
    var gammas: [Double]?
    var losses: [LossName]
    var beta: Double
    var lambda: Double
    var labels: String?
    var lanczos: LanczosSettings
    var merge: MergeRule
    var largestComponent: Bool
    var force: Bool

    static let defaultDims = [2, 4, 8, 16]
    static let defaultGammaCount = 13

    init(_ c: Sweep) throws {
        graph = c.graph
        out = c.out
        if let text = c.dims {
            var ks: [Int] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let k = Int(part.trimmingCharacters(in: .whitespaces)), k >= 1 else {
                    throw ValidationError("--dims: '\(part)' is not an integer >= 1")
                }
                if !ks.contains(k) { ks.append(k) }
            }
            dims = ks.sorted()
        }
        if let text = c.gammas {
            var gs: [Double] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let g = Double(part.trimmingCharacters(in: .whitespaces)), g.isFinite, g > 0 else {
                    throw ValidationError("--gammas: '\(part)' is not a finite number > 0")
                }
                if !gs.contains(g) { gs.append(g) }
            }
            gammas = gs.sorted()
        }
        losses = try c.loss.parsed()
        _ = try ClosedFormRunner.hyperparameters(gamma: nil, beta: c.beta, lambda: c.lambda)
        beta = c.beta
        lambda = c.lambda
        labels = c.labels
        (lanczos, merge) = try c.solver.settings(dimension: (dims ?? Self.defaultDims).max()!)
        largestComponent = c.solver.largestComponent
        force = c.force
    }

    /// `count` gammas log-spaced over [beta / lambda_max / 2, 1.5 beta / lambda_min], lambda_min the
    /// smallest positive and lambda_max the largest of `laplacian` (the thresholds at which VICReg
    /// switches directions off: direction k is kept iff gamma < beta / lambda_k). Without a positive
    /// eigenvalue, a grid of two decades around beta N / S.
    static func defaultGammas(laplacian: [Double], beta: Double, fallback: Double, count: Int = defaultGammaCount) -> [Double] {
        let positive = laplacian.filter { $0 > 1e-12 * max(1, laplacian.max() ?? 1) }
        var lo: Double, hi: Double
        if let a = positive.min(), let b = positive.max() {
            lo = beta / b / 2
            hi = 1.5 * beta / a
        } else {
            lo = fallback / 10
            hi = fallback * 10
        }
        if !(hi > lo) { hi = lo * 100 }
        let a = log10(lo), b = log10(hi)
        return (0..<count).map { i in
            // Rounded to 6 significant digits, so the grid prints (and is passed back to embed) exactly.
            let v = pow(10, a + (b - a) * Double(i) / Double(count - 1))
            return Double(String(format: "%.6g", v))!
        }
    }
}

/// One point of the sweep.
struct SweepPoint: Encodable {
    var loss: String
    var dim: Int
    /// VICReg only.
    var gamma: Double?
    var summary: LossSummary

    enum CodingKeys: String, CodingKey {
        case loss, dim, gamma, `operator`, available, rank
        case numericalRank = "numerical_rank"
        case lossAtZStar = "loss_at_z_star"
        case minLoss = "min_loss"
        case capturedLabelEnergy = "captured_label_energy"
        case probeAccuracy = "probe_accuracy"
        case localScore = "local_score"
        case globalScore = "global_score"
        case unique, scales, notes
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(loss, forKey: .loss)
        try c.encode(dim, forKey: .dim)
        try c.encodeIfPresent(gamma, forKey: .gamma)
        try c.encode(summary.operator, forKey: .operator)
        try c.encode(summary.available, forKey: .available)
        try c.encode(summary.rank, forKey: .rank)
        try c.encodeIfPresent(summary.numericalRank, forKey: .numericalRank)
        try c.encodeIfPresent(summary.lossAtZStar, forKey: .lossAtZStar)
        try c.encodeIfPresent(summary.minLoss, forKey: .minLoss)
        try c.encodeIfPresent(summary.labels?.capturedLabelEnergy, forKey: .capturedLabelEnergy)
        try c.encodeIfPresent(summary.labels?.probe.accuracy, forKey: .probeAccuracy)
        try c.encodeIfPresent(summary.localScore, forKey: .localScore)
        try c.encodeIfPresent(summary.globalScore, forKey: .globalScore)
        try c.encode(summary.unique, forKey: .unique)
        try c.encode(summary.scales, forKey: .scales)
        try c.encode(summary.notes, forKey: .notes)
    }
}

/// sweep.json.
struct SweepReport: Encodable {
    var tool = "eigenpair"
    var version = EigenpairVersion.string
    var schemaVersion = ReportSchema.version
    var command = "sweep"
    var arguments: [String]
    var input: InputSummary
    var ranks: Int
    var graph: GraphStatistics
    var settings: Settings
    var solves: [SolveSummary] = []
    var points: [SweepPoint] = []
    var labels: LabelsSummary?
    var timings: [String: Double] = [:]
    var peakMemoryBytes: Int = 0

    struct Settings: Encodable {
        var dims: [Int]
        var gammas: [Double]
        var gammaGrid: String
        var beta: Double
        var lambda: Double
        var losses: [String]
        var lanczos: LanczosSettings
        var merge: String
        var largestComponent: Bool

        enum CodingKeys: String, CodingKey {
            case dims, gammas
            case gammaGrid = "gamma_grid"
            case beta, lambda, losses, lanczos, merge
            case largestComponent = "largest_component"
        }
    }

    enum CodingKeys: String, CodingKey {
        case tool, version, command, arguments, input, ranks, graph, settings, solves, points, labels, timings
        case schemaVersion = "schema_version"
        case peakMemoryBytes = "peak_memory_bytes"
    }
}
