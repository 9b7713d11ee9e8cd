import Distributed
import PairGraph
import Testing

@Suite struct RowPartitionTests {
    /// Row weights and their prefix sums W_0 = 0 ... W_N = T.
    static func prefixWeights(_ counts: [Int]) -> [Int] {
        var w = [0]
        for c in counts { w.append(w[w.count - 1] + c + 1) }
        return w
    }

    /// Brute force: boundary r is the i in 0...N minimising |P W_i - r T|, lowest on ties.
    static func bruteForce(_ counts: [Int], ranks: Int) -> [Int] {
        let w = prefixWeights(counts), t = w[w.count - 1]
        return (0...ranks).map { r in
            (0...counts.count).min { a, b in
                let da = abs(ranks * w[a] - r * t), db = abs(ranks * w[b] - r * t)
                return da < db || da == db && a < b
            }!
        }
    }

    /// Checks every property a balanced partition promises; returns descriptions of failures.
    static func violations(_ part: RowPartition, counts: [Int], ranks: Int) -> [String] {
        var bad: [String] = []
        let n = counts.count
        if part.rankCount != ranks { bad.append("rank count \(part.rankCount) != \(ranks)") }
        if part.rowCount != n { bad.append("row count \(part.rowCount) != \(n)") }
        // Every row covered exactly once, by the rank owner(of:) names.
        var covered = [Int](repeating: 0, count: n)
        for r in 0..<part.rankCount {
            for i in part.rows(of: r) {
                covered[i] += 1
                if part.owner(of: i) != r { bad.append("owner(of: \(i)) = \(part.owner(of: i)), expected \(r)") }
            }
        }
        if let i = covered.firstIndex(where: { $0 != 1 }) { bad.append("row \(i) covered \(covered[i]) times") }
        // Balance: every block weighs at most T / P + (max row weight); no boundary is further than
        // half a straddling row from its ideal; and the result is the brute-force optimum.
        let w = prefixWeights(counts), t = w[w.count - 1]
        let maxRow = (counts.max() ?? 0) + 1
        for (r, weight) in part.blockWeights(rowNonzeros: counts).enumerated() where ranks * weight > t + ranks * maxRow {
            bad.append("block \(r) weighs \(weight) > T/P + max row = \(Double(t) / Double(ranks)) + \(maxRow)")
        }
        for r in 0...ranks {
            let b = part.boundaries[r]
            let gap = abs(ranks * w[b] - r * t)
            // The straddling row's weight bounds twice the gap.
            let neighbourRows = [b - 1, b].filter { $0 >= 0 && $0 < n }.map { counts[$0] + 1 }
            if 2 * gap > ranks * (neighbourRows.max() ?? 0) {
                bad.append("boundary \(r) = \(b) is \(gap)/P from its ideal")
            }
        }
        if part.boundaries != bruteForce(counts, ranks: ranks) {
            bad.append("boundaries \(part.boundaries) != brute force \(bruteForce(counts, ranks: ranks))")
        }
        return bad
    }

    static func rmatDegrees() throws -> [Int] {
        let g = try TestMatrices.rmat(scale: 10, seed: 11)
        return (0..<g.nodeCount).map { g.neighbours(of: $0).columns.count }
    }

    @Test func powerLawDegreesAreBalanced() {
        let counts = TestMatrices.powerLawDegrees(n: 3000, exponent: 1.1, maxDegree: 2000, seed: 3)
        for ranks in [1, 2, 3, 4, 5, 7, 8, 16, 64] {
            let part = RowPartition.balanced(rowNonzeros: counts, ranks: ranks)
            let bad = Self.violations(part, counts: counts, ranks: ranks)
            #expect(bad.isEmpty, "P = \(ranks): \(bad.prefix(5))")
        }
    }

    @Test func rmatDegreesAreBalanced() throws {
        let counts = try Self.rmatDegrees()
        #expect(counts.count > 700 && counts.count <= 1024)
        // Skewed indeed: the largest degree is many times the mean, and many rows have degree 1.
        let mean = Double(counts.reduce(0, +)) / Double(counts.count)
        #expect(Double(counts.max()!) > 10 * mean && counts.contains(1), "max \(counts.max()!), mean \(mean)")
        for ranks in 1...9 {
            let part = RowPartition.balanced(rowNonzeros: counts, ranks: ranks)
            let bad = Self.violations(part, counts: counts, ranks: ranks)
            #expect(bad.isEmpty, "P = \(ranks): \(bad.prefix(5))")
            // Balance by nonzeros is not balance by rows: on R-MAT the blocks' row counts differ.
            if ranks == 4 {
                let sizes = (0..<4).map { part.rows(of: $0).count }
                #expect(Set(sizes).count > 1, "row counts \(sizes)")
            }
        }
    }

    @Test func deterministicAndEqualFromAnySplitOfTheCounts() throws {
        let counts = try Self.rmatDegrees()
        var rng = SplitMix64(seed: 99)
        for ranks in [1, 2, 3, 5, 8] {
            let reference = RowPartition.balanced(rowNonzeros: counts, ranks: ranks)
            #expect(RowPartition.balanced(rowNonzeros: counts, ranks: ranks) == reference)
            // The collective algorithm's per-rank step on random contiguous pieces (some empty,
            // and a different number of pieces than ranks) reduces to the same partition.
            for pieceCount in [1, 2, ranks, 7] {
                var cuts = (0..<(pieceCount - 1)).map { _ in Int(rng.bounded(UInt64(counts.count + 1))) }
                cuts.sort()
                let edges = [0] + cuts + [counts.count]
                let pieces = (0..<pieceCount).map { Array(counts[edges[$0]..<edges[$0 + 1]]) }
                let fromPieces = RowPartition.balanced(pieces: pieces, ranks: ranks)
                #expect(fromPieces == reference, "P = \(ranks), cuts \(cuts)")
            }
        }
    }

    @Test func emptyRowsSpreadAndTiesGoLow() {
        // All rows empty: weight 1 each, targets r * 10 / 4 = 2.5, 5, 7.5: ties go to the lower row.
        let part = RowPartition.balanced(rowNonzeros: [Int](repeating: 0, count: 10), ranks: 4)
        #expect(part.boundaries == [0, 2, 5, 7, 10])
        // A hand-worked example: weights 1, 9, 1, 1, 1, 1, 1, 1 (T = 16) over 2 ranks: W = 0 1 10 ...,
        // the target 8 is nearest W_2 = 10 (|2*10 - 16| = 4 vs |2*1 - 16| = 14).
        let hub = RowPartition.balanced(rowNonzeros: [0, 8, 0, 0, 0, 0, 0, 0], ranks: 2)
        #expect(hub.boundaries == [0, 2, 8])
        #expect(hub.blockWeights(rowNonzeros: [0, 8, 0, 0, 0, 0, 0, 0]) == [10, 6])
    }

    @Test func moreRanksThanRowsAndHubsGiveEmptyBlocks() {
        let few = RowPartition.balanced(rowNonzeros: [3, 0, 1], ranks: 5)
        #expect(few.rankCount == 5 && few.rowCount == 3)
        #expect(Self.violations(few, counts: [3, 0, 1], ranks: 5).isEmpty)
        #expect((0..<5).filter { few.rows(of: $0).isEmpty }.count >= 2)
        // One hub heavier than T / P: its block holds it alone, neighbouring blocks may be empty,
        // and owner(of:) skips the empty ones.
        let counts = [1, 1, 500, 1, 1, 1]
        let part = RowPartition.balanced(rowNonzeros: counts, ranks: 4)
        #expect(Self.violations(part, counts: counts, ranks: 4).isEmpty, "\(part)")
        #expect(part.rows(of: part.owner(of: 2)) == 2..<3, "\(part)")
        // No rows at all.
        let none = RowPartition.balanced(rowNonzeros: [], ranks: 3)
        #expect(none.boundaries == [0, 0, 0, 0])
    }

    @Test func ownerMatchesLinearScanAndUniformSplit() {
        let uniform = RowPartition(uniformRows: 10, ranks: 4)
        #expect(uniform.boundaries == [0, 3, 6, 8, 10])
        let withEmpty = RowPartition(boundaries: [0, 0, 4, 4, 4, 9, 9])
        for part in [uniform, withEmpty] {
            for row in 0..<part.rowCount {
                let linear = (0..<part.rankCount).first { part.rows(of: $0).contains(row) }
                #expect(part.owner(of: row) == linear, "row \(row) of \(part)")
            }
        }
        #expect(withEmpty.owner(of: 0) == 1 && withEmpty.owner(of: 4) == 4 && withEmpty.owner(of: 8) == 4)
    }
}
