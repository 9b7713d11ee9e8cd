import DenseAlgebra
import Distributed

/// A Lanczos run too short to restart, with full reorthogonalisation: the spectrum bounds behind
/// `auto`'s prediction and the Chebyshev filter (docs/math.md 7.11) and the gap check (7.12).
///
/// Step j: w = M v_j, alpha_j = v_j' w, w -= alpha_j v_j + beta_{j-1} v_{j-1}, then classical
/// Gram-Schmidt of w against the fixed columns and every stored v at once (`orthogonalise`: one
/// reduction per pass, a second pass by the criterion ARPACK's dsaitr applies), whose coefficient on
/// v_j corrects alpha_j; beta_j = ||w||. The basis (this rank's rows, column-major) is kept.
struct ShortLanczos {
    private(set) var alpha: [Double] = []
    private(set) var beta: [Double] = []
    /// v_1 ... v_m, this rank's rows, column-major (`steps` columns are used). Huge-page backed like
    /// ARPACK's basis: on sbm1m (1M rows, 20 steps, 160 MB) first touching 4 KiB pages took
    /// 0.44 s of the 1.3 s `auto` needs to decide (docs/benchmarks.md).
    let storage: KrylovBasisStorage
    /// ||w|| after the last step (beta_m).
    var residualNorm: Double { beta.last ?? 0 }
    var steps: Int { alpha.count }

    /// Collective over `communicator`. At most `steps` steps of `product` (y = M x on this rank's
    /// `rows` rows, M symmetric) from `start` (not necessarily of unit length; it must already be
    /// orthogonal to `fixed`), kept orthogonal to the orthonormal columns of `fixed`. Ends early at
    /// an exact breakdown (beta = 0) or when `stop`, called after every step, says so.
    init(rows n: Int, start: [Double], steps: Int, fixed: [(columns: [Double], count: Int)] = [],
         communicator: Communicator, product: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void,
         stop: (ShortLanczos) throws -> Bool) rethrows {
        var v = start
        var w = [Double](repeating: 0, count: max(n, 1))
        var norm = communicator.allreduceSum(v.prefix(n).reduce(0) { $0 + $1 * $1 }).squareRoot()
        storage = KrylovBasisStorage(count: n * steps)
        let basis = storage.pointer
        let k = fixed.reduce(0) { $0 + $1.count }
        while alpha.count < steps && norm > 0 {
            let j = alpha.count
            for i in 0..<n { v[i] /= norm }
            let current = basis + j * n
            for i in 0..<n { current[i] = v[i] }
            v.withUnsafeBufferPointer { x in w.withUnsafeMutableBufferPointer { product(x.baseAddress!, $0.baseAddress!) } }
            let a = communicator.allreduceSum((0..<n).reduce(0.0) { $0 + v[$1] * w[$1] })
            let previous = j > 0 ? beta[j - 1] : 0
            let before = w.withUnsafeMutableBufferPointer { wp -> Double in
                var local = 0.0
                for i in 0..<n {
                    var t = wp[i] - a * current[i]
                    if j > 0 { t -= previous * current[i - n] }
                    wp[i] = t
                    local += t * t
                }
                return local
            }
            alpha.append(a)
            var corrections: [Double] = []
            w.withUnsafeMutableBufferPointer { wp in
                withBlockPointers(fixed) { fixedBlocks in
                    norm = orthogonalise(wp.baseAddress!, rows: n, blocks: fixedBlocks + [(UnsafePointer(basis), j + 1)],
                                         normBefore: communicator.allreduceSum(before).squareRoot(),
                                         communicator: communicator) { corrections.append($0[k + j]) }
                }
            }
            for c in corrections { alpha[j] += c }
            beta.append(norm)
            if try stop(self) { break }
            swap(&v, &w)
        }
    }

    /// v_1 ... v_m, this rank's rows, column-major.
    var basis: UnsafePointer<Double> { UnsafePointer(storage.pointer) }

    /// The Lanczos tridiagonal T_m of the run.
    var tridiagonal: DenseMatrix { .lanczosTridiagonal(alpha: alpha, beta: beta) }
}
