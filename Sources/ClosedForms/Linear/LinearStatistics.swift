import DenseAlgebra
import Distributed
import PairGraph
import Spectral

/// The P x P statistics of features X (N x P) on a pair graph that every linear closed form
/// (docs/math.md section 5, Z = X W) is a function of:
///
/// - Sigma = X^T H X / N (covariance, uniform centring), mean = 1^T X / N;
/// - X^T L X (L = D - G; centring-invariant, since L 1 = 0);
/// - Gamma = X^T X / N (uncentred second moment, SimCLR's uniform negatives) = Sigma + mean mean^T;
/// - Psi = X^T G X / S;
/// - the degree-weighted moments of BarlowTwins: m = d^T X / S, Xt = X - 1 m^T,
///   S_d = Xt^T D Xt / S and C_b = Xt^T G Xt / S (so M_b = S_d^-1/2 C_b S_d^-1/2); also
///   X^T G X = Xt^T G Xt + S m m^T exactly (d^T Xt = 0), which is how Psi is formed.
///
/// Two sources, both collective, both reading only this rank's rows of X:
/// - `graph(_:features:)`: a distributed sparse graph; G Xt comes from one distributed
///   sparse-dense product (`OperatorProducts.apply`), every sum over rows is a local partial plus
///   one all-reduce (two rounds: the means, then the centred products).
/// - `labelGraph(...)`: the label graph G_ij = w_c for i != j in class c (w_c = 1/n_c, or 1),
///   never materialised (its blocks are dense): with class sums s_c of Xt,
///   Xt^T G Xt = sum_c w_c s_c s_c^T - sum_i w_c(i) xt_i xt_i^T and d_i = w_c (n_c - 1), so
///   one all-reduce of counts, column sums and class sums (C + P + C P values) and one of three
///   P x P matrices suffice, at any N.
public struct LinearStatistics: Sendable {
    /// N.
    public var nodes: Int
    /// P.
    public var features: Int
    /// S = 1^T G 1.
    public var totalWeight: Double
    /// 1^T X / N.
    public var mean: [Double]
    /// d^T X / S (zero when S = 0).
    public var degreeMean: [Double]
    /// Sigma = X^T H X / N.
    public var covariance: DenseMatrix
    /// X^T L X.
    public var laplacian: DenseMatrix
    /// S_d = Xt^T D Xt / S.
    public var degreeCovariance: DenseMatrix
    /// C_b = Xt^T G Xt / S.
    public var degreeCrossCovariance: DenseMatrix

    public init(nodes: Int, features: Int, totalWeight: Double, mean: [Double], degreeMean: [Double],
                covariance: DenseMatrix, laplacian: DenseMatrix, degreeCovariance: DenseMatrix,
                degreeCrossCovariance: DenseMatrix) {
        self.nodes = nodes
        self.features = features
        self.totalWeight = totalWeight
        self.mean = mean
        self.degreeMean = degreeMean
        self.covariance = covariance
        self.laplacian = laplacian
        self.degreeCovariance = degreeCovariance
        self.degreeCrossCovariance = degreeCrossCovariance
    }

    /// Gamma = X^T X / N = Sigma + mean mean^T.
    public var secondMoment: DenseMatrix { covariance + Self.outer(mean, mean) }

    /// Psi = X^T G X / S = C_b + m m^T.
    public var adjacencyMoment: DenseMatrix { degreeCrossCovariance + Self.outer(degreeMean, degreeMean) }

    static func outer(_ a: [Double], _ b: [Double]) -> DenseMatrix {
        var m = DenseMatrix(rows: a.count, columns: b.count)
        for j in 0..<b.count { for i in 0..<a.count { m[i, j] = a[i] * b[j] } }
        return m
    }

    /// Rows of `x` with `shift` subtracted from every row.
    static func shifted(_ x: DenseMatrix, by shift: [Double]) -> DenseMatrix {
        var out = x
        for j in 0..<x.columns { for i in 0..<x.rows { out[i, j] -= shift[j] } }
        return out
    }

    /// Sum over rows of weight_i x_i x_i^T (x local, P columns).
    static func weightedGram(_ x: DenseMatrix, weights: [Double]) -> DenseMatrix {
        x.transposeTimes(x.scalingRows(by: weights))
    }

    /// Collective: element-wise sums over ranks of several P x P matrices in one all-reduce.
    static func allreduce(_ matrices: [DenseMatrix], communicator: Communicator) -> [DenseMatrix] {
        var buffer = matrices.flatMap(\.storage)
        communicator.allreduceSum(&buffer)
        var out: [DenseMatrix] = []
        var at = 0
        for m in matrices {
            out.append(DenseMatrix(rows: m.rows, columns: m.columns, columnMajor: Array(buffer[at..<(at + m.storage.count)])))
            at += m.storage.count
        }
        return out
    }

    /// Collective over `graph.communicator`. `x`: this rank's rows of X (`graph.localRowCount` x P,
    /// rows in the graph's row order).
    public static func graph(_ graph: DistributedGraph, features x: DenseMatrix) -> LinearStatistics {
        let c = graph.communicator
        let n = graph.nodeCount, p = x.columns
        precondition(x.rows == graph.localRowCount, "\(x.rows) feature rows for a block of \(graph.localRowCount)")
        // Round 1: 1^T X and d^T X.
        var sums = [Double](repeating: 0, count: 2 * p)
        for j in 0..<p {
            for i in 0..<x.rows {
                sums[j] += x[i, j]
                sums[p + j] += graph.degrees[i] * x[i, j]
            }
        }
        c.allreduceSum(&sums)
        let s = graph.totalWeight
        let mean = sums[..<p].map { $0 / Double(n) }
        let degreeMean = sums[p...].map { s > 0 ? $0 / s : 0 }
        // Round 2: the centred products, G Xt by one distributed product.
        let xh = shifted(x, by: mean), xt = shifted(x, by: degreeMean)
        let gxt = OperatorProducts.apply(graph, kind: .adjacency, to: xt)
        let reduced = allreduce([xh.transposeTimes(xh), weightedGram(xt, weights: graph.degrees), xt.transposeTimes(gxt)],
                                communicator: c)
        return assemble(nodes: n, features: p, totalWeight: s, mean: mean, degreeMean: degreeMean,
                        centredGram: reduced[0], degreeGram: reduced[1], crossGram: reduced[2])
    }

    /// Sigma, X^T L X, S_d and C_b from N Sigma, Xt^T D Xt and Xt^T G Xt.
    static func assemble(nodes n: Int, features p: Int, totalWeight s: Double, mean: [Double], degreeMean: [Double],
                         centredGram: DenseMatrix, degreeGram: DenseMatrix, crossGram: DenseMatrix) -> LinearStatistics {
        let inverseS = s > 0 ? 1 / s : 0
        return LinearStatistics(nodes: n, features: p, totalWeight: s, mean: mean, degreeMean: degreeMean,
                                covariance: (1 / Double(max(n, 1))) * centredGram,
                                laplacian: symmetrised(degreeGram - crossGram),
                                degreeCovariance: inverseS * degreeGram, degreeCrossCovariance: inverseS * crossGram)
    }

    static func symmetrised(_ m: DenseMatrix) -> DenseMatrix { 0.5 * (m + m.transposed) }

    /// Collective over `communicator`. The label graph (never materialised).
    /// - Parameters:
    ///   - x: this rank's rows of X (labelled nodes, P columns).
    ///   - classOfRow: class index (0..<classCount) of each local row.
    ///   - weighting: w_c = 1/n_c (`inverseSize`, Fisher LDA) or 1 (`uniform`, the plain 0/1 label graph).
    /// - Returns: the statistics and the class sizes n_c.
    public static func labelGraph(features x: DenseMatrix, classOfRow: [Int], classCount: Int,
                                  weighting: LabelWeighting, communicator c: Communicator)
        -> (statistics: LinearStatistics, classSizes: [Int]) {
        precondition(classOfRow.count == x.rows)
        let p = x.columns, k = classCount
        // Round 1: counts, column sums, class sums (k + p + k p values).
        var buffer = [Double](repeating: 0, count: k + p + k * p)
        for i in 0..<x.rows {
            let cls = classOfRow[i]
            buffer[cls] += 1
            for j in 0..<p {
                buffer[k + j] += x[i, j]
                buffer[k + p + cls * p + j] += x[i, j]
            }
        }
        c.allreduceSum(&buffer)
        let sizes = buffer[..<k].map { Int($0.rounded()) }
        let n = sizes.reduce(0, +)
        let w = sizes.map { weighting.weight(classSize: $0) }
        let degreeOfClass = (0..<k).map { w[$0] * Double(max(sizes[$0] - 1, 0)) }
        let s = (0..<k).reduce(0.0) { $0 + degreeOfClass[$1] * Double(sizes[$1]) }
        let mean = (0..<p).map { buffer[k + $0] / Double(max(n, 1)) }
        var dx = [Double](repeating: 0, count: p)
        for cls in 0..<k { for j in 0..<p { dx[j] += degreeOfClass[cls] * buffer[k + p + cls * p + j] } }
        let degreeMean = dx.map { s > 0 ? $0 / s : 0 }
        // Round 2: N Sigma, Xt^T D Xt, sum_i w_c(i) xt_i xt_i^T.
        let xh = shifted(x, by: mean), xt = shifted(x, by: degreeMean)
        let rowDegree = classOfRow.map { degreeOfClass[$0] }
        let rowWeight = classOfRow.map { w[$0] }
        let reduced = allreduce([xh.transposeTimes(xh), weightedGram(xt, weights: rowDegree), weightedGram(xt, weights: rowWeight)],
                                communicator: c)
        // Xt^T G Xt = sum_c w_c st_c st_c^T - sum_i w_i xt_i xt_i^T, st_c = s_c - n_c m.
        var cross = DenseMatrix(rows: p, columns: p)
        for cls in 0..<k where sizes[cls] > 0 {
            let st = (0..<p).map { buffer[k + p + cls * p + $0] - Double(sizes[cls]) * degreeMean[$0] }
            for b in 0..<p { for a in 0..<p { cross[a, b] += w[cls] * st[a] * st[b] } }
        }
        cross = symmetrised(cross - reduced[2])
        let stats = assemble(nodes: n, features: p, totalWeight: s, mean: mean, degreeMean: degreeMean,
                             centredGram: reduced[0], degreeGram: reduced[1], crossGram: cross)
        return (stats, sizes)
    }

    /// Not collective. The loss at Z = X W evaluated from the statistics alone (what the label
    /// graph, which is never materialised, uses; for a sparse graph `LossFunction` at Z is the
    /// independent evaluation).
    public func loss(_ loss: LossName, weights w: DenseMatrix, hyper: Hyperparameters) -> Double {
        let k = w.columns
        switch loss {
        case .vicreg:
            let cov = w.transposeTimes(covariance * w)
            let dirichlet = w.transposeTimes(laplacian * w).trace
            return hyper.beta * square((cov - DenseMatrix.identity(k)).frobeniusNorm)
                + 2 * hyper.gamma / Double(nodes) * dirichlet
        case .simclr:
            return -2 * w.transposeTimes(adjacencyMoment * w).trace + square(w.transposeTimes(secondMoment * w).frobeniusNorm)
        case .barlow:
            let variance = w.transposeTimes(degreeCovariance * w)
            // Zero-variance columns standardise to 0, as in `LossFunction` (never 0/0).
            let meanSquare = w.transposeTimes((degreeCovariance + Self.outer(degreeMean, degreeMean)) * w)
            let inv = (0..<k).map {
                LossFunction.isZeroVariance(variance: variance[$0, $0], meanSquare: meanSquare[$0, $0])
                    ? 0 : 1 / variance[$0, $0].squareRoot()
            }
            let c = w.scalingColumns(by: inv).transposeTimes(degreeCrossCovariance * w.scalingColumns(by: inv))
            var value = 0.0
            for b in 0..<k { for a in 0..<k { value += a == b ? square(1 - c[a, a]) : hyper.lambda * square(c[a, b]) } }
            return value
        case .simclrDegree:
            preconditionFailure("no linear closed form for simclr-degree")
        }
    }
}

/// Edge weight of the label graph inside a class of n_c nodes.
public enum LabelWeighting: String, Sendable, CaseIterable, Codable {
    /// G_ij = 1/n_c: X^T L X is the within-class scatter (Fisher LDA, docs/math.md section 5).
    case inverseSize = "inverse-size"
    /// G_ij = 1: the plain 0/1 label graph (LDA only for balanced classes).
    case uniform

    public func weight(classSize n: Int) -> Double {
        switch self {
        case .inverseSize: return n > 0 ? 1 / Double(n) : 0
        case .uniform: return 1
        }
    }
}
