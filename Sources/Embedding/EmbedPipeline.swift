import ClosedForms
import Diagnostics
import Distributed
import Foundation
import Output
import PairGraph
import Spectral

/// input -> graph -> one solve per operator -> closed forms -> diagnostics -> outputs.
/// Operators are processed one at a time and their vectors dropped after use, so memory holds
/// one spectrum and one Z* at a time.
struct EmbedPipeline {
    let settings: EmbedSettings
    let context: RunContext

    /// Collective.
    func run() throws {
        let options = settings, communicator = context.communicator
        let (graph, format, inputPhases) = try context.readGraph(options.graph, options.solver)
        let n = graph.nodeCount
        guard options.dim < n else {
            throw JobFailure(message: "--dim \(options.dim) must be smaller than the number of nodes (\(n))", exitCode: 2)
        }
        var hyper = options.hyper
        if !options.gammaGiven {
            hyper.gamma = GammaResolution.defaultGamma(beta: hyper.beta, nodes: n, totalWeight: graph.totalWeight)
        }
        let rowLabels = try context.readLabels(options.labels, graph: graph)

        let out = try OutputDirectory(path: options.out, force: options.force, communicator: communicator)
        // Every rank writes its own rows of each N-row array (MPI-IO, one .npy per array).
        let firstRow = graph.firstRow, localRows = graph.localRowCount
        var report = EmbedReport(
            command: "embed", arguments: CommandLine.arguments, ranks: communicator.size,
            payload: EmbedPayload(
                input: InputSummary(path: options.graph, format: format.rawValue, labels: options.labels),
                graph: graph.statistics,
                settings: SettingsSummary(dim: options.dim, losses: options.losses.map(\.rawValue), hyperparameters: hyper,
                                          solver: options.solver.summary),
                matrixBytes: communicator.allreduceSum(graph.storageBytes)))
        let s = graph.statistics
        context.note("graph: \(s.nodes) nodes, \(s.edges) edges, \(s.componentsWithEdges) components with edges, \(s.isolatedNodes) isolated")

        let solver = context.solver(options.solver.configuration)
        let k = options.dim
        var summaries: [(LossName, LossSummary)] = []
        // What report.html draws of each Z* (at most EmbeddingView.defaultLimit rows, gathered now).
        var views: [EmbeddingView] = []
        for kind in LossOperators.operatorsNeeded(options.losses) {
            let count = LossOperators.eigenpairCount(kind, losses: options.losses, dimension: k)
            let spectrum = try context.solve(kind, count: count, graph: graph, solver: solver, solves: &report.solves,
                                             file: "spectrum-\(kind.fileName).npy", out: out)
            try context.recordLabelEnergy(rowLabels, spectrum: spectrum, dimension: k, graph: graph, solver: solver,
                                          into: &report.labels)
            for loss in options.losses where LossOperators.operatorFor(loss) == kind {
                let file = "\(loss.rawValue).npy"
                let evaluation = try Evaluation(loss, spectrum: spectrum, graph: graph, dimension: k, hyper: hyper, labels: rowLabels,
                                                solver: solver, file: file, context: context, diagnosticsPhase: "diagnostics")
                if let z = evaluation.embedding {
                    views.append(context.timed("diagnostics") {
                        EmbeddingView.gather(loss: loss.rawValue, z: z, firstRow: firstRow, globalRows: n,
                                             classes: rowLabels?.matrix.classes, communicator: communicator)
                    })
                    try context.timed("write") {
                        try out.writeNpyRows(file, globalRows: n, columns: z.columns, firstRow: firstRow,
                                             localRows: localRows) { i, j in z[i, j] }
                    }
                }
                summaries.append((loss, evaluation.summary))
                report.losses[loss.rawValue] = evaluation.summary
            }
        }
        try context.timed("write") {
            try out.writeNodeIDs("nodes.npy", globalCount: n, firstRow: firstRow, ids: graph.nodeIDs)
        }
        if var labels = report.labels {
            labels.guidance = rowLabels?.guidance(labels: labels, losses: report.losses, dimension: options.dim)
            report.labels = labels
        }
        for (phase, seconds) in inputPhases { context.record("read_" + phase, seconds: seconds) }
        report.timings = context.finalTimings
        report.rankDetails = RankSummary.gather(graph)
        report.peakMemoryBytes = ProcessMemory.peakResidentBytes()
        report.peakMemoryAfterPhase = context.peakAfter
        try out.writeJSON("report.json", report)
        try out.writeText("report.html", ReportPage.html(report: report, views: views,
                                                         classNames: rowLabels?.matrix.classNames ?? []))
        try out.commit()
        if communicator.isCoordinator { SummaryTable.print(report: report, losses: summaries, out: options.out) }
    }
}
