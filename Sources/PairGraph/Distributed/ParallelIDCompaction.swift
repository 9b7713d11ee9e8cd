import Distributed

/// One rank's result of `ParallelIDCompaction`: the rows of the edge endpoints it holds, and its
/// shard of the sorted distinct IDs.
///
/// The numbering is exactly `IDCompaction`'s: row r is the r-th smallest distinct ID over all
/// ranks' endpoints (or, with a declared node count, row = ID), so it depends on the node set only,
/// not on the rank count or on how the edges were split.
///
/// The distinct IDs are spread as a sample sort leaves them: rank s holds the ascending *shard*
/// `shardIDs` with rows `shardFirstRow..<shardFirstRow + shardIDs.count`; the shards of ranks
/// 0, 1, ... follow each other in row order, and together hold every distinct ID exactly once.
/// The `splitters` (the same on every rank) say which shard an ID lives on.
public struct LocalCompaction: Sendable, Equatable {
    /// N: distinct IDs over all ranks (the declared count for Matrix Market).
    public let nodeCount: Int
    /// Rows of this rank's `sources` and `targets`, in input order (as `CompactedEdges`).
    public let first: [Int32]
    public let second: [Int32]
    /// This rank's shard of the ascending distinct IDs (empty when the count is declared).
    public let shardIDs: [UInt64]
    /// Row of `shardIDs[0]`.
    public let shardFirstRow: Int
    /// P - 1 (or fewer, when there are no IDs) ascending splitters: an ID x lives on the shard of
    /// rank `shardOwner(of: x)`, the number of splitters <= x. The same on every rank.
    public let splitters: [UInt64]
    /// Whether row = ID, with no shards: the node count was declared (Matrix Market), or the IDs
    /// are exactly 0..<N.
    public let declared: Bool
    public let rank: Int
    public let rankCount: Int

    /// Not collective. The rank whose shard holds `id` (if any rank does).
    public func shardOwner(of id: UInt64) -> Int { SortedSearch.upperBound(splitters, id) }

    /// This compaction without the rows of the parsed edges (`first`, `second`), which the
    /// assembly consumes; what maps rows back to IDs stays.
    public func droppingEndpoints() -> LocalCompaction {
        LocalCompaction(nodeCount: nodeCount, first: [], second: [], shardIDs: shardIDs, shardFirstRow: shardFirstRow,
                        splitters: splitters, declared: declared, rank: rank, rankCount: rankCount)
    }

    /// Collective. The IDs of the rows `partition` gives this rank, ascending (what this rank
    /// writes to nodes.npy): one all-to-all-v that cuts every shard along the partition.
    /// Memory: this rank's rows only.
    /// - Precondition: `partition` covers `nodeCount` rows over the group's ranks.
    public func ownedNodeIDs(partition: RowPartition, group: some CollectiveGroup) -> [UInt64] {
        checkGroup(group)
        precondition(partition.rowCount == nodeCount && partition.rankCount == rankCount,
                     "a partition of \(partition.rowCount) rows over \(partition.rankCount) ranks for \(nodeCount) nodes over \(rankCount)")
        if declared { return partition.rows(of: rank).map { UInt64($0) } }
        // The blocks are contiguous and ascending, so the shard is already laid out rank by rank.
        let mine = shardFirstRow..<(shardFirstRow + shardIDs.count)
        let sendCounts = (0..<rankCount).map { r in mine.clamped(to: partition.rows(of: r)).count }
        let (ids, _) = group.exchange(shardIDs, sendCounts: sendCounts)
        precondition(ids.count == partition.rows(of: rank).count, "received \(ids.count) IDs for \(partition.rows(of: rank).count) rows")
        return ids
    }

    /// Collective. The row of each of `ids` (any order, repeats allowed), -1 where an ID is not a
    /// node: each distinct query goes once to its shard's rank, which answers it. For mapping
    /// further per-rank ID lists (labels files) to rows without gathering the ID set.
    public func rows(of ids: [UInt64], group: some CollectiveGroup) -> [Int32] {
        checkGroup(group)
        if declared { return ids.map { $0 < UInt64(nodeCount) ? Int32($0) : -1 } }
        let queries = SortedSearch.sortedUnique(ids)
        let sendCounts = SortedSearch.bucketCounts(queries, splitters: splitters, ranks: rankCount)
        let (received, receiveCounts) = group.exchange(queries, sendCounts: sendCounts)
        let answers = shardIDs.withUnsafeBufferPointer { shard in
            received.map { x -> Int32 in
                let k = SortedSearch.lowerBound(shard, x)
                return k < shard.count && shard[k] == x ? Int32(shardFirstRow + k) : -1
            }
        }
        let rows = group.allToAllv(int32: answers, sendCounts: receiveCounts, receiveCounts: sendCounts)
        return queries.withUnsafeBufferPointer { q in ids.map { rows[SortedSearch.lowerBound(q, $0)] } }
    }

    private func checkGroup(_ group: some CollectiveGroup) {
        precondition(group.size == rankCount && group.rank == rank,
                     "the compaction of rank \(rank) of \(rankCount) used on rank \(group.rank) of \(group.size)")
    }
}

/// Parallel node-ID compaction: IDs -> rows 0..<N in ascending ID order, computed without any rank
/// holding all IDs. A distributed sample sort:
///
/// 1. each rank de-duplicates the endpoints it holds (a hash table numbers them; only the distinct
///    IDs are sorted);
/// 2. each takes up to s = max(64, 4096 / P) evenly spaced samples of its distinct IDs; the samples
///    are all-gathered and P - 1 splitters are picked evenly from their sorted union (the same on
///    every rank, as every rank sorts the same samples);
/// 3. the distinct IDs go to their splitter range's rank (all-to-all-v), which merges them into
///    its sorted, unique shard;
/// 4. an exclusive prefix sum of the shard sizes gives each shard its first row, so an ID's row is
///    that plus its position in the shard (the global rank of the ID in ascending order);
/// 5. each shard rank answers the IDs it received with their rows (the reverse all-to-all-v), and
///    each rank maps its endpoints through the hash table that de-duplicated them in step 1.
///
/// Memory per rank: 4 bytes per endpoint (its hash-table slot) plus the rows returned, about 40
/// bytes per distinct ID it holds (hash table, sorted copy, rows), its shard, and the P s
/// samples. Communication: two all-to-all-v of at most each rank's distinct IDs, plus O(P s)
/// gathered samples and a few scalars. The splitters only balance the shards (by the samples);
/// the numbering does not depend on them. Its time and shard balance on R-MAT 20 are in
/// docs/benchmarks.md, "Measurements behind code choices".
///
/// Matrix Market (a declared node count n, IDs 0..<n) is the trivial case: row = ID. So are IDs that
/// are exactly 0..<N (what `eigenpair generate`, NumPy and NetworkX write), found by one reduction of
/// per-ID flags where N is at most twice this rank's endpoints (the flags then cost less memory than
/// the sort's hash table); the numbering is the same as the sort's.
public enum ParallelIDCompaction {
    /// Collective. Compacts the IDs of every rank's `edges` (this rank's slice of the input: any
    /// split, slices may be empty). `file` names the input in errors.
    /// - Throws: `InputError`, on every rank together, when N >= 2^31 - 1 or the ranks disagree on
    ///   the declared node count.
    public static func compact(_ edges: EdgeList, file: String, group: some CollectiveGroup) throws -> LocalCompaction {
        let p = group.size, me = group.rank
        let declaredHigh = group.allreduceMax(edges.declaredNodeCount ?? -1)
        let declaredLow = group.allreduceMin(edges.declaredNodeCount ?? -1)
        guard declaredHigh == declaredLow else {
            throw InputError(file: file, reason: "the ranks disagree on the declared node count")
        }
        // Row = ID: a declared count, or IDs that are exactly 0..<N (the same answer on every rank).
        if let n = declaredHigh >= 0 ? declaredHigh : denseRows(edges, group: group) {
            guard n <= Int(Int32.max) else { throw InputError(file: file, reason: "more than 2^31-1 nodes are not supported") }
            return LocalCompaction(
                nodeCount: n, first: edges.sources.map { Int32(truncatingIfNeeded: $0) },
                second: edges.targets.map { Int32(truncatingIfNeeded: $0) }, shardIDs: [], shardFirstRow: 0,
                splitters: [], declared: true, rank: me, rankCount: p)
        }

        // 1. This rank's distinct IDs: each endpoint gets a slot of the hash table, and the
        //    distinct IDs are sorted once.
        var table = IDIndexTable(expected: min(2 * edges.count, 1 << 20))
        let slotOfSource = edges.sources.map { table.insert($0) }
        let slotOfTarget = edges.targets.map { table.insert($0) }
        var mine = table.distinct
        mine.sort()

        // 2. Splitters from everyone's samples.
        let sampleCount = min(mine.count, max(64, 4096 / p))
        let samples = (0..<sampleCount).map { mine[$0 * mine.count / sampleCount] }
        var pool = group.allgatherv(uint64: samples).values
        pool.sort()
        let splitters = pool.isEmpty ? [] : (1..<p).map { pool[$0 * pool.count / p] }

        // 3. Distinct IDs to their shard rank; merge into the shard.
        let sendCounts = SortedSearch.bucketCounts(mine, splitters: splitters, ranks: p)
        let (received, receiveCounts) = group.exchange(mine, sendCounts: sendCounts)
        let shard = SortedSearch.sortedUnique(received)

        // 4. Global row of the shard's first ID.
        let firstRow = group.exclusivePrefixSum(shard.count)
        let n = group.allreduceSum(shard.count)
        guard n < Int(Int32.max) else { throw InputError(file: file, reason: "more than 2^31-1 nodes are not supported") }

        // 5. Rows back to the ranks that asked, then onto the endpoints.
        let answers = shard.withUnsafeBufferPointer { s in received.map { Int32(firstRow + SortedSearch.lowerBound(s, $0)) } }
        let rowOfMine = group.allToAllv(int32: answers, sendCounts: receiveCounts, receiveCounts: sendCounts)
        var rowOfSlot = [Int32](repeating: 0, count: mine.count)
        for (k, id) in mine.enumerated() { rowOfSlot[Int(table.find(id))] = rowOfMine[k] }
        let first = slotOfSource.map { rowOfSlot[Int($0)] }
        let second = slotOfTarget.map { rowOfSlot[Int($0)] }
        return LocalCompaction(nodeCount: n, first: first, second: second, shardIDs: shard, shardFirstRow: firstRow,
                               splitters: splitters, declared: false, rank: me, rankCount: p)
    }

    /// Collective. N when the IDs over all ranks are exactly 0..<N, else nil (also when N exceeds
    /// twice the endpoints per rank, where the flags would outweigh the sort's hash table).
    static func denseRows(_ edges: EdgeList, group: some CollectiveGroup) -> Int? {
        let localMax = max(edges.sources.max() ?? 0, edges.targets.max() ?? 0)
        let top = group.allreduceMax(localMax < UInt64(Int32.max) ? Int(localMax) : Int.max)
        let endpoints = group.allreduceSum(2 * edges.count)
        // The same values on every rank, so every rank takes the same branch.
        guard endpoints > 0, top < Int(Int32.max), top + 1 <= 2 * endpoints / group.size else { return nil }
        var flags = [Int64](repeating: 0, count: top + 1)
        for id in edges.sources { flags[Int(id)] = 1 }
        for id in edges.targets { flags[Int(id)] = 1 }
        group.allreduceSum(&flags)
        return flags.contains(0) ? nil : top + 1
    }

    /// Collective. The MPI version: `compact(_:file:group:)` on the communicator's ranks.
    public static func compact(_ edges: EdgeList, file: String, communicator: Communicator) throws -> LocalCompaction {
        try compact(edges, file: file, group: communicator)
    }
}

// MARK: - Sorted-array helpers

/// Searches and de-duplication on ascending arrays, shared by the distributed assembly stages.
enum SortedSearch {
    /// Ascending and without repeats.
    static func sortedUnique<T: Comparable>(_ values: [T]) -> [T] {
        var a = values
        a.sort()
        var out = 0
        for i in a.indices where out == 0 || a[out - 1] != a[i] {
            a[out] = a[i]
            out += 1
        }
        a.removeLast(a.count - out)
        return a
    }

    /// The first index whose element is >= x.
    static func lowerBound<T: Comparable>(_ a: UnsafeBufferPointer<T>, _ x: T) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The number of elements <= x.
    static func upperBound<T: Comparable>(_ a: [T], _ x: T) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if a[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// How many of the ascending `ids` go to each rank: rank r gets those with exactly r splitters
    /// <= them (ranks past the last splitter get none).
    static func bucketCounts(_ ids: [UInt64], splitters: [UInt64], ranks: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: ranks)
        ids.withUnsafeBufferPointer { a in
            var start = 0
            for r in 0..<ranks {
                let end = r < splitters.count ? SortedSearch.lowerBound(a, splitters[r]) : a.count
                counts[r] = max(end - start, 0)
                start = max(end, start)
            }
        }
        return counts
    }
}

/// An open-addressing hash table (linear probing, multiplicative hashing) numbering UInt64 keys
/// 0, 1, 2, ... in order of first insertion: the de-duplication behind the compaction's endpoint
/// map and the components' ghost columns, at a few ns per key instead of a sort of every
/// occurrence. Memory: 12 bytes per slot, at most 4 slots per distinct key, plus the keys.
struct IDIndexTable {
    /// The distinct keys, in order of first insertion (key `distinct[i]` has index i).
    private(set) var distinct: [UInt64] = []
    private var slots: [Int32]
    private var keys: [UInt64]
    private var shift: UInt64

    init(expected: Int) {
        var capacity = 16
        while capacity < 2 * expected { capacity <<= 1 }
        slots = [Int32](repeating: -1, count: capacity)
        keys = [UInt64](repeating: 0, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        distinct.reserveCapacity(expected)
    }

    private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The index of `key`, inserting it when new.
    mutating func insert(_ key: UInt64) -> Int32 {
        let mask = slots.count - 1
        var i = home(key)
        while true {
            let s = slots[i]
            if s < 0 { break }
            if keys[i] == key { return s }
            i = (i + 1) & mask
        }
        precondition(distinct.count < Int(Int32.max), "more than 2^31-1 distinct keys on one rank")
        let index = Int32(distinct.count)
        slots[i] = index
        keys[i] = key
        distinct.append(key)
        if 2 * distinct.count > slots.count { grow() }
        return index
    }

    /// The index of `key`, or -1 when it was never inserted.
    func find(_ key: UInt64) -> Int32 {
        let mask = slots.count - 1
        var i = home(key)
        while true {
            let s = slots[i]
            if s < 0 || keys[i] == key { return s }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        let capacity = 2 * slots.count
        slots = [Int32](repeating: -1, count: capacity)
        keys = [UInt64](repeating: 0, count: capacity)
        shift -= 1
        let mask = capacity - 1
        for (index, key) in distinct.enumerated() {
            var i = home(key)
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(index)
            keys[i] = key
        }
    }
}
