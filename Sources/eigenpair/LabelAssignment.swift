import ClosedForms
import DenseAlgebra
import Diagnostics
import Output
import PairGraph

/// Labels read from a file and matched to the graph's rows, with the diagnostics that use them.
struct LabelAssignment {
    let file: String
    let matrix: LabelMatrix
    let notInGraph: Int

    init(path: String, graph: SparseGraph) throws {
        let labels = try NodeLabels.read(path: path)
        var byID: [UInt64: Int] = [:]
        byID.reserveCapacity(labels.count)
        for (id, label) in zip(labels.ids, labels.labels) { byID[id] = label }
        let inGraph = Set(graph.nodeIDs)
        file = path
        notInGraph = labels.ids.filter { !inGraph.contains($0) }.count
        matrix = LabelMatrix(nodeIDs: graph.nodeIDs, labels: byID)
        guard matrix.labelledCount > 0 else {
            throw InputError(file: path, reason: "no label matches a node of the graph")
        }
    }

    func summary(graph: SparseGraph) -> LabelsSummary? {
        guard let within = try? GraphAlignment.withinClassWeight(graph, labels: matrix) else { return nil }
        return LabelsSummary(file: file, labelled: matrix.labelledCount, classes: matrix.presentClassCount,
                             notInGraph: notInGraph, withinClass: within)
    }

    func capturedEnergy(of eigenvectors: DenseMatrix) -> Double? {
        (try? GraphAlignment.eigenspaceLabelEnergy(eigenvectors, labels: matrix)) ?? nil
    }

    func alignment(of z: DenseMatrix, graph: SparseGraph) throws -> LabelReport {
        try LabelReport(embedding: z, labels: matrix, nodeIDs: graph.nodeIDs)
    }

    func guidance(labels: LabelsSummary, losses: [String: LossSummary], dimension: Int) -> Guidance {
        var ranks: [LossName: Int] = [:]
        for (name, l) in losses where l.available { if let loss = LossName(rawValue: name) { ranks[loss] = l.rank } }
        let energies = labels.operatorLabelEnergy.sorted { $0.key < $1.key }.map {
            OperatorLabelEnergy(operatorName: $0.key, dimension: dimension, capturedLabelEnergy: $0.value)
        }
        let report = GraphAlignmentReport(withinClass: labels.withinClass, operators: energies)
        return Guidance.evaluate(GuidanceInputs(graph: report, ranks: ranks, dimension: dimension, labels: matrix))
    }
}
