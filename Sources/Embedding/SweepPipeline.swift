import ClosedForms
import Diagnostics
import Distributed
import Foundation
import Output
import PairGraph
import Spectral

/// input -> graph -> one solve per operator at the largest K -> closed forms over the (K, gamma)
/// grid -> sweep.json, spectra, plots. Every point is what `embed --dim K --gamma g` computes:
/// the closed forms take the first K (or K+1) eigenpairs of the one solve
/// (`LossOperators.truncated`) and are evaluated by embed's code (`Evaluation`).
struct SweepPipeline {
    let settings: SweepSettings
    let context: RunContext

    /// Collective.
    func run() throws {
        let context = self.context, communicator = context.communicator, options = settings
        let (graph, format, _) = try context.readGraph(options.graph, options.solver)
        let n = graph.nodeCount
        let dims = try dimensions(nodes: n)
        let kMax = dims.max()!
        if let ncv = options.solver.configuration.lanczos.krylovDimension, ncv <= kMax + 1 {
            throw JobFailure(message: "--ncv must exceed the largest dimension + 1 (got ncv = \(ncv), dim = \(kMax))", exitCode: 2)
        }
        let rowLabels = try context.readLabels(options.labels, graph: graph)
        let out = try OutputDirectory(path: options.out, force: options.force, communicator: communicator)

        let defaultGamma = GammaResolution.defaultGamma(beta: options.beta, nodes: n, totalWeight: graph.totalWeight)
        var gammas = options.gammas ?? []
        var report = SweepReport(
            command: "sweep", arguments: CommandLine.arguments, ranks: communicator.size,
            payload: SweepPayload(
                input: InputSummary(path: options.graph, format: format.rawValue, labels: options.labels),
                graph: graph.statistics,
                settings: .init(dims: dims, gammas: gammas, gammaGrid: options.gammas == nil ? "default" : "given",
                                beta: options.beta, lambda: options.lambda, losses: options.losses.map(\.rawValue),
                                solver: options.solver.summary)))
        let solver = context.solver(options.solver.configuration)
        var spectra: [RelationOperatorKind: [Double]] = [:]
        // Losses at K_max for the guidance (VICReg at the smallest gamma: its full-rank end).
        var atLargestK: [String: LossSummary] = [:]
        for kind in LossOperators.operatorsNeeded(options.losses) {
            let count = LossOperators.eigenpairCount(kind, losses: options.losses, dimension: kMax)
            let spectrum = try context.solve(kind, count: count, graph: graph, solver: solver, solves: &report.solves,
                                             file: "spectrum-\(kind.fileName).npy", out: out)
            spectra[kind] = spectrum.values
            if kind == .laplacian && options.gammas == nil {
                let grid = GammaResolution.sweepGrid(laplacian: spectrum.values, beta: options.beta, defaultGamma: defaultGamma,
                                                     largestDimension: kMax)
                gammas = grid.gammas
                report.settings.gammas = gammas
                report.settings.gammaGrid = grid.description
            }
            try context.recordLabelEnergy(rowLabels, spectrum: spectrum, dimension: kMax, graph: graph, solver: solver,
                                          into: &report.labels)
            for k in dims {
                let sub = LossOperators.truncated(spectrum, to: LossOperators.eigenpairCount(kind, losses: options.losses, dimension: k))
                for loss in options.losses where LossOperators.operatorFor(loss) == kind {
                    let gammaList: [Double?] = loss == .vicreg ? gammas.map { $0 } : [nil]
                    for gamma in gammaList {
                        let hyper = Hyperparameters(gamma: gamma ?? defaultGamma, beta: options.beta, lambda: options.lambda)
                        // The guidance's point (K_max, the first gamma) also gets the best optimal label energy.
                        let guidancePoint = k == kMax && atLargestK[loss.rawValue] == nil
                        let summary = try Evaluation(loss, spectrum: sub, graph: graph, dimension: k, hyper: hyper, labels: rowLabels,
                                                     solver: guidancePoint ? solver : nil, context: context).summary
                        report.points.append(SweepPoint(loss: loss.rawValue, dim: k, gamma: gamma, summary: summary))
                        if guidancePoint { atLargestK[loss.rawValue] = summary }
                    }
                }
            }
            context.note("\(kind.rawValue): \(report.points.count) points so far")
        }
        if var labels = report.labels {
            labels.guidance = rowLabels?.guidance(labels: labels, losses: atLargestK, dimension: kMax)
            report.labels = labels
        }
        try context.timed("plots") {
            try SweepPlots.write(report: report, spectra: spectra, dims: dims, gammas: gammas, beta: options.beta,
                                 labelled: rowLabels != nil, out: out)
        }
        report.timings = context.finalTimings
        report.peakMemoryBytes = ProcessMemory.peakResidentBytes()
        try out.writeJSON("sweep.json", report)
        try out.commit()
        if communicator.isCoordinator { SweepTable.print(report: report, out: options.out) }
    }

    /// --dims, each below N; without it 2, 4, 8, 16 below N (or N - 1 on a tiny graph).
    private func dimensions(nodes n: Int) throws -> [Int] {
        if let given = settings.dims {
            if let bad = given.first(where: { $0 >= n }) {
                throw JobFailure(message: "--dims: \(bad) must be smaller than the number of nodes (\(n))", exitCode: 2)
            }
            return given
        }
        let capped = SweepSettings.defaultDims.filter { $0 < n }
        guard n >= 2 else { throw JobFailure(message: "the graph has \(n) node(s): no dimension K < N exists", exitCode: 2) }
        return capped.isEmpty ? [n - 1] : capped
    }
}
