import ClosedForms
import DenseAlgebra
import Distributed
import EigenpairTestSupport
import Foundation
import PairGraph
import Spectral
import Testing

/// The closed forms and losses on row blocks over the world communicator against the same code on
/// one rank (MPI_COMM_SELF, the whole graph): eigenvalue-derived numbers, Z* rows, loss values and
/// gradient rows must agree to 1e-9 relative on every rank.
///
/// Every rank builds the same whole graph and solves its spectrum alone (dense LAPACK, COMM_SELF),
/// so every rank holds the same eigenvectors; the distributed run gets their owned rows. Under
/// `swift test` the world has one rank (the check is then P = 1 against P = 1, still the
/// distributed code); run it for real with
/// `mpirun -np 3 --oversubscribe <EigenpairPackageTests.xctest> --testing-library swift-testing --no-parallel --filter MPIClosedForms`.
@Suite(.serialized, .mpiLock, .tags(.mpi)) struct MPIClosedFormsTests {
    static func graphs() throws -> [(name: String, graph: SparseGraph)] {
        [("er", try TestGraphs.erdosRenyi(n: 40, p: 0.15, seed: 71)),
         ("sbm", try TestGraphs.sbm(sizes: [14, 14, 14], pIn: 0.4, pOut: 0.04, seed: 72)),
         ("augmentation", try TestGraphs.augmentation(groups: 6, views: 5, cross: 6, seed: 73)),
         // Disjoint cliques: BarlowTwins' collapse (docs/math.md 4b) with its global structure test.
         ("cliques", try TestGraphs.augmentation(groups: 5, views: 6, cross: 0, seed: 74)),
         // Components of every kind plus isolated nodes (notes decided globally).
         ("disconnected", try TestGraphs.disconnected(isolated: 3, seed: 75).graph)]
    }

    static let settings: [(k: Int, hyper: Hyperparameters)] = [
        (3, Hyperparameters(gamma: 0.4, beta: 1, lambda: 1)),
        (6, Hyperparameters(gamma: 2, beta: 1.5, lambda: 0.5)),
    ]

    /// |a - b| / max(1, |b|), the tests' scale for loss values.
    static func difference(_ a: Double?, _ b: Double?) -> Double {
        guard let a, let b else { return a == nil && b == nil ? 0 : .infinity }
        return abs(a - b) / max(1, abs(b))
    }

    /// max |A - B| / max(max |B|, floor) over the rows of B this rank owns. Gradients vanish at
    /// Z*, so they are compared with floor 1 (absolute there: rounding, not a relative error).
    static func rowDifference(_ local: DenseMatrix, _ full: DenseMatrix, rows: Range<Int>, floor: Double = 1e-300) -> Double {
        let mine = RowBlocks.slice(full, rows: rows)
        guard local.rows == mine.rows, local.columns == mine.columns else { return .infinity }
        return maxAbs(local - mine) / max(maxAbs(full), floor)
    }

    @Test func closedFormsAndLossesMatchOneRank() throws {
        let world = testMPI.world
        var worst: [String: Double] = [:]
        func record(_ what: String, _ d: Double, _ label: String) {
            worst[what] = max(worst[what] ?? 0, d)
            #expect(d <= 1e-9, "\(label): \(what) differs by \(d) relative on rank \(world.rank) of \(world.size)")
        }
        for (name, graph) in try Self.graphs() {
            let distributed = try graph.distributed(over: world)
            let one = singleGraph(graph)
            let rows = distributed.ownedRows
            #expect(world.allreduceSum(rows.count) == graph.nodeCount)
            for loss in LossName.allCases {
                for (k, hyper) in Self.settings {
                    let label = "\(name) \(loss.rawValue) K=\(k) lambda=\(hyper.lambda)"
                    let full = try spectrumFor(loss, graph: graph, k: k)
                    var local = full
                    local.vectors = RowBlocks.slice(full.vectors, rows: rows)
                    let a = closedForm(loss, spectrum: local, graph: distributed, k: k, hyper: hyper)
                    let b = closedForm(loss, spectrum: full, graph: one, k: k, hyper: hyper)
                    #expect(a.rank == b.rank && a.unique == b.unique && a.notes == b.notes, "\(label): \(a.notes) vs \(b.notes)")
                    #expect((a.embedding == nil) == (b.embedding == nil), "\(label): availability differs")
                    record("minimum", Self.difference(a.minLoss, b.minLoss), label)
                    record("scales", zip(a.scales, b.scales).map { Self.difference($0, $1) }.max() ?? 0, label)
                    #expect(a.scales.count == b.scales.count)

                    // Loss values and gradient rows at Z* and at a random Z (the same on every rank).
                    let fa = LossFunction(loss, graph: distributed, hyper: hyper)
                    let fb = LossFunction(loss, graph: one, hyper: hyper)
                    var rng = SeededRNG(seed: 900 + UInt64(k))
                    let random = rng.normalMatrix(rows: graph.nodeCount, columns: k)
                    var points = [random]
                    if let za = a.embedding, let zb = b.embedding {
                        record("Z*", Self.rowDifference(za, zb, rows: rows), label)
                        points.append(zb)
                    }
                    for z in points {
                        let (va, ga) = fa.valueAndGradient(RowBlocks.slice(z, rows: rows))
                        let (vb, gb) = fb.valueAndGradient(z)
                        record("loss", Self.difference(va, vb), label)
                        record("value", Self.difference(fa.value(RowBlocks.slice(z, rows: rows)), vb), label)
                        record("gradient", Self.rowDifference(ga, gb, rows: rows, floor: 1), label)
                    }
                    if let zb = b.embedding, let m = b.minLoss {
                        let atZ = fa.value(RowBlocks.slice(zb, rows: rows))
                        #expect(abs(atZ - m) <= 1e-9 * max(1, abs(m)), "\(label): loss(Z*) \(atZ) vs closed form \(m)")
                    }
                }
            }
            // A whole Z held on every rank: each rank gives its owned rows, the gradient's rows are
            // gathered back, and all N of them match the 1-rank loss.
            let distributedLoss = LossFunction(.barlow, graph: distributed, hyper: Hyperparameters(lambda: 0.7))
            let reference = LossFunction(.barlow, graph: one, hyper: Hyperparameters(lambda: 0.7))
            var rng = SeededRNG(seed: 950)
            let z = rng.normalMatrix(rows: graph.nodeCount, columns: 4)
            let (v, owned) = distributedLoss.valueAndGradient(RowBlocks.slice(z, rows: rows))
            let g = gatherRows(owned, partition: distributed.partition, communicator: world)
            let (vr, gr) = reference.valueAndGradient(z)
            record("whole-row loss", Self.difference(v, vr), "\(name) whole rows")
            record("whole-row gradient", Self.rowDifference(g, gr, rows: 0..<graph.nodeCount, floor: 1), "\(name) whole rows")
        }
        if world.rank == 0 {
            print("MPIClosedFormsTests P=\(world.size) max relative differences: "
                  + worst.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1e", $0.value))" }.joined(separator: ", "))
        }
    }

    /// BarlowTwins' structure test is global: a graph whose cliques are equal except on one rank's
    /// rows (one edge removed) is not an augmentation graph on any rank.
    @Test func augmentationStructureIsDecidedGlobally() throws {
        let world = testMPI.world
        var e = TestEdges(n: 30)
        for g in 0..<5 { for a in 0..<6 { for b in (a + 1)..<6 where !(g == 4 && a == 0 && b == 1) { e.add(6 * g + a, 6 * g + b) } } }
        let broken = try e.assemble()
        let distributed = try broken.distributed(over: world)
        let spectrum = try spectrumFor(.barlow, graph: broken, k: 6)
        var local = spectrum
        local.vectors = RowBlocks.slice(spectrum.vectors, rows: distributed.ownedRows)
        let a = BarlowTwinsClosedForm.solve(local, graph: distributed, dimension: 6, lambda: 0.5)
        #expect(a.embedding == nil && a.minLoss == nil, "the broken clique must rule out docs/math.md 4b on every rank")
        let intact = try TestGraphs.augmentation(groups: 5, views: 6, cross: 0, seed: 3)
        let d2 = try intact.distributed(over: world)
        let s2 = try spectrumFor(.barlow, graph: intact, k: 6)
        var l2 = s2
        l2.vectors = RowBlocks.slice(s2.vectors, rows: d2.ownedRows)
        #expect(BarlowTwinsClosedForm.solve(l2, graph: d2, dimension: 6, lambda: 0.5).embedding != nil)
    }
}
