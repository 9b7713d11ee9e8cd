import ClosedForms
import DenseAlgebra
import Diagnostics
import Output
import PairGraph
import Spectral

/// The one evaluation of a closed form that embed, sweep and compare share: Z* of a loss at
/// dimension K and everything measured on it (loss at Z*, numerical rank, label alignment,
/// local/global scores), as the `LossSummary` every report lists.
struct Evaluation {
    var summary: LossSummary
    /// Z* on the owned rows (nil when the loss has no closed form here).
    var embedding: DenseMatrix?
    var span: OptimalSpan?

    /// Collective. `solver`: also measure the best label energy of any optimal Z* when Z* is not
    /// unique (it may solve further pairs); `file`: where the caller writes Z*. Phases:
    /// `closed_forms` for Z* and its loss, `diagnosticsPhase` for the rest.
    init(_ loss: LossName, spectrum: Spectrum, graph: DistributedGraph, dimension k: Int, hyper: Hyperparameters,
         labels: LabelAssignment?, solver: SpectrumSolver?, file: String? = nil, context: RunContext,
         diagnosticsPhase: String = "closed_forms") throws {
        let solution = context.timed("closed_forms") {
            LossOperators.closedForm(loss, spectrum: spectrum, graph: graph, dimension: k, hyper: hyper)
        }
        summary = LossSummary(solution, operator: spectrum.kind, lossAtZStar: nil, numericalRank: nil,
                              hyperparameters: LossOperators.reportedHyperparameters(for: loss, hyper),
                              file: solution.embedding == nil ? nil : file)
        embedding = solution.embedding
        span = solution.optimalSpan
        guard let z = solution.embedding else { return }
        // G Z once, for the loss value and the local/global scores.
        let gz = context.timed("closed_forms") { OperatorProducts.apply(graph, kind: .adjacency, to: z) }
        summary.lossAtZStar = context.timed("closed_forms") {
            LossFunction(loss, graph: graph, hyper: hyper).value(z, adjacencyProduct: gz)
        }
        summary.labels = try context.timed(diagnosticsPhase) { try labels?.alignment(of: z, graph: graph) }
        if let labels, let solver {
            summary.labels?.bestOptimalLabelEnergy = try context.timed(diagnosticsPhase) {
                try labels.bestOptimalEnergy(span: solution.optimalSpan, unique: solution.unique, spectrum: spectrum,
                                             dimension: k, graph: graph, solver: solver)
            }
        }
        // The label report already holds the rank (one TSQR of H Z per loss, not two).
        summary.numericalRank = try summary.labels?.numericalRank
            ?? context.timed(diagnosticsPhase) { try RankDiagnostics.numericalRank(z, communicator: graph.communicator) }
        let scores = context.timed(diagnosticsPhase) { LocalGlobalScores.measure(z, graph: graph, adjacencyProduct: gz) }
        summary.localScore = scores.local
        summary.globalScore = scores.global
    }
}
