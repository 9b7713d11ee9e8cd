import Dispatch
import PairGraph

/// Graph500's R-MAT / Kronecker generator (the reference Octave `kronecker_generator`).
///
/// - 2^scale nodes, edgeFactor * 2^scale edges (Graph500: edge factor 16).
/// - For each edge and each of the `scale` levels a quadrant of the adjacency matrix is chosen with
///   probabilities a, b, c, d = 1 - a - b - c (Graph500: 0.57, 0.19, 0.19, 0.05), exactly as the
///   reference does it: the row bit is 1 with probability c + d = 1 - (a + b); the column bit is 1 with
///   probability b / (a + b) after a 0 row bit and d / (c + d) after a 1.
/// - Node IDs are then scrambled by a uniformly random permutation of 0..<2^scale (Fisher-Yates),
///   so that high degree does not mean low ID. The reference also shuffles the edge order; that is
///   skipped, since assembly sorts edges anyway.
/// - Directed pairs are emitted as generated: self-loops and duplicates are kept (assembly drops loops
///   and merges duplicates, as Graph500's kernels do), weights are absent.
/// - Randomness: each level draws one 64-bit word; its high and low 32 bits are compared, as integers,
///   with thresholds round(p * 2^32). That is integer-only (bit-identical everywhere) and resolves the
///   probabilities to 2^-32. Edges are made in fixed blocks of 2^16, each from its own SplitMix64
///   stream (seeded by a hash of the seed and the block index) and run in parallel; the permutation
///   has a stream of its own. The output depends only on the seed, not on the thread count.
///
/// ```swift
/// let g = try RMAT.generate(scale: 16, seed: 42)   // 65,536 nodes, 1,048,576 directed pairs
/// ```
public enum RMAT {
    public static let graph500A = 0.57
    public static let graph500B = 0.19
    public static let graph500C = 0.19

    /// - Parameter permute: false skips the vertex permutation (tests use it to see the quadrants).
    /// - Throws: `InputError` (file "rmat") when scale is outside 1...40, edgeFactor < 1, or a, b, c
    ///   are not probabilities with a + b < 1 and a + b + c <= 1.
    public static func generate(scale: Int, edgeFactor: Int = 16, a: Double = graph500A,
                                b: Double = graph500B, c: Double = graph500C, seed: UInt64,
                                permute: Bool = true) throws -> GeneratedGraph {
        func bad(_ why: String) -> InputError { InputError(file: "rmat", reason: why) }
        guard (1...40).contains(scale) else { throw bad("scale must be in 1...40, got \(scale)") }
        guard edgeFactor >= 1 else { throw bad("edge factor must be at least 1, got \(edgeFactor)") }
        for (name, p) in [("a", a), ("b", b), ("c", c)] where !(p >= 0 && p <= 1) {
            throw bad("\(name) must be in [0, 1], got \(p)")
        }
        guard a + b > 0, a + b < 1 else { throw bad("a + b must be in (0, 1), got \(a + b)") }
        let d = 1 - a - b - c
        guard d >= -1e-12 else { throw bad("a + b + c must be at most 1, got \(a + b + c)") }
        let nodes = 1 << scale
        let (edgeCount, overflow) = edgeFactor.multipliedReportingOverflow(by: nodes)
        guard !overflow else { throw bad("edge factor * 2^scale is too large") }

        func threshold(_ p: Double) -> UInt64 { UInt64((min(max(p, 0), 1) * 4_294_967_296).rounded()) }
        // bit = 1 when the 32-bit draw is >= threshold(probability of bit 0).
        let rowZero = threshold(a + b)
        let colZeroAfterRow0 = threshold(a / (a + b))
        let cd = 1 - (a + b)
        let colZeroAfterRow1 = threshold(cd > 0 ? c / cd : 1)

        // The vertex permutation comes first, from its own stream.
        var perm: [UInt64] = []
        if permute {
            var rng = SplitMix64(seed: streamSeed(seed, stream: 0))
            perm = (0..<UInt64(nodes)).map { $0 }
            perm.withUnsafeMutableBufferPointer { p in
                var i = nodes - 1
                while i > 0 {
                    let j = Int(rng.bounded(UInt64(i + 1)))
                    p.swapAt(i, j)
                    i -= 1
                }
            }
        }

        // Edges in fixed blocks of 2^16, block b from stream b + 1: the result does not depend on how
        // many threads run the blocks.
        var sources = [UInt64](repeating: 0, count: edgeCount)
        var targets = [UInt64](repeating: 0, count: edgeCount)
        let blockSize = 1 << 16
        let blocks = (edgeCount + blockSize - 1) / blockSize
        let thresholds = Thresholds(rowZero: rowZero, colZeroAfterRow0: colZeroAfterRow0,
                                    colSwitch: colZeroAfterRow0 ^ colZeroAfterRow1)
        sources.withUnsafeMutableBufferPointer { src in
            targets.withUnsafeMutableBufferPointer { dst in
                perm.withUnsafeBufferPointer { p in
                    let shared = EdgeBuffers(src: src, dst: dst, perm: p)
                    DispatchQueue.concurrentPerform(iterations: blocks) { blk in
                        let lo = blk * blockSize, hi = min(edgeCount, lo + blockSize)
                        fillEdges(lo..<hi, scale: scale, seed: streamSeed(seed, stream: UInt64(blk) + 1),
                                  thresholds: thresholds, into: shared)
                    }
                }
            }
        }

        let description = "rmat scale=\(scale) edge-factor=\(edgeFactor) a=\(formatParameter(a)) b=\(formatParameter(b))"
            + " c=\(formatParameter(c)) d=\(formatParameter((d * 1e12).rounded() / 1e12)) seed=\(seed)"
            + " (Graph500 Kronecker\(permute ? ", random vertex permutation" : ""); directed pairs as generated,"
            + " loops and duplicates kept)"
        return GeneratedGraph(edges: EdgeList(sources: sources, targets: targets), nodeCount: nodes,
                              labels: nil, description: description)
    }

    /// The seed of stream `stream` of `seed`: the murmur3 finaliser of a SplitMix64 step, so that
    /// neighbouring streams start at unrelated points of the period.
    static func streamSeed(_ seed: UInt64, stream: UInt64) -> UInt64 {
        var z = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        var mixer = SplitMix64(seed: z)
        z = mixer.next()
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return z ^ (z >> 33)
    }

    private struct Thresholds: Sendable {
        let rowZero: UInt64
        let colZeroAfterRow0: UInt64
        let colSwitch: UInt64
    }

    /// Disjoint output ranges per block, so sharing the pointers across threads is safe.
    private struct EdgeBuffers: @unchecked Sendable {
        let src: UnsafeMutableBufferPointer<UInt64>
        let dst: UnsafeMutableBufferPointer<UInt64>
        let perm: UnsafeBufferPointer<UInt64>
    }

    private static func fillEdges(_ range: Range<Int>, scale: Int, seed: UInt64, thresholds t: Thresholds,
                                  into out: EdgeBuffers) {
        var rng = SplitMix64(seed: seed)
        let levels = UInt64(scale)
        let rowZero = t.rowZero, col0 = t.colZeroAfterRow0, colSwitch = t.colSwitch
        let permute = out.perm.count > 0
        for e in range {
            var u: UInt64 = 0, v: UInt64 = 0
            var level: UInt64 = 0
            while level < levels {
                // Branch-free (the bits are random, so branches would mispredict): for
                // x, t < 2^33, (t - 1 - x) >> 63 is 1 exactly when x >= t.
                let r = rng.next()
                let rowBit = (rowZero &- 1 &- (r >> 32)) >> 63
                let colLimit = col0 ^ (colSwitch & (0 &- rowBit))
                let colBit = (colLimit &- 1 &- (r & 0xFFFF_FFFF)) >> 63
                u |= rowBit << level
                v |= colBit << level
                level += 1
            }
            if permute {
                u = out.perm[Int(u)]
                v = out.perm[Int(v)]
            }
            out.src[e] = u
            out.dst[e] = v
        }
    }
}
