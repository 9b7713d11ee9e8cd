import ArgumentParser
import Embedding

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

    @OptionGroup var shared: DiagnosedRunOptions

    func run() throws {
        Job.run(quiet: shared.flags.quiet) {
            try SweepSettings(graph: graph, out: out, dims: dims, gammas: gammas, losses: loss.text, beta: shared.weights.beta,
                              lambda: shared.weights.lambda, labels: shared.labels, solver: shared.solver, force: shared.flags.force)
        }
    }
}
