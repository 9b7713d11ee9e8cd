import ArgumentParser
import Embedding

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

    @OptionGroup var weights: LossWeights

    @OptionGroup var solver: SolverOptions

    @OptionGroup var flags: RunFlags

    func run() throws {
        Job.run(quiet: flags.quiet) {
            try CompareSettings(graph: graph, embedding: embedding, out: out, nodes: nodes, labels: labels, dim: dim,
                                losses: loss.text, gamma: gamma, beta: weights.beta, lambda: weights.lambda,
                                solver: solver, force: flags.force)
        }
    }
}
