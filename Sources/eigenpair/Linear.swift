import ArgumentParser
import Embedding

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

    @OptionGroup var flags: RunFlags

    func run() throws {
        Job.run(quiet: flags.quiet) {
            try LinearSettings(graph: graph, features: features, out: out, dim: dim, losses: loss.text, gamma: gamma, beta: beta,
                               pairsFromLabels: pairsFromLabels, labelWeighting: labelWeighting.text, nodes: nodes,
                               merge: merge.text, force: flags.force)
        }
    }
}
