import EigenpairTestSupport
import DenseAlgebra
import Foundation
import PairGraph
import Testing
@testable import Diagnostics

@Suite(.mpiLock) struct GraphAlignmentTests {
    /// Nodes 10..15; 10,11,12 class "a", 13,14 class "b", 15 unlabelled.
    static func handGraph() throws -> SparseGraph {
        var e = EdgeList()
        e.append(10, 11, weight: 2)     // within
        e.append(11, 12, weight: 1)     // within
        e.append(12, 13, weight: 3)     // across
        e.append(13, 14, weight: 1)     // within
        e.append(14, 15, weight: 5)     // touches an unlabelled node: ignored
        e.append(13, 10, weight: 0.5)   // across
        return try GraphAssembler.assemble(e, file: "hand")
    }

    @Test func withinClassFractionOnHandGraph() throws {
        let g = try Self.handGraph()
        #expect(g.nodeIDs == [10, 11, 12, 13, 14, 15])
        let labels = LabelMatrix(nodeIDs: g.nodeIDs, labels: [10: "a", 11: "a", 12: "a", 13: "b", 14: "b"], communicator: single)
        let w = try GraphAlignment.withinClassWeight(singleGraph(g), labels: labels)
        #expect(abs(w.withinClassWeight - 4) < 1e-15)
        #expect(abs(w.labelledEdgeWeight - 7.5) < 1e-15)
        #expect(abs(w.fraction! - 4 / 7.5) < 1e-15)
        // Labelled-subgraph volumes: class a 2.5 + 3 + 4 = 9.5, class b 4.5 + 1 = 5.5.
        let chance = (9.5 / 15) * (9.5 / 15) + (5.5 / 15) * (5.5 / 15)
        #expect(abs(w.chanceFraction! - chance) < 1e-15)

        // Same through NodeLabels (class indices), listed in another order.
        let nl = NodeLabels(ids: [14, 10, 13, 12, 11], labels: [1, 0, 1, 0, 0])
        let labels2 = try LabelMatrix(nodeIDs: g.nodeIDs, nodeLabels: nl, classNames: ["a", "b"], communicator: single)
        #expect(labels2 == labels)
        #expect(try GraphAlignment.withinClassWeight(singleGraph(g), labels: labels2) == w)

        // Relabelling 12 as "b" moves edges 11-12 and 12-13 across: within = 2 + 3 + 1 = 6 of 7.5.
        let moved = LabelMatrix(nodeIDs: g.nodeIDs, labels: [10: "a", 11: "a", 12: "b", 13: "b", 14: "b"], communicator: single)
        #expect(abs(try GraphAlignment.withinClassWeight(singleGraph(g), labels: moved).fraction! - 6 / 7.5) < 1e-15)

        let json = try reportObject(w)
        #expect(Set(json!.keys) == ["within_class_weight", "labelled_edge_weight", "fraction", "chance_fraction"])
        #expect(throws: DiagnosticsError.self) {
            try GraphAlignment.withinClassWeight(singleGraph(g), labels: try LabelMatrix(classes: [0, 1], communicator: single))
        }
    }

    /// Two 6-cliques joined by one edge; the Laplacian's Fiedler vector follows the cliques.
    @Test func eigenspaceEnergyFollowsTheCut() throws {
        var e = EdgeList()
        for block in 0..<2 {
            for i in 0..<6 { for j in (i + 1)..<6 { e.append(UInt64(6 * block + i), UInt64(6 * block + j)) } }
        }
        e.append(0, 6)
        let g = try GraphAssembler.assemble(e, file: "cliques")
        let n = g.nodeCount
        var lap = DenseMatrix(rows: n, columns: n)
        for i in 0..<n {
            lap[i, i] = g.degrees[i]
            let (cols, ws) = g.neighbours(of: i)
            for q in 0..<cols.count { lap[i, Int(cols[q])] -= ws[q] }
        }
        let eig = try SymmetricEigen(lap)
        let fiedler = eig.vectors.columns(1..<2)
        let blocks = LabelMatrix(nodeIDs: g.nodeIDs, labels: Dictionary(uniqueKeysWithValues: g.nodeIDs.map { ($0, $0 / 6) }), communicator: single)
        let aligned = try GraphAlignment.operatorLabelEnergy(operator: "L", eigenvectors: fiedler, labels: blocks)
        #expect(aligned.capturedLabelEnergy! > 0.95)
        #expect(aligned.dimension == 1 && aligned.operatorName == "L")
        #expect(try GraphAlignment.withinClassWeight(singleGraph(g), labels: blocks).fraction! > 0.9)

        let parity = LabelMatrix(nodeIDs: g.nodeIDs, labels: Dictionary(uniqueKeysWithValues: g.nodeIDs.map { ($0, $0 % 2) }), communicator: single)
        #expect(try GraphAlignment.eigenspaceLabelEnergy(fiedler, labels: parity)! < 0.05)
        #expect(try GraphAlignment.withinClassWeight(singleGraph(g), labels: parity).fraction! < 0.5)
    }
}
