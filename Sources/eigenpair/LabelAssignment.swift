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

    /// Collective. The labels file is read in parallel (each rank parses a byte range; labels
    /// travel to the owners of their nodes), and every rank keeps its own rows' labels.
    init(path: String, graph: DistributedGraph) throws {
        let owned = try OwnedLabels.read(path: path, nodeIDs: graph.nodeIDs, communicator: graph.communicator)
        file = path
        notInGraph = owned.notInGraph
        matrix = try LabelMatrix(classes: owned.classes, classCount: owned.classNames.count,
                                 classNames: owned.classNames, communicator: graph.communicator)
        guard matrix.labelledCount > 0 else {
            throw InputError(file: path, reason: "no label matches a node of the graph")
        }
    }

    func summary(graph: DistributedGraph) -> LabelsSummary? {
        guard let within = try? GraphAlignment.withinClassWeight(graph, labels: matrix) else { return nil }
        return LabelsSummary(file: file, labelled: matrix.labelledCount, classes: matrix.presentClassCount,
                             notInGraph: notInGraph, withinClass: within)
    }

    func capturedEnergy(of eigenvectors: DenseMatrix) -> Double? {
        (try? GraphAlignment.eigenspaceLabelEnergy(eigenvectors, labels: matrix)) ?? nil
    }

    func alignment(of z: DenseMatrix, graph: DistributedGraph) throws -> LabelReport {
        try LabelReport(embedding: z, labels: matrix, nodeIDs: graph.nodeIDs)
    }

    func guidance(labels: LabelsSummary, losses: [String: LossSummary], dimension: Int) -> Guidance {
        var ranks: [LossName: Int] = [:]
        for (name, l) in losses { if let loss = LossName(rawValue: name), let r = l.rank { ranks[loss] = r } }
        let energies = labels.operatorLabelEnergy.sorted { $0.key < $1.key }.map {
            OperatorLabelEnergy(operatorName: $0.key, dimension: dimension, capturedLabelEnergy: $0.value)
        }
        let report = GraphAlignmentReport(withinClass: labels.withinClass, operators: energies)
        return Guidance.evaluate(GuidanceInputs(graph: report, ranks: ranks, dimension: dimension, labels: matrix))
    }
}
