import DenseAlgebra
import Distributed
import PairGraph
import Spectral

/// The losses of docs/math.md as functions of Z, with analytic gradients. They evaluate the loss at Z*
/// (which must equal the closed-form minimum), measure a user's embedding against it, and drive
/// the numerical minimisation that tests each closed form.
///
/// Distributed: Z is given by this rank's owned rows of the graph (`graph.localRowCount` x K).
/// Every reduction over rows (Z^T Z, Z^T M Z, column means, Barlow's weighted moments, the sums in
/// its gradient) is a local partial sum followed by one all-reduce, and M Z comes from the
/// distributed operator products, so `value` is collective and the same on every rank, and the
/// gradient comes back on the owned rows. One rank is the same code with P = 1.
public struct LossFunction: Sendable {
    public var loss: LossName
    public let graph: DistributedGraph
    public var hyper: Hyperparameters

    /// Z and gradients on the owned rows of `graph`.
    public init(_ loss: LossName, graph: DistributedGraph, hyper: Hyperparameters = Hyperparameters()) {
        self.loss = loss
        self.graph = graph
        self.hyper = hyper
    }

    private var communicator: Communicator { graph.communicator }

    /// Collective.
    public func value(_ z: DenseMatrix) -> Double { evaluate(ownedRows(z), gradient: false).value }

    /// Collective. The loss at Z (owned rows) with G Z (owned rows) already computed: every loss
    /// needs only G Z (L Z = D Z - G Z, and Barlow's G Z_std follows from G 1 = d), so a caller that
    /// also needs G Z for other measures pays the K matvecs once.
    public func value(_ z: DenseMatrix, adjacencyProduct gz: DenseMatrix) -> Double {
        precondition(z.rows == graph.localRowCount && gz.rows == z.rows && gz.columns == z.columns,
                     "Z and G Z must both be this rank's rows")
        return evaluate(z, gradient: false, gz: gz).value
    }

    /// Collective. The gradient has the rows Z was given with.
    public func valueAndGradient(_ z: DenseMatrix) -> (value: Double, gradient: DenseMatrix) {
        let r = evaluate(ownedRows(z), gradient: true)
        return (r.value, r.gradient!)
    }

    private func ownedRows(_ z: DenseMatrix) -> DenseMatrix {
        precondition(z.rows == graph.localRowCount, "\(z.rows) rows given for a block of \(graph.localRowCount)")
        return z
    }

    private func evaluate(_ z: DenseMatrix, gradient: Bool, gz: DenseMatrix? = nil) -> (value: Double, gradient: DenseMatrix?) {
        switch loss {
        case .vicreg: return vicreg(z, gradient, gz: gz)
        case .simclr: return simclr(z, gradient, degreeWeighted: false, gz: gz)
        case .simclrDegree: return simclr(z, gradient, degreeWeighted: true, gz: gz)
        case .barlow: return barlow(z, gradient, gz: gz)
        }
    }

    /// Column sums over all ranks.
    private func columnSums(_ z: DenseMatrix, weights: [Double]? = nil) -> [Double] {
        var sums = [Double](repeating: 0, count: z.columns)
        for j in 0..<z.columns {
            var s = 0.0
            for i in 0..<z.rows { s += (weights?[i] ?? 1) * z[i, j] }
            sums[j] = s
        }
        communicator.allreduceSum(&sums)
        return sums
    }

    /// A^T B summed over ranks, plus `extra` scalars reduced in the same call.
    private func reducedTransposeTimes(_ a: DenseMatrix, _ b: DenseMatrix, extra: [Double] = []) -> (DenseMatrix, [Double]) {
        let local = a.transposeTimes(b)
        var buffer = local.storage + extra
        communicator.allreduceSum(&buffer)
        return (DenseMatrix(rows: local.rows, columns: local.columns, columnMajor: Array(buffer[..<local.storage.count])),
                Array(buffer[local.storage.count...]))
    }

    /// beta ||Cov(Z) - I||_F^2 + (2 gamma / N) tr(Z^T L Z).
    private func vicreg(_ z: DenseMatrix, _ wantGradient: Bool, gz: DenseMatrix?) -> (value: Double, gradient: DenseMatrix?) {
        let n = Double(graph.nodeCount)
        let mean = columnSums(z).map { $0 / n }
        var hz = z
        for j in 0..<z.columns { for i in 0..<z.rows { hz[i, j] -= mean[j] } }
        let lz = gz.map { RelationOperator(.laplacian, graph: graph).laplacian(z, adjacencyProduct: $0) }
            ?? OperatorProducts.apply(graph, kind: .laplacian, to: z)
        let (gram, extra) = reducedTransposeTimes(hz, hz, extra: [z.transposeTimes(lz).trace])
        let cov = (1 / n) * gram
        let deviation = cov - DenseMatrix.identity(z.columns)
        let dirichlet = extra[0]
        let value = hyper.beta * square(deviation.frobeniusNorm) + 2 * hyper.gamma / n * dirichlet
        guard wantGradient else { return (value, nil) }
        let g = (4 * hyper.beta / n) * (hz * deviation) + (4 * hyper.gamma / n) * lz
        return (value, g)
    }

    /// Spectral-contrastive: -(2/S) tr(Z^T G Z) + ||Z^T W Z||_F^2, W = I/N^2 (uniform) or D/S^2
    /// (degree-weighted negatives).
    private func simclr(_ z: DenseMatrix, _ wantGradient: Bool, degreeWeighted: Bool,
                        gz given: DenseMatrix?) -> (value: Double, gradient: DenseMatrix?) {
        let s = graph.totalWeight
        let n = Double(graph.nodeCount)
        let gz = given ?? OperatorProducts.apply(graph, kind: .adjacency, to: z)
        let wz = degreeWeighted ? (1 / s) * z.scalingRows(by: graph.degrees) : (1 / n) * z
        let (gram, extra) = reducedTransposeTimes(z, wz, extra: [z.transposeTimes(gz).trace])
        let value = -(2 / s) * extra[0] + square(gram.frobeniusNorm)
        guard wantGradient else { return (value, nil) }
        let g = (-4 / s) * gz + 4 * (wz * gram)
        return (value, g)
    }

    /// Degree-weighted standardisation, C = Z_std^T G Z_std / S,
    /// loss = sum_k (1 - C_kk)^2 + lambda sum_{k != k'} C_kk'^2.
    private func barlow(_ z: DenseMatrix, _ wantGradient: Bool, gz: DenseMatrix?) -> (value: Double, gradient: DenseMatrix?) {
        let s = graph.totalWeight
        let w = graph.degrees.map { $0 / s }
        let k = z.columns
        let mean = columnSums(z, weights: w)
        var centred = z
        for j in 0..<k { for i in 0..<z.rows { centred[i, j] -= mean[j] } }
        // Weighted variance and weighted mean square of every column, in one all-reduce.
        var moments = [Double](repeating: 0, count: 2 * k)
        for j in 0..<k {
            for i in 0..<z.rows {
                moments[j] += w[i] * centred[i, j] * centred[i, j]
                moments[k + j] += w[i] * z[i, j] * z[i, j]
            }
        }
        communicator.allreduceSum(&moments)
        // A zero-variance column cannot be standardised: its standardised column is taken as 0
        // (C_kk = 0, no cross-correlation), the limit batch normalisation with an epsilon gives.
        // Dividing its roundoff-level spread by its roundoff-level norm would instead give any
        // C_kk at all, and a loss below the proven minimum.
        let constant = (0..<k).map { Self.isZeroVariance(variance: moments[$0], meanSquare: moments[k + $0]) }
        let inverseSigma = (0..<k).map { constant[$0] ? 0 : 1 / moments[$0].squareRoot() }
        let std = centred.scalingColumns(by: inverseSigma)
        var gstd: DenseMatrix
        if let gz {
            // G Z_std = (G Z - d mean^T) / sigma, since G 1 = d.
            gstd = gz
            for j in 0..<k { for i in 0..<z.rows { gstd[i, j] = (gz[i, j] - graph.degrees[i] * mean[j]) * inverseSigma[j] } }
        } else {
            gstd = OperatorProducts.apply(graph, kind: .adjacency, to: std)
        }
        let c = (1 / s) * reducedTransposeTimes(std, gstd).0
        var value = 0.0
        var e = DenseMatrix(rows: k, columns: k)
        for a in 0..<k {
            for b in 0..<k {
                if a == b {
                    value += square(1 - c[a, a])
                    e[a, a] = -2 * (1 - c[a, a])
                } else {
                    value += hyper.lambda * square(c[a, b])
                    e[a, b] = 2 * hyper.lambda * c[a, b]
                }
            }
        }
        guard wantGradient else { return (value, nil) }
        // dLoss/dZ_std = G Z_std (E + E^T) / S, then back through the weighted standardisation:
        // dz_i = (g_i - w_i sum g - w_i zhat_i sum(g zhat)) / sigma, the sums over all rows.
        let gs = (1 / s) * (gstd * (e + e.transposed))
        var sums = [Double](repeating: 0, count: 2 * k)
        for j in 0..<k {
            for i in 0..<z.rows {
                sums[j] += gs[i, j]
                sums[k + j] += gs[i, j] * std[i, j]
            }
        }
        communicator.allreduceSum(&sums)
        var g = DenseMatrix(rows: z.rows, columns: k)
        for j in 0..<k {
            for i in 0..<z.rows {
                g[i, j] = (gs[i, j] - w[i] * sums[j] - w[i] * std[i, j] * sums[k + j]) * inverseSigma[j]
            }
        }
        return (value, g)
    }
}

extension LossFunction {
    /// A column whose standard deviation is at most this fraction of its root mean square (or that
    /// is zero) has zero variance to working accuracy: a constant column's centred values are
    /// roundoff, about 1e-16 of its value.
    public static let zeroVarianceTolerance = 1e-8

    static func isZeroVariance(variance: Double, meanSquare: Double) -> Bool {
        !(variance > square(zeroVarianceTolerance) * meanSquare)
    }

    /// Collective. The columns of Z (owned rows) with zero variance under this loss's centring
    /// (degree-weighted for BarlowTwins, uniform otherwise; `zeroVarianceTolerance`).
    public func zeroVarianceColumns(_ z: DenseMatrix) -> [Int] {
        let z = ownedRows(z)
        let k = z.columns
        let weights = loss == .barlow ? graph.degrees.map { $0 / graph.totalWeight }
            : [Double](repeating: 1 / Double(graph.nodeCount), count: z.rows)
        let mean = columnSums(z, weights: weights)
        var moments = [Double](repeating: 0, count: 2 * k)
        for j in 0..<k {
            for i in 0..<z.rows {
                moments[j] += weights[i] * square(z[i, j] - mean[j])
                moments[k + j] += weights[i] * z[i, j] * z[i, j]
            }
        }
        communicator.allreduceSum(&moments)
        return (0..<k).filter { Self.isZeroVariance(variance: moments[$0], meanSquare: moments[k + $0]) }
    }

    /// Collective. The infimum of the loss over positive rescalings c Z, and the c that attains it
    /// (0 when the infimum is the limit c -> 0).
    ///
    /// VICReg and both SimCLR forms are quadratic polynomials in s = c^2 (their terms are
    /// homogeneous of degree 0, 2 and 4 in Z): f(s) = f(0) + a s + b s^2, with a and b read off
    /// the loss at c = 0, 1 and 2, and the minimiser over s >= 0 is max(0, -a / (2 b)); the loss is
    /// then evaluated there directly. BarlowTwins standardises every column, so it does not
    /// depend on c (c = 1).
    /// The search runs on Z / rms(Z) (so the fit neither overflows nor underflows for any finite
    /// Z) and the scale is mapped back.
    public func bestScale(_ z: DenseMatrix) -> (scale: Double, value: Double) {
        guard loss != .barlow else { return (1, value(z)) }
        let own = ownedRows(z)
        // Largest magnitude first, so the sum of squares cannot overflow (|z| up to 1.8e308).
        let top = communicator.allreduceMax(own.storage.reduce(0) { max($0, abs($1)) })
        guard top > 0, top.isFinite else { return (1, value(z)) }
        var squares = [own.storage.reduce(0) { $0 + ($1 / top) * ($1 / top) }]
        communicator.allreduceSum(&squares)
        let rms = top * (squares[0] / Double(max(1, graph.nodeCount * z.columns))).squareRoot()
        guard rms > 0, rms.isFinite else { return (1, value(z)) }
        let best = bestScaleOfNormalised((1 / rms) * z)
        return (best.scale / rms, best.value)
    }

    private func bestScaleOfNormalised(_ z: DenseMatrix) -> (scale: Double, value: Double) {
        let f1 = value(z)
        let f0 = value(0 * z), f4 = value(2 * z)
        let b = (f4 - 4 * f1 + 3 * f0) / 12
        let a = f1 - f0 - b
        var best = (scale: 1.0, value: f1)
        if f0 < best.value { best = (0, f0) }
        if b > 0 {
            let s = max(0, -a / (2 * b))
            if s > 0 {
                let c = s.squareRoot()
                let fc = value(c * z)
                if fc < best.value { best = (c, fc) }
            }
        }
        return best
    }
}

@inline(__always)
func square(_ x: Double) -> Double { x * x }
