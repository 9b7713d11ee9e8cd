import EigenpairTestSupport
import ClosedForms
import DenseAlgebra
import Foundation
import PairGraph
import Spectral
import Testing

@Suite(.serialized, .mpiLock) struct BarlowTwinsClosedFormTests {
    /// docs/math.md 4a: mu = (0.9, 0.5): naive 0.26, optimum 0.2358.
    @Test func waterLevelsOfTheWorkedExample() {
        let (y, nu) = BarlowTwinsClosedForm.waterLevels([0.9, 0.5])
        let optimum = y.reduce(0.0) { $0 + (1 - $1) * (1 - $1) }
        #expect((optimum * 10_000).rounded() / 10_000 == 0.2358, "optimum \(optimum)")
        let naive: Double = 0.1 * 0.1 + 0.5 * 0.5
        #expect(optimum < naive)
        #expect(nu > 0)
        #expect(abs(y[0] / 0.9 + y[1] / 0.5 - 2) <= 1e-14)
    }

    /// y_k = max(0, 1 - nu/(2 mu_k)), nu >= 0, sum y_k/mu_k = K, for random descending mu in (0, 1]
    /// (some of which switch directions off), and nu = 0, y = 1 when every mu_k = 1.
    @Test func waterLevelsSatisfyTheirDefinition() {
        var rng = SeededRNG(seed: 51)
        var sawZeroLevel = false
        for trial in 0..<200 {
            let k = 1 + trial % 6
            let mu = (0..<k).map { _ in pow(rng.uniform(0.01, 1), 1 + 2 * rng.uniform()) }.sorted(by: >)
            let (y, nu) = BarlowTwinsClosedForm.waterLevels(mu)
            #expect(nu >= 0)
            #expect(y.count == k)
            for j in 0..<k {
                #expect(abs(y[j] - max(0, 1 - nu / (2 * mu[j]))) <= 1e-12, "mu \(mu): y \(y), nu \(nu)")
            }
            let budget = zip(y, mu).reduce(0.0) { $0 + $1.0 / $1.1 }
            #expect(abs(budget - Double(k)) <= 1e-10 * Double(k), "mu \(mu): sum y/mu = \(budget)")
            if y.contains(0) { sawZeroLevel = true }
        }
        #expect(sawZeroLevel, "no random case switched a direction off")
        let (y1, nu1) = BarlowTwinsClosedForm.waterLevels([1, 1, 1])
        #expect(nu1 == 0 && y1 == [1, 1, 1])
    }

    /// R orthogonal and diag(R^T diag(a) R) = 1 for a >= 0 with sum a = K.
    @Test func schurHornRotation() {
        var rng = SeededRNG(seed: 52)
        var cases: [[Double]] = [[2, 0], [1, 1, 1], [3, 0, 0], [0.5, 1.5, 1, 1]]
        for trial in 0..<60 {
            let k = 2 + trial % 7
            var a = (0..<k).map { _ in rng.uniform() < 0.2 ? 0 : rng.uniform(0, 3) }
            if a.allSatisfy({ $0 == 0 }) { a[0] = 1 }
            let total = a.reduce(0, +)
            cases.append(a.map { $0 * Double(k) / total })
        }
        for a in cases {
            let k = a.count
            let r = SchurHorn.unitDiagonalRotation(a)
            #expect(r.rows == k && r.columns == k)
            #expect(orthonormalityError(r) <= 1e-12, "a = \(a): R is not orthogonal")
            #expect(maxAbs(r * r.transposed - DenseMatrix.identity(k)) <= 1e-12)
            var da = DenseMatrix(rows: k, columns: k)
            for i in 0..<k { da[i, i] = a[i] }
            let m = r.transposeTimes(da * r)
            for i in 0..<k { #expect(abs(m[i, i] - 1) <= 1e-12, "a = \(a): diagonal entry \(i) is \(m[i, i])") }
        }
    }

    /// lambda = 1: water-filling on the eigenvalues of A_n off the trivial vector.
    @Test(arguments: CFFamily.allCases)
    func waterFillingIsOptimal(_ family: CFFamily) throws {
        let graph = try family.graph()
        let mu = Array(try DenseReference.spectrum(graph, kind: .normalizedAdjacency).values.dropFirst())
        for k in [2, 3] {
            let label = "Barlow lambda=1 \(family) K=\(k)"
            #expect(mu.prefix(k).allSatisfy { $0 > 0 }, "\(label): K exceeds the positive spectrum")
            let spectrum = try spectrumFor(.barlow, graph: graph, k: k)
            let solution = BarlowTwinsClosedForm.solve(spectrum, graph: singleGraph(graph), dimension: k, lambda: 1)
            let (y, _) = BarlowTwinsClosedForm.waterLevels(Array(mu.prefix(k)))
            let formula = y.reduce(0.0) { $0 + (1 - $1) * (1 - $1) }
            #expect(solution.minLoss.map { abs($0 - formula) <= 1e-9 } == true,
                    "\(label): minLoss \(String(describing: solution.minLoss)), water-filling on dense mu \(formula)")
            #expect(solution.rank == y.filter { $0 > 0 }.count)
            expectOptimal(solution, loss: singleLoss(.barlow, graph: graph, hyper: Hyperparameters(lambda: 1)),
                          starts: 10, seed: 500 + UInt64(k), label: label)
        }
    }

    /// The naive answer (columns = top-K nontrivial eigenvectors, loss sum (1 - mu_k)^2) is a
    /// stationary point with a strictly higher loss than Z*.
    @Test func naiveEigenvectorEmbeddingIsWorse() throws {
        let graph = try CFFamily.sbm.graph()
        let k = 3
        let spectrum = try spectrumFor(.barlow, graph: graph, k: k)
        let f = singleLoss(.barlow, graph: graph, hyper: Hyperparameters(lambda: 1))
        let s = graph.totalWeight
        let naive = spectrum.vectors.columns(1..<(k + 1))
            .scalingRows(by: graph.degrees.map { $0 > 0 ? (s / $0).squareRoot() : 0 })
        let mu = Array(spectrum.values[1...k])
        let naiveFormula = mu.reduce(0.0) { $0 + (1 - $1) * (1 - $1) }
        #expect(abs(f.value(naive) - naiveFormula) <= 1e-10, "naive loss \(f.value(naive)) vs sum (1 - mu)^2 = \(naiveFormula)")
        #expect(stationarity(f, at: naive) <= 1e-8, "the naive embedding should be a stationary point")
        let solution = BarlowTwinsClosedForm.solve(spectrum, graph: singleGraph(graph), dimension: k, lambda: 1)
        guard let z = solution.embedding else {
            Issue.record("no closed form")
            return
        }
        #expect(f.value(naive) > f.value(z) + 1e-4, "naive \(f.value(naive)) is not worse than Z* \(f.value(z))")
        // Z*'s columns are not orthogonal (C* is not diagonal) when the mu_k differ.
        let q = z.scalingRows(by: graph.degrees.map { ($0 / s).squareRoot() })
        let gram = q.transposeTimes(q)
        #expect((0..<k).allSatisfy { abs(gram[$0, $0] - 1) <= 1e-10 }, "columns of Q* must have unit norm")
        var offDiagonal = 0.0
        for a in 0..<k { for b in 0..<k where a != b { offDiagonal = max(offDiagonal, abs(gram[a, b])) } }
        #expect(offDiagonal > 1e-3)
    }

    /// docs/math.md 4b: on n disjoint cliques of V views, 0 < lambda < 1, K >= m = n - 1:
    /// min loss = lambda K (K - m) / (m + lambda (K - m)), every minimiser has rank m; K <= m: loss 0.
    @Test(arguments: [(6, 0.5), (7, 0.2), (3, 0.5), (4, 0.3)])
    func collapseOnAugmentationGraphs(_ k: Int, _ lambda: Double) throws {
        let groups = 5, views = 6
        let m = groups - 1
        let graph = try TestGraphs.augmentation(groups: groups, views: views, cross: 0, seed: 2)
        let label = "Barlow lambda=\(lambda) on \(groups)x\(views) cliques, K=\(k)"
        let spectrum = try wholeSpectrum(graph, kind: .normalizedAdjacency, count: k + 1)
        let solution = BarlowTwinsClosedForm.solve(spectrum, graph: singleGraph(graph), dimension: k, lambda: lambda)
        guard let z = solution.embedding, let minLoss = solution.minLoss else {
            Issue.record("\(label): no closed form (\(solution.notes))")
            return
        }
        let expected = k > m ? lambda * Double(k) * Double(k - m) / (Double(m) + lambda * Double(k - m)) : 0
        #expect(abs(minLoss - expected) <= 1e-12, "\(label): minLoss \(minLoss), want \(expected)")
        #expect(solution.rank == min(k, m))
        let rank = try z.numericalRank()
        #expect(rank == min(k, m), "\(label): numerical rank \(rank)")
        let f = singleLoss(.barlow, graph: graph, hyper: Hyperparameters(lambda: lambda))
        guard let outcome = expectOptimal(solution, loss: f, starts: k > m ? 6 : 4, seed: 600 + UInt64(k), label: label) else { return }
        // Every minimiser collapses: the best L-BFGS point (reached to ~1e-15 in the loss) also has
        // rank m once its degree-weighted column means are removed (the loss ignores them).
        let zb = outcome.bestPoint
        var centred = zb
        for c in 0..<k {
            var mean = 0.0
            for i in 0..<zb.rows { mean += graph.degrees[i] / graph.totalWeight * zb[i, c] }
            for i in 0..<zb.rows { centred[i, c] -= mean }
        }
        let found = try centred.scalingColumns(by: (0..<k).map { 1 / max(centred.columns($0..<($0 + 1)).frobeniusNorm, 1e-300) })
            .numericalRank(relativeTolerance: 1e-5)
        #expect(found == min(k, m), "\(label): the best L-BFGS minimiser has rank \(found), want \(min(k, m))")
    }

    /// lambda < 1 away from augmentation graphs: no closed form is claimed.
    @Test func noClosedFormForSmallLambdaOnGeneralGraphs() throws {
        let graph = try CFFamily.sbm.graph()
        let spectrum = try spectrumFor(.barlow, graph: graph, k: 3)
        let solution = BarlowTwinsClosedForm.solve(spectrum, graph: singleGraph(graph), dimension: 3, lambda: 0.005)
        #expect(solution.embedding == nil && solution.minLoss == nil)
        #expect(!solution.notes.isEmpty)
    }
}
