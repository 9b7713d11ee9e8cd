import DenseAlgebra
import PairGraph
import Spectral

/// The losses of MATH.md as functions of Z, with analytic gradients. They evaluate the loss at Z*
/// (which must equal the closed-form minimum), measure a user's embedding against it, and drive
/// the numerical minimisation that tests each closed form.
public struct LossFunction: Sendable {
    public var loss: LossName
    public var graph: SparseGraph
    public var hyper: Hyperparameters

    public init(_ loss: LossName, graph: SparseGraph, hyper: Hyperparameters = Hyperparameters()) {
        self.loss = loss
        self.graph = graph
        self.hyper = hyper
    }

    public func value(_ z: DenseMatrix) -> Double { evaluate(z, gradient: false).value }

    public func valueAndGradient(_ z: DenseMatrix) -> (value: Double, gradient: DenseMatrix) {
        let r = evaluate(z, gradient: true)
        return (r.value, r.gradient!)
    }

    private func evaluate(_ z: DenseMatrix, gradient: Bool) -> (value: Double, gradient: DenseMatrix?) {
        switch loss {
        case .vicreg: return vicreg(z, gradient)
        case .simclr: return simclr(z, gradient, degreeWeighted: false)
        case .simclrDegree: return simclr(z, gradient, degreeWeighted: true)
        case .barlow: return barlow(z, gradient)
        }
    }

    /// beta ||Cov(Z) - I||_F^2 + (2 gamma / N) tr(Z^T L Z).
    private func vicreg(_ z: DenseMatrix, _ wantGradient: Bool) -> (value: Double, gradient: DenseMatrix?) {
        let n = Double(z.rows)
        let hz = z.centered
        let cov = (1 / n) * hz.transposeTimes(hz)
        let lz = OperatorProducts.apply(graph, kind: .laplacian, to: z)
        let deviation = cov - DenseMatrix.identity(z.columns)
        let dirichlet = z.transposeTimes(lz).trace
        let value = hyper.beta * square(deviation.frobeniusNorm) + 2 * hyper.gamma / n * dirichlet
        guard wantGradient else { return (value, nil) }
        let g = (4 * hyper.beta / n) * (hz * deviation) + (4 * hyper.gamma / n) * lz
        return (value, g)
    }

    /// Spectral-contrastive: -(2/S) tr(Z^T G Z) + ||Z^T W Z||_F^2 / c, W = I/N^2 (uniform) or
    /// D/S^2 with c = 1 (degree-weighted negatives).
    private func simclr(_ z: DenseMatrix, _ wantGradient: Bool, degreeWeighted: Bool) -> (value: Double, gradient: DenseMatrix?) {
        let s = graph.totalWeight
        let n = Double(z.rows)
        let gz = OperatorProducts.apply(graph, kind: .adjacency, to: z)
        let wz = degreeWeighted ? (1 / s) * z.scalingRows(by: graph.degrees) : (1 / n) * z
        let gram = z.transposeTimes(wz)
        let value = -(2 / s) * z.transposeTimes(gz).trace + square(gram.frobeniusNorm)
        guard wantGradient else { return (value, nil) }
        let g = (-4 / s) * gz + 4 * (wz * gram)
        return (value, g)
    }

    /// Degree-weighted standardisation, C = Z_std^T G Z_std / S,
    /// loss = sum_k (1 - C_kk)^2 + lambda sum_{k != k'} C_kk'^2.
    private func barlow(_ z: DenseMatrix, _ wantGradient: Bool) -> (value: Double, gradient: DenseMatrix?) {
        let s = graph.totalWeight
        let w = graph.degrees.map { $0 / s }
        let k = z.columns
        var std = z
        var sigma = [Double](repeating: 0, count: k)
        for j in 0..<k {
            var mean = 0.0
            for i in 0..<z.rows { mean += w[i] * z[i, j] }
            var variance = 0.0
            for i in 0..<z.rows { variance += w[i] * (z[i, j] - mean) * (z[i, j] - mean) }
            sigma[j] = variance.squareRoot()
            for i in 0..<z.rows { std[i, j] = (z[i, j] - mean) / sigma[j] }
        }
        let gstd = OperatorProducts.apply(graph, kind: .adjacency, to: std)
        let c = (1 / s) * std.transposeTimes(gstd)
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
        // dz_i = (g_i - w_i sum g - w_i zhat_i sum(g zhat)) / sigma.
        let gs = (1 / s) * (gstd * (e + e.transposed))
        var g = DenseMatrix(rows: z.rows, columns: k)
        for j in 0..<k {
            var sumG = 0.0, sumGZ = 0.0
            for i in 0..<z.rows {
                sumG += gs[i, j]
                sumGZ += gs[i, j] * std[i, j]
            }
            for i in 0..<z.rows {
                g[i, j] = (gs[i, j] - w[i] * sumG - w[i] * std[i, j] * sumGZ) / sigma[j]
            }
        }
        return (value, g)
    }
}

@inline(__always)
func square(_ x: Double) -> Double { x * x }
