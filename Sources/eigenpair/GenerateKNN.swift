import ArgumentParser
import Generators

struct GenerateKNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knn",
        abstract: "k-nearest-neighbour graph of the rows of a feature matrix (.npy).",
        discussion: """
        Each row i gets the directed pair (i, j) for each of its k nearest other rows j (Euclidean \
        distance, ties by lower index); node ID = row index. Assembly symmetrises the pairs. The graph \
        is deterministic: --seed is accepted but unused.
        """
    )

    @OptionGroup var output: GenerateOutputOptions

    @Option(help: ArgumentHelp("N x P feature matrix (.npy, float64/float32/int64/int32; 1-D means P = 1).",
                               valueName: "file"))
    var features: String

    @Option(help: "Neighbours per row (1 <= k < N).")
    var k: Int = 10

    @Flag(help: "Weight edges exp(-d^2 / (2 sigma^2)) instead of 1.")
    var gaussian = false

    @Option(help: "Gaussian bandwidth (default: the median kNN distance); needs --gaussian.")
    var sigma: Double?

    func validate() throws {
        if k < 1 { throw ValidationError("--k must be at least 1, got \(k)") }
        if let s = sigma {
            if !gaussian { throw ValidationError("--sigma needs --gaussian") }
            if !(s > 0 && s.isFinite) { throw ValidationError("--sigma must be positive and finite, got \(s)") }
        }
        if output.labelsOut != nil { throw ValidationError("--labels-out: the knn generator has no labels") }
        // k < N needs N: read just the header (an unreadable file is reported by run(), exit status 2).
        if let rows = KNNGraph.rowCount(ofFeatures: features), k >= rows {
            throw ValidationError("--k (\(k)) must be smaller than the number of rows in \(features) (\(rows))")
        }
    }

    func run() throws {
        try runGenerator(output, hasLabels: false) {
            try KNNGraph.generate(featuresFile: features, k: k, gaussian: gaussian, sigma: sigma)
        }
    }
}
