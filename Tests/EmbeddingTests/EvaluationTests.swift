import ClosedForms
import DenseAlgebra
import EigenpairTestSupport
import Spectral
import Testing
@testable import Embedding

@Suite(.serialized) struct EvaluationTests {
    /// A sweep point is embed's result at the same (K, gamma): sweep evaluates the first K pairs
    /// of one solve at a larger K with the same code embed runs on a solve at K. The local score
    /// of each Z* is also checked against tr(Z^T L Z) / tr(Z^T H Z) from the dense L built here.
    @Test func sweepPointEqualsEmbedAtTheSameDimensionAndGamma() throws {
        try withSolverLock {
            let known = try KnownGraph.planted()
            let graph = known.graph
            let (k, kMax) = (3, 6)
            let losses = LossName.allCases
            let hyper = Hyperparameters(gamma: 0.4, beta: 1.3, lambda: 1)  // BarlowTwins: closed form at lambda = 1 (docs/math.md 4c)
            let context = testContext(), solver = testSolver()
            let laplacian = known.dense(.laplacian)
            for kind in LossOperators.operatorsNeeded(losses) {
                let atK = try solver.solve(graph, kind: kind, count: LossOperators.eigenpairCount(kind, losses: losses, dimension: k))
                let large = try solver.solve(graph, kind: kind, count: LossOperators.eigenpairCount(kind, losses: losses, dimension: kMax))
                let cut = LossOperators.truncated(large, to: LossOperators.eigenpairCount(kind, losses: losses, dimension: k))
                for loss in losses where LossOperators.operatorFor(loss) == kind {
                    let embed = try Evaluation(loss, spectrum: atK, graph: graph, dimension: k, hyper: hyper, labels: nil,
                                               solver: solver, context: context, diagnosticsPhase: "diagnostics")
                    let sweep = try Evaluation(loss, spectrum: cut, graph: graph, dimension: k, hyper: hyper, labels: nil,
                                               solver: nil, context: context)
                    let (a, b) = (embed.summary, sweep.summary)
                    #expect(a.rank == b.rank && a.numericalRank == b.numericalRank && a.unique == b.unique, "\(loss)")
                    for (x, y) in [(a.lossAtZStar, b.lossAtZStar), (a.minLoss, b.minLoss), (a.localScore, b.localScore),
                                   (a.globalScore, b.globalScore)] {
                        #expect(relativeDifference(x ?? .nan, y ?? .nan) <= 1e-9, "\(loss): embed \(String(describing: x)) vs sweep \(String(describing: y))")
                    }
                    // The loss evaluated at Z* reaches the closed-form minimum.
                    #expect(relativeDifference(a.lossAtZStar ?? .nan, a.minLoss ?? .nan) <= 1e-8, "\(loss)")
                    let z = try #require(embed.embedding)
                    #expect(relativeDifference(a.localScore ?? .nan, Self.localScore(z, laplacian: laplacian)) <= 1e-9, "\(loss)")
                }
            }
        }
    }

    /// tr(Z^T L Z) / tr(Z^T H Z), H the centring matrix, densely.
    static func localScore(_ z: DenseMatrix, laplacian: DenseMatrix) -> Double {
        let lz = laplacian * z
        var zlz = 0.0, zhz = 0.0
        for j in 0..<z.columns {
            let mean = (0..<z.rows).reduce(0) { $0 + z[$1, j] } / Double(z.rows)
            for i in 0..<z.rows {
                zlz += z[i, j] * lz[i, j]
                zhz += (z[i, j] - mean) * (z[i, j] - mean)
            }
        }
        return zlz / zhz
    }
}
