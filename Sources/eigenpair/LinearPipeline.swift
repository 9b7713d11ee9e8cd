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
    var options: LinearOptions
    var communicator: Communicator
    var progress: Progress

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

    mutating func run() throws {
        var timings: [String: Double] = [:]
        func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
            let t0 = Date()
            defer { timings[phase, default: 0] += Date().timeIntervalSince(t0) }
            return try body()
        }
        let c = communicator
        let source = try timed("read_features") {
            try agreed(c) { try FeatureSource(path: options.features, nodes: options.nodes) }
        }
        let p = source.columns
        let k = options.dim ?? min(16, p)
        guard k <= p else {
            throw JobFailure(message: "--dim \(k) must be at most the number of features P = \(p) (\(options.features) has shape \(source.reader.header.shape))", exitCode: 2)
        }

        var report = LinearReport(
            arguments: CommandLine.arguments,
            input: LinearInputSummary(graph: options.graph, format: nil, features: options.features, nodes: options.nodes,
                                      labels: options.labels),
            ranks: c.size,
            features: FeatureSummary(file: options.features, dtype: source.reader.header.dtype.rawValue,
                                     fortranOrder: source.reader.header.fortranOrder, rows: source.rows, columns: p,
                                     rowsUsed: 0, rowsIgnored: 0),
            settings: LinearSettingsSummary(dim: k, losses: options.losses.map(\.rawValue), hyperparameters: options.hyper,
                                            merge: options.graph == nil ? nil : options.merge.rawValue,
                                            labelWeighting: options.labels == nil ? nil : options.weighting.rawValue))

        let prepared: Prepared
        if let graphPath = options.graph {
            progress.note("reading \(graphPath) on \(c.size) rank\(c.size == 1 ? "" : "s")")
            let (graph, format, phases) = try timed("read_graph") {
                try DistributedGraphBuilder.read(path: graphPath, merge: options.merge, communicator: c)
            }
            for (phase, seconds) in phases { timings["read_graph_" + phase] = seconds }
            report.input.format = format.rawValue
            report.graph = graph.statistics
            let x = try timed("read_features") { try agreed(c) { try source.rows(of: graph.nodeIDs) } }
            let stats = timed("statistics") { LinearStatistics.graph(graph, features: x) }
            prepared = Prepared(statistics: stats, features: x, nodeIDs: graph.nodeIDs, firstRow: graph.firstRow, graph: graph)
        } else {
            let labelsPath = options.labels!
            let labels = try timed("read_labels") { try agreed(c) { try NodeLabels.read(path: labelsPath) } }
            let order = labels.ids.indices.sorted { labels.ids[$0] < labels.ids[$1] }
            let n = order.count
            let lo = c.rank * n / c.size, hi = (c.rank + 1) * n / c.size
            let mine = Array(order[lo..<hi])
            let ids = mine.map { labels.ids[$0] }
            let classCount = (labels.labels.max() ?? -1) + 1
            let x = try timed("read_features") { try agreed(c) { try source.rows(of: ids) } }
            let (stats, sizes) = timed("statistics") {
                LinearStatistics.labelGraph(features: x, classOfRow: mine.map { labels.labels[$0] }, classCount: classCount,
                                            weighting: options.weighting, communicator: c)
            }
            report.labelGraph = LabelGraphSummary(file: labelsPath, nodes: n, classes: classCount, classSizes: sizes,
                                                  weighting: options.weighting.rawValue, totalWeight: stats.totalWeight,
                                                  impliedEdges: sizes.reduce(0) { $0 + $1 * ($1 - 1) / 2 })
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
        if !options.gammaGiven { options.hyper.gamma = options.hyper.beta * Double(n) / stats.totalWeight }
        report.settings.hyperparameters = options.hyper
        let s = stats
        progress.note("statistics: N = \(n), P = \(p), S = \(s.totalWeight)")

        let out = try OutputDirectory(path: options.out, force: options.force, communicator: c)
        let localRows = prepared.features.rows
        var printed: [(String, LinearLossSummary)] = []
        // Every closed form first (dense P x P work, the same on every rank): a requested loss that
        // cannot be written ends the job before any output, with its reason (exit 2 when the
        // features or K are the cause, 3 when LAPACK failed).
        let solutions: [LinearSolution] = timed("closed_forms") {
            options.losses.map { loss in
                switch loss {
                case .vicreg: return LinearVICReg.solve(stats, dimension: k, hyper: options.hyper)
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
                    lossValue = timed("loss") { LossFunction(loss, graph: graph, hyper: options.hyper).value(z) }
                    evaluation = "LossFunction at Z = X W* over the sparse graph (distributed)"
                } else {
                    lossValue = stats.loss(loss, weights: w, hyper: options.hyper)
                    evaluation = "from the P x P label-graph statistics at W* (the label graph is not materialised)"
                }
                numericalRank = try timed("diagnostics") { try RankDiagnostics.numericalRank(z, communicator: c) }
                file = "\(loss.rawValue).npy"
                weightsFile = "\(loss.rawValue)-W.npy"
                try timed("write") {
                    try out.writeNpyRows(file!, globalRows: n, columns: k, firstRow: prepared.firstRow, localRows: localRows) { i, j in z[i, j] }
                    try out.writeNpyRows(weightsFile!, globalRows: p, columns: k, firstRow: 0,
                                         localRows: c.isCoordinator ? p : 0) { i, j in w[i, j] }
                }
            }
            let hyper: [String: Double] = loss == .vicreg ? ["gamma": options.hyper.gamma, "beta": options.hyper.beta]
                : loss == .barlow ? ["lambda": 1] : [:]
            let summary = LinearLossSummary(solution, loss: lossValue, lossEvaluation: evaluation, numericalRank: numericalRank,
                                            hyperparameters: hyper, file: file, weightsFile: weightsFile)
            report.losses[loss.rawValue] = summary
            printed.append((loss.rawValue, summary))
        }
        try timed("write") {
            try out.writeNodeIDs("nodes.npy", globalCount: n, firstRow: prepared.firstRow, ids: prepared.nodeIDs)
        }
        if let graph = prepared.graph { report.rankDetails = RankSummary.gather(graph) }
        timings["total"] = progress.elapsed
        report.timings = timings
        report.peakMemoryBytes = c.allreduceMax(ProcessMemory.peakResidentBytes())
        try out.writeJSON("report.json", report)
        try out.commit()
        if c.isCoordinator { printSummary(report, printed) }
    }

    func printSummary(_ report: LinearReport, _ losses: [(String, LinearLossSummary)]) {
        var lines: [String] = []
        if let g = report.graph {
            lines.append("graph     \(g.nodes) nodes, \(g.edges) edges; features \(report.features.rows) x \(report.features.columns) (\(report.features.rowsIgnored) rows ignored)")
        } else if let l = report.labelGraph {
            lines.append("labels    \(l.nodes) nodes in \(l.classes) classes (\(l.weighting) weighting, not materialised); features \(report.features.rows) x \(report.features.columns)")
        }
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
        lines.append(pad("loss", 9) + pad("rank", 6) + pad("loss at W*", 20) + pad("closed-form min", 20) + "file")
        for (name, l) in losses {
            lines.append(pad(name, 9) + pad(l.rank.map { "\($0)" } ?? "-", 6)
                         + pad(l.lossAtZStar.map { String(format: "%.12g", $0) } ?? "-", 20)
                         + pad(l.minLoss.map { String(format: "%.12g", $0) } ?? "-", 20)
                         + (l.file.map { "\(options.out)/\($0), \(options.out)/\(l.weightsFile ?? "")" } ?? "not written: " + (l.notes.first ?? "")))
        }
        print(lines.joined(separator: "\n"))
    }
}
