import ArgumentParser

/// `--beta` and `--lambda`, the loss weights of embed, sweep and compare.
struct LossWeights: ParsableArguments {
    @Option(parsing: .unconditional, help: "VICReg variance/covariance weight beta (> 0; alpha = beta).")
    var beta: Double = 1

    @Option(name: .customLong("lambda"), parsing: .unconditional, help: "BarlowTwins off-diagonal weight lambda (0 < lambda <= 1).")
    var lambda: Double = 1
}

/// `--force` and `--quiet`, every job command's last options.
struct RunFlags: ParsableArguments {
    @Flag(name: [.customShort("f"), .long], help: "Replace an existing output directory.")
    var force = false

    @Flag(name: [.customShort("q"), .long], help: "No progress lines on stderr.")
    var quiet = false
}

/// What embed and sweep both take after their own options, in this order: the loss weights, the
/// labels for the alignment diagnostics, the solver and the run flags.
struct DiagnosedRunOptions: ParsableArguments {
    @OptionGroup var weights: LossWeights

    @Option(help: "Labels for alignment diagnostics: text lines `id label`, or an int .npy (row i = node ID i).")
    var labels: String?

    @OptionGroup var solver: SolverOptions

    @OptionGroup var flags: RunFlags
}
