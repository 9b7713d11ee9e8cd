import DenseAlgebra

/// BarlowTwins at lambda = 1 (docs/math.md 4a) with Z = X W: the graph theorem with A_n replaced by
/// M_b = S_d^-1/2 C_b S_d^-1/2 (degree-weighted centring Xt = X - 1 m^T, S_d = Xt^T D Xt / S,
/// C_b = Xt^T G Xt / S). With (V, mu) the top-K eigenpairs of M_b (computed as C_b w = mu S_d w,
/// w^T S_d w = 1), water levels y_k = max(0, 1 - nu / (2 mu_k)) with sum y_k / mu_k = K, and the
/// Schur-Horn rotation R (diag(R^T diag(y/mu) R) = 1):
/// W* = S_d^-1/2 V_K diag(sqrt(y_k / mu_k)) R, min loss = sum_k (1 - y_k)^2.
/// M_b's eigenvalues lie in [-1, 1] (Rayleigh quotients of G against D on D-centred vectors), and
/// its directions are already off the trivial vector (the centring removes it).
public enum LinearBarlowTwins {
    /// Not collective. K <= P; lambda must be 1 (no closed form otherwise, docs/math.md 4c).
    public static func solve(_ stats: LinearStatistics, dimension k: Int, lambda: Double = 1) -> LinearSolution {
        precondition(k >= 1 && k <= stats.features, "K must be in 1...P")
        guard lambda == 1 else {
            return .unavailable(.barlow, "no linear closed form for lambda = \(lambda) < 1 (docs/math.md 4c); only lambda = 1")
        }
        guard stats.totalWeight > 0 else { return .unavailable(.barlow, "the graph has no edges (S = 0)") }
        let eigen: GeneralizedSymmetricEigen
        let name = "S_d = Xt^T D Xt / S (degree-weighted covariance)"
        switch LinearClosedForms.generalised(stats.degreeCrossCovariance, stats.degreeCovariance, dimension: k, loss: .barlow,
                                             name: name) {
        case .success(let e): eigen = e
        case .failure(let f): return f.solution
        }
        let p = stats.features, solved = eigen.values.count
        let descending = Array(eigen.values.reversed())
        // M_b's eigenvalues lie in [-1, 1]: roundoff zeros are not positive (as for A_n).
        let positive = descending.filter { $0 > BarlowTwinsClosedForm.positiveTolerance }.count
        guard positive >= k else {
            var s = LinearSolution.unavailable(
                .barlow, positive > 0 ? "K = \(k) exceeds r = \(positive), the number of positive eigenvalues of M_b: docs/math.md 4a gives the closed form only for K <= r; use --dim \(positive) or less"
                    : "M_b has no positive eigenvalue (r = 0): docs/math.md 4a gives no closed form for any K",
                conditionNumber: eigen.conditionOfB)
            s.eigenvalues = Array(descending.prefix(k))
            return s
        }
        let mu = Array(descending.prefix(k)).map { min($0, 1) }
        let (y, nu) = BarlowTwinsClosedForm.waterLevels(mu)
        let a = zip(y, mu).map { $0 / $1 }
        let r = SchurHorn.unitDiagonalRotation(a)
        var v = DenseMatrix(rows: p, columns: k)
        for j in 0..<k { v.setColumn(j, eigen.vectors.column(solved - 1 - j)) }
        let w = LinearClosedForms.applySignRule(v.scalingColumns(by: a.map { $0.squareRoot() }) * r)
        let rank = y.filter { $0 > 0 }.count
        var notes = ["generalised eigenproblem Xt^T G Xt w = mu Xt^T D Xt w (largest K); water level nu = \(nu); columns of W* are rotated by the Schur-Horn R, so C* is not diagonal unless the mu_k are equal"]
            + LinearClosedForms.rangeNote(eigen, name: name)
        if rank < k { notes.append("\(k - rank) water levels are zero: rank(Z*) = \(rank) < K") }
        var unique = true
        if LinearClosedForms.tiedAt(descending, k - 1) && y[k - 1] > 0 {
            unique = false
            notes.append("mu_K = mu_{K+1}: tied eigenspace at K, any basis of it is optimal")
        }
        var solution = LinearSolution(loss: .barlow, weights: w, eigenvalues: mu, scales: y, rank: rank,
                                      minLoss: y.reduce(0) { $0 + (1 - $1) * (1 - $1) }, unique: unique,
                                      conditionNumber: eigen.conditionOfB, notes: notes)
        solution.droppedDirections = eigen.droppedDirections
        return solution
    }
}
