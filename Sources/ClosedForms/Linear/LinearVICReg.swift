import DenseAlgebra

/// VICReg (square variance term, alpha = beta) with Z = X W (docs/math.md section 5):
/// W* = Sigma^-1/2 Q diag(sqrt(t_k)), t_k = max(0, 1 - gamma lambda_k / beta), with (Q, lambda)
/// the K smallest eigenpairs of Sigma^-1/2 (X^T L X / N) Sigma^-1/2; computed as the generalised
/// problem (X^T L X / N) w = lambda Sigma w with w^T Sigma w = 1 (so Cov(X W*) = diag(t)).
/// min loss = sum_k beta (1 - t_k)^2 + 2 gamma t_k lambda_k. Locality Preserving Projections
/// with a covariance constraint; on the inverse-size label graph, Fisher LDA.
public enum LinearVICReg {
    /// Not collective. K <= P.
    public static func solve(_ stats: LinearStatistics, dimension k: Int, hyper: Hyperparameters) -> LinearSolution {
        precondition(k >= 1 && k <= stats.features, "K must be in 1...P")
        let a = (1 / Double(stats.nodes)) * stats.laplacian
        let eigen: GeneralizedSymmetricEigen
        let name = "Sigma = X^T H X / N"
        switch LinearClosedForms.generalised(a, stats.covariance, dimension: k, loss: .vicreg, name: name) {
        case .success(let e): eigen = e
        case .failure(let f): return f.solution
        }
        let lambda = Array(eigen.values.prefix(k))
        let t = lambda.map { max(0, 1 - hyper.gamma * $0 / hyper.beta) }
        let w = LinearClosedForms.applySignRule(eigen.vectors.columns(0..<k).scalingColumns(by: t.map { $0.squareRoot() }))
        let minLoss = zip(t, lambda).reduce(0.0) { $0 + hyper.beta * (1 - $1.0) * (1 - $1.0) + 2 * hyper.gamma * $1.0 * $1.1 }
        let rank = t.filter { $0 > 0 }.count
        var notes = ["generalised eigenproblem X^T L X w = lambda X^T H X w (smallest K), W^T Sigma W = diag(t)"]
            + LinearClosedForms.rangeNote(eigen, name: name)
        var unique = true
        if LinearClosedForms.tiedAt(eigen.values, k - 1) && t[k - 1] > 0 {
            unique = false
            notes.append("lambda_K = lambda_{K+1}: tied eigenspace at K, any basis of it is optimal")
        }
        if rank < k { notes.append("\(k - rank) directions have gamma lambda_k >= beta (t_k = 0): rank(Z*) = \(rank) < K") }
        var solution = LinearSolution(loss: .vicreg, weights: w, eigenvalues: lambda, scales: t, rank: rank, minLoss: minLoss,
                                      unique: unique, conditionNumber: eigen.conditionOfB, notes: notes)
        solution.droppedDirections = eigen.droppedDirections
        return solution
    }
}
