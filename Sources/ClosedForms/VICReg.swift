import DenseAlgebra
import PairGraph
import Spectral

/// VICReg with the square variance term (docs/math.md section 2): Laplacian Eigenmaps with a
/// soft-threshold on the Laplacian eigenvalues.
///
/// Row-local: with `spectrum.vectors` holding this rank's owned rows, Z* comes back on those rows
/// (N is global), with no communication.
public enum VICRegClosedForm {
    /// On the owned rows of `graph`.
    public static func solve(_ spectrum: Spectrum, graph: DistributedGraph, dimension k: Int, hyper: Hyperparameters) -> ClosedFormSolution {
        solve(spectrum, nodes: graph.nodeCount, dimension: k, hyper: hyper)
    }

    /// `spectrum`: the K smallest eigenpairs of L on 1-perp.
    public static func solve(_ spectrum: Spectrum, nodes n: Int, dimension k: Int, hyper: Hyperparameters) -> ClosedFormSolution {
        precondition(spectrum.kind == .laplacian && spectrum.values.count >= k)
        let lambdas = Array(spectrum.values.prefix(k))
        let t = lambdas.map { max(0, 1 - hyper.gamma * $0 / hyper.beta) }
        // sqrt(N) U_K T^{1/2} in one pass into one new matrix (each n x K temporary is a first touch
        // of fresh pages, which cost more than the arithmetic: docs/benchmarks.md); each entry is
        // rounded as (u sqrt(t_k)) sqrt(N).
        let root = Double(n).squareRoot(), factors = t.map { $0.squareRoot() }, rows = spectrum.vectors.rows
        let entries = [Double](unsafeUninitializedCapacity: rows * k) { out, count in
            spectrum.vectors.storage.withUnsafeBufferPointer { u in
                for j in 0..<k { for i in 0..<rows { out[j * rows + i] = u[j * rows + i] * factors[j] * root } }
            }
            count = rows * k
        }
        let z = DenseMatrix(rows: rows, columns: k, columnMajor: entries)
        var minLoss = 0.0
        for (tk, lk) in zip(t, lambdas) { minLoss += hyper.beta * (1 - tk) * (1 - tk) + 2 * hyper.gamma * tk * lk }
        var notes: [String] = []
        var unique = true
        if let next = spectrum.value(after: k), nearlyEqual(next, lambdas[k - 1]), t[k - 1] > 0 {
            unique = false
            notes.append("lambda_K = lambda_{K+1} = \(lambdas[k - 1]): the eigenspace is tied at K, any orthonormal basis of it is optimal")
        } else if spectrum.gapUncertified(after: k), t[k - 1] > 0 {
            unique = false
            notes.append(uncertifiedGapNote)
        }
        let rank = t.filter { $0 > 0 }.count
        if rank < k {
            notes.append("\(k - rank) of \(k) directions have lambda_k >= beta/gamma = \(hyper.beta / hyper.gamma) and are switched off (t_k = 0)")
        }
        var solution = ClosedFormSolution(loss: .vicreg, embedding: z, scales: t, rank: rank, minLoss: minLoss,
                                          unique: unique, notes: notes)
        // t is non-increasing in k, so the t_k > 0 are the first `rank`.
        solution.optimalSpan = .leading(count: rank, offset: 0, tiedAtBoundary: !unique)
        return solution
    }
}
