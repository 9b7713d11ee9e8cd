import Foundation
import PairGraph

/// The planted-partition stochastic block model: N nodes in C classes of (nearly) equal size; each
/// unordered pair is an edge independently, with probability pIn inside a class and pOut between.
///
/// - Class of node i is `i % classes` (interleaved, like the augmentation generator's `sample % C`):
///   class sizes differ by at most one when C does not divide N.
/// - Each edge is emitted once, as (lower ID, higher ID), weight 1; no self-loops, no duplicates.
/// - Sampling visits the pairs of each block (the within-class triangle of each class, the rectangle
///   of each pair of classes) in a fixed order and jumps from one edge to the next with a geometric
///   skip, floor(log(1 - U) / log(1 - p)) (Batagelj & Brandes 2005): O(N + C^2 + edges) time, never
///   O(N^2).
/// - Reproducibility: everything is integer arithmetic on `SplitMix64` except the skip's `log`, so a
///   seed gives the same graph wherever `log` rounds the same (every IEEE libm we know of does for
///   these arguments; a last-ulp difference could in principle move one skip).
///
/// ```swift
/// let g = try PlantedPartition.generate(nodes: 1000, classes: 4, pIn: 0.1, pOut: 0.01, seed: 42)
/// ```
public enum PlantedPartition {
    /// - Throws: `InputError` (file "sbm") when nodes < 1, classes < 1 or > nodes, or a
    ///   probability is outside [0, 1].
    public static func generate(nodes: Int, classes: Int, pIn: Double, pOut: Double,
                                seed: UInt64) throws -> GeneratedGraph {
        func bad(_ why: String) -> InputError { InputError(file: "sbm", reason: why) }
        guard nodes >= 1 else { throw bad("nodes must be at least 1, got \(nodes)") }
        guard classes >= 1, classes <= nodes else {
            throw bad("classes must be in 1...nodes (\(nodes)), got \(classes)")
        }
        guard pIn >= 0, pIn <= 1 else { throw bad("p-in must be in [0, 1], got \(pIn)") }
        guard pOut >= 0, pOut <= 1 else { throw bad("p-out must be in [0, 1], got \(pOut)") }

        let c = classes
        // Members of class k: k, k + C, k + 2C, ...; size N/C, plus one for k < N % C.
        let sizes = (0..<c).map { nodes / c + ($0 < nodes % c ? 1 : 0) }
        @inline(__always) func member(_ cls: Int, _ rank: Int) -> UInt64 { UInt64(rank * c + cls) }

        var withinPairs = 0.0, betweenPairs = 0.0
        for k in 0..<c { withinPairs += Double(sizes[k]) * Double(sizes[k] - 1) / 2 }
        betweenPairs = Double(nodes) * Double(nodes - 1) / 2 - withinPairs
        let expected = pIn * withinPairs + pOut * betweenPairs
        var edges = EdgeList()
        let reserve = Int(min(expected + 6 * expected.squareRoot() + 16, 1e12))
        edges.sources.reserveCapacity(reserve)
        edges.targets.reserveCapacity(reserve)

        var rng = SplitMix64(seed: seed)
        let inSkip = GeometricSkip(p: pIn), outSkip = GeometricSkip(p: pOut)

        // Within class k: pairs (r1 < r2) of ranks, row by row (r2 = 1, 2, ...; r1 = 0..<r2).
        if pIn > 0 {
            for k in 0..<c {
                let m = sizes[k]
                let total = m * (m - 1) / 2
                var row = 1, col = -1
                while row < m {
                    col += 1 + inSkip.next(&rng, cap: total)
                    while col >= row && row < m {
                        col -= row
                        row += 1
                    }
                    if row < m {
                        edges.sources.append(member(k, col))
                        edges.targets.append(member(k, row))
                    }
                }
            }
        }
        // Between classes k < l: the ma x mb rectangle of rank pairs, in row-major order.
        if pOut > 0 {
            for k in 0..<c {
                for l in (k + 1)..<max(k + 1, c) {
                    let ma = sizes[k], mb = sizes[l]
                    let total = ma * mb
                    var idx = -1
                    while true {
                        idx += 1 + outSkip.next(&rng, cap: total)
                        if idx >= total { break }
                        let a = member(k, idx / mb), b = member(l, idx % mb)
                        edges.sources.append(min(a, b))
                        edges.targets.append(max(a, b))
                    }
                }
            }
        }

        let ids = (0..<UInt64(nodes)).map { $0 }
        let labels = (0..<nodes).map { $0 % c }
        let description = "sbm nodes=\(nodes) classes=\(classes) p-in=\(formatParameter(pIn))"
            + " p-out=\(formatParameter(pOut)) seed=\(seed) (class of node i = i % classes)"
        return GeneratedGraph(edges: edges, nodeCount: nodes, labels: NodeLabels(ids: ids, labels: labels),
                              description: description)
    }
}

/// Number of failures before the next success in Bernoulli(p) trials: floor(log(1 - U) / log(1 - p)).
struct GeometricSkip {
    let p: Double
    let logQ: Double

    init(p: Double) {
        self.p = p
        logQ = log1p(-p)
    }

    /// The skip, clamped to `cap` (a cap beyond the remaining pairs ends the block just the same).
    /// p = 1 always gives 0; p = 0 gives `cap`.
    @inline(__always)
    func next(_ rng: inout SplitMix64, cap: Int) -> Int {
        if p >= 1 { return 0 }
        if p <= 0 { return cap }
        let u = rng.uniform01()
        let s = (log(1 - u) / logQ).rounded(.down)  // 1 - u is exact and in (0, 1]
        return s < Double(cap) ? Int(s) : cap
    }
}
