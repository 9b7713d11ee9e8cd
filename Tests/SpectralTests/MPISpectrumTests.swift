import DenseAlgebra
import Distributed
import EigenpairTestSupport
import Foundation
import PairGraph
import Spectral
import Testing

/// The distributed spectrum solver on the real world communicator: every rank builds the same
/// small graph from its edges (`DistributedGraph.fromEdges`), solves, and checks its own rows
/// against a dense LAPACK reference and against the 1-rank solve (`testMPI.single`) of the whole
/// graph it computes itself. Inner products of distributed vectors are summed over ranks.
///
/// Under `swift test` P = 1; `scripts/mpi-tests.sh` runs the suite under `mpirun -np 3`. Every test
/// holds the solver lock for its whole body (all ranks run the same collectives in the same order).
@Suite(.serialized, .tags(.mpi)) struct MPISpectrumTests {
    enum Case: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Components of every kind with ids shuffled across ranks; denseLimit 8 sends the ER (30)
        /// and two-block (24) components to Lanczos.
        case disconnected
        /// 12 disjoint 5-cliques: dense only, eigenvalues tied across components.
        case cliques
        /// An SBM component of 600 rows (Lanczos), ten 20-cliques (dense, tied across components)
        /// and isolated nodes; the cliques have most nonzeros per row, so at P >= 3 some ranks hold
        /// no row of the large component (its solve runs on a sub-communicator).
        case large
        /// A 30-cycle by Lanczos: eigenvalues of multiplicity 2 inside one component (found because the
        /// Krylov space is most of the space; Lanczos does not see multiplicity in general).
        case cycle

        var testDescription: String { rawValue }

        func graph() throws -> SparseGraph {
            switch self {
            case .disconnected: return try TestGraphs.disconnected(isolated: 5, seed: 15).graph
            case .cliques: return try TestGraphs.augmentation(groups: 12, views: 5, cross: 0, seed: 14)
            case .large: return try Self.largeWithCliques()
            case .cycle: return try TestGraphs.cycle(30)
            }
        }

        var denseLimit: Int { self == .large ? 24 : 8 }

        func count(_ kind: RelationOperatorKind) -> Int {
            switch self {
            case .disconnected: return kind == .laplacian ? 14 : 10
            case .cliques: return 8
            case .large: return kind == .laplacian ? 18 : 14
            case .cycle: return 7
            }
        }

        static func largeWithCliques() throws -> SparseGraph {
            var rng = SeededRNG(seed: 77)
            let sbm = 600, cliques = 10, cliqueSize = 20, isolated = 5
            var e = TestEdges(n: sbm + cliques * cliqueSize + isolated)
            for i in 0..<sbm {
                for j in (i + 1)..<sbm where rng.uniform() < (i % 3 == j % 3 ? 0.025 : 0.002) {
                    e.add(i, j, rng.uniform(0.5, 2))
                }
            }
            for i in 0..<(sbm - 1) where rng.uniform() < 0.05 { e.add(i, i + 1, 0.3) }
            var connected = TestEdges(n: sbm)
            connected.edges = e.edges
            connected.connect(&rng, weight: 0.4)
            e.edges = connected.edges
            for q in 0..<cliques {
                let base = sbm + q * cliqueSize
                // Unit weights on even cliques (exact ties between them), random on odd ones.
                for a in 0..<cliqueSize {
                    for b in (a + 1)..<cliqueSize { e.add(base + a, base + b, q % 2 == 0 ? 1 : rng.uniform(0.5, 2)) }
                }
            }
            return try e.assemble()
        }
    }

    @Test(arguments: Case.allCases, RelationOperatorKind.allCases)
    func matchesDenseAndSingleRankOnEveryRank(_ testCase: Case, _ kind: RelationOperatorKind) throws {
        let graph = try testCase.graph()
        let count = testCase.count(kind)
        let choice = MethodChoice(denseLimit: testCase.denseLimit)
        let label = "\(testCase.rawValue) \(kind.rawValue)"
        try withSolverLock {
            let world = testMPI.world
            let distributed = try graph.distributed(over: world)
            let spectrum = try SpectrumSolver(method: choice)
                .solve(distributed, kind: kind, count: count)
            let single = try solveWhole(graph, kind: kind, count: count, method: choice,
                                        communicator: testMPI.single)
            let reference = try DenseReference.spectrum(graph, kind: kind)
            let check = try compare(spectrum, on: distributed, reference: reference, single: single, count: count,
                                    label: label)
            if testCase == .large {
                #expect(spectrum.count(from: .lanczos) > 0 && spectrum.count(from: .dense) > 0 || kind != .adjacency,
                        "\(label): sources \(spectrum.sources)")
                #expect(spectrum.solves.map(\.component) == [0], "\(label): solves \(spectrum.solves.map(\.component))")
                let holding = distributed.localRows(ofComponent: 0).isEmpty ? 0 : 1
                let holders = world.allreduceSum(holding)
                if world.size >= 3 {
                    #expect(holders < world.size, "\(label): every rank holds rows of the large component")
                }
            }
            if world.isCoordinator, ProcessInfo.processInfo.environment["EIGENPAIR_TEST_VERBOSE"] != nil {
                print(String(format: "P=%d %@: max |dlambda|/scale %.2e, projector %.2e, max angle %.2e rad, "
                                 + "vs 1-rank: value %.2e, column %.2e, projector %.2e; sources %@",
                             world.size, label, check.value, check.projector, check.angle, check.singleValue,
                             check.singleColumn, check.singleProjector, spectrum.sources.map(\.rawValue).joined(separator: ",")))
            }
        }
    }

    /// Componentwise maxima over the checks (identical on every rank).
    struct Check {
        var value = 0.0, projector = 0.0, angle = 0.0
        var singleValue = 0.0, singleColumn = 0.0, singleProjector = 0.0
    }

    /// Values to 1e-10 relative, tied blocks (judged on the dense values) as subspaces, simple pairs
    /// column by column after the sign rule, orthonormality, residuals, and the same against the
    /// 1-rank solve; every rank checks its own rows.
    func compare(_ spectrum: Spectrum, on graph: DistributedGraph, reference: (values: [Double], vectors: DenseMatrix),
                 single: Spectrum, count: Int, label: String) throws -> Check {
        let world = graph.communicator
        let mine = graph.ownedRows
        var check = Check()
        #expect(spectrum.values.count == count && spectrum.vectors.columns == count, "\(label): \(spectrum.values.count) pairs")
        #expect(spectrum.vectors.rows == graph.localRowCount && spectrum.firstRow == graph.firstRow)
        #expect(single.vectors.rows == graph.nodeCount && single.firstRow == 0)
        #expect(spectrum.converged, "\(label): not converged")
        guard spectrum.values.count == count, spectrum.vectors.columns == count, single.values.count == count else {
            return check
        }
        let scale = max(1, reference.values.map(abs).max() ?? 0)
        for j in 0..<count {
            check.value = max(check.value, abs(spectrum.values[j] - reference.values[j]) / scale)
            check.singleValue = max(check.singleValue, abs(spectrum.values[j] - single.values[j]) / scale)
            #expect(spectrum.residuals[j] <= 1e-8 * scale, "\(label): pair \(j) residual \(spectrum.residuals[j])")
        }
        #expect(check.value <= 1e-10, "\(label): values \(spectrum.values) vs dense \(Array(reference.values.prefix(count)))")
        #expect(check.singleValue <= 1e-10, "\(label): values \(spectrum.values) vs 1-rank \(single.values)")
        #expect(spectrum.sources == single.sources && spectrum.solves.count == single.solves.count)
        #expect(spectrum.trivialFirst == single.trivialFirst)
        #expect((spectrum.nextValue == nil) == (single.nextValue == nil))

        let v = spectrum.vectors
        let gram = allreduced(v.transposeTimes(v), world)
        #expect(maxAbs(gram - DenseMatrix.identity(count)) <= 1e-9, "\(label): not orthonormal over ranks")
        let denseRows = rows(reference.vectors, mine)
        let singleRows = rows(single.vectors, mine)

        let tie = 1e-8 * scale
        var start = 0
        while start < count {
            var end = start + 1
            while end < reference.values.count && abs(reference.values[end] - reference.values[start]) <= tie { end += 1 }
            let returnedEnd = min(end, count)
            let block = v.columns(start..<returnedEnd)
            // Against the dense eigenspace (all of it) and the 1-rank solve (the same columns).
            let c = allreduced(denseRows.columns(start..<end).transposeTimes(block), world)
            let inside = try SingularValues(c).values
            let angle = inside.map { acos(min(1, $0)) }.max() ?? 0
            check.angle = max(check.angle, angle)
            let k = Double(returnedEnd - start)
            let outside = max(0, k - c.frobeniusNorm * c.frobeniusNorm).squareRoot()
            if end <= count {
                let projector = max(0, 2 * k - 2 * c.frobeniusNorm * c.frobeniusNorm).squareRoot()
                check.projector = max(check.projector, projector)
            } else {
                check.projector = max(check.projector, outside)
            }
            if end <= count {
                // A cut tied block holds an arbitrary part of its eigenspace, which may differ with P.
                let s = allreduced(singleRows.columns(start..<returnedEnd).transposeTimes(block), world)
                let singleProjector = max(0, 2 * k - 2 * s.frobeniusNorm * s.frobeniusNorm).squareRoot()
                check.singleProjector = max(check.singleProjector, singleProjector)
            }
            if end - start == 1 {
                // Simple: the column itself, with the sign rule applied to the whole dense vector.
                let w = signRuled(Array(reference.vectors.column(start)))
                var diff = 0.0, singleDiff = 0.0
                for (i, r) in mine.enumerated() {
                    diff = max(diff, abs(v[i, start] - w[r]))
                    singleDiff = max(singleDiff, abs(v[i, start] - single.vectors[r, start]))
                }
                diff = world.allreduceMax(diff)
                singleDiff = world.allreduceMax(singleDiff)
                check.singleColumn = max(check.singleColumn, singleDiff)
                #expect(diff <= 1e-7, "\(label): pair \(start) differs from the dense column by \(diff)")
                #expect(singleDiff <= 1e-7, "\(label): pair \(start) differs from the 1-rank column by \(singleDiff)")
            }
            start = returnedEnd
        }
        #expect(check.projector <= 1e-6, "\(label): projector distance \(check.projector)")
        #expect(check.angle <= 1e-6, "\(label): principal angle \(check.angle) rad")
        #expect(check.singleProjector <= 1e-6, "\(label): projector distance to the 1-rank solve \(check.singleProjector)")
        return check
    }

    private func allreduced(_ m: DenseMatrix, _ world: Communicator) -> DenseMatrix {
        var storage = m.storage
        world.allreduceSum(&storage)
        return DenseMatrix(rows: m.rows, columns: m.columns, columnMajor: storage)
    }

    private func rows(_ m: DenseMatrix, _ range: Range<Int>) -> DenseMatrix {
        var out = DenseMatrix(rows: range.count, columns: m.columns)
        for j in 0..<m.columns { for (i, r) in range.enumerated() { out[i, j] = m[r, j] } }
        return out
    }

    /// docs/math.md 7.8 on a whole vector: the first entry within 1e-12 of the largest magnitude positive.
    private func signRuled(_ w: [Double]) -> [Double] {
        let m = w.reduce(0) { max($0, abs($1)) }
        guard let i = w.firstIndex(where: { abs($0) >= m * (1 - 1e-12) }), w[i] < 0 else { return w }
        return w.map { -$0 }
    }
}
