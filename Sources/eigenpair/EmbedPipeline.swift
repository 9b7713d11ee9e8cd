import ClosedForms
import DenseAlgebra
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
    var options: EmbedOptions
    var communicator: Communicator
    var progress: Progress

    mutating func run() throws {
        var timings: [String: Double] = [:]
        // The peak RSS so far at the end of each phase: where the run's peak is reached.
        var peakAfter: [String: Int] = [:]
        func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
            let t0 = Date()
            defer {
                timings[phase, default: 0] += Date().timeIntervalSince(t0)
                peakAfter[phase] = ProcessMemory.peakResidentBytes()
            }
            return try body()
        }

        progress.note("reading \(options.graph) on \(communicator.size) rank\(communicator.size == 1 ? "" : "s")")
        var (graph, format, inputPhases) = try timed("read") {
            try DistributedGraphBuilder.read(path: options.graph, merge: options.merge, communicator: communicator)
        }
        if options.largestComponent {
            graph = timed("largest_component") { graph.largestComponent() }
        }
        let n = graph.nodeCount
        guard options.dim < n else {
            throw JobFailure(message: "--dim \(options.dim) must be smaller than the number of nodes (\(n))", exitCode: 2)
        }
        if !options.gammaGiven {
            self.options.hyper.gamma = options.hyper.beta * Double(n) / graph.totalWeight
        }
        let rowLabels = try timed("labels") { try options.labels.map { try LabelAssignment(path: $0, graph: graph) } }

        let out = try OutputDirectory(path: options.out, force: options.force, communicator: communicator)
        // Every rank writes its own rows of each N-row array (MPI-IO, one .npy per array).
        let firstRow = graph.firstRow, localRows = graph.localRowCount
        var report = EmbedReport(
            arguments: CommandLine.arguments,
            input: InputSummary(path: options.graph, format: format.rawValue, labels: options.labels),
            ranks: communicator.size, graph: graph.statistics,
            settings: SettingsSummary(dim: options.dim, losses: options.losses.map(\.rawValue), hyperparameters: options.hyper,
                                      lanczos: options.lanczos, merge: options.merge.rawValue,
                                      largestComponent: options.largestComponent),
            matrixBytes: communicator.allreduceSum(graph.storageBytes))
        let s = graph.statistics
        progress.note("graph: \(s.nodes) nodes, \(s.edges) edges, \(s.componentsWithEdges) components with edges, \(s.isolatedNodes) isolated")

        let solver = SpectrumSolver(settings: options.lanczos, communicator: communicator) { [progress] line in
            progress.note(line)
        }
        let k = options.dim
        var summaries: [(LossName, LossSummary)] = []
        // What report.html draws of each Z* (at most EmbeddingView.defaultLimit rows, gathered now).
        var views: [EmbeddingView] = []
        for kind in ClosedFormRunner.operatorsNeeded(options.losses) {
            let count = ClosedFormRunner.eigenpairCount(kind, losses: options.losses, dimension: options.dim)
            progress.note("solving \(kind.rawValue): \(count) eigenpairs")
            let spectrum = try timed(kind.solvePhase) { try solver.solve(graph, kind: kind, count: count) }
            let file = "spectrum-\(kind.fileName).npy"
            report.solves.append(SolveSummary(spectrum, file: file))
            guard spectrum.converged else {
                throw JobFailure(message: ClosedFormRunner.nonConvergence(spectrum), exitCode: 3)
            }
            try timed("write") { try out.writeNpy(file, spectrum.values) }
            if let rowLabels {
                try timed("labels") {
                    try rowLabels.recordOperatorEnergy(spectrum, dimension: k, graph: graph, solver: solver, into: &report.labels)
                }
            }
            for loss in options.losses where ClosedFormRunner.operatorFor(loss) == kind {
                let solution = timed("closed_forms") {
                    ClosedFormRunner.closedForm(loss, spectrum: spectrum, graph: graph, dimension: k, hyper: options.hyper)
                }
                var lossValue: Double? = nil
                var numericalRank: Int? = nil
                var fileName: String? = nil
                var labelSummary: LabelAlignmentSummary? = nil
                // G Z once, for the loss value and the local/global scores.
                var gz: DenseMatrix? = nil
                if let z = solution.embedding {
                    let product = timed("closed_forms") { OperatorProducts.apply(graph, kind: .adjacency, to: z) }
                    gz = product
                    lossValue = timed("closed_forms") {
                        LossFunction(loss, graph: graph, hyper: options.hyper).value(z, adjacencyProduct: product)
                    }
                    labelSummary = try timed("diagnostics") { try rowLabels?.alignment(of: z, graph: graph) }
                    if let rowLabels {
                        labelSummary?.bestOptimalLabelEnergy = try timed("diagnostics") {
                            try rowLabels.bestOptimalEnergy(span: solution.optimalSpan, unique: solution.unique, spectrum: spectrum,
                                                            dimension: k, graph: graph, solver: solver)
                        }
                    }
                    // The label report already holds the rank (one TSQR of H Z per loss, not two).
                    numericalRank = try labelSummary?.numericalRank
                        ?? timed("diagnostics") { try RankDiagnostics.numericalRank(z, communicator: communicator) }
                    views.append(timed("diagnostics") {
                        EmbeddingView.gather(loss: loss.rawValue, z: z, firstRow: firstRow, globalRows: n,
                                             classes: rowLabels?.matrix.classes, communicator: communicator)
                    })
                    fileName = "\(loss.rawValue).npy"
                    try timed("write") {
                        try out.writeNpyRows(fileName!, globalRows: n, columns: z.columns, firstRow: firstRow,
                                             localRows: localRows) { i, j in z[i, j] }
                    }
                }
                var summary = LossSummary(solution, operator: kind, lossAtZStar: lossValue, numericalRank: numericalRank,
                                          hyperparameters: ClosedFormRunner.hyperparameters(for: loss, options.hyper), file: fileName)
                summary.labels = labelSummary
                if let z = solution.embedding {
                    let scores = timed("diagnostics") { LocalGlobalScores.measure(z, graph: graph, adjacencyProduct: gz) }
                    summary.localScore = scores.local
                    summary.globalScore = scores.global
                }
                summaries.append((loss, summary))
                report.losses[loss.rawValue] = summary
            }
        }
        try timed("write") {
            try out.writeNodeIDs("nodes.npy", globalCount: n, firstRow: firstRow, ids: graph.nodeIDs)
        }
        if var labels = report.labels {
            labels.guidance = rowLabels?.guidance(labels: labels, losses: report.losses, dimension: options.dim)
            report.labels = labels
        }
        for (phase, seconds) in inputPhases { timings["read_" + phase] = seconds }
        timings["total"] = progress.elapsed
        report.timings = timings
        report.rankDetails = RankSummary.gather(graph)
        report.peakMemoryBytes = ProcessMemory.peakResidentBytes()
        report.peakMemoryAfterPhase = peakAfter
        try out.writeJSON("report.json", report)
        try ClosedFormRunner.writeText("report.html", ReportPage.html(report: report, views: views,
                                                                      classNames: rowLabels?.matrix.classNames ?? []), in: out)
        try out.commit()
        if communicator.isCoordinator { SummaryTable.print(report: report, losses: summaries, out: options.out) }
    }
}
