/// Contiguous 1-D row blocks of a global matrix: rank r owns rows `first[r]..<first[r + 1]`.
///
/// Balanced partitions weigh row i as `nnz_i + 1`, so an SpMV's work (one multiply-add per nonzero)
/// and its per-row vector work (Lanczos' `workd`, the Krylov basis) are both spread, and empty rows
/// (isolated nodes) still spread across ranks. With prefix weights W_0 = 0, W_{i+1} = W_i + w_i and
/// total T, boundary r is the row index i in 0...N minimising |P W_i - r T| (the lower one on a
/// tie). Every boundary is therefore within half a row's weight of its ideal r T / P, and every
/// block weighs at most T / P plus the weight of one row (half each of the rows that straddle its
/// two boundaries). All arithmetic is on integers, so the partition is deterministic; it depends
/// only on the degree sequence, not on how the counts were split over ranks before.
///
/// Blocks can be empty: when P > N, or when one hub row weighs more than T / P.
///
/// ```swift
/// let part = RowPartition.balanced(rowNonzeros: degrees, ranks: 4)
/// part.rows(of: 2)        // 2's contiguous rows
/// part.owner(of: 1234)    // the rank that owns row 1234
/// ```
public struct RowPartition: Sendable, Equatable, CustomStringConvertible {
    /// P + 1 nondecreasing boundaries: `boundaries[0] == 0`, `boundaries[P] == rowCount`.
    public let boundaries: [Int]

    /// - Precondition: at least two boundaries, the first 0, nondecreasing.
    public init(boundaries: [Int]) {
        precondition(boundaries.count >= 2, "a partition needs at least one rank (two boundaries)")
        precondition(boundaries[0] == 0, "the first boundary must be 0, got \(boundaries[0])")
        for r in 1..<boundaries.count {
            precondition(boundaries[r] >= boundaries[r - 1], "row boundaries must be nondecreasing: \(boundaries)")
        }
        self.boundaries = boundaries
    }

    /// Blocks of ceil(N / P) or floor(N / P) rows, the larger ones first (ignores nonzeros).
    public init(uniformRows rowCount: Int, ranks: Int) {
        precondition(ranks >= 1 && rowCount >= 0, "need ranks >= 1 and rowCount >= 0")
        let base = rowCount / ranks, extra = rowCount % ranks
        var b = [0]
        b.reserveCapacity(ranks + 1)
        for r in 0..<ranks { b.append(b[r] + base + (r < extra ? 1 : 0)) }
        self.init(boundaries: b)
    }

    /// Number of ranks P.
    public var rankCount: Int { boundaries.count - 1 }

    /// Global number of rows N.
    public var rowCount: Int { boundaries[boundaries.count - 1] }

    /// The rows of `rank` (possibly empty).
    public func rows(of rank: Int) -> Range<Int> {
        precondition(rank >= 0 && rank < rankCount, "rank \(rank) outside 0..<\(rankCount)")
        return boundaries[rank]..<boundaries[rank + 1]
    }

    /// The first row of `rank`.
    public func firstRow(of rank: Int) -> Int { rows(of: rank).lowerBound }

    /// The rank owning `row`: the largest r with `boundaries[r] <= row`, by binary search, so ranks
    /// with empty blocks are skipped. O(log P).
    public func owner(of row: Int) -> Int {
        precondition(row >= 0 && row < rowCount, "row \(row) outside 0..<\(rowCount)")
        var lo = 0, hi = rankCount - 1  // invariant: boundaries[lo] <= row < boundaries[hi + 1]
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if boundaries[mid] <= row { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Total weight (sum of nnz + 1) of each block, for a global count sequence.
    public func blockWeights(rowNonzeros: [Int]) -> [Int] {
        precondition(rowNonzeros.count == rowCount, "\(rowNonzeros.count) counts for \(rowCount) rows")
        return (0..<rankCount).map { r in rows(of: r).reduce(0) { $0 + rowNonzeros[$1] + 1 } }
    }

    public var description: String { "RowPartition(\(boundaries))" }

    // MARK: - Balanced partitions

    /// Not collective. The balanced partition of N = `rowNonzeros.count` rows over `ranks` ranks.
    /// - Precondition: counts are >= 0, ranks >= 1.
    public static func balanced(rowNonzeros: [Int], ranks: Int) -> RowPartition {
        let local = localCandidates(rowNonzeros: rowNonzeros, firstRow: 0, weightBefore: 0,
                                    totalWeight: totalWeight(rowNonzeros), ranks: ranks)
        return RowPartition(boundaries: local.index)
    }

    /// Not collective. The same partition computed from pieces of the count sequence, as the ranks
    /// of a job would each hold one (piece k covers the rows after pieces 0..<k; pieces may be
    /// empty). It runs exactly the per-rank step and the reduction of the collective variant, so
    /// tests can simulate any number of ranks in one process.
    public static func balanced(pieces: [[Int]], ranks: Int) -> RowPartition {
        let total = pieces.reduce(0) { $0 + totalWeight($1) }
        var firstRow = 0, weightBefore = 0
        var best: Candidates?
        for piece in pieces {
            let local = localCandidates(rowNonzeros: piece, firstRow: firstRow, weightBefore: weightBefore,
                                        totalWeight: total, ranks: ranks)
            firstRow += piece.count
            weightBefore += totalWeight(piece)
            best = best.map { $0.combined(with: local) } ?? local
        }
        return RowPartition(boundaries: (best ?? localCandidates(rowNonzeros: [], firstRow: 0, weightBefore: 0,
                                                                  totalWeight: 0, ranks: ranks)).index)
    }

    /// Collective. The balanced partition over `communicator.size` ranks computed from each rank's
    /// counts of a contiguous piece of rows: rank k's piece follows ranks 0..<k's (the input order,
    /// not yet balanced; any piece may be empty). Equal, on every rank, to `balanced(rowNonzeros:)`
    /// of the concatenated counts. Cost: two exclusive scans and three all-reduces (two of P + 1 values).
    public static func balanced(localRowNonzeros: [Int], communicator: Communicator) -> RowPartition {
        let ranks = communicator.size
        let localWeight = totalWeight(localRowNonzeros)
        let firstRow = communicator.exclusivePrefixSum(localRowNonzeros.count)
        let weightBefore = communicator.exclusivePrefixSum(localWeight)
        let total = communicator.allreduceSum(localWeight)
        let local = localCandidates(rowNonzeros: localRowNonzeros, firstRow: firstRow, weightBefore: weightBefore,
                                    totalWeight: total, ranks: ranks)
        var distance = local.distance.map(Int64.init)
        communicator.allreduceMin(&distance)
        // Among the rows reaching the global minimum distance, the lowest index wins.
        var index = (0...ranks).map { r in local.distance[r] == Int(distance[r]) ? Int64(local.index[r]) : Int64.max }
        communicator.allreduceMin(&index)
        return RowPartition(boundaries: index.map { Int($0) })
    }

    // MARK: - The per-rank step

    /// For each target r in 0...P, the best boundary candidate among the prefix indices this piece
    /// sees (firstRow...firstRow + count): its distance |P W_i - r T| and index i (lowest on ties).
    struct Candidates {
        var distance: [Int]
        var index: [Int]

        /// Element-wise minimum by (distance, index).
        func combined(with other: Candidates) -> Candidates {
            var out = self
            for r in distance.indices
            where other.distance[r] < distance[r] || other.distance[r] == distance[r] && other.index[r] < index[r] {
                out.distance[r] = other.distance[r]
                out.index[r] = other.index[r]
            }
            return out
        }
    }

    static func totalWeight(_ rowNonzeros: [Int]) -> Int {
        var t = 0
        for c in rowNonzeros {
            precondition(c >= 0, "row nonzero counts must be >= 0, got \(c)")
            t += c + 1
        }
        return t
    }

    /// O(count + P): W is strictly increasing (every weight >= 1), so the candidates for target r
    /// are the last prefix index with P W_i <= r T and the one after it; a cursor walks both.
    static func localCandidates(rowNonzeros: [Int], firstRow: Int, weightBefore: Int, totalWeight: Int,
                                ranks: Int) -> Candidates {
        precondition(ranks >= 1, "need at least one rank")
        let (_, overflow) = totalWeight.multipliedReportingOverflow(by: ranks)
        precondition(!overflow, "total row weight \(totalWeight) times \(ranks) ranks overflows")
        var distance = [Int](repeating: Int.max, count: ranks + 1)
        var index = [Int](repeating: Int.max, count: ranks + 1)
        let n = rowNonzeros.count
        // Prefix weight at local prefix position k (global index firstRow + k), k in 0...n.
        var k = 0
        var w = weightBefore
        for r in 0...ranks {
            let target = r * totalWeight
            // Advance to the last k with P W_k <= target (or stay at 0 when even W_0 exceeds it).
            while k < n, ranks * (w + rowNonzeros[k] + 1) <= target {
                w += rowNonzeros[k] + 1
                k += 1
            }
            // Candidate k (at or below the target unless k == 0) and k + 1 (above it).
            var bestD = abs(ranks * w - target), bestI = firstRow + k
            if k < n {
                let d = abs(ranks * (w + rowNonzeros[k] + 1) - target)
                if d < bestD { bestD = d; bestI = firstRow + k + 1 }
            }
            distance[r] = bestD
            index[r] = bestI
        }
        return Candidates(distance: distance, index: index)
    }
}
