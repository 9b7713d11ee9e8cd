import DenseAlgebra
import PairGraph
import Spectral

/// BarlowTwins with degree-weighted standardisation (docs/math.md section 4): CCA-like, a water-filling
/// over the positive spectrum of A_n on the complement of the trivial vector for lambda = 1, the
/// exact collapse result on augmentation graphs for lambda < 1, and no closed form otherwise.
public enum BarlowTwinsClosedForm {
    /// Collective over `graph.communicator`. `spectrum`: the K+1 largest eigenpairs of A_n, trivial
    /// first, with `vectors` holding this rank's owned rows; Z* comes back on the owned rows.
    public static func solve(_ spectrum: Spectrum, graph: DistributedGraph, dimension k: Int, lambda: Double) -> ClosedFormSolution {
        precondition(spectrum.kind == .normalizedAdjacency)
        // 4b holds for 0 < lambda <= 1 on augmentation graphs (at lambda = 1 and K <= m it agrees
        // with the water-filling); elsewhere only lambda = 1 has a closed form.
        if let structure = AugmentationStructure(graph) {
            return collapse(structure, spectrum: spectrum, graph: graph, dimension: k, lambda: lambda)
        }
        if lambda == 1 {
            return waterFilling(spectrum, graph: graph, dimension: k)
        }
        return ClosedFormSolution(
            loss: .barlow, embedding: nil, scales: [], rank: 0, minLoss: nil, unique: false,
            notes: ["no closed form exists for lambda = \(lambda) < 1 on this graph (docs/math.md 4c): it is known for lambda = 1, and for lambda < 1 only on augmentation graphs (disjoint equal cliques); dimensional collapse is still expected"])
    }

    /// The eigenpairs of A_n on the complement of v0.
    static func nonTrivial(_ spectrum: Spectrum) -> (values: [Double], vectors: DenseMatrix) {
        let first = spectrum.trivialFirst ? 1 : 0
        return (Array(spectrum.values[first...]), spectrum.vectors.columns(first..<spectrum.values.count))
    }

    /// Eigenvalues of A_n at or below this are not positive (docs/math.md 4a's r).
    public static let positiveTolerance = 1e-10

    /// Water-filling levels y_k = max(0, 1 - nu / (2 mu_k)) with sum y_k / mu_k = K.
    public static func waterLevels(_ mu: [Double]) -> (y: [Double], nu: Double) {
        let k = mu.count
        var active = k
        var nu = 0.0
        while active > 0 {
            let inv = mu.prefix(active).reduce(0) { $0 + 1 / $1 }
            let inv2 = mu.prefix(active).reduce(0) { $0 + 1 / ($1 * $1) }
            nu = max(0, 2 * (inv - Double(k)) / inv2)
            // mu is descending, so directions drop out from the end.
            if active > 0 && 1 - nu / (2 * mu[active - 1]) < 0 { active -= 1 } else { break }
        }
        let y = mu.enumerated().map { $0.offset < active ? max(0, 1 - nu / (2 * $0.element)) : 0 }
        return (y, nu)
    }

    /// Row-local: every row of Z* is its row of U_K scaled, given the global mu and S.
    static func waterFilling(_ spectrum: Spectrum, graph: DistributedGraph, dimension k: Int) -> ClosedFormSolution {
        let (values, vectors) = nonTrivial(spectrum)
        // A_n's eigenvalues lie in [-1, 1] and are computed to about the solver's tolerance: a zero
        // eigenvalue comes back as +-1e-16, which is not a positive direction (it would give a
        // water level of 1e-16 and a rank the numbers do not support).
        let positive = values.filter { $0 > positiveTolerance }.count
        guard values.count >= k, positive >= k else {
            let r = min(positive, values.count)
            return ClosedFormSolution(
                loss: .barlow, embedding: nil, scales: [], rank: 0, minLoss: nil, unique: false,
                notes: [r > 0 ? "K = \(k) exceeds r = \(r), the number of positive eigenvalues of A_n off the trivial vector: docs/math.md 4a gives the closed form only for K <= r; use --dim \(r) or less"
                        : "A_n has no positive eigenvalue off the trivial vector (r = 0): docs/math.md 4a gives no closed form for any K"])
        }
        let mu = Array(values.prefix(k)).map { min($0, 1) }
        let (y, nu) = waterLevels(mu)
        let a = zip(y, mu).map { $0 / $1 }
        let r = SchurHorn.unitDiagonalRotation(a)
        let q = vectors.columns(0..<k).scalingColumns(by: a.map { $0.squareRoot() }) * r
        let s = graph.totalWeight
        let z = q.scalingRows(by: graph.degrees.map { $0 > 0 ? (s / $0).squareRoot() : 0 })
        let minLoss = y.reduce(0) { $0 + (1 - $1) * (1 - $1) }
        var notes = ["water level nu = \(nu); columns are not orthogonal and C* is not diagonal unless the mu_k are equal"]
        let rank = y.filter { $0 > 0 }.count
        if rank < k { notes.append("\(k - rank) water levels are zero: rank(Z*) = \(rank) < K") }
        var unique = true
        if let next = spectrum.value(after: k + (spectrum.trivialFirst ? 1 : 0)), nearlyEqual(next, mu[k - 1]), y[k - 1] > 0 {
            unique = false
            notes.append("mu_K = mu_{K+1}: tied eigenspace at K, any basis of it is optimal")
        } else if spectrum.gapUncertified(after: k + (spectrum.trivialFirst ? 1 : 0)), y[k - 1] > 0 {
            unique = false
            notes.append(uncertifiedGapNote)
        }
        var solution = ClosedFormSolution(loss: .barlow, embedding: z, scales: y, rank: rank, minLoss: minLoss,
                                          unique: unique, notes: notes)
        // y is non-increasing in k (mu descending): the y_k > 0 are the first `rank` off the trivial vector.
        solution.optimalSpan = .leading(count: rank, offset: spectrum.trivialFirst ? 1 : 0, tiedAtBoundary: !unique)
        return solution
    }
}
