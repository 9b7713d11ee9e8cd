import Distributed
import EigenpairTestSupport
import Foundation
import Generators
@testable import PairGraph
import Testing

// MARK: - P ranks simulated by threads

/// P ranks in one process: one thread per rank, meeting at every collective. The algorithms are
/// generic over `CollectiveGroup`, so the simulation runs exactly the code the MPI versions run;
/// only the transport differs. Each collective checks that all ranks called the same collective
/// (a mismatch would hang or corrupt an MPI job) and, for all-to-all-v, that the receive counts
/// each rank passed are the counts actually sent to it.
final class SimulatedWorld: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var deposits: [(operation: String, payload: any Sendable)?]
    private var arrived = 0
    private var generation = 0
    private var published: [any Sendable] = []
    private var collectives = 0

    init(size: Int) {
        precondition(size >= 1)
        self.size = size
        deposits = Array(repeating: nil, count: size)
    }

    /// Collectives completed so far.
    var collectiveCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return collectives
    }

    /// Deposits this rank's contribution, waits for every rank's, and returns all of them by rank.
    func meet(rank: Int, operation: String, payload: any Sendable) -> [any Sendable] {
        condition.lock()
        defer { condition.unlock() }
        precondition(deposits[rank] == nil, "rank \(rank) entered \(operation) twice")
        deposits[rank] = (operation, payload)
        arrived += 1
        let mine = generation
        if arrived == size {
            let operations = deposits.map { $0!.operation }
            precondition(Set(operations).count == 1, "the ranks called different collectives: \(operations)")
            published = deposits.map { $0!.payload }
            deposits = Array(repeating: nil, count: size)
            arrived = 0
            generation += 1
            collectives += 1
            condition.broadcast()
        } else {
            let deadline = Date().addingTimeInterval(300)
            while generation == mine {
                if !condition.wait(until: deadline) && generation == mine {
                    fatalError("simulated rank \(rank) waited 300 s in \(operation): some rank never reached it")
                }
            }
        }
        // The next publication needs this rank's next deposit, so `published` is still this one.
        return published
    }

    /// Runs `body` on `ranks` simulated ranks, one thread each, and returns the results by rank
    /// (rethrowing the first rank's error, if any).
    static func run<T: Sendable>(ranks: Int, _ body: @escaping @Sendable (SimulatedGroup) throws -> T) throws -> [T] {
        let world = SimulatedWorld(size: ranks)
        return try run(world, body)
    }

    static func run<T: Sendable>(_ world: SimulatedWorld, _ body: @escaping @Sendable (SimulatedGroup) throws -> T) throws -> [T] {
        let box = ResultBox<T>(count: world.size)
        let done = DispatchSemaphore(value: 0)
        for r in 0..<world.size {
            let thread = Thread {
                box.set(r, Result { try body(SimulatedGroup(world: world, rank: r)) })
                done.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        for _ in 0..<world.size { done.wait() }
        return try box.all().map { try $0.get() }
    }

    private final class ResultBox<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<T, any Error>?]
        init(count: Int) { results = Array(repeating: nil, count: count) }
        func set(_ r: Int, _ value: Result<T, any Error>) {
            lock.lock()
            results[r] = value
            lock.unlock()
        }
        func all() -> [Result<T, any Error>] {
            lock.lock()
            defer { lock.unlock() }
            return results.map { $0! }
        }
    }
}

/// One simulated rank's collectives, with the semantics of the `Communicator` ones.
struct SimulatedGroup: CollectiveGroup, Sendable {
    let world: SimulatedWorld
    let rank: Int
    var size: Int { world.size }

    private func all<T: Sendable>(_ operation: String, _ value: T) -> [T] {
        world.meet(rank: rank, operation: operation, payload: value).map { $0 as! T }
    }

    func exclusivePrefixSum(_ value: Int) -> Int { all("exscan", value)[0..<rank].reduce(0, +) }
    func allreduceSum(_ value: Int) -> Int { all("sum", value).reduce(0, +) }
    func allreduceMax(_ value: Int) -> Int { all("max", value).max()! }
    func allreduceMin(_ value: Int) -> Int { all("min", value).min()! }
    func allreduceSum(_ values: inout [Int64]) {
        let lists = all("sum[]", values)
        precondition(Set(lists.map(\.count)).count == 1, "allreduce with different counts")
        values = values.indices.map { i in lists.reduce(0) { $0 + $1[i] } }
    }
    func any(_ flag: Bool) -> Bool { all("any", flag).contains(true) }
    func allgather(_ value: Int) -> [Int] { all("allgather", value) }
    func allgatherv(uint64 values: [UInt64]) -> (values: [UInt64], counts: [Int]) {
        let lists = all("allgatherv<UInt64>", values)
        return (lists.flatMap { $0 }, lists.map(\.count))
    }
    func allgatherv(int64 values: [Int64]) -> (values: [Int64], counts: [Int]) {
        let lists = all("allgatherv<Int64>", values)
        return (lists.flatMap { $0 }, lists.map(\.count))
    }
    func allToAll(_ counts: [Int]) -> [Int] {
        precondition(counts.count == size, "allToAll needs one count per rank")
        return all("alltoall", counts).map { $0[rank] }
    }
    func allToAllv(_ values: [Int64], sendCounts: [Int], receiveCounts: [Int]) -> [Int64] {
        personalised("alltoallv<Int64>", values, sendCounts, receiveCounts)
    }
    func allToAllv(uint64 values: [UInt64], sendCounts: [Int], receiveCounts: [Int]) -> [UInt64] {
        personalised("alltoallv<UInt64>", values, sendCounts, receiveCounts)
    }
    func allToAllv(int32 values: [Int32], sendCounts: [Int], receiveCounts: [Int]) -> [Int32] {
        personalised("alltoallv<Int32>", values, sendCounts, receiveCounts)
    }

    private func personalised<T: Sendable>(_ operation: String, _ values: [T], _ sendCounts: [Int],
                                           _ receiveCounts: [Int]) -> [T] {
        precondition(sendCounts.count == size && receiveCounts.count == size, "one count per rank")
        precondition(values.count == sendCounts.reduce(0, +), "values do not match the send counts")
        let sent = all(operation, Message(values: values, counts: sendCounts))
        var out: [T] = []
        for (s, m) in sent.enumerated() {
            let start = m.counts[0..<rank].reduce(0, +)
            precondition(m.counts[rank] == receiveCounts[s],
                         "rank \(rank) expects \(receiveCounts[s]) values from \(s), which sends \(m.counts[rank])")
            out += m.values[start..<(start + m.counts[rank])]
        }
        return out
    }

    private struct Message<T: Sendable>: Sendable {
        var values: [T]
        var counts: [Int]
    }
}

// MARK: - Test inputs shared by the compaction and components tests

enum DistributedInputs {
    /// Edges over a pool of IDs of every magnitude (0, small, clustered, random 64-bit, up to
    /// UInt64.max), with duplicates, both directions, self-loops, and IDs that occur only in a
    /// self-loop (isolated nodes of an edge list).
    static func hugeIDEdges(nodes: Int, edges: Int, seed: UInt64) -> EdgeList {
        var rng = SplitMix64(seed: seed)
        var pool: Set<UInt64> = [0, 1, 2, UInt64.max, UInt64.max - 1, 1 << 63, (1 << 63) - 1, 1 << 32]
        while pool.count < nodes {
            switch rng.bounded(4) {
            case 0: pool.insert(rng.bounded(1000))
            case 1: pool.insert((1 << 40) + rng.bounded(5000))
            case 2: pool.insert(UInt64.max - rng.bounded(1 << 20))
            default: pool.insert(rng.next())
            }
        }
        let ids = pool.sorted().shuffled(using: &rng)
        let loners = ids.suffix(nodes / 20)
        let linked = Array(ids.dropLast(nodes / 20))
        var list = EdgeList()
        for _ in 0..<edges {
            let u = linked[Int(rng.bounded(UInt64(linked.count)))]
            let v = linked[Int(rng.bounded(UInt64(min(linked.count, 40 + Int(rng.bounded(UInt64(linked.count)))))))]
            list.append(u, v)
            if rng.bounded(5) == 0 { list.append(v, u) }
        }
        for id in loners { list.append(id, id) }
        return list
    }

    /// A Matrix Market-like edge list: n declared, edges among random IDs below n (many isolated).
    static func declaredEdges(n: Int, edges: Int, seed: UInt64) -> EdgeList {
        var rng = SplitMix64(seed: seed)
        var list = EdgeList(declaredNodeCount: n)
        for _ in 0..<edges { list.append(rng.bounded(UInt64(n)), rng.bounded(UInt64(n))) }
        return list
    }

    /// The R-MAT scale-10 edge list (dense IDs below 1024, hubs, duplicates, self-loops).
    static func rmatEdges(seed: UInt64) throws -> EdgeList { try RMAT.generate(scale: 10, seed: seed).edges }

    /// `edges` cut into `ranks` contiguous slices at random points (slices may be empty); with
    /// `lastOnly`, every edge on the last rank.
    static func split(_ edges: EdgeList, ranks: Int, seed: UInt64, lastOnly: Bool = false) -> [EdgeList] {
        var rng = SplitMix64(seed: seed)
        var cuts = lastOnly ? [Int](repeating: 0, count: ranks - 1)
                            : (0..<(ranks - 1)).map { _ in Int(rng.bounded(UInt64(edges.count + 1))) }
        cuts.sort()
        let bounds = [0] + cuts + [edges.count]
        return (0..<ranks).map { r in
            let range = bounds[r]..<bounds[r + 1]
            return EdgeList(sources: Array(edges.sources[range]), targets: Array(edges.targets[range]),
                            weights: edges.weights.map { Array($0[range]) }, declaredNodeCount: edges.declaredNodeCount)
        }
    }
}

// MARK: - The compaction, simulated

@Suite struct ParallelIDCompactionTests {
    static func inputs() throws -> [(name: String, edges: EdgeList)] {
        [("huge IDs", DistributedInputs.hugeIDEdges(nodes: 1500, edges: 4000, seed: 7)),
         ("R-MAT 10", try DistributedInputs.rmatEdges(seed: 3)),
         ("declared", DistributedInputs.declaredEdges(n: 700, edges: 500, seed: 5)),
         ("one edge", EdgeList(sources: [UInt64.max], targets: [12])),
         ("dense IDs", Self.denseEdges(n: 400, missing: nil)),
         ("dense IDs but one", Self.denseEdges(n: 400, missing: 137))]
    }

    /// IDs 0..<n (a cycle through all of them, plus chords), or all but `missing`.
    static func denseEdges(n: Int, missing: Int?) -> EdgeList {
        var rng = SplitMix64(seed: 21)
        let ids = (0..<n).filter { $0 != missing }.map(UInt64.init)
        var e = EdgeList()
        for k in ids.indices { e.append(ids[k], ids[(k + 1) % ids.count]) }
        for _ in 0..<(2 * n) { e.append(ids[Int(rng.next() % UInt64(ids.count))], ids[Int(rng.next() % UInt64(ids.count))]) }
        return e
    }

    /// IDs exactly 0..<N take row = ID without the sort (no shards) at every rank count and split
    /// (the numbering itself is checked against `IDCompaction` in
    /// `numberingEqualsIDCompactionForAnySplit`); one missing ID sends them through the sort.
    @Test(arguments: 1...4)
    func denseIDsSkipTheSort(ranks: Int) throws {
        for (missing, dense) in [(nil, true), (137, false)] as [(Int?, Bool)] {
            let edges = Self.denseEdges(n: 400, missing: missing)
            for lastOnly in [false, true] {
                let slices = DistributedInputs.split(edges, ranks: ranks, seed: 3, lastOnly: lastOnly)
                let results = try SimulatedWorld.run(ranks: ranks) { group in
                    try ParallelIDCompaction.compact(slices[group.rank], file: "dense", group: group)
                }
                #expect(results.allSatisfy { $0.declared == dense && $0.nodeCount == (dense ? 400 : 399) },
                        "missing \(String(describing: missing)), P = \(ranks), last only \(lastOnly)")
                #expect(dense == results.allSatisfy(\.shardIDs.isEmpty))
            }
        }
    }

    /// Every property of one job's results against the one-process reference; returns failures.
    static func violations(_ results: [LocalCompaction], slices: [EdgeList], reference graph: SparseGraph) -> [String] {
        var bad: [String] = []
        let ids = graph.nodeIDs
        let n = ids.count
        var row: [UInt64: Int32] = [:]
        for (r, id) in ids.enumerated() { row[id] = Int32(r) }
        let p = results.count
        var shards: [UInt64] = []
        for (r, c) in results.enumerated() {
            if c.nodeCount != n { bad.append("rank \(r): N = \(c.nodeCount), reference \(n)") }
            if c.first != slices[r].sources.map({ row[$0]! }) || c.second != slices[r].targets.map({ row[$0]! }) {
                bad.append("rank \(r): endpoint rows differ from IDCompaction's")
            }
            if c.splitters != results[0].splitters { bad.append("rank \(r): splitters differ from rank 0's") }
            if !c.declared {
                if c.shardFirstRow != shards.count { bad.append("rank \(r): shard starts at \(c.shardFirstRow), not \(shards.count)") }
                for id in c.shardIDs where c.shardOwner(of: id) != r { bad.append("rank \(r): holds \(id) of rank \(c.shardOwner(of: id))") }
                shards += c.shardIDs
            }
        }
        if !results[0].declared {
            if shards != ids { bad.append("the shards, in rank order, are not the ascending distinct IDs") }
            // No rank holds all IDs, and the sample sort balances the shards.
            let largest = results.map(\.shardIDs.count).max()!
            if p > 1 && n >= 50 * p && 2 * largest > n + 2 * n / p {
                bad.append("largest shard \(largest) of \(n) IDs over \(p) ranks")
            }
        }
        return bad
    }

    /// Partitions of the reference's rows: uniform, balanced by degree, and all rows on one rank
    /// in the middle (the others empty).
    static func partitions(_ graph: SparseGraph, ranks: Int) -> [RowPartition] {
        let n = graph.nodeCount
        let degrees = (0..<n).map { graph.neighbours(of: $0).columns.count }
        var lumped = [Int](repeating: 0, count: ranks / 2 + 1) + [Int](repeating: n, count: ranks - ranks / 2)
        lumped[0] = 0
        return [RowPartition(uniformRows: n, ranks: ranks), RowPartition.balanced(rowNonzeros: degrees, ranks: ranks),
                RowPartition(boundaries: lumped)]
    }

    /// Queries for `rows(of:)`: every fifth node ID, absent IDs, repeats, in scrambled order.
    static func queries(_ graph: SparseGraph, seed: UInt64) -> [UInt64] {
        var rng = SplitMix64(seed: seed)
        var q = stride(from: 0, to: graph.nodeCount, by: 5).map { graph.nodeIDs[$0] }
        q += (0..<40).map { _ in rng.next() } + [UInt64.max - 3, 999_999_999]
        q += q.prefix(10)
        return q.shuffled(using: &rng)
    }

    @Test(arguments: 1...5)
    func numberingEqualsIDCompactionForAnySplit(ranks: Int) throws {
        for (name, edges) in try Self.inputs() {
            let graph = try GraphAssembler.assemble(edges, merge: .max, file: name)
            for (mode, lastOnly) in [("random cuts", false), ("all on the last rank", true)] {
                let slices = DistributedInputs.split(edges, ranks: ranks, seed: UInt64(ranks), lastOnly: lastOnly)
                let queries = Self.queries(graph, seed: 11)
                let partitions = Self.partitions(graph, ranks: ranks)
                let results = try SimulatedWorld.run(ranks: ranks) { group in
                    let c = try ParallelIDCompaction.compact(slices[group.rank], file: name, group: group)
                    let owned = partitions.map { c.ownedNodeIDs(partition: $0, group: group) }
                    // Each rank asks a different part of the queries.
                    let mine = Array(queries[(group.rank * queries.count / ranks)..<((group.rank + 1) * queries.count / ranks)])
                    return (c, owned, mine, c.rows(of: mine, group: group))
                }
                let bad = Self.violations(results.map { $0.0 }, slices: slices, reference: graph)
                #expect(bad.isEmpty, "\(name), P = \(ranks), \(mode): \(bad.prefix(5))")
                for (k, part) in partitions.enumerated() {
                    for r in 0..<ranks where results[r].1[k] != Array(graph.nodeIDs[part.rows(of: r)]) {
                        Issue.record("\(name), P = \(ranks), \(mode): rank \(r) owns the wrong IDs under \(part)")
                    }
                }
                var row: [UInt64: Int32] = [:]
                for (r, id) in graph.nodeIDs.enumerated() { row[id] = Int32(r) }
                for r in 0..<ranks {
                    #expect(results[r].3 == results[r].2.map { row[$0] ?? -1 }, "\(name), P = \(ranks): rows(of:) on rank \(r)")
                }
                #expect(queries.contains { row[$0] == nil } && queries.contains { row[$0] != nil })
            }
        }
    }

    @Test func declaredCountIsRowEqualsIDAndMustAgree() throws {
        let edges = DistributedInputs.declaredEdges(n: 300, edges: 100, seed: 9)
        let slices = DistributedInputs.split(edges, ranks: 3, seed: 1)
        let results = try SimulatedWorld.run(ranks: 3) { group in
            try ParallelIDCompaction.compact(slices[group.rank], file: "mm", group: group)
        }
        #expect(results.allSatisfy { $0.declared && $0.nodeCount == 300 && $0.shardIDs.isEmpty })
        #expect(results.flatMap(\.first) == edges.sources.map { Int32($0) })
        // One rank without the header's count: every rank throws the same error.
        var edited = slices
        edited[1].declaredNodeCount = nil
        let broken = edited
        let outcomes = try SimulatedWorld.run(ranks: 3) { group -> String in
            do {
                _ = try ParallelIDCompaction.compact(broken[group.rank], file: "mm", group: group)
                return "no error"
            } catch let e as InputError { return e.reason }
        }
        #expect(outcomes == [String](repeating: "the ranks disagree on the declared node count", count: 3))
    }

    @Test func noIDsAtAll() throws {
        let results = try SimulatedWorld.run(ranks: 4) { group in
            try ParallelIDCompaction.compact(EdgeList(), file: "empty", group: group)
        }
        #expect(results.allSatisfy { $0.nodeCount == 0 && $0.shardIDs.isEmpty && $0.first.isEmpty })
    }

    /// The hash table behind the endpoint map and the ghost columns: first-seen numbering through
    /// many growths, keys 0 and UInt64.max, keys sharing their low bits, absent keys.
    @Test func idIndexTableNumbersKeysInFirstSeenOrderAcrossGrowth() {
        var rng = SplitMix64(seed: 3)
        var keys: [UInt64] = [0, UInt64.max, 1 << 63]
        keys += (1..<5000).map { UInt64($0) << 40 }
        keys += (0..<20000).map { _ in rng.next() }
        keys += (0..<3000).map { _ in rng.bounded(4000) }
        var table = IDIndexTable(expected: 1)
        var reference: [UInt64: Int32] = [:]
        var firstSeen: [UInt64] = []
        var wrong = 0
        for k in keys + keys.shuffled(using: &rng) {
            if reference[k] == nil {
                reference[k] = Int32(firstSeen.count)
                firstSeen.append(k)
            }
            if table.insert(k) != reference[k] { wrong += 1 }
        }
        #expect(wrong == 0)
        #expect(table.distinct == firstSeen && firstSeen.count > 25000)
        #expect(reference.allSatisfy { table.find($0.key) == $0.value })
        let absent = (0..<1000).map { _ in rng.next() }.filter { reference[$0] == nil }
        #expect(!absent.isEmpty && absent.allSatisfy { table.find($0) == -1 })
    }

    /// The simulator's collectives follow MPI's semantics (the same expectations as the MPI test).
    @Test(arguments: 1...5)
    func simulatedCollectivesFollowMPISemantics(ranks p: Int) throws {
        let failures = try SimulatedWorld.run(ranks: p) { g -> [String] in
            let me = g.rank
            var bad: [String] = []
            if g.exclusivePrefixSum(me + 1) != me * (me + 1) / 2 { bad.append("exscan") }
            if g.allreduceSum(me) != p * (p - 1) / 2 { bad.append("sum") }
            if g.allreduceMax(me) != p - 1 { bad.append("max") }
            if g.allreduceMin(me + 4) != 4 { bad.append("min") }
            var sums: [Int64] = [Int64(me), 1]
            g.allreduceSum(&sums)
            if sums != [Int64(p * (p - 1) / 2), Int64(p)] { bad.append("sum[]") }
            if !g.any(me == p - 1) || g.any(false) { bad.append("any") }
            if g.allgather(3 * me) != (0..<p).map({ 3 * $0 }) { bad.append("allgather") }
            let gathered = g.allgatherv(uint64: [UInt64](repeating: UInt64(me), count: me))
            let expectedGather: [UInt64] = (0..<p).flatMap { [UInt64](repeating: UInt64($0), count: $0) }
            if gathered.values != expectedGather || gathered.counts != Array(0..<p) { bad.append("allgatherv") }
            if g.allgatherv(int64: [Int64(-me)]).values != (0..<p).map({ Int64(-$0) }) { bad.append("allgatherv<Int64>") }
            let sendCounts = (0..<p).map { $0 + 1 }
            let values: [UInt64] = (0..<p).flatMap { s in [UInt64](repeating: UInt64.max - UInt64(1000 * me + s), count: s + 1) }
            let (got, counts) = g.exchange(values, sendCounts: sendCounts)
            let expected: [UInt64] = (0..<p).flatMap { s in [UInt64](repeating: UInt64.max - UInt64(1000 * s + me), count: me + 1) }
            if counts != [Int](repeating: me + 1, count: p) || got != expected { bad.append("alltoallv<UInt64>") }
            let small = g.exchange((0..<p).map { Int32(100 * me + $0) }, sendCounts: [Int](repeating: 1, count: p)).values
            if small != (0..<p).map({ Int32(100 * $0 + me) }) { bad.append("alltoallv<Int32>") }
            return bad
        }
        for (r, bad) in failures.enumerated() { #expect(bad.isEmpty, "rank \(r): \(bad)") }
    }
}

// MARK: - The compaction over MPI

/// The MPI versions on the test's world (1 rank under `swift test`, 3 under
/// `mpirun -np 3 ... --filter MPICompactionTests`): every rank builds the same edges, compacts its
/// slice, and checks its share against the one-process reference and against the simulation of
/// the same number of ranks.
@Suite(.serialized, .tags(.mpi)) struct MPICompactionTests {
    @Test func newCollectivesOnTheWorld() {
        withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            #expect(world.allreduceMin(10 - me) == 10 - (p - 1))
            // UInt64 values above 2^63 travel bit for bit.
            let sendCounts = (0..<p).map { $0 + 1 }
            let values: [UInt64] = (0..<p).flatMap { s in [UInt64](repeating: UInt64.max - UInt64(1000 * me + s), count: s + 1) }
            let expected: [UInt64] = (0..<p).flatMap { s in [UInt64](repeating: UInt64.max - UInt64(1000 * s + me), count: me + 1) }
            let (got, counts) = world.exchange(values, sendCounts: sendCounts)
            #expect(counts == [Int](repeating: me + 1, count: p))
            #expect(got == expected)
            let smallSent: [Int32] = (0..<p).map { Int32(-100 * me - $0) }
            let smallExpected: [Int32] = (0..<p).map { Int32(-100 * $0 - me) }
            let small = world.exchange(smallSent, sendCounts: [Int](repeating: 1, count: p))
            #expect(small.values == smallExpected)
            let gathered = world.allgatherv(uint64: [UInt64](repeating: (1 << 63) + UInt64(me), count: me))
            #expect(gathered.counts == Array(0..<p))
            let expectedGather: [UInt64] = (0..<p).flatMap { [UInt64](repeating: (1 << 63) + UInt64($0), count: $0) }
            #expect(gathered.values == expectedGather)
            let signed = world.allgatherv(int64: [Int64(-me), Int64(me)])
            let expectedSigned: [Int64] = (0..<p).flatMap { [Int64(-$0), Int64($0)] }
            #expect(signed.values == expectedSigned)
            // Empty contributions everywhere.
            #expect(world.allgatherv(uint64: []).values.isEmpty)
            #expect(world.exchange([Int32](), sendCounts: [Int](repeating: 0, count: p)).values.isEmpty)
        }
    }

    @Test func compactionEqualsReferenceAndSimulation() throws {
        try withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            for (name, edges) in try ParallelIDCompactionTests.inputs() {
                let graph = try GraphAssembler.assemble(edges, merge: .max, file: name)
                let slices = DistributedInputs.split(edges, ranks: p, seed: 77)
                let mpi = try ParallelIDCompaction.compact(slices[me], file: name, communicator: world)
                let simulated = try SimulatedWorld.run(ranks: p) { group in
                    try ParallelIDCompaction.compact(slices[group.rank], file: name, group: group)
                }
                #expect(mpi == simulated[me], "\(name): MPI and simulation differ on rank \(me)")
                let bad = ParallelIDCompactionTests.violations(simulated, slices: slices, reference: graph)
                #expect(bad.isEmpty, "\(name): \(bad.prefix(5))")
                var row: [UInt64: Int32] = [:]
                for (r, id) in graph.nodeIDs.enumerated() { row[id] = Int32(r) }
                #expect(mpi.first == slices[me].sources.map { row[$0]! } && mpi.second == slices[me].targets.map { row[$0]! },
                        "\(name): rank \(me)'s endpoint rows")
                #expect(mpi.nodeCount == graph.nodeCount)
                for part in ParallelIDCompactionTests.partitions(graph, ranks: p) {
                    #expect(mpi.ownedNodeIDs(partition: part, group: world) == Array(graph.nodeIDs[part.rows(of: me)]),
                            "\(name): owned IDs under \(part)")
                }
                let queries = ParallelIDCompactionTests.queries(graph, seed: UInt64(me))
                #expect(mpi.rows(of: queries, group: world) == queries.map { row[$0] ?? -1 }, "\(name): rows(of:)")
                // Every rank's shard is a proper part of the IDs once there are several ranks.
                let largest = world.allreduceMax(mpi.shardIDs.count)
                if p > 1 && !mpi.declared && graph.nodeCount > 100 { #expect(largest < graph.nodeCount) }
            }
        }
    }
}
