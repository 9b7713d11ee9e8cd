import EigenpairTestSupport
import ClosedForms
import DenseAlgebra
import Distributed
import Foundation
import Generators
import PairGraph
import Testing
@testable import Diagnostics

/// The label diagnostics on row blocks over the world communicator against the same code on one
/// rank (MPI_COMM_SELF, all rows): label energy, principal angles, numerical rank, the linear
/// probe, within-class weight and the label counts must agree to 1e-9 relative on every rank.
/// Part of the `MPIClosedForms` MPI run (the closed forms' half is `MPIClosedFormsTests` in
/// ClosedFormsTests); under `swift test` the world has one rank.
@Suite(.serialized, .mpiLock, .tags(.mpi)) struct MPIClosedFormsDiagnosticsTests {
    /// A labelled planted-partition graph (3 classes), every 7th node unlabelled.
    static func labelledGraph() throws -> (graph: SparseGraph, labels: NodeLabels) {
        let generated = try PlantedPartition.generate(nodes: 96, classes: 3, pIn: 0.25, pOut: 0.03, seed: 81)
        let graph = try GraphAssembler.assemble(generated.edges, file: "sbm")
        let all = generated.labels!
        let keep = all.ids.indices.filter { all.ids[$0] % 7 != 3 }
        return (graph, NodeLabels(ids: keep.map { all.ids[$0] }, labels: keep.map { all.labels[$0] }))
    }

    /// Z: three top eigenvectors of A_n, a noise column, a zero column and a repeated column (so
    /// the rank and the bases see a deficiency), the same on every rank.
    static func embedding(_ graph: SparseGraph) throws -> DenseMatrix {
        let n = graph.nodeCount
        var a = DenseMatrix(rows: n, columns: n)
        for i in 0..<n {
            let (cols, w) = graph.neighbours(of: i)
            for q in 0..<cols.count {
                let j = Int(cols[q])
                a[i, j] = w[q] / (graph.degrees[i] * graph.degrees[j]).squareRoot()
            }
        }
        let eig = try SymmetricEigen(a)
        var z = DenseMatrix(rows: n, columns: 6)
        var rng = SeededRNG(seed: 82)
        for c in 0..<3 { z.setColumn(c, eig.vectors.column(n - 2 - c)) }
        z.setColumn(3, (0..<n).map { _ in 0.05 * rng.normal() })
        z.setColumn(5, z.column(1).map { -3 * $0 })
        return z
    }

    static func difference(_ a: Double?, _ b: Double?) -> Double {
        guard let a, let b else { return a == nil && b == nil ? 0 : .infinity }
        return abs(a - b) / max(1e-300, abs(b))
    }

    @Test func labelDiagnosticsMatchOneRank() throws {
        let world = testMPI.world
        let (graph, nodeLabels) = try Self.labelledGraph()
        let distributed = try graph.distributed(over: world)
        let one = singleGraph(graph)
        let rows = distributed.ownedRows
        #expect(distributed.nodeIDs == Array(graph.nodeIDs[rows]))

        let labels = try LabelMatrix(nodeIDs: distributed.nodeIDs, nodeLabels: nodeLabels, communicator: world)
        let reference = try LabelMatrix(nodeIDs: graph.nodeIDs, nodeLabels: nodeLabels, communicator: single)
        #expect(labels.classCounts == reference.classCounts && labels.labelledCount == reference.labelledCount)
        #expect(labels.globalRowCount == graph.nodeCount && labels.firstRow == rows.lowerBound)
        #expect(labels.classes == Array(reference.classes[rows]))

        var worst: [String: Double] = [:]
        func record(_ what: String, _ d: Double) {
            worst[what] = max(worst[what] ?? 0, d)
            #expect(d <= 1e-9, "\(what) differs by \(d) relative on rank \(world.rank) of \(world.size)")
        }

        // Within-class weight (ghost labels by halo exchange).
        let w = try GraphAlignment.withinClassWeight(distributed, labels: labels)
        let wr = try GraphAlignment.withinClassWeight(one, labels: reference)
        record("within-class weight", Self.difference(w.withinClassWeight, wr.withinClassWeight))
        record("within-class fraction", Self.difference(w.fraction, wr.fraction))
        record("chance fraction", Self.difference(w.chanceFraction, wr.chanceFraction))
        record("labelled edge weight", Self.difference(w.labelledEdgeWeight, wr.labelledEdgeWeight))

        let z = try Self.embedding(graph)
        let zLocal = RowBlocks.slice(z, rows: rows)
        for columns in [1, 3, 6] {
            let zc = z.columns(0..<columns), zl = zLocal.columns(0..<columns)
            let m = try LabelAlignment.measure(zl, labels: labels)
            let mr = try LabelAlignment.measure(zc, labels: reference)
            record("label energy", Self.difference(m.capturedLabelEnergy, mr.capturedLabelEnergy))
            #expect(m.principalAnglesDegrees.count == mr.principalAnglesDegrees.count)
            // Cosines, not degrees: acos near 1 turns rounding of 1e-16 into 1e-6 degrees at any P.
            record("angle cosines", zip(m.principalAnglesDegrees, mr.principalAnglesDegrees)
                .map { abs(cos($0 * Double.pi / 180) - cos($1 * Double.pi / 180)) }.max() ?? 0)
            let rank = try RankDiagnostics.numericalRank(zl, communicator: world)
            #expect(rank == (try RankDiagnostics.numericalRank(zc, communicator: single)))
            let probe = try LinearProbe.evaluate(features: zl, labels: labels, nodeIDs: distributed.nodeIDs)
            let probeRef = try LinearProbe.evaluate(features: zc, labels: reference, nodeIDs: graph.nodeIDs)
            #expect(probe.train == probeRef.train && probe.test == probeRef.test)
            record("probe accuracy", Self.difference(probe.accuracy, probeRef.accuracy))
            record("probe train accuracy", Self.difference(probe.trainAccuracy, probeRef.trainAccuracy))
            record("ridge alpha", Self.difference(probe.ridgeAlpha, probeRef.ridgeAlpha))
            let energy = try GraphAlignment.eigenspaceLabelEnergy(zl, labels: labels)
            record("eigenspace energy", Self.difference(energy, try GraphAlignment.eigenspaceLabelEnergy(zc, labels: reference)))
            let report = try LabelReport(embedding: zl, labels: labels, nodeIDs: distributed.nodeIDs)
            #expect(report.numericalRank == rank && report.labelled == reference.labelledCount
                    && report.classes == reference.presentClassCount)
        }
        #expect(try RankDiagnostics.numericalRank(zLocal, communicator: world) == 4)

        // Labels from a (replicated) map of strings: the same classes and names as one rank.
        var byID: [UInt64: String] = [:]
        for (id, c) in zip(nodeLabels.ids, nodeLabels.labels) where c != 1 { byID[id] = "class-\(c)" }
        let mapped = LabelMatrix(nodeIDs: distributed.nodeIDs, labels: byID, communicator: world)
        let mappedRef = LabelMatrix(nodeIDs: graph.nodeIDs, labels: byID, communicator: single)
        #expect(mapped.classNames == mappedRef.classNames && mapped.classCounts == mappedRef.classCounts)
        #expect(mapped.classes == Array(mappedRef.classes[rows]))

        if world.rank == 0 {
            print("MPIClosedFormsDiagnosticsTests P=\(world.size) max relative differences: "
                  + worst.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1e", $0.value))" }.joined(separator: ", "))
        }
    }

    /// A bad label on the last rank only: every rank throws the same error (no rank is left
    /// waiting in a collective), naming the global row.
    @Test func invalidLabelFailsEveryRank() throws {
        let world = testMPI.world
        let n = 20
        let part = RowPartition(uniformRows: n, ranks: world.size)
        let mine = part.rows(of: world.rank)
        let classes = mine.map { $0 == n - 1 ? 7 : $0 % 3 }
        #expect(throws: DiagnosticsError.invalidLabel(row: n - 1, value: 7, classCount: 3)) {
            try LabelMatrix(classes: classes, classCount: 3, communicator: world)
        }
        // A row-count mismatch on one rank fails every rank too.
        let labels = try LabelMatrix(classes: mine.map { $0 % 3 }, communicator: world)
        let rowsHere = world.rank == world.size - 1 ? mine.count + 1 : mine.count
        #expect(throws: DiagnosticsError.self) {
            try LabelAlignment.measure(DenseMatrix(rows: rowsHere, columns: 2), labels: labels)
        }
    }
}
