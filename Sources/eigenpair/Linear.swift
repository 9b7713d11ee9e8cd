import ArgumentParser
import ClosedForms
import Distributed
import Foundation
import NpyFormat
import Output
import PairGraph

struct Linear: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Closed-form optimal linear network W* (Z = X W) of each loss for a pair graph and features.",
        discussion: """
        Reads GRAPH (as `embed` does) and the features X (a float64/float32 .npy, N x P; row i is node ID i \
        unless --nodes gives the ID of each row), forms the P x P statistics X^T L X, X^T H X, X^T G X, ... \
        with distributed sparse products, and solves the dense generalised eigenproblems of docs/math.md \
        section 5. Writes into DIR: <loss>-W.npy (P x K), <loss>.npy (Z = X W, N x K, rows in the graph's \
        node order), nodes.npy and report.json. With --pairs-from-labels LABELS the pair graph is the \
        label graph (G_ij = 1/n_c inside class c; never materialised) and GRAPH is omitted.

        Sign rule: the entry of largest magnitude of each column of W is positive (ties: lowest row).

        Example: eigenpair linear pairs.tsv --features X.npy --out results --dim 8 --loss all
        """
    )

    @Argument(help: "Pair graph: edge list, Matrix Market, SciPy .npz, NumPy .npy, .gz, or - (omit with --pairs-from-labels).")
    var graph: String?

    @Option(help: "Features X: .npy float64 or float32, shape (rows, P); row i = node ID i unless --nodes.")
    var features: String

    @Option(name: [.customShort("o"), .long], help: "Output directory (created; must not exist unless --force).")
    var out: String

    @Option(name: [.customShort("k"), .customLong("dim")], parsing: .unconditional, help: "Output dimension K (1 <= K <= P; default min(16, P)).")
    var dim: Int?

    @Option(name: .long, help: "Losses: one, a comma-separated list, or all.")
    var loss: LossList<LinearLoss> = LossList(argument: "all")

    @Option(parsing: .unconditional, help: "VICReg invariance weight gamma (> 0). Default: beta N / S.")
    var gamma: Double?

    @Option(parsing: .unconditional, help: "VICReg variance/covariance weight beta (> 0; alpha = beta).")
    var beta: Double = 1

    @Option(name: .customLong("pairs-from-labels"),
            help: "Use the label graph of this labels file (`id label` lines or an int .npy) instead of GRAPH.")
    var pairsFromLabels: String?

    @Option(name: .customLong("label-weighting"),
            help: "Label graph weights inside class c: inverse-size is 1/n_c (Fisher LDA), uniform is 1.")
    var labelWeighting: Choice<LabelWeighting> = Choice(.inverseSize)

    @Option(help: "int64 .npy with the node ID of each row of X (default: row i is node ID i).")
    var nodes: String?

    @Option(help: "Merge rule for entries of the same unordered pair: max keeps the largest weight (an edge listed both ways stays weight 1), sum adds them.")
    var merge: Choice<MergeRule> = Choice(.max)

    @Flag(name: [.customShort("f"), .long], help: "Replace an existing output directory.")
    var force = false

    @Flag(name: [.customShort("q"), .long], help: "No progress lines on stderr.")
    var quiet = false

    func run() throws {
        var options: LinearOptions?
        ClosedFormRunner.runJob(validate: {
            options = try LinearOptions(self)
            try OutputDirectory.checkWritable(out, force: force)
        }) { world in
            var pipeline = LinearPipeline(options: options!, communicator: world,
                                          progress: Progress(enabled: !quiet && world.isCoordinator))
            try pipeline.run()
        }
    }
}

/// The losses with a linear closed form (docs/math.md section 5).
let linearLosses: [LossName] = [.vicreg, .simclr, .barlow]

/// Validated options of `linear` (bad values exit with status 2 before any work).
struct LinearOptions {
    var graph: String?
    var features: String
    var out: String
    /// nil: min(16, P), resolved once P is known.
    var dim: Int?
    var losses: [LossName]
    var hyper: Hyperparameters
    var gammaGiven: Bool
    var labels: String?
    var weighting: LabelWeighting
    var nodes: String?
    var merge: MergeRule
    var force: Bool

    init(_ c: Linear) throws {
        graph = c.graph
        features = c.features
        out = c.out
        labels = c.pairsFromLabels
        switch (c.graph, c.pairsFromLabels) {
        case (nil, nil): throw ValidationError("give a GRAPH, or --pairs-from-labels LABELS")
        case (.some, .some): throw ValidationError("give either a GRAPH or --pairs-from-labels LABELS, not both")
        default: break
        }
        if let d = c.dim, d < 1 { throw ValidationError("--dim must be at least 1 (got \(d))") }
        dim = c.dim
        losses = try c.loss.parsed(command: "linear")
        hyper = try ClosedFormRunner.hyperparameters(gamma: c.gamma, beta: c.beta)
        gammaGiven = c.gamma != nil
        guard let w = c.labelWeighting.value else {
            throw ValidationError("--label-weighting must be inverse-size or uniform (got \(c.labelWeighting.text))")
        }
        weighting = w
        nodes = c.nodes
        guard let m = c.merge.value else { throw ValidationError("--merge must be max or sum (got \(c.merge.text))") }
        merge = m
        force = c.force
    }
}

