import EigenpairTestSupport
import ClosedForms
import DenseAlgebra
import Distributed
import Foundation
import PairGraph
import Spectral
import Testing

// docs/math.md section 5, LDA: VICReg's W* on the label graph G_ij = 1/n_c spans the Fisher LDA
// subspace (K = C - 1) exactly; with the plain 0/1 label graph only for balanced classes.

/// Labelled features: class c has `sizes[c]` rows, a random mean and its own anisotropic noise.
func labelledFeatures(sizes: [Int], p: Int, seed: UInt64) -> (x: DenseMatrix, classes: [Int]) {
    var rng = SeededRNG(seed: seed)
    let n = sizes.reduce(0, +)
    var classes: [Int] = []
    for (c, s) in sizes.enumerated() { classes += [Int](repeating: c, count: s) }
    classes.shuffle(using: &rng)
    let means = (0..<sizes.count).map { _ in (0..<p).map { _ in 1.5 * rng.normal() } }
    let mixing = (0..<sizes.count).map { _ in rng.normalMatrix(rows: p, columns: p) }
    var x = DenseMatrix(rows: n, columns: p)
    for i in 0..<n {
        let c = classes[i]
        let e = (0..<p).map { _ in rng.normal() }
        for a in 0..<p {
            var v = means[c][a]
            for b in 0..<p { v += (a == b ? 1 : 0.4) * mixing[c][a, b] * e[b] }
            x[i, a] = v + 0.2 * Double(a)
        }
    }
    return (x, classes)
}

/// Fisher LDA computed here, independently of the library's generalised solver: S_w and S_b from
/// their definitions, S_w = L L^T by a hand-written Cholesky, the symmetric problem
/// L^-1 S_b L^-T v = mu v by dsyevd, w = L^-T v; the top C - 1 directions.
func fisherLDA(_ x: DenseMatrix, classes: [Int], classCount: Int) throws -> DenseMatrix {
    let n = x.rows, p = x.columns
    var mu = [Double](repeating: 0, count: p)
    var classMeans = [[Double]](repeating: [Double](repeating: 0, count: p), count: classCount)
    var counts = [Double](repeating: 0, count: classCount)
    for i in 0..<n {
        counts[classes[i]] += 1
        for a in 0..<p { classMeans[classes[i]][a] += x[i, a]; mu[a] += x[i, a] / Double(n) }
    }
    for c in 0..<classCount { for a in 0..<p { classMeans[c][a] /= counts[c] } }
    var sw = DenseMatrix(rows: p, columns: p), sb = DenseMatrix(rows: p, columns: p)
    for i in 0..<n {
        let m = classMeans[classes[i]]
        for a in 0..<p { for b in 0..<p { sw[a, b] += (x[i, a] - m[a]) * (x[i, b] - m[b]) } }
    }
    for c in 0..<classCount {
        for a in 0..<p { for b in 0..<p { sb[a, b] += counts[c] * (classMeans[c][a] - mu[a]) * (classMeans[c][b] - mu[b]) } }
    }
    // Cholesky S_w = L L^T.
    var l = DenseMatrix(rows: p, columns: p)
    for j in 0..<p {
        var s = sw[j, j]
        for q in 0..<j { s -= l[j, q] * l[j, q] }
        l[j, j] = s.squareRoot()
        for i in (j + 1)..<max(p, j + 1) where i < p {
            var t = sw[i, j]
            for q in 0..<j { t -= l[i, q] * l[j, q] }
            l[i, j] = t / l[j, j]
        }
    }
    // L^-1 M by forward substitution, column by column.
    func forward(_ m: DenseMatrix) -> DenseMatrix {
        var out = m
        for c in 0..<m.columns {
            for i in 0..<p {
                var s = m[i, c]
                for q in 0..<i { s -= l[i, q] * out[q, c] }
                out[i, c] = s / l[i, i]
            }
        }
        return out
    }
    let half = forward(sb)                 // L^-1 S_b
    let sym = forward(half.transposed)     // L^-1 (L^-1 S_b)^T = L^-1 S_b L^-T
    let eigen = try SymmetricEigen(0.5 * (sym + sym.transposed))
    var v = DenseMatrix(rows: p, columns: classCount - 1)
    for j in 0..<(classCount - 1) { v.setColumn(j, eigen.vectors.column(p - 1 - j)) }
    // w = L^-T v by back substitution.
    var w = v
    for c in 0..<v.columns {
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = v[i, c]
            for q in (i + 1)..<max(p, i + 1) where q < p { s -= l[q, i] * w[q, c] }
            w[i, c] = s / l[i, i]
        }
    }
    return w
}

/// Largest principal angle in degrees, from the sine (||(I - Qa Qa^T) Qb||_2), which keeps its
/// accuracy for tiny angles (acos of a cosine near 1 does not).
func largestAngleDegrees(_ a: DenseMatrix, _ b: DenseMatrix) throws -> Double {
    let qa = try a.orthonormalBasis(), qb = try b.orthonormalBasis()
    guard qa.columns == qb.columns else { return 90 }
    let residual = qb - qa * qa.transposeTimes(qb)
    let sine = try SingularValues(residual).values.first ?? 0
    return asin(min(1, sine)) * 180 / Double.pi
}

@Suite(.serialized, .mpiLock) struct LinearLDATests {
    struct Case: Sendable, CustomTestStringConvertible {
        var sizes: [Int]
        var testDescription: String { sizes.map(String.init).joined(separator: "/") }
    }

    static let balanced = Case(sizes: [40, 40, 40, 40])
    static let unbalanced = Case(sizes: [10, 30, 60, 100])

    func labelStatistics(_ x: DenseMatrix, _ classes: [Int], classCount: Int, _ weighting: LabelWeighting) -> LinearStatistics {
        withSolverLock {
            LinearStatistics.labelGraph(features: x, classOfRow: classes, classCount: classCount, weighting: weighting,
                                        communicator: testMPI.single).statistics
        }
    }

    /// span(W*) of VICReg with K = C - 1 on the label graph against Fisher LDA.
    func angle(_ c: Case, _ weighting: LabelWeighting, seed: UInt64) throws -> Double {
        let classCount = c.sizes.count
        let (x, classes) = labelledFeatures(sizes: c.sizes, p: 6, seed: seed)
        let stats = labelStatistics(x, classes, classCount: classCount, weighting)
        // gamma lambda_k < beta keeps every t_k > 0, so W* has K independent columns: lambda_k <= 1
        // with weights 1/n_c (X^T L X = S_w <= S_t), lambda_k <= max n_c with weights 1.
        let gamma = weighting == .inverseSize ? 0.5 : 0.5 / Double(c.sizes.max()!)
        let solution = LinearVICReg.solve(stats, dimension: classCount - 1, hyper: Hyperparameters(gamma: gamma, beta: 1))
        let w = try #require(solution.weights, "\(solution.notes)")
        #expect(solution.rank == classCount - 1)
        return try largestAngleDegrees(w, try fisherLDA(x, classes: classes, classCount: classCount))
    }

    @Test(arguments: [balanced, unbalanced])
    func inverseSizeLabelGraphGivesFisherLDA(_ c: Case) throws {
        for seed in [1, 2, 3] as [UInt64] {
            let degrees = try angle(c, .inverseSize, seed: seed)
            #expect(degrees < 1e-6, "\(c.testDescription) seed \(seed): largest principal angle \(degrees) deg")
            if ProcessInfo.processInfo.environment["EIGENPAIR_TEST_VERBOSE"] != nil {
                print("LDA inverse-size \(c.testDescription) seed \(seed): largest angle \(degrees) deg")
            }
        }
    }

    /// docs/math.md's caveat: the plain 0/1 label graph is LDA only for balanced classes.
    @Test func uniformLabelGraphIsLDAOnlyForBalancedClasses() throws {
        var largest = 0.0
        for seed in [1, 2, 3] as [UInt64] {
            let same = try angle(Self.balanced, .uniform, seed: seed)
            #expect(same < 1e-6, "balanced, uniform weights, seed \(seed): \(same) deg")
            let off = try angle(Self.unbalanced, .uniform, seed: seed)
            largest = max(largest, off)
            #expect(off > 0.05, "unbalanced, uniform weights, seed \(seed): only \(off) deg from LDA")
            if ProcessInfo.processInfo.environment["EIGENPAIR_TEST_VERBOSE"] != nil {
                print("LDA uniform: balanced \(same) deg, unbalanced \(off) deg (seed \(seed))")
            }
        }
        #expect(largest > 0.5, "unbalanced classes with uniform weights stay within \(largest) deg of LDA")
    }

    /// The statistics from class sums equal those of the explicit (dense) label graph.
    @Test(arguments: LabelWeighting.allCases)
    func classSumStatisticsMatchTheExplicitLabelGraph(_ weighting: LabelWeighting) throws {
        let sizes = [5, 8, 12, 1]
        let (x, classes) = labelledFeatures(sizes: sizes, p: 4, seed: 11)
        let n = x.rows
        var edges = TestEdges(n: n)
        for i in 0..<n {
            for j in (i + 1)..<n where classes[i] == classes[j] {
                edges.add(i, j, weighting.weight(classSize: sizes[classes[i]]))
            }
        }
        let graph = try edges.assemble()
        let explicit = withSolverLock { LinearStatistics.graph(singleGraph(graph), features: x) }
        let fromSums = labelStatistics(x, classes, classCount: sizes.count, weighting)
        #expect(abs(explicit.totalWeight - fromSums.totalWeight) <= 1e-12 * explicit.totalWeight)
        #expect(fromSums.nodes == n)
        let pairs: [(String, DenseMatrix, DenseMatrix)] = [
            ("X^T L X", explicit.laplacian, fromSums.laplacian),
            ("Sigma", explicit.covariance, fromSums.covariance),
            ("Gamma", explicit.secondMoment, fromSums.secondMoment),
            ("Psi", explicit.adjacencyMoment, fromSums.adjacencyMoment),
            ("S_d", explicit.degreeCovariance, fromSums.degreeCovariance),
            ("C_b", explicit.degreeCrossCovariance, fromSums.degreeCrossCovariance),
        ]
        for (name, a, b) in pairs {
            let error = maxAbs(a - b) / max(maxAbs(a), 1e-300)
            #expect(error <= 1e-12, "\(weighting.rawValue) \(name): relative difference \(error)")
        }
        // And so do the closed forms and the loss evaluated from the statistics vs over the graph.
        let hyper = Hyperparameters(gamma: 0.5, beta: 1)
        for loss in [LossName.vicreg, .simclr, .barlow] {
            let s = linearSolve(loss, fromSums, k: 2, hyper: hyper)
            guard let w = s.weights else { continue }
            let overGraph = withSolverLock { singleLoss(loss, graph: graph, hyper: hyper).value(x * w) }
            let fromStats = fromSums.loss(loss, weights: w, hyper: hyper)
            #expect(abs(overGraph - fromStats) <= 1e-9 * max(1, abs(overGraph)), "\(weighting.rawValue) \(loss.rawValue)")
            #expect(abs(overGraph - (s.minLoss ?? .nan)) <= 1e-9 * max(1, abs(overGraph)), "\(weighting.rawValue) \(loss.rawValue) min")
        }
    }
}
