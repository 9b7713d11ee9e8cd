import ArgumentParser
import Embedding
import Generators

/// `eigenpair generate <augmentation|sbm|rmat|knn>`: seeded pair graphs written as edge-list text.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a seeded pair graph (edge list and labels).",
        discussion: """
        Writes a text edge list (`u v` or `u v w` per line, `# ` header lines naming the generator and \
        every parameter). The same seed gives the same file on every platform. Files are written to a \
        temporary name and renamed when complete; existing files are kept unless --force is given. \
        Invalid options, unreadable or invalid input data and output files that exist (without \
        --force) or cannot be written all exit with status 2, after one `error:` line on stderr.
        """,
        subcommands: [GenerateAugmentation.self, GenerateSBM.self, GenerateRMAT.self, GenerateKNN.self]
    )
}

/// Options every generator takes.
struct GenerateOutputOptions: ParsableArguments {
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Edge list file to write.", valueName: "file"))
    var out: String

    @Option(name: .customLong("labels-out"),
            help: ArgumentHelp("Labels file to write, `id label` per line (default: <out>.labels, for generators with labels: augmentation, sbm).",
                               valueName: "file"))
    var labelsOut: String?

    @Option(name: .long, help: "Random seed; the same seed gives the same graph.")
    var seed: UInt64 = 42

    @Flag(name: [.customShort("f"), .long], help: "Overwrite existing output files.")
    var force = false

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out must not be empty") }
        if let l = labelsOut, l == out { throw ValidationError("--labels-out must differ from --out") }
    }

    /// Where labels go for a generator that has them.
    var labelsPath: String { labelsOut ?? out + ".labels" }
}

/// Runs a generator and writes its output; bad input or unwritable files print
/// `error: <message>` to stderr and exit with status 2.
func runGenerator(_ options: GenerateOutputOptions, hasLabels: Bool,
                          _ generate: () throws -> GeneratedGraph) throws {
    do {
        print(try GeneratorRun.write(out: options.out, labels: hasLabels ? options.labelsPath : nil, force: options.force,
                                     generate))
    } catch let error as GeneratorFailure {
        printErrorLine(error.message)
        throw ExitCode(2)
    }
}

struct GenerateAugmentation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augmentation",
        abstract: "n samples x V views; all views of a sample are positive pairs.",
        discussion: """
        Node sample*V + view; every pair of views of one sample is an edge (weight 1), so the graph is \
        n disjoint V-cliques plus round(cross-fraction * n*V*(V-1)/2) random cross-sample edges. The \
        label of a node is its sample's index modulo --classes.
        """
    )

    @OptionGroup var output: GenerateOutputOptions

    @Option(help: "Number of samples n.")
    var samples: Int = 1000

    @Option(help: "Views per sample V (at least 2).")
    var views: Int = 4

    @Option(help: "Random cross-sample edges, as a fraction of the within-sample edge count (>= 0).")
    var crossFraction: Double = 0

    @Option(help: "Number of classes C: sample s has class s % C.")
    var classes: Int = 10

    func validate() throws {
        if samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        if views < 2 { throw ValidationError("--views must be at least 2, got \(views)") }
        if classes < 1 { throw ValidationError("--classes must be at least 1, got \(classes)") }
        if !(crossFraction.isFinite && crossFraction >= 0) {
            throw ValidationError("--cross-fraction must be finite and >= 0, got \(crossFraction)")
        }
        if crossFraction > 0 && samples < 2 { throw ValidationError("--cross-fraction > 0 needs at least 2 samples") }
    }

    func run() throws {
        try runGenerator(output, hasLabels: true) {
            try AugmentationGraph.generate(samples: samples, views: views, crossFraction: crossFraction,
                                           classes: classes, seed: output.seed)
        }
    }
}

struct GenerateSBM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sbm",
        abstract: "Planted-partition stochastic block model.",
        discussion: """
        Node i has class i % C (class sizes differ by at most one). Each pair is an edge with \
        probability --p-in inside a class and --p-out between classes; sampling takes time \
        proportional to the number of edges.
        """
    )

    @OptionGroup var output: GenerateOutputOptions

    @Option(help: "Number of nodes N.")
    var nodes: Int = 1000

    @Option(help: "Number of classes C (1...N).")
    var classes: Int = 4

    @Option(help: "Edge probability inside a class, in [0, 1].")
    var pIn: Double = 0.1

    @Option(help: "Edge probability between classes, in [0, 1].")
    var pOut: Double = 0.01

    func validate() throws {
        if nodes < 1 { throw ValidationError("--nodes must be at least 1, got \(nodes)") }
        if classes < 1 || classes > nodes {
            throw ValidationError("--classes must be in 1...\(nodes) (--nodes), got \(classes)")
        }
        if !(pIn >= 0 && pIn <= 1) { throw ValidationError("--p-in must be in [0, 1], got \(pIn)") }
        if !(pOut >= 0 && pOut <= 1) { throw ValidationError("--p-out must be in [0, 1], got \(pOut)") }
    }

    func run() throws {
        try runGenerator(output, hasLabels: true) {
            try PlantedPartition.generate(nodes: nodes, classes: classes, pIn: pIn, pOut: pOut, seed: output.seed)
        }
    }
}

struct GenerateRMAT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmat",
        abstract: "Graph500 R-MAT (Kronecker) graph with a random vertex permutation.",
        discussion: """
        2^scale nodes and edge-factor * 2^scale directed pairs, written as generated (self-loops and \
        duplicates included; assembly symmetrises and merges them). Quadrant probabilities a, b, c and \
        d = 1 - a - b - c default to Graph500's 0.57, 0.19, 0.19, 0.05.
        """
    )

    @OptionGroup var output: GenerateOutputOptions

    @Option(help: "log2 of the node count (1...40).")
    var scale: Int = 16

    @Option(help: "Edges per node.")
    var edgeFactor: Int = 16

    @Option(help: "Probability of the top-left quadrant.")
    var a: Double = RMAT.graph500A

    @Option(help: "Probability of the top-right quadrant.")
    var b: Double = RMAT.graph500B

    @Option(help: "Probability of the bottom-left quadrant.")
    var c: Double = RMAT.graph500C

    func validate() throws {
        if !(1...40).contains(scale) { throw ValidationError("--scale must be in 1...40, got \(scale)") }
        if edgeFactor < 1 { throw ValidationError("--edge-factor must be at least 1, got \(edgeFactor)") }
        for (name, p) in [("a", a), ("b", b), ("c", c)] where !(p >= 0 && p <= 1) {
            throw ValidationError("--\(name) must be in [0, 1], got \(p)")
        }
        if !(a + b > 0 && a + b < 1) { throw ValidationError("--a + --b must be in (0, 1), got \(a + b)") }
        if a + b + c > 1 + 1e-12 { throw ValidationError("--a + --b + --c must be at most 1, got \(a + b + c)") }
        if output.labelsOut != nil { throw ValidationError("--labels-out: the rmat generator has no labels") }
    }

    func run() throws {
        try runGenerator(output, hasLabels: false) {
            try RMAT.generate(scale: scale, edgeFactor: edgeFactor, a: a, b: b, c: c, seed: output.seed)
        }
    }
}
