import ClosedForms
import DenseAlgebra
import Diagnostics
import Distributed
import Foundation
import Output
import PairGraph
import Spectral

/// input -> graph -> one solve per operator at the largest K -> closed forms over the (K, gamma)
/// grid -> sweep.json, spectra, plots. Every point is what `embed --dim K --gamma g` computes:
/// the closed forms take the first K (or K+1) eigenpairs of the one solve
/// (`ClosedFormRunner.truncated`) and are evaluated by the same code (`ClosedFormRunner.evaluate`).
struct SweepPipeline {
    var options: SweepOptions
    var communicator: Communicator
    var progress: Progress

    mutating func run() throws {
        var timings: [String: Double] = [:]
        func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
            let t0 = Date()
            defer { timings[phase, default: 0] += Date().timeIntervalSince(t0) }
            return try body()
        }
        progress.note("reading \(options.graph) on \(communicator.size) rank\(communicator.size == 1 ? "" : "s")")
        var (graph, format, _) = try timed("read") {
            try DistributedGraphBuilder.read(path: options.graph, merge: options.merge, communicator: communicator)
        }
        if options.largestComponent { graph = timed("largest_component") { graph.largestComponent() } }
        let n = graph.nodeCount
        let dims: [Int]
        if let given = options.dims {
            if let bad = given.first(where: { $0 >= n }) {
                throw JobFailure(message: "--dims: \(bad) must be smaller than the number of nodes (\(n))", exitCode: 2)
            }
            dims = given
        } else {
            let capped = SweepOptions.defaultDims.filter { $0 < n }
            guard n >= 2 else { throw JobFailure(message: "the graph has \(n) node(s): no dimension K < N exists", exitCode: 2) }
            dims = capped.isEmpty ? [n - 1] : capped
        }
        let kMax = dims.max()!
        if let ncv = options.lanczos.krylovDimension, ncv <= kMax + 1 {
            throw JobFailure(message: "--ncv must exceed the largest dimension + 1 (got ncv = \(ncv), dim = \(kMax))", exitCode: 2)
        }
        let rowLabels = try timed("labels") { try options.labels.map { try LabelAssignment(path: $0, graph: graph) } }
        let out = try OutputDirectory(path: options.out, force: options.force, communicator: communicator)

        let defaultGamma = options.beta * Double(n) / graph.totalWeight
        var gammas = options.gammas ?? []
        var report = SweepReport(
            arguments: CommandLine.arguments,
            input: InputSummary(path: options.graph, format: format.rawValue, labels: options.labels),
            ranks: communicator.size, graph: graph.statistics,
            settings: .init(dims: dims, gammas: gammas, gammaGrid: options.gammas == nil ? "default" : "given",
                            beta: options.beta, lambda: options.lambda, losses: options.losses.map(\.rawValue),
                            lanczos: options.lanczos, merge: options.merge.rawValue,
                            largestComponent: options.largestComponent))
        let solver = SpectrumSolver(settings: options.lanczos, communicator: communicator) { [progress] line in
            progress.note(line)
        }
        var spectra: [RelationOperatorKind: [Double]] = [:]
        // Losses at K_max for the guidance (VICReg at the smallest gamma: its full-rank end).
        var atLargestK: [String: LossSummary] = [:]
        for kind in ClosedFormRunner.operatorsNeeded(options.losses) {
            let count = ClosedFormRunner.eigenpairCount(kind, losses: options.losses, dimension: kMax)
            progress.note("solving \(kind.rawValue): \(count) eigenpairs")
            let spectrum = try timed(kind.solvePhase) { try solver.solve(graph, kind: kind, count: count) }
            let file = "spectrum-\(kind.fileName).npy"
            report.solves.append(SolveSummary(spectrum, file: file))
            guard spectrum.converged else {
                throw JobFailure(message: ClosedFormRunner.nonConvergence(spectrum), exitCode: 3)
            }
            try timed("write") { try out.writeNpy(file, spectrum.values) }
            spectra[kind] = spectrum.values
            if kind == .laplacian && options.gammas == nil {
                // embed's default gamma is on the grid too (exactly), so the sweep shows the point
                // a plain `embed` computes.
                let grid = SweepOptions.defaultGammas(laplacian: spectrum.values, beta: options.beta, fallback: defaultGamma)
                gammas = (grid.contains(defaultGamma) ? grid : grid + [defaultGamma]).sorted()
                report.settings.gammas = gammas
                report.settings.gammaGrid = "default: \(grid.count) values log-spaced over [beta/lambda_max/2, 1.5 beta/lambda_min] of the Laplacian eigenvalues lambda_1..lambda_\(kMax) (rounded to 6 digits), plus embed's default gamma beta N / S = \(defaultGamma)"
            }
            if let rowLabels {
                try timed("labels") {
                    try rowLabels.recordOperatorEnergy(spectrum, dimension: kMax, graph: graph, solver: solver, into: &report.labels)
                }
            }
            for k in dims {
                let sub = ClosedFormRunner.truncated(spectrum, to: ClosedFormRunner.eigenpairCount(kind, losses: options.losses, dimension: k))
                for loss in options.losses where ClosedFormRunner.operatorFor(loss) == kind {
                    let gammaList: [Double?] = loss == .vicreg ? gammas.map { $0 } : [nil]
                    for gamma in gammaList {
                        let hyper = Hyperparameters(gamma: gamma ?? defaultGamma, beta: options.beta, lambda: options.lambda)
                        let (summary, _, _) = try timed("closed_forms") {
                            // The guidance's point (K_max, the first gamma) also gets the best optimal label energy.
                            try ClosedFormRunner.evaluate(loss, spectrum: sub, graph: graph, dimension: k, hyper: hyper,
                                                          labels: rowLabels,
                                                          solver: k == kMax && atLargestK[loss.rawValue] == nil ? solver : nil)
                        }
                        report.points.append(SweepPoint(loss: loss.rawValue, dim: k, gamma: gamma, summary: summary))
                        if k == kMax && atLargestK[loss.rawValue] == nil { atLargestK[loss.rawValue] = summary }
                    }
                }
            }
            progress.note("\(kind.rawValue): \(report.points.count) points so far")
        }
        if var labels = report.labels {
            labels.guidance = rowLabels?.guidance(labels: labels, losses: atLargestK, dimension: kMax)
            report.labels = labels
        }
        try timed("plots") {
            try SweepPlots.write(report: report, spectra: spectra, dims: dims, gammas: gammas, beta: options.beta,
                                 labelled: rowLabels != nil, out: out)
        }
        timings["total"] = progress.elapsed
        report.timings = timings
        report.peakMemoryBytes = ProcessMemory.peakResidentBytes()
        try out.writeJSON("sweep.json", report)
        try out.commit()
        if communicator.isCoordinator { SweepTable.print(report: report, out: options.out) }
    }
}

/// The sweep's table on stdout.
enum SweepTable {
    static func print(report: SweepReport, out: String) {
        let g = report.graph
        var lines: [String] = []
        lines.append("graph     \(g.nodes) nodes, \(g.edges) edges, \(g.componentsWithEdges) components with edges, \(g.isolatedNodes) isolated")
        lines.append("solves    " + report.solves.map { "\($0.operator) k=\($0.k)" }.joined(separator: ", ")
                     + "; \(report.points.count) points over K in \(report.settings.dims) and \(report.settings.gammas.count) gammas")
        lines.append("")
        lines.append(pad("loss", 15) + pad("K", 5) + pad("gamma", 12) + pad("rank", 6) + pad("num.rank", 10)
                     + pad("loss at Z*", 18) + pad("closed-form min", 18) + pad("label energy", 14) + pad("probe", 8)
                     + pad("local", 11) + "global")
        for p in report.points {
            let s = p.summary
            func num(_ v: Double?, _ f: String) -> String { v.map { String(format: f, $0) } ?? "-" }
            lines.append(pad(p.loss, 15) + pad("\(p.dim)", 5) + pad(num(p.gamma, "%.4g"), 12)
                         + pad(s.rank.map { "\($0)" } ?? "-", 6) + pad(s.numericalRank.map { "\($0)" } ?? "-", 10)
                         + pad(num(s.lossAtZStar, "%.10g"), 18) + pad(num(s.minLoss, "%.10g"), 18)
                         + pad(num(s.labels?.capturedLabelEnergy, "%.4f"), 14) + pad(num(s.labels?.probe.accuracy, "%.3f"), 8)
                         + pad(num(s.localScore, "%.4g"), 11) + num(s.globalScore, "%.4f"))
        }
        if let guidance = report.labels?.guidance {
            lines.append("")
            lines.append("guidance  \(guidance.recommendation)")
        }
        lines.append("")
        lines.append(String(format: "total %.2f s; report: %@/sweep.json, plots: %@/*.svg", report.timings["total"] ?? 0, out, out))
        Swift.print(lines.joined(separator: "\n"))
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
