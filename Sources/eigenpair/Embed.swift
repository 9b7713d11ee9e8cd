import ArgumentParser
import Embedding

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Closed-form optimal representation Z* of each loss for a pair graph.",
        discussion: """
        Reads GRAPH (an edge list `u v [w]` in SNAP/TSV/CSV form, or a Matrix Market coordinate file), \
        symmetrises it, and writes into DIR: <loss>.npy (float64, N x K, row i = node i), nodes.npy \
        (int64 original ID of each row), spectrum-<operator>.npy, and report.json. One eigen-solve per \
        operator serves every loss that uses it.

        Example: eigenpair embed pairs.tsv --out results --dim 16 --loss all --labels labels.txt
        """
    )

    @Argument(help: "Pair graph: edge list (.txt/.tsv/.csv/.edges, `u v` or `u v w`, optional header line), Matrix Market (.mtx), SciPy .npz, NumPy .npy edge array, any text form gzipped (.gz), or - for standard input.")
    var graph: String

    @Option(name: [.customShort("o"), .long], help: "Output directory (created; must not exist unless --force).")
    var out: String

    @Option(name: [.customShort("k"), .customLong("dim")], parsing: .unconditional, help: "Embedding dimension K (1 <= K < N).")
    var dim: Int = 16

    @Option(name: .long, help: "Losses: one, a comma-separated list, or all.")
    var loss: LossList<AnyLoss> = LossList(argument: "all")

    @Option(parsing: .unconditional, help: "VICReg invariance weight gamma (> 0). Default: beta N / S = beta / mean degree, which keeps the directions whose Laplacian eigenvalue is below the mean degree.")
    var gamma: Double?

    @OptionGroup var shared: DiagnosedRunOptions

    func run() throws {
        Job.run(quiet: shared.flags.quiet) {
            try EmbedSettings(graph: graph, out: out, dim: dim, losses: loss.text, gamma: gamma, beta: shared.weights.beta,
                              lambda: shared.weights.lambda, labels: shared.labels, solver: shared.solver, force: shared.flags.force)
        }
    }
}
