import ArgumentParser
import ClosedForms
import DenseAlgebra
import Distributed
import Foundation
import Output
import PairGraph
import Spectral

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

    @Argument(help: "Pair graph: edge list (.txt/.tsv/.csv/.edges, `u v` or `u v w`) or Matrix Market (.mtx).")
    var graph: String

    @Option(name: .long, help: "Output directory (created; must not exist unless --force).")
    var out: String

    @Option(name: .customLong("dim"), parsing: .unconditional, help: "Embedding dimension K (1 <= K < N).")
    var dim: Int = 16

    @Option(name: .long, help: "Losses: comma-separated from vicreg, simclr, simclr-degree, barlow, or all.")
    var loss: String = "all"

    @Option(parsing: .unconditional, help: "VICReg invariance weight gamma (> 0). Default: beta N / S = beta / mean degree, which keeps the directions whose Laplacian eigenvalue is below the mean degree.")
    var gamma: Double?

    @Option(parsing: .unconditional, help: "VICReg variance/covariance weight beta (> 0; alpha = beta).")
    var beta: Double = 1

    @Option(name: .customLong("lambda"), parsing: .unconditional, help: "BarlowTwins off-diagonal weight lambda (0 < lambda <= 1).")
    var lambda: Double = 1

    @Option(help: "Labels for alignment diagnostics: text lines `id label`, or an int .npy (row i = node ID i).")
    var labels: String?

    @Flag(name: .customLong("largest-component"), help: "Keep only the largest connected component.")
    var largestComponent = false

    @Option(parsing: .unconditional, help: "Lanczos relative tolerance (ARPACK tol).")
    var tol: Double = 1e-10

    @Option(help: "Lanczos Krylov dimension (default max(2 nev + 1, 20)).")
    var ncv: Int?

    @Option(name: .customLong("max-restarts"), help: "Maximum implicit restarts per Lanczos solve.")
    var maxRestarts: Int = 1000

    @Option(name: .customLong("laplacian-method"),
            help: "How the smallest Laplacian eigenpairs of a large component are computed: auto (shift-invert with a CHOLMOD factor of L + eps I when it fits --factor-budget, else spectral shift), shift-invert, or spectral-shift (largest of sigma I - L).")
    var laplacianMethod: String = "auto"

    @Option(name: .customLong("factor-budget"), parsing: .unconditional,
            help: "Memory budget in GB for the shift-invert factor under --laplacian-method auto.")
    var factorBudget: Double = 2

    @Option(help: "Merge rule for entries of the same unordered pair: max or sum.")
    var merge: String = "max"

    @Flag(help: "Replace an existing output directory.")
    var force = false

    @Flag(name: .long, help: "No progress lines on stderr.")
    var quiet = false

    func run() throws {
        var options: EmbedOptions?
        ClosedFormRunner.runJob(validate: {
            options = try EmbedOptions(self)
            try OutputDirectory.checkWritable(out, force: force)
        }) { world in
            var pipeline = EmbedPipeline(options: options!, communicator: world,
                                         progress: Progress(enabled: !quiet && world.isCoordinator))
            try pipeline.run()
        }
    }
}

/// Validated options of `embed` (bad values exit with status 2 before any work).
struct EmbedOptions {
    var graph: String
    var out: String
    var dim: Int
    var losses: [LossName]
    var hyper: Hyperparameters
    /// Whether --gamma was given; otherwise it is resolved from the graph (beta N / S).
    var gammaGiven: Bool
    var lanczos: LanczosSettings
    var merge: MergeRule
    var labels: String?
    var largestComponent: Bool
    var force: Bool

    init(_ c: Embed) throws {
        graph = c.graph
        out = c.out
        dim = c.dim
        guard c.dim >= 1 else { throw ValidationError("--dim must be at least 1 (got \(c.dim))") }
        if c.loss == "all" {
            losses = LossName.allCases
        } else {
            var picked: [LossName] = []
            for name in c.loss.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let l = LossName(rawValue: name) else {
                    throw ValidationError("--loss: unknown loss '\(name)' (choose from vicreg, simclr, simclr-degree, barlow, all)")
                }
                if !picked.contains(l) { picked.append(l) }
            }
            guard !picked.isEmpty else { throw ValidationError("--loss names no loss") }
            losses = LossName.allCases.filter { picked.contains($0) }
        }
        if let g = c.gamma, !(g.isFinite && g > 0) { throw ValidationError("--gamma must be a finite number > 0 (got \(g))") }
        gammaGiven = c.gamma != nil
        guard c.beta.isFinite, c.beta > 0 else { throw ValidationError("--beta must be a finite number > 0 (got \(c.beta))") }
        guard c.lambda.isFinite, c.lambda > 0, c.lambda <= 1 else {
            throw ValidationError("--lambda must be in (0, 1] (got \(c.lambda))")
        }
        hyper = Hyperparameters(gamma: c.gamma ?? 1, beta: c.beta, lambda: c.lambda)
        guard c.tol.isFinite, c.tol >= 0, c.tol < 1 else { throw ValidationError("--tol must be in [0, 1) (got \(c.tol))") }
        guard c.maxRestarts >= 1 else { throw ValidationError("--max-restarts must be at least 1") }
        if let ncv = c.ncv, ncv <= c.dim + 1 {
            throw ValidationError("--ncv must exceed --dim + 1 (got ncv = \(ncv), dim = \(c.dim))")
        }
        lanczos = LanczosSettings()
        lanczos.tolerance = c.tol
        lanczos.maxRestarts = c.maxRestarts
        lanczos.krylovDimension = c.ncv
        guard let method = LaplacianMethod(rawValue: c.laplacianMethod) else {
            throw ValidationError("--laplacian-method must be auto, shift-invert or spectral-shift (got \(c.laplacianMethod))")
        }
        lanczos.laplacianMethod = method
        guard c.factorBudget.isFinite, c.factorBudget >= 0 else {
            throw ValidationError("--factor-budget must be a number of GB >= 0 (got \(c.factorBudget))")
        }
        lanczos.factorBudgetBytes = Int(c.factorBudget * 1e9)
        guard let m = MergeRule(rawValue: c.merge) else { throw ValidationError("--merge must be max or sum (got \(c.merge))") }
        merge = m
        labels = c.labels
        largestComponent = c.largestComponent
        force = c.force
    }
}

struct EmbedFailure: Error {
    var message: String
    var exitCode: Int32
}
