import DenseAlgebra

/// SimCLR, spectral-contrastive form with uniform negatives (docs/math.md 3a), with Z = X W:
/// loss = -2 tr(W^T Psi W) + ||W^T Gamma W||_F^2, Gamma = X^T X / N (uncentred),
/// Psi = X^T G X / S. W* = Gamma^-1/2 V_K diag(sqrt(max(0, nu_k))), (V, nu) the top-K eigenpairs
/// of Gamma^-1/2 Psi Gamma^-1/2, computed as Psi w = nu Gamma w with w^T Gamma w = 1.
/// min loss = -sum_k max(0, nu_k)^2.
public enum LinearSimCLR {
    /// Not collective. K <= P.
    public static func solve(_ stats: LinearStatistics, dimension k: Int) -> LinearSolution {
        precondition(k >= 1 && k <= stats.features, "K must be in 1...P")
        let eigen: GeneralizedSymmetricEigen
        let name = "Gamma = X^T X / N"
        switch LinearClosedForms.generalised(stats.adjacencyMoment, stats.secondMoment, dimension: k, loss: .simclr, name: name) {
        case .success(let e): eigen = e
        case .failure(let f): return f.solution
        }
        let p = stats.features, solved = eigen.values.count
        let descending = Array(eigen.values.reversed())
        let nu = Array(descending.prefix(k))
        let scales = nu.map { max(0, $0) }
        var v = DenseMatrix(rows: p, columns: k)
        for j in 0..<k { v.setColumn(j, eigen.vectors.column(solved - 1 - j)) }
        let w = LinearClosedForms.applySignRule(v.scalingColumns(by: scales.map { $0.squareRoot() }))
        let rank = scales.filter { $0 > 0 }.count
        var notes = ["generalised eigenproblem X^T G X / S w = nu X^T X / N w (largest K), W^T Gamma W = diag(max(0, nu))"]
            + LinearClosedForms.rangeNote(eigen, name: name)
        var unique = true
        if LinearClosedForms.tiedAt(descending, k - 1) && nu[k - 1] > 0 {
            unique = false
            notes.append("nu_K = nu_{K+1}: tied eigenspace at K, any basis of it is optimal")
        }
        if rank < k { notes.append("only \(rank) of the top \(k) generalised eigenvalues are positive: rank(Z*) = \(rank) < K") }
        var solution = LinearSolution(loss: .simclr, weights: w, eigenvalues: nu, scales: scales, rank: rank,
                                      minLoss: -scales.reduce(0) { $0 + $1 * $1 }, unique: unique,
                                      conditionNumber: eigen.conditionOfB, notes: notes)
        solution.droppedDirections = eigen.droppedDirections
        return solution
    }
}
