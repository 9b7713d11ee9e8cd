import Distributed
import EigenpairTestSupport
import Foundation
import PairGraph
import Testing

/// The numbering every rank count must reproduce: component index of each row, each component's
/// size and smallest row.
struct ComponentReference: Equatable {
    var label: [Int32]
    var sizes: [Int]
    var smallestRow: [Int]

    init(_ c: Components) {
        label = c.label
        sizes = (0..<c.count).map { c.size($0) }
        smallestRow = (0..<c.count).map { Int(c.rows($0).first!) }
    }

    /// Independent of `Components`: breadth-first search over a CSR (diagonal entries allowed),
    /// then the components sorted by (size descending, smallest row ascending).
    init(bfs a: GlobalCSR) {
        var comp = [Int](repeating: -1, count: a.n)
        var found: [(size: Int, first: Int)] = []
        for s in 0..<a.n where comp[s] < 0 {
            comp[s] = found.count
            var queue = [s], head = 0
            while head < queue.count {
                let i = queue[head]
                head += 1
                for q in a.rowPointers[i]..<a.rowPointers[i + 1] where comp[a.columns[q]] < 0 {
                    comp[a.columns[q]] = found.count
                    queue.append(a.columns[q])
                }
            }
            found.append((queue.count, s))
        }
        let order = found.indices.sorted { found[$0].size != found[$1].size ? found[$0].size > found[$1].size : found[$0].first < found[$1].first }
        var index = [Int](repeating: 0, count: found.count)
        for (k, old) in order.enumerated() { index[old] = k }
        label = comp.map { Int32(index[$0]) }
        sizes = order.map { found[$0].size }
        smallestRow = order.map { found[$0].first }
    }
}

@Suite struct DistributedComponentsTests {
    /// Graphs with many components: ties, isolated nodes, a long path over scrambled rows, hubs.
    static func graphs() throws -> [(name: String, graph: SparseGraph)] {
        var rng = SplitMix64(seed: 12)
        // A sparse random graph: a forest-like mess of small components and isolated nodes.
        var forest = EdgeList(declaredNodeCount: 3000)
        for _ in 0..<1400 { forest.append(rng.bounded(3000), rng.bounded(3000)) }
        // A path through 1500 scrambled rows (worst case for plain label propagation), plus isolated nodes.
        var order = Array(0..<1500)
        order.shuffle(using: &rng)
        var path = EdgeList(declaredNodeCount: 1600)
        for k in 0..<1499 { path.append(UInt64(order[k]), UInt64(order[k + 1])) }
        // Two equal paths and equal triangles: ties broken by the smallest row.
        var ties = EdgeList(declaredNodeCount: 40)
        for k in 0..<9 { ties.append(UInt64(2 * k + 1), UInt64(2 * k + 3)); ties.append(UInt64(2 * k), UInt64(2 * k + 2)) }
        for t in 0..<3 { let b = UInt64(25 + 3 * t); ties.append(b, b + 1); ties.append(b + 1, b + 2); ties.append(b, b + 2) }
        return [("disconnected", try TestGraphs.disconnected(isolated: 60, seed: 4).graph),
                ("forest", try GraphAssembler.assemble(forest, file: "forest")),
                ("path", try GraphAssembler.assemble(path, file: "path")),
                ("ties", try GraphAssembler.assemble(ties, file: "ties")),
                ("R-MAT 10", try TestMatrices.rmat(scale: 10, seed: 5)),
                ("huge IDs", try GraphAssembler.assemble(DistributedInputs.hugeIDEdges(nodes: 1500, edges: 700, seed: 3),
                                                         file: "huge"))]
    }

    /// Balanced by nonzeros, uniform rows, and everything on one rank (the others empty).
    static func partitions(_ a: GlobalCSR, ranks: Int) -> [RowPartition] {
        var lumped = [Int](repeating: 0, count: ranks / 2 + 1) + [Int](repeating: a.n, count: ranks - ranks / 2)
        lumped[0] = 0
        return [RowPartition.balanced(rowNonzeros: a.rowNonzeros, ranks: ranks),
                RowPartition(uniformRows: a.n, ranks: ranks), RowPartition(boundaries: lumped)]
    }

    /// Every rank's result on `partition`, simulated.
    static func simulate(_ a: GlobalCSR, partition: RowPartition) throws -> [DistributedComponents] {
        try SimulatedWorld.run(ranks: partition.rankCount) { group in
            let rows = a.rows(partition.rows(of: group.rank))
            return DistributedComponents.compute(rowPointers: rows.pointers, globalColumns: rows.columns,
                                                 partition: partition, group: group)
        }
    }

    /// One rank's result against the reference; returns failures.
    static func violations(_ c: DistributedComponents, rank: Int, reference: ComponentReference) -> [String] {
        var bad: [String] = []
        let rows = c.partition.rows(of: rank)
        if c.label != Array(reference.label[rows]) { bad.append("rank \(rank): labels differ") }
        if c.representative != rows.map({ Int32(reference.smallestRow[Int(reference.label[$0])]) }) {
            bad.append("rank \(rank): representatives are not the smallest rows")
        }
        if c.count != reference.sizes.count { bad.append("rank \(rank): \(c.count) components, reference \(reference.sizes.count)") }
        if (0..<min(c.count, reference.sizes.count)).map({ c.size($0) }) != reference.sizes {
            bad.append("rank \(rank): sizes differ (classes \(c.sizeClasses.prefix(6)))")
        }
        if c.sizeClasses.map(\.count).reduce(0, +) != c.count || c.sizeClasses.map({ $0.size * $0.count }).reduce(0, +) != c.partition.rowCount {
            bad.append("rank \(rank): size classes \(c.sizeClasses.prefix(6)) do not add up")
        }
        if c.isolatedCount != reference.sizes.filter({ $0 == 1 }).count { bad.append("rank \(rank): isolated count") }
        if c.largestSize != (reference.sizes.first ?? 0) { bad.append("rank \(rank): largest size") }
        return bad
    }

    @Test(arguments: 1...5)
    func labelsSizesAndOrderEqualComponents(ranks: Int) throws {
        for (name, graph) in try Self.graphs() {
            let a = GlobalCSR(graph.matrix)
            let reference = ComponentReference(graph.components)
            #expect(reference == ComponentReference(bfs: a), "\(name): the BFS reference disagrees with Components")
            #expect(graph.components.count > 3 || name == "R-MAT 10", "\(name): \(graph.components.count) components")
            for part in Self.partitions(a, ranks: ranks) {
                let results = try Self.simulate(a, partition: part)
                for (r, c) in results.enumerated() {
                    let bad = Self.violations(c, rank: r, reference: reference)
                    #expect(bad.isEmpty, "\(name), P = \(ranks), \(part): \(bad.prefix(4))")
                }
                // Statistics as the one-process assembler reports them.
                let c = results[0]
                #expect(c.isolatedCount == graph.statistics.isolatedNodes && c.componentsWithEdges == graph.statistics.componentsWithEdges
                        && c.largestSize == graph.statistics.largestComponent && c.count == graph.statistics.components, "\(name)")
                #expect(results.allSatisfy { $0.sizeClasses == c.sizeClasses && $0.rounds == c.rounds }, "\(name)")
                #expect((0..<ranks).flatMap { results[$0].ownedRows(of: 0) } == graph.components.rows(0).map { Int($0) })
                // Hook-and-shortcut needs about log2 N rounds, even on the scrambled path (diameter
                // 1499, which plain label propagation would need hundreds of rounds for); 13 measured.
                #expect(Double(c.rounds) <= 2 * log2(Double(a.n)) + 2, "\(name), P = \(ranks), \(part): \(c.rounds) rounds")
            }
        }
    }

    /// A random symmetric matrix with diagonal entries, empty rows and hubs, against breadth-first
    /// search alone.
    @Test(arguments: 1...5)
    func matrixWithDiagonalAndHubsMatchesBreadthFirstSearch(ranks: Int) throws {
        for (degree, seed) in [(1.2, 31), (3.0, 32)] as [(Double, UInt64)] {
            let a = TestMatrices.randomSymmetric(n: 900, averageDegree: degree, seed: seed)
            let reference = ComponentReference(bfs: a)
            #expect(reference.sizes.count > 50, "\(reference.sizes.count) components")
            for part in Self.partitions(a, ranks: ranks) {
                for (r, c) in try Self.simulate(a, partition: part).enumerated() {
                    let bad = Self.violations(c, rank: r, reference: reference)
                    #expect(bad.isEmpty, "degree \(degree), P = \(ranks), \(part): \(bad.prefix(4))")
                }
            }
        }
    }

    /// Compaction then components, both distributed: huge IDs split over the ranks are compacted,
    /// the rows feed the components (the edge merge in between is done here, in the test), and
    /// the labels equal the one-process assembly's.
    @Test(arguments: 2...5)
    func compactionThenComponentsEqualAssembly(ranks: Int) throws {
        let edges = DistributedInputs.hugeIDEdges(nodes: 2000, edges: 1100, seed: 8)
        let graph = try GraphAssembler.assemble(edges, merge: .max, file: "huge")
        let slices = DistributedInputs.split(edges, ranks: ranks, seed: 4)
        let compacted = try SimulatedWorld.run(ranks: ranks) { group in
            try ParallelIDCompaction.compact(slices[group.rank], file: "huge", group: group)
        }
        let n = compacted[0].nodeCount
        var neighbours = [Set<Int>](repeating: [], count: n)
        for c in compacted {
            for (u, v) in zip(c.first, c.second) where u != v {
                neighbours[Int(u)].insert(Int(v))
                neighbours[Int(v)].insert(Int(u))
            }
        }
        var pointers = [0], columns: [Int] = []
        for i in 0..<n {
            columns += neighbours[i].sorted()
            pointers.append(columns.count)
        }
        let a = GlobalCSR(n: n, rowPointers: pointers, columns: columns, values: [Double](repeating: 1, count: columns.count))
        let part = RowPartition.balanced(rowNonzeros: a.rowNonzeros, ranks: ranks)
        let results = try Self.simulate(a, partition: part)
        let reference = ComponentReference(graph.components)
        for (r, c) in results.enumerated() {
            let bad = Self.violations(c, rank: r, reference: reference)
            #expect(bad.isEmpty, "P = \(ranks): \(bad.prefix(4))")
        }
        #expect(graph.components.count > 100 && graph.statistics.isolatedNodes > 50)
    }
}

/// The MPI version on the test's world (1 rank under `swift test`, 3 under
/// `mpirun -np 3 ... --filter MPIComponentsTests`): every rank builds the same graph, computes the
/// components of its rows over the communicator, and checks them against the one-process
/// `Components` and against the simulation of the same number of ranks.
@Suite(.serialized, .tags(.mpi)) struct MPIComponentsTests {
    @Test func componentsEqualReferenceAndSimulation() throws {
        try withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            var cases = try DistributedComponentsTests.graphs().map { ($0.name, GlobalCSR($0.graph.matrix), ComponentReference($0.graph.components)) }
            let random = TestMatrices.randomSymmetric(n: 900, averageDegree: 1.2, seed: 31)
            cases.append(("random with diagonal", random, ComponentReference(bfs: random)))
            for (name, a, reference) in cases {
                for part in DistributedComponentsTests.partitions(a, ranks: p) {
                    let rows = a.rows(part.rows(of: me))
                    let mpi = DistributedComponents.compute(rowPointers: rows.pointers, globalColumns: rows.columns,
                                                            partition: part, communicator: world)
                    let bad = DistributedComponentsTests.violations(mpi, rank: me, reference: reference)
                    #expect(bad.isEmpty, "\(name), \(part): \(bad.prefix(4))")
                    let simulated = try DistributedComponentsTests.simulate(a, partition: part)
                    #expect(mpi == simulated[me], "\(name), \(part): MPI and simulation differ on rank \(me)")
                }
            }
        }
    }
}
