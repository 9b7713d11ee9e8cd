import ClosedForms
import DenseAlgebra
import EigenpairTestSupport
import PairGraph
import Spectral
import Testing

/// `LossFunction.value(_:adjacencyProduct:)` (the pipeline computes G Z once and shares it with
/// the local/global scores) must give the value computed from scratch, for every loss, at random
/// points and at the closed forms (where Barlow's G Z_std is rebuilt from G Z via G 1 = d).
@Suite(.serialized, .mpiLock) struct SharedProductTests {
    @Test(arguments: LossName.allCases)
    func valueWithSharedProductEqualsValueFromScratch(_ loss: LossName) throws {
        var rng = SeededRNG(seed: 41)
        for graph in [try TestGraphs.sbm(sizes: [30, 40, 25], pIn: 0.3, pOut: 0.03, seed: 5),
                      try TestGraphs.disconnected(isolated: 3, seed: 8).graph] {
            let d = singleGraph(graph)
            let f = LossFunction(loss, graph: d, hyper: Hyperparameters(gamma: 0.7, beta: 1.3, lambda: 0.6))
            var points = [rng.normalMatrix(rows: d.localRowCount, columns: 4)]
            let spectrum = try spectrumFor(loss, graph: graph, k: 4)
            if let z = closedForm(loss, spectrum: spectrum, graph: d, k: 4, hyper: Hyperparameters()).embedding {
                points.append(z)
            }
            for z in points {
                let gz = withSolverLock { OperatorProducts.apply(d, kind: .adjacency, to: z) }
                let shared = withSolverLock { f.value(z, adjacencyProduct: gz) }
                let scratch = withSolverLock { f.value(z) }
                #expect(abs(shared - scratch) <= 1e-12 * max(1, abs(scratch)), "\(loss): \(shared) vs \(scratch)")
            }
        }
    }
}
