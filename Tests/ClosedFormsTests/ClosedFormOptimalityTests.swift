import EigenpairTestSupport
import ClosedForms
import DenseAlgebra
import Foundation
import PairGraph
import Spectral
import Testing

/// (a) Analytic gradients against central finite differences at random Z.
@Suite(.serialized, .mpiLock) struct GradientTests {
    @Test(arguments: CFFamily.allCases)
    func gradientsMatchFiniteDifferences(_ family: CFFamily) throws {
        let graph = try family.graph()
        var rng = SeededRNG(seed: 31)
        let settings: [(LossName, Hyperparameters)] = [
            (.vicreg, Hyperparameters(gamma: 0.7, beta: 1.3)),
            (.simclr, Hyperparameters()),
            (.simclrDegree, Hyperparameters()),
            (.barlow, Hyperparameters(lambda: 1)),
            (.barlow, Hyperparameters(lambda: 0.3)),
        ]
        for (loss, hyper) in settings {
            let f = singleLoss(loss, graph: graph, hyper: hyper)
            for k in [2, 4] {
                let z = rng.normalMatrix(rows: graph.nodeCount, columns: k)
                let error = finiteDifferenceError(f, at: z)
                #expect(error <= 1e-6, "\(family) \(loss.rawValue) lambda=\(hyper.lambda) K=\(k): relative gradient error \(error)")
            }
        }
    }

    /// The values themselves, against direct evaluations of docs/math.md's formulas with dense G.
    @Test func lossValuesMatchTheDefinitions() throws {
        let graph = try CFFamily.knn.graph()
        let n = graph.nodeCount
        let g = DenseReference.operatorMatrix(graph, kind: .adjacency)
        let s = graph.totalWeight
        let d = graph.degrees
        var rng = SeededRNG(seed: 32)
        let z = rng.normalMatrix(rows: n, columns: 3)
        func row(_ i: Int) -> [Double] { (0..<3).map { z[i, $0] } }

        // VICReg: beta ||Cov - I||^2 + (gamma/N) sum_ij G_ij ||z_i - z_j||^2.
        let hyper = Hyperparameters(gamma: 0.8, beta: 1.7)
        let hz = z.centered
        let cov = (1 / Double(n)) * hz.transposeTimes(hz)
        var pairSum = 0.0
        for i in 0..<n { for j in 0..<n where g[i, j] != 0 {
            let diff = zip(row(i), row(j)).map { $0 - $1 }
            pairSum += g[i, j] * dot(diff, diff)
        } }
        let vicreg = hyper.beta * pow((cov - DenseMatrix.identity(3)).frobeniusNorm, 2) + hyper.gamma / Double(n) * pairSum
        let vAt = singleLoss(.vicreg, graph: graph, hyper: hyper).value(z)
        #expect(abs(vAt - vicreg) <= 1e-10 * abs(vicreg), "VICReg: \(vAt) vs \(vicreg)")

        // SimCLR uniform and degree-weighted.
        var attract = 0.0, uniform = 0.0, weighted = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let ip = dot(row(i), row(j))
                attract += g[i, j] * ip
                uniform += ip * ip / Double(n * n)
                weighted += d[i] * d[j] / (s * s) * ip * ip
            }
        }
        let simclr = -2 / s * attract + uniform
        let simclrDegree = -2 / s * attract + weighted
        let sAt = singleLoss(.simclr, graph: graph).value(z)
        let dAt = singleLoss(.simclrDegree, graph: graph).value(z)
        #expect(abs(sAt - simclr) <= 1e-10 * max(1, abs(simclr)), "SimCLR: \(sAt) vs \(simclr)")
        #expect(abs(dAt - simclrDegree) <= 1e-10 * max(1, abs(simclrDegree)), "SimCLR-degree: \(dAt) vs \(simclrDegree)")

        // BarlowTwins: degree-weighted standardisation, C = Q^T A_n Q with Q = D^{1/2} Z_std / sqrt(S).
        let lambda = 0.4
        var q = DenseMatrix(rows: n, columns: 3)
        for c in 0..<3 {
            var mean = 0.0
            for i in 0..<n { mean += d[i] / s * z[i, c] }
            var variance = 0.0
            for i in 0..<n { variance += d[i] / s * (z[i, c] - mean) * (z[i, c] - mean) }
            for i in 0..<n { q[i, c] = d[i].squareRoot() * (z[i, c] - mean) / variance.squareRoot() / s.squareRoot() }
        }
        let corr = q.transposeTimes(DenseReference.operatorMatrix(graph, kind: .normalizedAdjacency) * q)
        var barlow = 0.0
        for a in 0..<3 { for b in 0..<3 { barlow += a == b ? pow(1 - corr[a, a], 2) : lambda * corr[a, b] * corr[a, b] } }
        let bAt = singleLoss(.barlow, graph: graph, hyper: Hyperparameters(lambda: lambda)).value(z)
        #expect(abs(bAt - barlow) <= 1e-10 * max(1, abs(barlow)), "Barlow: \(bAt) vs \(barlow)")
    }
}

/// VICReg (square variance): t_k = max(0, 1 - gamma lambda_k / beta).
@Suite(.serialized, .mpiLock) struct VICRegClosedFormTests {
    enum Mode: CustomStringConvertible {
        /// gamma = beta / (4 lambda_K): every t_k in [3/4, 1).
        case fullRank
        /// beta/gamma halfway between lambda_{K-2} and lambda_{K-1}: t_{K-1} = t_K = 0.
        case threshold
        case fixed(gamma: Double, beta: Double)

        var description: String {
            switch self {
            case .fullRank: return "full rank"
            case .threshold: return "threshold"
            case .fixed(let g, let b): return "gamma=\(g) beta=\(b)"
            }
        }
    }

    @Test(arguments: CFFamily.allCases)
    func closedFormIsOptimal(_ family: CFFamily) throws {
        let graph = try family.graph()
        let n = graph.nodeCount
        let lambdas = try DenseReference.spectrum(graph, kind: .laplacian).values
        let settings: [(Int, Mode)] = [(3, .fullRank), (5, .threshold), (4, .fixed(gamma: 1, beta: 2))]
        for (index, (k, mode)) in settings.enumerated() {
            var hyper = Hyperparameters()
            switch mode {
            case .fullRank: hyper = Hyperparameters(gamma: 1 / (4 * lambdas[k - 1]), beta: 1)
            case .threshold: hyper = Hyperparameters(gamma: 2 / (lambdas[k - 3] + lambdas[k - 2]), beta: 1)
            case .fixed(let g, let b): hyper = Hyperparameters(gamma: g, beta: b)
            }
            let label = "VICReg \(family) K=\(k) \(mode)"
            let spectrum = try spectrumFor(.vicreg, graph: graph, k: k)
            let solution = VICRegClosedForm.solve(spectrum, nodes: n, dimension: k, hyper: hyper)
            guard let z = solution.embedding, let minLoss = solution.minLoss else {
                Issue.record("\(label): no closed form")
                continue
            }

            // The minimum from the dense LAPACK eigenvalues, by docs/math.md's formula.
            let t = (0..<k).map { max(0, 1 - hyper.gamma * lambdas[$0] / hyper.beta) }
            let formula = (0..<k).reduce(0.0) { $0 + hyper.beta * pow(1 - t[$1], 2) + 2 * hyper.gamma * t[$1] * lambdas[$1] }
            #expect(abs(minLoss - formula) <= 1e-9 * max(1, abs(formula)), "\(label): minLoss \(minLoss), formula \(formula)")
            for j in 0..<k { #expect(abs(solution.scales[j] - t[j]) <= 1e-9) }

            // Rank = #{lambda_k < beta/gamma}.
            let expectedRank = (0..<k).filter { lambdas[$0] < hyper.beta / hyper.gamma }.count
            #expect(solution.rank == expectedRank, "\(label): rank \(solution.rank), want \(expectedRank)")
            #expect(try z.centered.numericalRank() == expectedRank)
            switch mode {
            case .fullRank: #expect(expectedRank == k)
            case .threshold: #expect(expectedRank == k - 2)
            case .fixed: break
            }
            // Cov(Z*) = diag(t) for the canonical R = I.
            let cov = (1 / Double(n)) * z.centered.transposeTimes(z.centered)
            var diagT = DenseMatrix(rows: k, columns: k)
            for j in 0..<k { diagT[j, j] = t[j] }
            #expect(maxAbs(cov - diagT) <= 1e-10, "\(label): Cov(Z*) is not diag(t)")

            expectOptimal(solution, loss: singleLoss(.vicreg, graph: graph, hyper: hyper),
                          starts: k >= 5 ? 6 : 10, seed: 100 + UInt64(index), label: label)
        }
    }
}

/// SimCLR, spectral-contrastive form, uniform and degree-weighted negatives.
@Suite(.serialized, .mpiLock) struct SimCLRClosedFormTests {
    @Test(arguments: CFFamily.allCases)
    func uniformNegativesClosedFormIsOptimal(_ family: CFFamily) throws {
        let graph = try family.graph()
        let n = Double(graph.nodeCount), s = graph.totalWeight
        let mu = try DenseReference.spectrum(graph, kind: .adjacency).values
        for k in [3, 5] {
            let label = "SimCLR uniform \(family) K=\(k)"
            let spectrum = try spectrumFor(.simclr, graph: graph, k: k)
            let solution = SimCLRClosedForm.solveUniform(spectrum, nodes: graph.nodeCount, totalWeight: s, dimension: k)
            let formula = -(n * n) / (s * s) * mu.prefix(k).reduce(0.0) { $0 + pow(max(0, $1), 2) }
            #expect(solution.minLoss.map { abs($0 - formula) <= 1e-9 * max(1, abs(formula)) } == true,
                    "\(label): minLoss \(String(describing: solution.minLoss)), formula \(formula)")
            let positive = min(k, mu.filter { $0 > 0 }.count)
            #expect(solution.rank == positive)
            if let z = solution.embedding { #expect(try z.numericalRank() == positive) }
            expectOptimal(solution, loss: singleLoss(.simclr, graph: graph), starts: k >= 5 ? 6 : 10,
                          seed: 200 + UInt64(k), label: label)
        }
    }

    @Test(arguments: CFFamily.allCases)
    func degreeWeightedClosedFormIsOptimal(_ family: CFFamily) throws {
        let graph = try family.graph()
        let mu = try DenseReference.spectrum(graph, kind: .normalizedAdjacency).values
        for k in [3, 5] {
            let label = "SimCLR degree \(family) K=\(k)"
            let spectrum = try spectrumFor(.simclrDegree, graph: graph, k: k)
            let solution = SimCLRClosedForm.solveDegree(spectrum, graph: singleGraph(graph), dimension: k)
            let formula = -mu.prefix(k).reduce(0.0) { $0 + pow(max(0, $1), 2) }
            #expect(solution.minLoss.map { abs($0 - formula) <= 1e-9 * max(1, abs(formula)) } == true,
                    "\(label): minLoss \(String(describing: solution.minLoss)), formula \(formula)")
            // The trivial pair (1, D^{1/2}1/sqrt(S)) gives one constant column (all ones).
            if let z = solution.embedding {
                let column = z.column(0)
                #expect(column.allSatisfy { abs($0 - 1) <= 1e-12 }, "\(label): column 0 is not the constant 1")
                #expect(try z.numericalRank() == min(k, mu.filter { $0 > 0 }.count))
            }
            expectOptimal(solution, loss: singleLoss(.simclrDegree, graph: graph), starts: k >= 5 ? 6 : 10,
                          seed: 300 + UInt64(k), label: label)
        }
    }

    /// rank(Z*) is the number of POSITIVE eigenvalues of G: on n disjoint cliques of V views G has
    /// full rank N but only n positive eigenvalues (V - 1), so rank(Z*) = n for K > n.
    @Test func rankIsCappedByThePositiveSpectrumOfG() throws {
        let groups = 5, views = 6
        let graph = try TestGraphs.augmentation(groups: groups, views: views, cross: 0, seed: 1)
        let k = 7
        let mu = try DenseReference.spectrum(graph, kind: .adjacency).values
        #expect(mu.filter { $0 > 1e-9 }.count == groups)
        let spectrum = try spectrumFor(.simclr, graph: graph, k: k)
        let solution = SimCLRClosedForm.solveUniform(spectrum, nodes: graph.nodeCount, totalWeight: graph.totalWeight, dimension: k)
        #expect(solution.rank == groups)
        if let z = solution.embedding { #expect(try z.numericalRank() == groups) }
        expectOptimal(solution, loss: singleLoss(.simclr, graph: graph), starts: 6, seed: 400, label: "SimCLR on cliques K=7")
        // K = 3 < 5 copies of V - 1: the tied eigenspace is cut at K, Z* is not unique.
        let tied = SimCLRClosedForm.solveUniform(try spectrumFor(.simclr, graph: graph, k: 3), nodes: graph.nodeCount,
                                                 totalWeight: graph.totalWeight, dimension: 3)
        #expect(!tied.unique)
        #expect(solution.unique)
    }
}

/// Closed forms built from Lanczos spectra (denseLimit 8 forces PARPACK on an N = 80 graph) are
/// as optimal as those from dense LAPACK.
@Suite(.serialized, .mpiLock) struct LanczosSpectraTests {
    @Test func closedFormsFromLanczosSpectra() throws {
        let graph = try TestGraphs.erdosRenyi(n: 80, p: 0.08, seed: 41)
        let k = 3
        let hyper = Hyperparameters(gamma: 0.3, beta: 1, lambda: 1)
        for loss in LossName.allCases {
            let lanczos = try spectrumFor(loss, graph: graph, k: k, denseLimit: 8)
            let dense = try spectrumFor(loss, graph: graph, k: k)
            #expect(lanczos.count(from: .lanczos) > 0 && dense.count(from: .lanczos) == 0)
            let a = closedForm(loss, spectrum: lanczos, graph: singleGraph(graph), k: k, hyper: hyper)
            let b = closedForm(loss, spectrum: dense, graph: singleGraph(graph), k: k, hyper: hyper)
            guard let z = a.embedding, let m = a.minLoss, let mDense = b.minLoss else {
                Issue.record("\(loss.rawValue): no closed form")
                continue
            }
            let f = singleLoss(loss, graph: graph, hyper: hyper)
            #expect(abs(m - mDense) <= 1e-9 * max(1, abs(m)), "\(loss.rawValue): Lanczos \(m) vs dense \(mDense)")
            #expect(abs(f.value(z) - m) <= 1e-9 * max(1, abs(m)), "\(loss.rawValue): loss(Z*) \(f.value(z)) vs \(m)")
            let stat = stationarity(f, at: z)
            #expect(stat <= 1e-8, "\(loss.rawValue): scaled gradient \(stat) at the Lanczos Z*")
        }
    }
}
