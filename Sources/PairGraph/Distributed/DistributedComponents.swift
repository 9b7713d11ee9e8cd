import Distributed

/// Components of one size: `count` components of `size` rows each.
public struct ComponentSizeClass: Sendable, Equatable, CustomStringConvertible {
    public var size: Int
    public var count: Int

    public var description: String { "\(count)x\(size)" }
}

/// Connected components of a graph whose rows are spread over ranks in `RowPartition` blocks,
/// numbered exactly like `Components`: largest first, ties by lowest row (isolated nodes are
/// components of size 1). One rank's view: the component of each row it owns, and the sizes of all
/// components as a histogram (components are ordered by size, so the histogram gives the size of
/// every component index).
///
/// The algorithm (`compute`):
///
/// 1. **Local union-find** over the edges between this rank's own rows: every row starts with the
///    smallest row of its local piece as its label f (pieces inside a block cost no communication).
/// 2. **Hook and shortcut rounds** (FastSV-style, Zhang, Azad & Hu 2020), with f(x) <= x always and
///    f(x) always a row of x's component: per round
///    - gf = f(f) for the owned rows (remote f values fetched from their owners, all-to-all-v);
///    - gf of the ghost columns by a halo exchange (the `HaloPlan` of the CSR, all-to-all-v);
///    - with m(u) = min gf over u's neighbours: f(f(u)) = min(f(f(u)), m(u)) (hooking the whole
///      tree, remote writes combined by min and sent to the owner), f(u) = min(f(u), m(u), gf(u));
///    - stop when no f changed anywhere (one all-reduce).
///    A round without change leaves f a star (f(f) = f) constant across every edge, hence the
///    smallest row of each component; every other round lowers some f, so the loop ends. Rounds
///    grow like log N on typical graphs (a path spread over all ranks included), not like the
///    diameter, which plain label propagation would need.
/// 3. **Sizes**: every rank counts its rows per root (the smallest row) and sends the counts to
///    the root's owner, which sums them.
/// 4. **Numbering**: every rank all-gathers every rank's histogram of its roots' sizes. Component
///    (size s, root t) gets index #(components larger than s) + #(components of size s on lower
///    ranks, whose roots are smaller) + #(this rank's components of size s with smaller roots).
///    Owners then answer the index of each root to the ranks holding its rows.
///
/// Memory per rank: O(nnz + owned rows + ghosts) for the CSR, labels and halo, per-round messages
/// of at most that size, and the gathered histograms: sum over ranks of their number of distinct
/// root sizes, each at most min(roots on that rank, sqrt(2N)) pairs of integers. Per-component
/// data is never gathered: a million isolated nodes make one histogram entry (size 1).
///
/// The halo and every other exchange go through all-to-all-v (O(P) counts per call), so that the
/// algorithm needs only `CollectiveGroup`. Its rounds and times on R-MAT 20 and a long path are in
/// docs/benchmarks.md, "Measurements behind code choices".
///
/// - Precondition (of the input): the adjacency is symmetric (each edge listed in the rows of both
///   its ends, as `DistributedRowBlock` holds it); diagonal entries are allowed.
public struct DistributedComponents: Sendable, Equatable {
    public let partition: RowPartition
    public let rank: Int
    /// Component index of each owned row (the numbering of `Components.label`).
    public let label: [Int32]
    /// Smallest row of the component of each owned row (its root).
    public let representative: [Int32]
    /// Number of components over all ranks.
    public let count: Int
    /// All component sizes: classes in descending size; component indices run through the classes
    /// in order (the first `sizeClasses[0].count` components have size `sizeClasses[0].size`...).
    public let sizeClasses: [ComponentSizeClass]
    /// Hook-and-shortcut rounds performed (the last one found nothing to change).
    public let rounds: Int

    /// Not collective. Size of component `c` (any component, not only this rank's). O(classes).
    public func size(_ c: Int) -> Int {
        precondition(c >= 0 && c < count, "component \(c) outside 0..<\(count)")
        var before = 0
        for k in sizeClasses {
            before += k.count
            if c < before { return k.size }
        }
        preconditionFailure("size classes do not add up to \(count)")
    }

    /// Size of component 0 (0 for an empty graph).
    public var largestSize: Int { sizeClasses.first?.size ?? 0 }

    /// Components of size 1 (isolated nodes, as `GraphStatistics.isolatedNodes` counts them).
    public var isolatedCount: Int { sizeClasses.last.map { $0.size == 1 ? $0.count : 0 } ?? 0 }

    /// Components with at least two rows.
    public var componentsWithEdges: Int { count - isolatedCount }

    /// Not collective. The owned rows (global indices, ascending) of component `c`.
    public func ownedRows(of c: Int) -> [Int] {
        let first = partition.firstRow(of: rank)
        return label.indices.filter { Int(label[$0]) == c }.map { first + $0 }
    }

    /// Collective. The components of the graph whose rows `partition.rows(of: group.rank)` this
    /// rank holds in CSR with global column indices (`rowPointers` starts at 0 and has one entry
    /// per owned row plus one; `globalColumns` in 0..<N, any order within a row).
    public static func compute(rowPointers: [Int], globalColumns: [Int], partition: RowPartition,
                               group: some CollectiveGroup) -> DistributedComponents {
        let p = group.size, me = group.rank
        precondition(partition.rankCount == p, "a partition over \(partition.rankCount) ranks for \(p)")
        precondition(partition.rowCount < Int(Int32.max), "rows must fit Int32")
        let owned = partition.rows(of: me)
        let nOwn = owned.count
        precondition(rowPointers.count == nOwn + 1 && rowPointers[0] == 0 && rowPointers[nOwn] == globalColumns.count,
                     "CSR of \(rowPointers.count - 1) rows and \(globalColumns.count) entries for a block of \(nOwn) rows")

        // Local columns (owned, then ghosts) and the halo plan, built as the MPI constructor builds
        // it (requests exchanged all-to-all).
        let (local, ghosts) = localColumns(globalColumns, owned: owned, rowCount: partition.rowCount)
        return compute(rowPointers: rowPointers, localColumns: local, ghosts: ghosts, partition: partition, group: group)
    }

    /// Collective. As `compute(rowPointers:globalColumns:partition:group:)` for a block already in
    /// local columns (owned `0..<rows`, then `ghosts`, sorted, numbered from `rows` on: the
    /// `HaloRequests` convention), so a caller that has localised its block does not pay twice.
    public static func compute(rowPointers: [Int], localColumns local: [Int32], ghosts: [Int], partition: RowPartition,
                               group: some CollectiveGroup) -> DistributedComponents {
        let p = group.size, me = group.rank
        precondition(partition.rankCount == p, "a partition over \(partition.rankCount) ranks for \(p)")
        let owned = partition.rows(of: me)
        let lo = owned.lowerBound, nOwn = owned.count
        let requests = HaloRequests(partition: partition, rank: me, sortedGhostColumns: ghosts)
        let plan = haloPlan(requests, group: group)

        // 1. Local union-find: f = smallest row of each row's piece inside the block.
        var f = localPieces(rowPointers: rowPointers, local: local, ownedCount: nOwn).map { Int32(lo + Int($0)) }

        // 2. Hook and shortcut until nothing changes.
        var rounds = 0
        while true {
            rounds += 1
            let gf = fetch(f, at: f, partition: partition, group: group)
            let ghostGF = haloExchange(gf, plan: plan, group: group)
            var next = f
            var changed = false
            var hooks: [(target: Int32, value: Int32)] = []
            for u in 0..<nOwn {
                var m = Int32.max
                for q in rowPointers[u]..<rowPointers[u + 1] {
                    let j = Int(local[q])
                    m = min(m, j < nOwn ? gf[j] : ghostGF[j - nOwn])
                }
                let best = min(m, gf[u])
                if best < next[u] {
                    next[u] = best
                    changed = true
                }
                // f(f(u)) is gf(u) now; hook the tree when a neighbour's tree is lower.
                if m < gf[u] {
                    let t = Int(f[u])
                    if owned.contains(t) {
                        if m < next[t - lo] {
                            next[t - lo] = m
                            changed = true
                        }
                    } else {
                        hooks.append((f[u], m))
                    }
                }
            }
            for (t, v) in remoteMinimumWrites(hooks, partition: partition, group: group) where v < next[Int(t) - lo] {
                next[Int(t) - lo] = v
                changed = true
            }
            f = next
            if !group.any(changed) { break }
        }

        // 3. Sizes, summed at the roots' owners.
        var rootSize = [Int](repeating: 0, count: nOwn)
        var remoteRoots: [Int32] = []
        for u in 0..<nOwn {
            let t = Int(f[u])
            if owned.contains(t) { rootSize[t - lo] += 1 } else { remoteRoots.append(f[u]) }
        }
        remoteRoots.sort()
        var runs: [(target: Int32, value: Int32)] = []
        for t in remoteRoots {
            if runs.last?.target == t { runs[runs.count - 1].value += 1 } else { runs.append((t, 1)) }
        }
        for (t, c) in exchangePairs(runs, partition: partition, group: group) { rootSize[Int(t) - lo] += Int(c) }
        let roots = (0..<nOwn).filter { Int(f[$0]) == lo + $0 }

        // 4. Numbering from the all-gathered histograms.
        var localClasses: [Int: Int] = [:]
        for r in roots { localClasses[rootSize[r], default: 0] += 1 }
        let flat = localClasses.sorted { $0.key > $1.key }.flatMap { [Int64($0.key), Int64($0.value)] }
        let (gathered, gatheredCounts) = group.allgatherv(int64: flat)
        var global: [Int: Int] = [:]
        var lower: [Int: Int] = [:]  // components of each size on ranks below this one
        var at = 0
        for (s, c) in gatheredCounts.enumerated() {
            for k in stride(from: at, to: at + c, by: 2) {
                let size = Int(gathered[k]), n = Int(gathered[k + 1])
                global[size, default: 0] += n
                if s < me { lower[size, default: 0] += n }
            }
            at += c
        }
        let sizeClasses = global.sorted { $0.key > $1.key }.map { ComponentSizeClass(size: $0.key, count: $0.value) }
        var larger: [Int: Int] = [:]
        var total = 0
        for k in sizeClasses {
            larger[k.size] = total
            total += k.count
        }
        var rootIndex = [Int32](repeating: -1, count: nOwn)
        var seen: [Int: Int] = [:]
        for r in roots {
            let s = rootSize[r]
            rootIndex[r] = Int32(larger[s]! + lower[s, default: 0] + seen[s, default: 0])
            seen[s, default: 0] += 1
        }
        let label = fetch(rootIndex, at: f, partition: partition, group: group)
        return DistributedComponents(partition: partition, rank: me, label: label, representative: f, count: total,
                                     sizeClasses: sizeClasses, rounds: rounds)
    }

    /// Collective. The MPI version: `compute(rowPointers:globalColumns:partition:group:)` on the
    /// communicator's ranks.
    public static func compute(rowPointers: [Int], globalColumns: [Int], partition: RowPartition,
                               communicator: Communicator) -> DistributedComponents {
        compute(rowPointers: rowPointers, globalColumns: globalColumns, partition: partition, group: communicator)
    }

    // MARK: - Steps

    /// Not collective. The CSR's columns in the local numbering of `HaloRequests` (owned column
    /// c is c - first, ghost g is ownedCount + g) and the ghost columns, ascending: the ghosts are
    /// de-duplicated by hash table (no sort of every entry) and only the distinct ones are sorted.
    static func localColumns(_ globalColumns: [Int], owned: Range<Int>, rowCount n: Int) -> (local: [Int32], ghosts: [Int]) {
        let lo = owned.lowerBound, nOwn = owned.count
        var table = IDIndexTable(expected: min(globalColumns.count, 1 << 16))
        // Ghosts first get provisional numbers -1, -2, ... in order of appearance.
        var local = globalColumns.map { c -> Int32 in
            precondition(c >= 0 && c < n, "column \(c) outside 0..<\(n)")
            return owned.contains(c) ? Int32(c - lo) : -1 - table.insert(UInt64(c))
        }
        let ghosts = table.distinct.map { Int($0) }.sorted()
        precondition(nOwn + ghosts.count <= Int(Int32.max), "owned rows plus ghosts must fit 32-bit local columns")
        var final = [Int32](repeating: 0, count: ghosts.count)
        for (g, c) in ghosts.enumerated() { final[Int(table.find(UInt64(c)))] = Int32(nOwn + g) }
        for q in local.indices where local[q] < 0 { local[q] = final[Int(-1 - local[q])] }
        return (local, ghosts)
    }

    /// Not collective. Union-find over the edges between owned rows (local columns < ownedCount):
    /// the smallest local row of each row's piece.
    static func localPieces(rowPointers: [Int], local: [Int32], ownedCount n: Int) -> [Int32] {
        var parent = (0..<n).map { Int32($0) }
        parent.withUnsafeMutableBufferPointer { up in
            guard let parent = up.baseAddress else { return }
            func find(_ x: Int32) -> Int32 {
                var x = Int(x)
                while parent[x] != Int32(x) {
                    let grand = parent[Int(parent[x])]
                    parent[x] = grand  // path halving
                    x = Int(grand)
                }
                return Int32(x)
            }
            rowPointers.withUnsafeBufferPointer { ptr in
                local.withUnsafeBufferPointer { col in
                    for i in 0..<n {
                        for q in ptr[i]..<ptr[i + 1] where Int(col[q]) < n {
                            let a = find(Int32(i)), b = find(col[q])
                            // The smaller root wins, so every root is its set's smallest row.
                            if a < b { parent[Int(b)] = a } else if b < a { parent[Int(a)] = b }
                        }
                    }
                }
            }
            for i in 0..<n { parent[i] = find(Int32(i)) }
        }
        return parent
    }

    /// Collective. The halo plan of `requests`: the ghost lists go to their owners by
    /// all-to-all-v, as `HaloPlan(requests:communicator:)` does over MPI.
    static func haloPlan(_ requests: HaloRequests, group: some CollectiveGroup) -> HaloPlan {
        let p = group.size
        let sendCounts = (0..<p).map { requests.receiveCount(from: $0) }
        let (flat, counts) = group.exchange(requests.ghostColumns.map { Int64($0) }, sendCounts: sendCounts)
        var incoming: [[Int]] = []
        var at = 0
        for c in counts {
            incoming.append(flat[at..<(at + c)].map { Int($0) })
            at += c
        }
        return HaloPlan(requests: requests, incoming: incoming)
    }

    /// Collective. The ghost values of `plan` from their owners' `owned` values: the plan's send
    /// lists packed rank by rank, one all-to-all-v (ghosts arrive grouped by owner, ascending).
    static func haloExchange(_ owned: [Int32], plan: HaloPlan, group: some CollectiveGroup) -> [Int32] {
        let p = group.size
        var sendCounts = [Int](repeating: 0, count: p)
        for (k, s) in plan.sendRanks.enumerated() { sendCounts[s] = plan.sendOffsets[k + 1] - plan.sendOffsets[k] }
        let packed = plan.sendRows.map { owned[Int($0)] }
        let receiveCounts = (0..<p).map { plan.requests.receiveCount(from: $0) }
        return group.allToAllv(int32: packed, sendCounts: sendCounts, receiveCounts: receiveCounts)
    }

    /// Collective. `values[t]` for the global row t = `at[i]` of each i, where every rank passes
    /// the values of its own rows: local rows are read here, the others requested once each from
    /// their owners (all-to-all-v of the distinct rows, then of the answers).
    static func fetch(_ values: [Int32], at rows: [Int32], partition: RowPartition,
                      group: some CollectiveGroup) -> [Int32] {
        let owned = partition.rows(of: group.rank)
        let lo = owned.lowerBound
        let remote = SortedSearch.sortedUnique(rows.filter { !owned.contains(Int($0)) })
        let sendCounts = ownerCounts(remote, partition: partition)
        let (asked, askedCounts) = group.exchange(remote, sendCounts: sendCounts)
        let answers = asked.map { values[Int($0) - lo] }
        let got = group.allToAllv(int32: answers, sendCounts: askedCounts, receiveCounts: sendCounts)
        return remote.withUnsafeBufferPointer { r in
            rows.map { t in owned.contains(Int(t)) ? values[Int(t) - lo] : got[SortedSearch.lowerBound(r, t)] }
        }
    }

    /// Collective. Sends (target row, value) pairs to the targets' owners, combined by minimum per
    /// target first; returns the pairs this rank received (targets it owns).
    static func remoteMinimumWrites(_ writes: [(target: Int32, value: Int32)], partition: RowPartition,
                                    group: some CollectiveGroup) -> [(target: Int32, value: Int32)] {
        var sorted = writes
        sorted.sort { $0.target != $1.target ? $0.target < $1.target : $0.value < $1.value }
        var combined: [(target: Int32, value: Int32)] = []
        for w in sorted where combined.last?.target != w.target { combined.append(w) }
        return exchangePairs(combined, partition: partition, group: group)
    }

    /// Collective. Sends (target row, value) pairs, ascending by target, to the targets' owners;
    /// returns the pairs received.
    static func exchangePairs(_ pairs: [(target: Int32, value: Int32)], partition: RowPartition,
                              group: some CollectiveGroup) -> [(target: Int32, value: Int32)] {
        let counts = ownerCounts(pairs.map { $0.target }, partition: partition)
        var flat: [Int32] = []
        flat.reserveCapacity(2 * pairs.count)
        for (t, v) in pairs {
            flat.append(t)
            flat.append(v)
        }
        let (got, _) = group.exchange(flat, sendCounts: counts.map { 2 * $0 })
        return stride(from: 0, to: got.count, by: 2).map { (got[$0], got[$0 + 1]) }
    }

    /// Not collective. How many of the ascending global `rows` each rank owns.
    static func ownerCounts(_ rows: [Int32], partition: RowPartition) -> [Int] {
        var counts = [Int](repeating: 0, count: partition.rankCount)
        var previous = Int32.min
        for t in rows {
            precondition(t >= previous, "rows must be ascending")
            previous = t
            counts[partition.owner(of: Int(t))] += 1
        }
        return counts
    }
}
