import EigenpairTestSupport
import Distributed
import PairGraph
import Spectral
import Testing

/// P = 1...5 ranks simulated in one process: blocks, ghost columns, plans from the pure
/// constructor, the exchange by copying, and the distributed product against the global one.
@Suite struct HaloSimulationTests {
    static let randomMatrix = TestMatrices.randomSymmetric(n: 700, averageDegree: 6, seed: 21)

    /// Structural checks of every rank's requests and plan against brute force; returns failures.
    static func planViolations(_ job: SimulatedJob, _ a: GlobalCSR) -> [String] {
        var bad: [String] = []
        let part = job.partition
        let p = part.rankCount
        var totalSent = 0, totalReceived = 0
        for r in 0..<p {
            let plan = job.plans[r]
            let owned = part.rows(of: r)
            // Ghosts: exactly the non-owned columns of r's rows, sorted and unique.
            var expected = Set<Int>()
            for i in owned { for q in a.rowPointers[i]..<a.rowPointers[i + 1] where !owned.contains(a.columns[q]) {
                expected.insert(a.columns[q])
            } }
            if plan.ghostColumns != expected.sorted() { bad.append("rank \(r): ghosts differ from brute force") }
            if plan.ownedCount != owned.count || plan.localWidth != owned.count + expected.count {
                bad.append("rank \(r): widths \(plan.ownedCount)/\(plan.localWidth)")
            }
            // Grouped by owner: receive ranks are exactly the ghosts' owners, ascending, never r.
            let owners = expected.map { part.owner(of: $0) }
            if plan.receiveRanks != Set(owners).sorted() || plan.receiveRanks.contains(r) {
                bad.append("rank \(r): receive ranks \(plan.receiveRanks)")
            }
            for s in 0..<p where plan.requests.receiveCount(from: s) != owners.filter({ $0 == s }).count {
                bad.append("rank \(r): receive count from \(s)")
            }
            for s in 0..<p where !plan.requests.requested(from: s).allSatisfy({ part.owner(of: $0) == s }) {
                bad.append("rank \(r): a request to \(s) is not owned by \(s)")
            }
            if plan.receiveOffsets.last != plan.ghostCount { bad.append("rank \(r): receive offsets") }
            // Renumbered columns round-trip to the global ones.
            let local = job.blocks[r]
            let rows = a.rows(owned)
            if local.columnCount != plan.localWidth || local.rowCount != owned.count {
                bad.append("rank \(r): block shape")
            }
            for (q, j) in local.columnIndices.enumerated() where plan.requests.globalColumn(ofLocal: Int(j)) != rows.columns[q] {
                bad.append("rank \(r): entry \(q) renumbered wrongly")
                break
            }
            // Send/receive symmetry: what r receives from s is what s sends to r.
            for s in 0..<p {
                let received = Array(plan.requests.requested(from: s))
                let sent = job.plans[s].sendRows(to: r).map { Int($0) + part.firstRow(of: s) }
                if received != sent { bad.append("rank \(r) receives \(received.count) from \(s), which sends \(sent.count)") }
            }
            if plan.bytesReceivedPerExchange != 8 * plan.ghostCount || plan.bytesSentPerExchange != 8 * plan.sendCount {
                bad.append("rank \(r): byte counts")
            }
            totalSent += plan.sendCount
            totalReceived += plan.ghostCount
            // For a symmetric matrix the neighbour relation is symmetric.
            if a.isSymmetric && plan.sendRanks != plan.receiveRanks {
                bad.append("rank \(r): sends to \(plan.sendRanks), receives from \(plan.receiveRanks)")
            }
        }
        if totalSent != totalReceived { bad.append("sent \(totalSent) values, received \(totalReceived)") }
        if p == 1 && (job.plans[0].ghostCount != 0 || !job.plans[0].sendRanks.isEmpty) { bad.append("P = 1 has a halo") }
        return bad
    }

    @Test func randomMatrixIsSymmetricWithEmptyRowsAndHubs() {
        let a = Self.randomMatrix
        #expect(a.isSymmetric)
        let counts = a.rowNonzeros
        #expect(counts.contains(0) && counts.max()! > 100, "max row \(counts.max()!)")
        #expect((0..<a.n).contains { i in (a.rowPointers[i]..<a.rowPointers[i + 1]).contains { a.columns[$0] == i } })
    }

    @Test(arguments: 1...5)
    func randomSymmetricProductMatchesGlobal(ranks: Int) {
        let a = Self.randomMatrix
        let job = SimulatedJob(a, ranks: ranks)
        let bad = Self.planViolations(job, a)
        #expect(bad.isEmpty, "P = \(ranks): \(bad.prefix(5))")
        if ranks > 1 { #expect(job.plans.contains { $0.ghostCount > 0 }, "P = \(ranks) without any ghost") }
        for seed in [1, 2, 3] as [UInt64] {
            let x = TestMatrices.vector(a.n, seed: seed)
            let (y, consistent) = job.multiply(x)
            #expect(consistent)
            let err = maxRelativeError(y, a.multiply(x), scale: a.absoluteMultiply(x))
            #expect(err <= 1e-14, "P = \(ranks), seed \(seed): relative error \(err)")
        }
    }

    @Test(arguments: 1...5)
    func rmatProductMatchesGlobal(ranks: Int) throws {
        let graph = try TestMatrices.rmat(scale: 10, seed: 5)
        let a = GlobalCSR(graph.matrix)
        // Assembly keeps only IDs that occur in an edge, so N is somewhat below 2^10.
        #expect(a.n > 700 && a.n <= 1024 && a.isSymmetric, "N = \(a.n)")
        let part = RowPartition.balanced(rowNonzeros: a.rowNonzeros, ranks: ranks)
        let job = SimulatedJob(graph.matrix, partition: part)
        let bad = Self.planViolations(job, a)
        #expect(bad.isEmpty, "P = \(ranks): \(bad.prefix(5))")
        let x = TestMatrices.vector(a.n, seed: 77)
        let (y, consistent) = job.multiply(x)
        #expect(consistent)
        // Against the plain CSR reference and against CHOLMOD's product (SparseGraph.multiply).
        let scale = a.absoluteMultiply(x)
        #expect(maxRelativeError(y, a.multiply(x), scale: scale) <= 1e-14)
        var cholmod = [Double](repeating: 0, count: a.n)
        x.withUnsafeBufferPointer { xb in
            cholmod.withUnsafeMutableBufferPointer { yb in graph.multiply(xb.baseAddress!, into: yb.baseAddress!) }
        }
        #expect(maxRelativeError(y, cholmod, scale: scale) <= 1e-14)
        // R-MAT hubs touch everyone: with several ranks every rank has neighbours.
        if ranks > 1 { #expect(job.plans.allSatisfy { !$0.receiveRanks.isEmpty }) }
    }

    /// The hub-first layouts change no sum: for P = 1...5, both layouts and a weighted and an
    /// unweighted matrix, the product equals the one-rank product in the block's own layout bit for bit.
    @Test(arguments: 1...5)
    func hubLayoutsGiveTheOneRankProductForAnyP(ranks: Int) throws {
        let rmat = try TestMatrices.rmat(scale: 10, seed: 5)
        for a in [Self.randomMatrix, GlobalCSR(rmat.matrix)] {
            let x = TestMatrices.vector(a.n, seed: 78)
            let one = SimulatedJob(a, ranks: 1).multiply(x).y
            let job = SimulatedJob(a, ranks: ranks)
            var locals = job.scatter(x)
            #expect(job.exchange(&locals))
            for order in [SpMVOrder.hubColumns, .hub] {
                var y: [Double] = []
                for r in 0..<ranks {
                    let ordered = HubOrderedBlock(job.blocks[r], order: order)
                    var out = [Double](repeating: .nan, count: job.blocks[r].rowCount + 1)
                    locals[r].withUnsafeBufferPointer { xb in
                        out.withUnsafeMutableBufferPointer { ordered.apply(x: xb.baseAddress!, y: $0.baseAddress!) }
                    }
                    y += out.dropLast()
                }
                #expect(y == one, "P = \(ranks), \(order): a sum changed")
            }
        }
    }

    /// The checks are able to fail: a send list one value short breaks the exchange and the
    /// symmetry check; a send list of the right length naming a wrong row breaks the product.
    @Test func corruptedPlansAreDetected() throws {
        let a = Self.randomMatrix
        let honest = SimulatedJob(a, ranks: 3)
        let victim = try #require(honest.plans.firstIndex { $0.sendCount > 1 })
        let s = honest.plans[victim].sendRanks[0]
        let requests = (0..<3).map { Array(honest.requests[$0].requested(from: victim)) }
        let x = TestMatrices.vector(a.n, seed: 8)
        #expect(Self.planViolations(honest, a).isEmpty)

        var short = requests
        short[s].removeLast()
        var job = honest
        job.plans[victim] = HaloPlan(requests: honest.requests[victim], incoming: short)
        #expect(!job.multiply(x).exchangeConsistent)
        #expect(!Self.planViolations(job, a).isEmpty)

        let owned = honest.partition.rows(of: victim)
        let other = try #require(owned.last { !requests[s].contains($0) })
        var wrong = requests
        wrong[s] = (requests[s].dropLast() + [other]).sorted()
        job = honest
        job.plans[victim] = HaloPlan(requests: honest.requests[victim], incoming: wrong)
        let (y, consistent) = job.multiply(x)
        #expect(consistent)
        #expect(maxRelativeError(y, a.multiply(x), scale: a.absoluteMultiply(x)) > 1e-6)
        #expect(!Self.planViolations(job, a).isEmpty)
    }

    @Test func renumberingPutsOwnedFirstThenGhosts() {
        // 6 rows over 2 ranks by rows: rank 1 owns 3..<6 and references columns 0, 2, 4, 5.
        let part = RowPartition(boundaries: [0, 3, 6])
        let q = HaloRequests(partition: part, rank: 1, globalColumns: [5, 2, 4, 0, 2, 3])
        #expect(q.ghostColumns == [0, 2])
        #expect(q.receiveRanks == [0] && q.receiveOffsets == [0, 2])
        #expect(q.renumber([5, 2, 4, 0, 2, 3]) == [2, 4, 1, 3, 4, 0])
        #expect(q.localColumn(ofGlobal: 1) == nil)
        let plans = HaloPlan.simulated([HaloRequests(partition: part, rank: 0, globalColumns: [0, 1, 5]), q])
        #expect(plans[0].sendRanks == [1] && plans[0].sendRows == [0, 2])
        #expect(plans[1].sendRanks == [0] && plans[1].sendRows == [2])
        var buffer = [Double](repeating: 0, count: 2)
        let x: [Double] = [10, 11, 12]
        buffer.withUnsafeMutableBufferPointer { plans[0].pack(x, into: $0.baseAddress!) }
        #expect(buffer == [10, 12])
    }
}
