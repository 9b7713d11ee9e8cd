import DenseAlgebra
import Distributed
import Foundation

/// Estimates of a component operator's spectrum from a short Lanczos run (docs/math.md 7.11):
/// what the Chebyshev filter needs (bounds of the spectrum's ends) and what `auto` predicts the
/// shift-invert factor from (lambda_1 of L_c on 1_c-perp).
///
/// `steps` Lanczos steps with full reorthogonalisation (`ShortLanczos`) on M (L_c, G_c
/// or A_n's component, deflated), from the solver's start vector. By Cauchy interlacing the j-th
/// smallest Ritz value is at least lambda_j, so `ritz[k]` bounds lambda_{k+1} from above; the ends
/// are estimated by theta_max + |beta_m s_m| and theta_min - |beta_m s_1| (the Ritz residuals of the
/// extreme pairs), capped by `cap` (Anderson-Morley for L, d_max for G) where one is known.
struct SpectrumBounds {
    /// Ritz values of M on the deflated space, ascending.
    var ritz: [Double]
    /// An upper bound of lambda_max(M).
    var upper: Double
    /// A lower bound of lambda_min(M) (for L it may come out below 0, where nothing lies).
    var lower: Double
    var steps: Int
    var seconds: Double

    /// Collective over `communicator` (the ranks holding the component). `negativeLaplacian` is
    /// the deflated -L_c (`ComponentOperator(kind: .laplacian, shift: 0)`); `start` is deflated.
    init(negativeLaplacian op: ComponentOperator, start: [Double], steps wanted: Int, globalDimension: Int,
         andersonMorley: Double, communicator: Communicator) throws {
        try self.init(op, sign: -1, start: start, steps: wanted, globalDimension: globalDimension,
                      cap: andersonMorley, communicator: communicator)
    }

    /// Collective over `communicator`. The bounds of M = sign * op (op deflated); `cap` bounds |M|.
    init(_ op: ComponentOperator, sign: Double, start: [Double], steps wanted: Int, globalDimension: Int,
         cap: Double, communicator: Communicator) throws {
        let began = Date()
        let m = max(2, min(wanted, globalDimension - 1))
        let run = ShortLanczos(rows: op.localDimension, start: start, steps: m, communicator: communicator,
                               product: { x, y in
                                   op.apply(x, into: y)
                                   for i in 0..<op.localDimension { y[i] *= sign }   // M v
                               },
                               // An invariant subspace: what is left is rounding (and may hold the deflated vector).
                               stop: { $0.residualNorm <= 1e-10 * ($0.alpha.map(abs).max() ?? 0) })
        let (k, beta) = (run.steps, run.beta)
        let eig = try SymmetricEigen(run.tridiagonal)
        ritz = eig.values
        let top = k - 1
        let residual = abs(beta[k - 1] * eig.vectors[k - 1, top])
        upper = min(cap, (eig.values.last ?? 0) + residual)
        lower = max(-cap, (eig.values.first ?? 0) - abs(beta[k - 1] * eig.vectors[k - 1, 0]))
        steps = k
        seconds = Date().timeIntervalSince(began)
    }
}

extension DenseMatrix {
    /// The Lanczos tridiagonal T_m: `alpha` (m values) on the diagonal, beta_1 ... beta_{m-1} below
    /// it (the lower triangle, which `SymmetricEigen` reads; later betas are ignored).
    static func lanczosTridiagonal(alpha: [Double], beta: [Double]) -> DenseMatrix {
        var t = DenseMatrix(rows: alpha.count, columns: alpha.count)
        for i in alpha.indices {
            t[i, i] = alpha[i]
            if i > 0 { t[i, i - 1] = beta[i - 1] }
        }
        return t
    }
}
