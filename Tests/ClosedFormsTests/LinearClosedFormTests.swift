import EigenpairTestSupport
import ClosedForms
import DenseAlgebra
import Distributed
import Foundation
import PairGraph
import Spectral
import Testing

// docs/math.md section 5 (Z = X W): each linear closed form against direct minimisation over W.

/// Graphs of N = 60..300 with random features (P = 3..8).
enum LinearFamily: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case erdosRenyi, sbm, knn, augmentation

    var testDescription: String { rawValue }

    func graph() throws -> SparseGraph {
        switch self {
        case .erdosRenyi: return try TestGraphs.erdosRenyi(n: 80, p: 0.08, seed: 41)
        case .sbm: return try TestGraphs.sbm(sizes: [40, 40, 40], pIn: 0.2, pOut: 0.02, seed: 42)
        case .knn: return try TestGraphs.knn(n: 150, k: 6, seed: 43)
        case .augmentation: return try TestGraphs.augmentation(groups: 20, views: 3, cross: 12, seed: 44)
        }
    }

    var featureCount: Int {
        switch self {
        case .erdosRenyi: return 3
        case .sbm: return 5
        case .knn: return 8
        case .augmentation: return 6
        }
    }
}

/// Random features with some structure: a few graph-smooth directions (a low Laplacian-energy
/// mix) plus Gaussian noise, with unequal scales and a nonzero mean.
func linearTestFeatures(_ graph: SparseGraph, p: Int, seed: UInt64) -> DenseMatrix {
    var rng = SeededRNG(seed: seed)
    let n = graph.nodeCount
    var x = rng.normalMatrix(rows: n, columns: p)
    // Smooth part: two rounds of neighbour averaging of random signals.
    var smooth = rng.normalMatrix(rows: n, columns: p)
    for _ in 0..<2 {
        var next = smooth
        for i in 0..<n {
            let (cols, w) = graph.neighbours(of: i)
            let d = graph.degrees[i]
            guard d > 0 else { continue }
            for j in 0..<p {
                var s = 0.0
                for q in cols.indices { s += w[q] * smooth[Int(cols[q]), j] }
                next[i, j] = 0.5 * smooth[i, j] + 0.5 * s / d
            }
        }
        smooth = next
    }
    for j in 0..<p {
        let scale = 0.5 + Double(j)
        for i in 0..<n { x[i, j] = scale * (2 * smooth[i, j] + 0.7 * x[i, j]) + 0.3 * Double(j) }
    }
    return x
}

/// The loss of Z = X W as a function of flattened W (P x K), with the gradient X^T dL/dZ.
func linearObjective(_ f: LossFunction, features x: DenseMatrix, columns k: Int) -> LBFGS.Objective {
    return { flat in
        let w = DenseMatrix(rows: x.columns, columns: k, columnMajor: flat)
        let (v, g) = f.valueAndGradient(x * w)
        return (v, x.transposeTimes(g).storage)
    }
}

func linearHyper(_ graph: SparseGraph, gammaFactor: Double) -> Hyperparameters {
    Hyperparameters(gamma: gammaFactor * Double(graph.nodeCount) / graph.totalWeight, beta: 1, lambda: 1)
}

func linearSolve(_ loss: LossName, _ stats: LinearStatistics, k: Int, hyper: Hyperparameters) -> LinearSolution {
    switch loss {
    case .vicreg: return LinearVICReg.solve(stats, dimension: k, hyper: hyper)
    case .simclr: return LinearSimCLR.solve(stats, dimension: k)
    case .barlow: return LinearBarlowTwins.solve(stats, dimension: k)
    case .simclrDegree: fatalError("no linear form")
    }
}

@Suite(.serialized, .mpiLock) struct LinearClosedFormTests {
    /// loss(X W*) equals the closed-form minimum and the statistics' own evaluation, the gradient
    /// in W vanishes, and L-BFGS over W from 10 random starts never goes lower.
    @Test(arguments: LinearFamily.allCases)
    func closedFormsBeatDirectMinimisation(_ family: LinearFamily) throws {
        let graph = try family.graph()
        let p = family.featureCount
        let x = linearTestFeatures(graph, p: p, seed: 100 + UInt64(p))
        let stats = withSolverLock { LinearStatistics.graph(singleGraph(graph), features: x) }
        let settings: [(LossName, Hyperparameters, Int)] = [
            (.vicreg, linearHyper(graph, gammaFactor: 1), min(3, p)),       // the CLI default gamma = beta N / S
            (.vicreg, linearHyper(graph, gammaFactor: 0.05), min(3, p)),    // small gamma: full rank
            (.vicreg, linearHyper(graph, gammaFactor: 3), p),               // large gamma: some t_k = 0
            (.simclr, Hyperparameters(), 2),
            (.simclr, Hyperparameters(), p),
            (.barlow, Hyperparameters(), 2),
        ]
        var rng = SeededRNG(seed: 7 + UInt64(p))
        for (index, (loss, hyper, k)) in settings.enumerated() {
            let label = "\(family) \(loss.rawValue) gamma=\(hyper.gamma) K=\(k)"
            let solution = linearSolve(loss, stats, k: k, hyper: hyper)
            let w = try #require(solution.weights, "\(label): \(solution.notes)")
            let minLoss = try #require(solution.minLoss)
            let f = singleLoss(loss, graph: graph, hyper: hyper)
            let scale = max(1, abs(minLoss))
            let atW = withSolverLock { f.value(x * w) }
            #expect(abs(atW - minLoss) <= 1e-9 * scale, "\(label): loss(XW*) = \(atW), closed form \(minLoss)")
            let fromStats = stats.loss(loss, weights: w, hyper: hyper)
            #expect(abs(fromStats - atW) <= 1e-9 * scale, "\(label): statistics give \(fromStats), LossFunction \(atW)")
            let objective = linearObjective(f, features: x, columns: k)
            let (_, g) = withSolverLock { objective(w.storage) }
            let stationarity = norm(g) * max(w.frobeniusNorm, 1) / scale
            #expect(stationarity <= 1e-8, "\(label): gradient in W at W* (scaled) \(stationarity)")
            var best = Double.infinity
            var values: [Double] = []
            for _ in 0..<10 {
                var w0 = rng.normalMatrix(rows: p, columns: k)
                w0 = (max(w.frobeniusNorm, 0.1) / w0.frobeniusNorm) * w0
                let r = withSolverLock { LBFGS.minimize(w0.storage, maxIterations: 4000, objective) }
                values.append(r.value)
                best = min(best, r.value)
            }
            #expect(best >= atW - 1e-9 * scale, "\(label): L-BFGS found \(best) < loss(XW*) = \(atW) (\(values))")
            #expect(best <= atW + 1e-6 * scale, "\(label): L-BFGS best \(best) did not reach \(atW) (\(values))")
            if ProcessInfo.processInfo.environment["EIGENPAIR_TEST_VERBOSE"] != nil {
                print(String(format: "linear %@ [%d]: loss(XW*) %.12g, min %.12g, |grad| %.2e, L-BFGS best - loss(XW*) = %.2e (relative %.2e), rank %d",
                             label, index, atW, minLoss, stationarity, best - atW, (best - atW) / scale, solution.rank))
            }
        }
    }

    /// Rank-deficient features (a collinear column, a constant column) are solved on the range of
    /// the covariance: the dropped null directions are counted, and the minimum equals that of the
    /// same features without the redundant column (an independent full-rank solve, itself checked
    /// against L-BFGS above); the loss at Z = X W* (LossFunction over the graph) reaches it. K above
    /// the rank is an input failure.
    @Test func rankDeficientFeaturesAreSolvedOnTheirRange() throws {
        let graph = try LinearFamily.erdosRenyi.graph()
        let hyper = linearHyper(graph, gammaFactor: 1)
        var x = linearTestFeatures(graph, p: 4, seed: 5)
        // Column 3 = 2 column 0 - column 1: rank X = 3 < P.
        for i in 0..<x.rows { x[i, 3] = 2 * x[i, 0] - x[i, 1] }
        let stats = withSolverLock { LinearStatistics.graph(singleGraph(graph), features: x) }
        let reduced = withSolverLock { LinearStatistics.graph(singleGraph(graph), features: x.columns(0..<3)) }
        for loss in [LossName.vicreg, .simclr, .barlow] {
            let s = linearSolve(loss, stats, k: 2, hyper: hyper)
            let w = try #require(s.weights, "\(loss.rawValue): \(s.notes)")
            #expect(s.droppedDirections == 1, "\(loss.rawValue)")
            #expect(s.notes.contains { $0.contains("1 null direction(s) left out") }, "\(loss.rawValue): \(s.notes)")
            let reference = try #require(linearSolve(loss, reduced, k: 2, hyper: hyper).minLoss)
            let minLoss = try #require(s.minLoss)
            #expect(abs(minLoss - reference) <= 1e-9 * max(1, abs(reference)), "\(loss.rawValue): \(minLoss) vs \(reference)")
            let atZ = singleLoss(loss, graph: graph, hyper: hyper).value(x * w)
            #expect(abs(atZ - reference) <= 1e-8 * max(1, abs(reference)), "\(loss.rawValue): loss at X W* \(atZ) vs \(reference)")
            let tooMany = linearSolve(loss, stats, k: 4, hyper: hyper)
            #expect(tooMany.weights == nil && tooMany.failure == .input)
            #expect(tooMany.notes.first?.contains("exceeds r = 3") == true, "\(loss.rawValue): \(tooMany.notes)")
        }
        // A constant feature: a null direction of Sigma and S_d (not of Gamma, the uncentred moment).
        var y = linearTestFeatures(graph, p: 3, seed: 6)
        for i in 0..<y.rows { y[i, 2] = 4 }
        let constant = withSolverLock { LinearStatistics.graph(singleGraph(graph), features: y) }
        let withoutIt = withSolverLock { LinearStatistics.graph(singleGraph(graph), features: y.columns(0..<2)) }
        for loss in [LossName.vicreg, .barlow] {
            let s = linearSolve(loss, constant, k: 2, hyper: hyper)
            #expect(s.weights != nil && s.droppedDirections == 1, "\(loss.rawValue): \(s.notes)")
            let reference = try #require(linearSolve(loss, withoutIt, k: 2, hyper: hyper).minLoss)
            #expect(abs((s.minLoss ?? .nan) - reference) <= 1e-9 * max(1, abs(reference)), "\(loss.rawValue)")
        }
        let simclr = LinearSimCLR.solve(constant, dimension: 2)
        #expect(simclr.weights != nil && simclr.droppedDirections == 0)
    }

    /// The statistics against dense formulas (X^T L X, Sigma, Gamma, Psi, S_d, C_b).
    @Test func statisticsMatchDenseFormulas() throws {
        let graph = try LinearFamily.sbm.graph()
        let x = linearTestFeatures(graph, p: 4, seed: 9)
        let stats = withSolverLock { LinearStatistics.graph(singleGraph(graph), features: x) }
        let g = DenseReference.operatorMatrix(graph, kind: .adjacency)
        let l = DenseReference.operatorMatrix(graph, kind: .laplacian)
        let n = Double(graph.nodeCount), s = graph.totalWeight
        let d = graph.degrees
        let xc = x.centered
        var dx = [Double](repeating: 0, count: 4)
        for j in 0..<4 { for i in 0..<x.rows { dx[j] += d[i] * x[i, j] / s } }
        var xt = x
        for j in 0..<4 { for i in 0..<x.rows { xt[i, j] -= dx[j] } }
        let expected: [(String, DenseMatrix, DenseMatrix)] = [
            ("X^T L X", stats.laplacian, x.transposeTimes(l * x)),
            ("Sigma", stats.covariance, (1 / n) * xc.transposeTimes(xc)),
            ("Gamma", stats.secondMoment, (1 / n) * x.transposeTimes(x)),
            ("Psi", stats.adjacencyMoment, (1 / s) * x.transposeTimes(g * x)),
            ("S_d", stats.degreeCovariance, (1 / s) * xt.transposeTimes(xt.scalingRows(by: d))),
            ("C_b", stats.degreeCrossCovariance, (1 / s) * xt.transposeTimes(g * xt)),
        ]
        for (name, got, want) in expected {
            let error = maxAbs(got - want) / max(maxAbs(want), 1e-300)
            #expect(error <= 1e-12, "\(name): relative error \(error)")
        }
    }
}
