import ClosedForms
import DenseAlgebra
import Diagnostics
import Distributed
import Foundation
import NpyFormat
import Output
import PairGraph
import Spectral

/// The flow of `eigenpair linear` (docs/math.md section 5), on P ranks (P = 1 the same code):
///
///   features header (every rank) -> graph (DistributedGraphBuilder: each rank its row block) or
///   labels (every rank reads the file; contiguous blocks of labelled nodes in ID order)
///   -> each rank reads its nodes' rows of X -> P x P statistics (distributed G Xt + all-reduce,
///   or class sums for the label graph) -> dense generalised eigenproblems (LAPACK, on every rank,
///   the same input) -> W* (sign rule) -> Z = X W* on owned rows -> loss at W*, numerical rank
///   -> <loss>-W.npy, <loss>.npy, nodes.npy, report.json (MPI-IO, atomic directory).
struct LinearPipeline {
    let settings: LinearSettings
    let context: RunContext

    /// Everything the closed forms and the outputs need, from either source.
    struct Prepared {
        var statistics: LinearStatistics
        /// This rank's rows of X, in the output row order.
        var features: DenseMatrix
        var nodeIDs: [UInt64]
        var firstRow: Int
        /// The sparse graph, for `LossFunction` at Z (nil for the label graph).
        var graph: DistributedGraph?
    }

    /// Collective.
    func run() throws {
        let context = self.context, options = settings, c = context.communicator
        let source = try context.timed("read_features") {
            try agreed(c) { try FeatureSource(path: options.features, nodes: options.nodes) }
        }
        let p = source.columns
        let k = options.dim ?? min(16, p)
        guard k <= p else {
            throw JobFailure(message: "--dim \(k) must be at most the number of features P = \(p) (\(options.features) has shape \(source.reader.header.shape))", exitCode: 2)
        }

        var report = LinearReport(
            command: "linear", arguments: CommandLine.arguments, ranks: c.size,
            payload: LinearPayload(
            input: LinearInputSummary(graph: options.graph, format: nil, features: options.features, nodes: options.nodes,
                                      labels: options.labels),
            features: FeatureSummary(file: options.features, reader: source.reader),
            settings: LinearSettingsSummary(dim: k, losses: options.losses.map(\.rawValue), hyperparameters: options.hyper,
                                            merge: options.graph == nil ? nil : options.merge.rawValue,
                                            labelWeighting: options.labels == nil ? nil : options.weighting.rawValue)))

        let prepared: Prepared
        if let graphPath = options.graph {
            context.note("reading \(graphPath) on \(c.size) rank\(c.size == 1 ? "" : "s")")
            let (graph, format, phases) = try context.timed("read_graph") {
                try DistributedGraphBuilder.read(path: graphPath, merge: options.merge, communicator: c)
            }
            for (phase, seconds) in phases { context.record("read_graph_" + phase, seconds: seconds) }
            report.input.format = format.rawValue
            report.graph = graph.statistics
            let x = try context.timed("read_features") { try agreed(c) { try source.rows(of: graph.nodeIDs) } }
            let stats = context.timed("statistics") { LinearStatistics.graph(graph, features: x) }
            prepared = Prepared(statistics: stats, features: x, nodeIDs: graph.nodeIDs, firstRow: graph.firstRow, graph: graph)
        } else {
            let labelsPath = options.labels!
            let labels = try context.timed("read_labels") { try agreed(c) { try NodeLabels.read(path: labelsPath) } }
            let order = labels.ids.indices.sorted { labels.ids[$0] < labels.ids[$1] }
            let n = order.count
            let lo = c.rank * n / c.size, hi = (c.rank + 1) * n / c.size
            let mine = Array(order[lo..<hi])
            let ids = mine.map { labels.ids[$0] }
            let classCount = (labels.labels.max() ?? -1) + 1
            let x = try context.timed("read_features") { try agreed(c) { try source.rows(of: ids) } }
            let (stats, sizes) = context.timed("statistics") {
                LinearStatistics.labelGraph(features: x, classOfRow: mine.map { labels.labels[$0] }, classCount: classCount,
                                            weighting: options.weighting, communicator: c)
            }
            report.labelGraph = LabelGraphSummary(file: labelsPath, nodes: n, classSizes: sizes,
                                                  weighting: options.weighting.rawValue, totalWeight: stats.totalWeight)
            report.rowsPerRank = c.allgather(ids.count)
            prepared = Prepared(statistics: stats, features: x, nodeIDs: ids, firstRow: lo, graph: nil)
        }
        let stats = prepared.statistics
        let n = stats.nodes
        report.features.rowsUsed = n
        report.features.rowsIgnored = source.rows - n
        guard stats.totalWeight > 0 else {
            throw JobFailure(message: "\(options.graph ?? options.labels!): the pair graph has no edges (S = 0)", exitCode: 2)
        }
        var hyper = options.hyper
        if !options.gammaGiven {
            hyper.gamma = GammaResolution.defaultGamma(beta: hyper.beta, nodes: n, totalWeight: stats.totalWeight)
        }
        report.settings.hyperparameters = hyper
        let s = stats
        context.note("statistics: N = \(n), P = \(p), S = \(s.totalWeight)")

        let out = try OutputDirectory(path: options.out, force: options.force, communicator: c)
        let localRows = prepared.features.rows
        var printed: [(String, LinearLossSummary)] = []
        // Every closed form first (dense P x P work, the same on every rank): a requested loss that
        // cannot be written ends the job before any output, with its reason (exit 2 when the
        // features or K are the cause, 3 when LAPACK failed).
        let solutions: [LinearSolution] = context.timed("closed_forms") {
            options.losses.map { loss in
                switch loss {
                case .vicreg: return LinearVICReg.solve(stats, dimension: k, hyper: hyper)
                case .simclr: return LinearSimCLR.solve(stats, dimension: k)
                case .barlow: return LinearBarlowTwins.solve(stats, dimension: k, lambda: 1)
                case .simclrDegree: preconditionFailure("not a linear loss")
                }
            }
        }
        if let failed = solutions.first(where: { $0.weights == nil }) {
            throw JobFailure(message: "\(failed.loss.rawValue): no closed form written: \(failed.notes.first ?? "unavailable")",
                             exitCode: (failed.failure ?? .input).exitStatus)
        }
        for (loss, solution) in zip(options.losses, solutions) {
            var lossValue: Double?, evaluation: String?, numericalRank: Int?, file: String?, weightsFile: String?
            if let w = solution.weights {
                let z = prepared.features * w
                if let graph = prepared.graph {
                    lossValue = context.timed("loss") { LossFunction(loss, graph: graph, hyper: hyper).value(z) }
                    evaluation = "LossFunction at Z = X W* over the sparse graph (distributed)"
                } else {
                    lossValue = stats.loss(loss, weights: w, hyper: hyper)
                    evaluation = "from the P x P label-graph statistics at W* (the label graph is not materialised)"
                }
                numericalRank = try context.timed("diagnostics") { try RankDiagnostics.numericalRank(z, communicator: c) }
                file = "\(loss.rawValue).npy"
                weightsFile = "\(loss.rawValue)-W.npy"
                try context.timed("write") {
                    try out.writeNpyRows(file!, globalRows: n, columns: k, firstRow: prepared.firstRow, localRows: localRows) { i, j in z[i, j] }
                    try out.writeNpyRows(weightsFile!, globalRows: p, columns: k, firstRow: 0,
                                         localRows: c.isCoordinator ? p : 0) { i, j in w[i, j] }
                }
            }
            // BarlowTwins' linear closed form is at lambda = 1.
            let reported = LossOperators.reportedHyperparameters(for: loss, Hyperparameters(gamma: hyper.gamma, beta: hyper.beta, lambda: 1))
            let summary = LinearLossSummary(solution, loss: lossValue, lossEvaluation: evaluation, numericalRank: numericalRank,
                                            hyperparameters: reported, file: file, weightsFile: weightsFile)
            report.losses[loss.rawValue] = summary
            printed.append((loss.rawValue, summary))
        }
        try context.timed("write") {
            try out.writeNodeIDs("nodes.npy", globalCount: n, firstRow: prepared.firstRow, ids: prepared.nodeIDs)
        }
        if let graph = prepared.graph { report.rankDetails = RankSummary.gather(graph) }
        report.timings = context.finalTimings
        report.peakMemoryBytes = c.allreduceMax(ProcessMemory.peakResidentBytes())
        try out.writeJSON("report.json", report)
        try out.commit()
        if c.isCoordinator { LinearTable.print(report: report, losses: printed, out: options.out) }
    }
}
