import EigenpairTestSupport
import ClosedForms
import DenseAlgebra
import Distributed
import Foundation
import PairGraph
import Spectral
import Testing

/// A loss over the whole graph on one rank: the distributed code with P = 1.
/// With one rank the owned rows are all N rows, so Z and the gradient are whole N x K matrices.
func singleLoss(_ loss: LossName, graph: SparseGraph, hyper: Hyperparameters = Hyperparameters()) -> LossFunction {
    LossFunction(loss, graph: singleGraph(graph), hyper: hyper)
}

/// `count` eigenpairs of `kind` of the whole graph, solved by this process alone (MPI_COMM_SELF),
/// so that every rank of an MPI job holds the same full spectrum.
func wholeSpectrum(_ graph: SparseGraph, kind: RelationOperatorKind, count: Int,
                   denseLimit: Int = MethodChoice().denseLimit) throws -> Spectrum {
    try solveWhole(graph, kind: kind, count: count, method: MethodChoice(denseLimit: denseLimit),
                   communicator: testMPI.single)
}

/// Connected graphs of N = 50..60 for the optimiser checks (docs/math.md section 9).
enum CFFamily: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case erdosRenyi, sbm, knn, augmentation

    var testDescription: String { rawValue }

    func graph() throws -> SparseGraph {
        switch self {
        case .erdosRenyi: return try TestGraphs.erdosRenyi(n: 50, p: 0.12, seed: 21)
        case .sbm: return try TestGraphs.sbm(sizes: [20, 20, 20], pIn: 0.35, pOut: 0.03, seed: 22)
        case .knn: return try TestGraphs.knn(n: 54, k: 5, seed: 23)
        // 10 groups of 5 views with weak cross edges (connected).
        case .augmentation: return try TestGraphs.augmentation(groups: 10, views: 5, cross: 10, seed: 24)
        }
    }
}

/// The operator and number of pairs each closed form consumes (docs/math.md section 7).
func spectrumFor(_ loss: LossName, graph: SparseGraph, k: Int, denseLimit: Int = MethodChoice().denseLimit) throws -> Spectrum {
    switch loss {
    case .vicreg: return try wholeSpectrum(graph, kind: .laplacian, count: k, denseLimit: denseLimit)
    case .simclr: return try wholeSpectrum(graph, kind: .adjacency, count: k, denseLimit: denseLimit)
    case .simclrDegree: return try wholeSpectrum(graph, kind: .normalizedAdjacency, count: k, denseLimit: denseLimit)
    case .barlow: return try wholeSpectrum(graph, kind: .normalizedAdjacency, count: k + 1, denseLimit: denseLimit)
    }
}

/// Collective over `graph.communicator`; `spectrum.vectors` holds the graph's owned rows.
func closedForm(_ loss: LossName, spectrum: Spectrum, graph: DistributedGraph, k: Int, hyper: Hyperparameters) -> ClosedFormSolution {
    switch loss {
    case .vicreg: return VICRegClosedForm.solve(spectrum, graph: graph, dimension: k, hyper: hyper)
    case .simclr: return SimCLRClosedForm.solveUniform(spectrum, graph: graph, dimension: k)
    case .simclrDegree: return SimCLRClosedForm.solveDegree(spectrum, graph: graph, dimension: k)
    case .barlow: return BarlowTwinsClosedForm.solve(spectrum, graph: graph, dimension: k, lambda: hyper.lambda)
    }
}

/// The loss as a function of a flattened (column-major) Z, for the optimiser.
func objective(_ f: LossFunction, rows: Int, columns: Int) -> LBFGS.Objective {
    return { x in
        let (v, g) = f.valueAndGradient(DenseMatrix(rows: rows, columns: columns, columnMajor: x))
        return (v, g.storage)
    }
}

/// Scale-aware stationarity: ||grad|| ||Z|| / max(1, |loss|), dimensionless (the first-order
/// change of the loss under Z -> (1 + eps) Z-sized perturbations, relative to the loss).
func stationarity(_ f: LossFunction, at z: DenseMatrix) -> Double {
    let (v, g) = f.valueAndGradient(z)
    return g.frobeniusNorm * max(z.frobeniusNorm, 1) / max(1, abs(v))
}

/// Central finite differences of every entry against the analytic gradient, at z.
/// Returns ||g_fd - g||_F / max(||g||_F, tiny).
func finiteDifferenceError(_ f: LossFunction, at z: DenseMatrix) -> Double {
    let g = f.valueAndGradient(z).gradient
    var fd = DenseMatrix(rows: z.rows, columns: z.columns)
    for idx in 0..<z.storage.count {
        let h = 1e-5 * max(1, abs(z.storage[idx]))
        var plus = z, minus = z
        plus.storage[idx] += h
        minus.storage[idx] -= h
        fd.storage[idx] = (f.value(plus) - f.value(minus)) / (2 * h)
    }
    return (fd - g).frobeniusNorm / max(g.frobeniusNorm, 1e-300)
}

struct OptimiserOutcome {
    var best: Double
    var bestPoint: DenseMatrix
    var values: [Double]
    var iterations: [Int]
}

/// L-BFGS from `starts` random Gaussian starts with the Frobenius norm `scale`.
func randomStarts(_ f: LossFunction, rows: Int, columns: Int, starts: Int, scale: Double, seed: UInt64,
                  maxIterations: Int = 3000) -> OptimiserOutcome {
    var rng = SeededRNG(seed: seed)
    var values: [Double] = []
    var iterations: [Int] = []
    var bestPoint = DenseMatrix(rows: rows, columns: columns)
    for _ in 0..<starts {
        var z0 = rng.normalMatrix(rows: rows, columns: columns)
        z0 = (scale / z0.frobeniusNorm) * z0
        let r = LBFGS.minimize(z0.storage, maxIterations: maxIterations, objective(f, rows: rows, columns: columns))
        if r.value < (values.min() ?? .infinity) { bestPoint = DenseMatrix(rows: rows, columns: columns, columnMajor: r.x) }
        values.append(r.value)
        iterations.append(r.iterations)
    }
    return OptimiserOutcome(best: values.min() ?? .infinity, bestPoint: bestPoint, values: values, iterations: iterations)
}

/// docs/math.md section 9 ("How we test"), checks (b), (c), (d) at once:
/// loss(Z*) equals the closed-form minimum, the gradient vanishes there, and L-BFGS from random
/// starts never goes lower (and, where the landscape allows, gets there).
@discardableResult
func expectOptimal(_ solution: ClosedFormSolution, loss f: LossFunction, starts: Int, seed: UInt64,
                   mustReach: Bool = true, label: String) -> OptimiserOutcome? {
    guard let z = solution.embedding, let minLoss = solution.minLoss else {
        Issue.record("\(label): no closed form returned (\(solution.notes))")
        return nil
    }
    let scaleOfLoss = max(1, abs(minLoss))
    let atZ = f.value(z)
    #expect(abs(atZ - minLoss) <= 1e-9 * scaleOfLoss,
            "\(label): loss(Z*) = \(atZ) but the closed form says \(minLoss)")
    let stat = stationarity(f, at: z)
    #expect(stat <= 1e-8, "\(label): gradient at Z* is not zero (scaled norm \(stat))")

    let outcome = randomStarts(f, rows: z.rows, columns: z.columns, starts: starts,
                               scale: max(z.frobeniusNorm, 1), seed: seed)
    #expect(outcome.best >= atZ - 1e-9 * scaleOfLoss,
            "\(label): L-BFGS found \(outcome.best) < loss(Z*) = \(atZ) (all runs: \(outcome.values))")
    if ProcessInfo.processInfo.environment["EIGENPAIR_TEST_VERBOSE"] != nil {
        print(String(format: "%@: loss(Z*) %.12g, closed form %.12g, scaled gradient %.2e, L-BFGS best - loss(Z*) = %.2e, iterations %@",
                     label, atZ, minLoss, stat, outcome.best - atZ, outcome.iterations.description))
    }
    if mustReach {
        #expect(outcome.best <= atZ + 1e-6 * scaleOfLoss,
                "\(label): best L-BFGS run \(outcome.best) did not reach loss(Z*) = \(atZ) (runs \(outcome.values), iterations \(outcome.iterations))")
    }
    return outcome
}
