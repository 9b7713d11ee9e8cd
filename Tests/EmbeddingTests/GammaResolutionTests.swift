import EigenpairTestSupport
import Foundation
import Testing
@testable import Embedding

@Suite(.serialized) struct GammaResolutionTests {
    /// embed's default gamma is beta N / S = beta / mean degree, S summed here from the edges.
    @Test func defaultGammaIsBetaOverMeanDegree() throws {
        try withSolverLock {
            let known = try KnownGraph.planted(n: 30, seed: 3)
            let beta = 2.5
            let gamma = GammaResolution.defaultGamma(beta: beta, nodes: known.graph.nodeCount, totalWeight: known.graph.totalWeight)
            let meanDegree = known.totalWeight / Double(known.n)
            #expect(relativeDifference(gamma, beta / meanDegree) <= 1e-13)
        }
    }

    /// The grid spans the thresholds beta / lambda_k at which VICReg switches a direction off:
    /// from half the smallest (beta / lambda_max / 2) to 1.5 times the largest (1.5 beta /
    /// lambda_min, lambda_min the smallest positive), log-spaced, each value to 6 digits.
    @Test func defaultGridSpansEveryThreshold() {
        let lambdas = [0, 1e-14, 0.25, 0.7, 3.0]
        let beta = 1.5
        let grid = GammaResolution.defaultGammas(laplacian: lambdas, beta: beta, fallback: 99)
        #expect(grid.count == 13)
        #expect(relativeDifference(grid.first!, beta / 3.0 / 2) <= 1e-6)
        #expect(relativeDifference(grid.last!, 1.5 * beta / 0.25) <= 1e-6)
        let steps = zip(grid, grid.dropFirst()).map { log10($1 / $0) }
        for step in steps { #expect(abs(step - steps[0]) <= 1e-5, "log step \(step) vs \(steps[0])") }
        for g in grid { #expect(Double(String(format: "%.6g", g)) == g) }
        // Every positive threshold beta / lambda_k lies inside the grid's range.
        for l in lambdas where l > 0.1 { #expect(grid.first! < beta / l && beta / l < grid.last!) }
    }

    /// Without a positive eigenvalue: two decades either side of the fallback (beta N / S).
    @Test func gridWithoutPositiveEigenvalueCentresOnTheFallback() {
        let grid = GammaResolution.defaultGammas(laplacian: [0, 0], beta: 1, fallback: 4)
        #expect(relativeDifference(grid.first!, 0.4) <= 1e-6)
        #expect(relativeDifference(grid.last!, 40) <= 1e-6)
    }

    /// sweep's grid holds embed's default gamma exactly, so the sweep shows embed's point.
    @Test func sweepGridHoldsEmbedsGamma() {
        let defaultGamma = 0.123456789
        let (gammas, words) = GammaResolution.sweepGrid(laplacian: [0.5, 2], beta: 1, defaultGamma: defaultGamma, largestDimension: 2)
        #expect(gammas.contains(defaultGamma))
        #expect(gammas == gammas.sorted())
        #expect(gammas.count == GammaResolution.defaultGammaCount + 1)
        #expect(words.contains("\(defaultGamma)"))
    }
}
