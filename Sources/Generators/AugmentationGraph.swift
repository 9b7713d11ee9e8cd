import PairGraph

/// The augmentation graph of a self-supervised setup: n samples, each seen in V augmented views.
///
/// - Node `sample * V + view` is view `view` of sample `sample`; IDs are 0..<n*V.
/// - Every pair of views of one sample is a positive pair: the edge (s*V + a, s*V + b), a < b, weight
///   1, emitted sample by sample. With `crossFraction = 0` the graph is n disjoint V-cliques with exactly
///   n * V * (V - 1) / 2 edges.
/// - `crossFraction` adds round(crossFraction * n * V * (V - 1) / 2) random cross-sample edges
///   (rounding half away from zero) after the within-sample ones: each picks u uniformly among all
///   nodes and v uniformly among the nodes of the other samples. They are drawn independently, so a
///   pair may repeat; assembly merges duplicates.
/// - Labels: every view of sample s has class s % classes.
///
/// ```swift
/// let g = try AugmentationGraph.generate(samples: 1000, views: 4, crossFraction: 0.05, seed: 42)
/// ```
public enum AugmentationGraph {
    /// - Throws: `InputError` (file "augmentation") when samples < 1, views < 2, classes < 1,
    ///   crossFraction is negative or not finite, n * V overflows, or cross edges are requested with
    ///   a single sample.
    public static func generate(samples: Int, views: Int, crossFraction: Double = 0, classes: Int = 10,
                                seed: UInt64) throws -> GeneratedGraph {
        func bad(_ why: String) -> InputError { InputError(file: "augmentation", reason: why) }
        guard samples >= 1 else { throw bad("samples must be at least 1, got \(samples)") }
        guard views >= 2 else { throw bad("views must be at least 2, got \(views)") }
        guard classes >= 1 else { throw bad("classes must be at least 1, got \(classes)") }
        guard crossFraction.isFinite, crossFraction >= 0 else {
            throw bad("cross fraction must be finite and >= 0, got \(crossFraction)")
        }
        let (nodes, o1) = samples.multipliedReportingOverflow(by: views)
        let (pairsPerSample, o2) = views.multipliedReportingOverflow(by: views - 1)
        let (within, o3) = samples.multipliedReportingOverflow(by: pairsPerSample / 2)
        guard !o1, !o2, !o3 else { throw bad("samples * views is too large") }
        let crossDouble = (crossFraction * Double(within)).rounded(.toNearestOrAwayFromZero)
        guard crossDouble < Double(Int.max / 4) else { throw bad("cross fraction gives too many edges") }
        let cross = Int(crossDouble)
        if cross > 0 && samples < 2 { throw bad("cross-sample edges need at least 2 samples") }

        var rng = SplitMix64(seed: seed)
        var edges = EdgeList()
        edges.sources.reserveCapacity(within + cross)
        edges.targets.reserveCapacity(within + cross)
        let v64 = UInt64(views)
        for s in 0..<UInt64(samples) {
            let base = s * v64
            for a in 0..<v64 {
                for b in (a + 1)..<v64 {
                    edges.sources.append(base + a)
                    edges.targets.append(base + b)
                }
            }
        }
        // u uniform over all nodes; v uniform over the nodes of the other samples: draw r in
        // 0..<N-V and skip over u's own sample's block.
        let n64 = UInt64(nodes)
        for _ in 0..<cross {
            let u = rng.bounded(n64)
            let ownStart = (u / v64) * v64
            var v = rng.bounded(n64 - v64)
            if v >= ownStart { v += v64 }
            edges.sources.append(u)
            edges.targets.append(v)
        }

        let ids = (0..<n64).map { $0 }
        let labels = (0..<nodes).map { ($0 / views) % classes }
        let description = "augmentation samples=\(samples) views=\(views) cross-fraction=\(formatParameter(crossFraction))"
            + " classes=\(classes) seed=\(seed) (node = sample*views + view; \(cross) cross-sample edges)"
        return GeneratedGraph(edges: edges, nodeCount: nodes, labels: NodeLabels(ids: ids, labels: labels),
                              description: description)
    }
}
