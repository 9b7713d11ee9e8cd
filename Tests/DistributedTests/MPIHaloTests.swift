import DenseAlgebra
import Distributed
import EigenpairTestSupport
import PairGraph
import Spectral
import Testing

/// The MPI paths on the real world communicator: the collectives, the collective partition, the
/// MPI HaloPlan constructor (Alltoall + Alltoallv), the non-blocking exchange, and PARPACK over
/// the distributed operator.
///
/// Under `swift test` MPI starts by singleton init, so P = 1: no neighbours, and every exchange
/// is the empty one. The tests are written for any P: every rank builds the same global matrix
/// and checks its own rows, so one test at a time (`--filter` naming one test) can also run as
/// a real multi-rank job under `mpirun -np P` on the test binary. Everything touching MPI runs
/// under the process-wide lock, since other test targets may be using MPI concurrently.
@Suite(.serialized, .tags(.mpi)) struct MPIHaloTests {
    @Test func collectivesOnTheWorld() {
        withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            #expect(p >= 1 && me >= 0 && me < p)
            #expect(world.exclusivePrefixSum(me + 1) == me * (me + 1) / 2)
            #expect(world.allgather(10 * me + 3) == (0..<p).map { 10 * $0 + 3 })
            var mins: [Int64] = [Int64(me), -Int64(me), 7]
            world.allreduceMin(&mins)
            #expect(mins == [0, -Int64(p - 1), 7])
            var maxs: [Int64] = [Int64(me), -Int64(me)]
            world.allreduceMax(&maxs)
            #expect(maxs == [Int64(p - 1), 0])
            // Alltoall: rank me sends me * 100 + s to s; element s of the result is s * 100 + me.
            #expect(world.allToAll((0..<p).map { me * 100 + $0 }) == (0..<p).map { $0 * 100 + me })
            // Alltoallv: rank me sends s + 1 copies of 1000 me + s to rank s, and so receives
            // me + 1 copies of 1000 s + me from every s.
            let sendCounts = (0..<p).map { $0 + 1 }
            let values = (0..<p).flatMap { s in [Int64](repeating: Int64(1000 * me + s), count: s + 1) }
            let receiveCounts = world.allToAll(sendCounts)
            #expect(receiveCounts == [Int](repeating: me + 1, count: p))
            let got = world.allToAllv(values, sendCounts: sendCounts, receiveCounts: receiveCounts)
            #expect(got == (0..<p).flatMap { s in [Int64](repeating: Int64(1000 * s + me), count: me + 1) })
            // Empty exchanges are legal.
            #expect(world.allToAllv([], sendCounts: [Int](repeating: 0, count: p),
                                    receiveCounts: [Int](repeating: 0, count: p)).isEmpty)
        }
    }

    /// The matrices every rank builds identically.
    static func matrices() throws -> [(name: String, a: GlobalCSR)] {
        let rmat = try TestMatrices.rmat(scale: 9, seed: 13)
        return [("random", TestMatrices.randomSymmetric(n: 500, averageDegree: 5, seed: 31)),
                ("rmat-9", GlobalCSR(rmat.matrix))]
    }

    @Test func collectivePartitionPlanAndExchangeMatchTheSimulation() throws {
        try withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            for (name, a) in try Self.matrices() {
                let counts = a.rowNonzeros
                // The counts arrive split by input order (here: equal row blocks), not balanced.
                let input = RowPartition(uniformRows: a.n, ranks: p)
                let part = RowPartition.balanced(localRowNonzeros: Array(counts[input.rows(of: me)]), communicator: world)
                #expect(part == RowPartition.balanced(rowNonzeros: counts, ranks: p), "\(name)")

                // Every rank can build every rank's requests, so the simulated plans are the reference.
                let simulated = SimulatedJob(a, ranks: p)
                let rows = a.rows(part.rows(of: me))
                let (block, requests) = DistributedRowBlock.localize(rowPointers: rows.pointers, globalColumns: rows.columns,
                                                                     values: rows.values, partition: part, rank: me)
                #expect(requests == simulated.requests[me] && block == simulated.blocks[me], "\(name)")
                let plan = HaloPlan(requests: requests, communicator: world)
                #expect(plan == simulated.plans[me], "\(name): the MPI plan differs from the simulated one")
                if p == 1 {
                    #expect(plan.ghostCount == 0 && plan.sendRanks.isEmpty && plan.receiveRanks.isEmpty)
                }

                // The exchange fills exactly the ghost tail with the owners' values.
                let exchange = HaloExchange(plan: plan, communicator: world)
                let x = TestMatrices.vector(a.n, seed: 41)
                var local = Array(x[part.rows(of: me)]) + [Double](repeating: .nan, count: plan.ghostCount)
                local.withUnsafeMutableBufferPointer { exchange.exchange($0.baseAddress!) }
                #expect(Array(local[plan.ownedCount...]) == plan.ghostColumns.map { x[$0] }, "\(name)")
                #expect(Array(local[..<plan.ownedCount]) == Array(x[part.rows(of: me)]))
                #expect(exchange.exchangeCount == 1 && exchange.bytesReceived == 8 * plan.ghostCount
                        && exchange.bytesSent == 8 * plan.sendCount)
                #expect(exchange.bytesReceivedPerExchange == plan.bytesReceivedPerExchange)

                // The operator: exchange + local SpMV, on this rank's rows, twice (buffers reused).
                let op = DistributedRowOperator(block: block, exchange: exchange)
                #expect(op.localDimension == part.rows(of: me).count)
                let reference = a.multiply(x), scale = a.absoluteMultiply(x)
                for _ in 0..<2 {
                    var y = [Double](repeating: .nan, count: max(op.localDimension, 1))
                    let xs = Array(x[part.rows(of: me)]) + [0]
                    xs.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { op.apply(xb.baseAddress!, into: $0.baseAddress!) } }
                    let mine = part.rows(of: me)
                    let err = maxRelativeError(Array(y[0..<mine.count]), Array(reference[mine]), scale: Array(scale[mine]))
                    #expect(err <= 1e-14, "\(name): relative error \(err)")
                }
                #expect(exchange.exchangeCount == 3)
                #expect(world.allreduceSum(plan.sendCount) == world.allreduceSum(plan.ghostCount))
            }
        }
    }

    /// The graph's product in every layout (`spmvOrder`) on the world communicator: the same
    /// sums bit for bit, and the plain CSR reference to rounding.
    @Test func graphProductIsTheSameInEveryLayout() throws {
        try withSolverLock {
            let world = testMPI.world
            let sparse = try TestMatrices.rmat(scale: 9, seed: 13)
            let a = GlobalCSR(sparse.matrix)
            let graph = try sparse.distributed(over: world)
            let mine = graph.ownedRows
            let x = TestMatrices.vector(a.n, seed: 43)
            let xs = Array(x[mine]) + [0]
            var scratch = [Double](repeating: 0, count: graph.block.columnCount + 1)
            var results: [[Double]] = []
            for order in SpMVOrder.allCases {
                graph.spmvOrder = order
                var y = [Double](repeating: .nan, count: mine.count + 1)
                xs.withUnsafeBufferPointer { xb in
                    y.withUnsafeMutableBufferPointer { yb in
                        scratch.withUnsafeMutableBufferPointer {
                            graph.multiply(xb.baseAddress!, into: yb.baseAddress!, scratch: $0.baseAddress!)
                        }
                    }
                }
                results.append(Array(y.prefix(mine.count)))
            }
            #expect(results.allSatisfy { $0 == results[0] }, "a layout changed a sum")
            let err = maxRelativeError(results[0], Array(a.multiply(x)[mine]), scale: Array(a.absoluteMultiply(x)[mine]))
            #expect(err <= 1e-14, "relative error \(err)")
        }
    }

    /// The layout a graph starts with follows its global rows, on every rank alike
    /// (`SpMVOrder.standard`): a circulant graph whose every row holds the same 12 entries takes the
    /// natural layout; the same graph with one node joined to all others (a row over 30 times the
    /// mean) and a cycle (two entries per row) take the hub-first one.
    @Test func layoutFollowsTheRows() throws {
        try withSolverLock {
            let world = testMPI.world
            let n = 2000
            var circulant = TestEdges(n: n), cycle = TestEdges(n: n)
            for i in 0..<n {
                cycle.add(i, (i + 1) % n)
                for step in 1...6 { circulant.add(i, (i + step) % n) }
            }
            var hubbed = circulant
            for i in 1..<n where i > 6 && i < n - 6 { hubbed.add(0, i) }
            let even = try circulant.assemble().distributed(over: world)
            let hub = try hubbed.assemble().distributed(over: world)
            let short = try cycle.assemble().distributed(over: world)
            #expect(even.spmvOrder == .natural)
            #expect(hub.spmvOrder == .hub)
            #expect(short.spmvOrder == .hub)
            #expect(world.allreduceMin(even.spmvOrder == .natural && hub.spmvOrder == .hub ? 1 : 0) == 1,
                    "ranks disagree")
        }
    }

    /// PARPACK on the world communicator with the distributed operator as its matvec: the
    /// largest eigenvalues of an R-MAT adjacency match dense LAPACK, with small residuals.
    @Test func lanczosOverTheDistributedOperator() throws {
        try withSolverLock {
            let world = testMPI.world
            let p = world.size, me = world.rank
            let graph = try TestMatrices.rmat(scale: 8, seed: 17)
            let a = GlobalCSR(graph.matrix)
            let part = RowPartition.balanced(rowNonzeros: a.rowNonzeros, ranks: p)
            let (block, requests) = DistributedRowBlock.extract(from: graph.matrix, partition: part, rank: me)
            let op = DistributedRowOperator(block: block, requests: requests, communicator: world)
            let mine = part.rows(of: me)
            let start = mine.map { 1 + 0.25 * Double(($0 * 7919) % 101) / 101 }
            let k = 4
            let solver = LanczosSolver(settings: LanczosSettings(), communicator: world)
            let (values, vectors, report) = try solver.largest(op, count: k, globalDimension: a.n, start: start)
            #expect(report.converged == k, "\(report)")

            var dense = [Double](repeating: 0, count: a.n * a.n)
            for i in 0..<a.n { for q in a.rowPointers[i]..<a.rowPointers[i + 1] { dense[a.columns[q] * a.n + i] = a.values[q] } }
            let exact = try SymmetricEigen(DenseMatrix(rows: a.n, columns: a.n, columnMajor: dense), vectors: false).values
            let top = Array(exact.reversed().prefix(k))
            for (got, want) in zip(values, top) {
                #expect(abs(got - want) <= 1e-9 * abs(top[0]), "Lanczos \(values) vs dense \(top)")
            }
            // Residuals ||A v - lambda v|| / |lambda|, assembled over ranks.
            for j in 0..<values.count {
                let v = Array(vectors[(j * mine.count)..<((j + 1) * mine.count)]) + [0]
                var av = [Double](repeating: 0, count: mine.count + 1)
                v.withUnsafeBufferPointer { vb in av.withUnsafeMutableBufferPointer { op.apply(vb.baseAddress!, into: $0.baseAddress!) } }
                var local = 0.0, norm = 0.0
                for i in 0..<mine.count {
                    local += (av[i] - values[j] * v[i]) * (av[i] - values[j] * v[i])
                    norm += v[i] * v[i]
                }
                let residual = world.allreduceSum(local).squareRoot() / abs(values[j])
                #expect(residual <= 1e-8, "pair \(j): residual \(residual)")
                #expect(abs(world.allreduceSum(norm) - 1) <= 1e-10)
            }
            #expect(op.exchange.exchangeCount == report.matvecs + values.count)
        }
    }
}
