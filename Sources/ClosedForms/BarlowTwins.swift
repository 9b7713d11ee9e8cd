import DenseAlgebra
import PairGraph
import Spectral

/// BarlowTwins with degree-weighted standardisation (MATH.md section 4): CCA-like, a water-filling
/// over the positive spectrum of A_n on the complement of the trivial vector for lambda = 1, the
/// exact collapse result on augmentation graphs for lambda < 1, and no closed form otherwise.
public enum BarlowTwinsClosedForm {
    /// `spectrum`: the K+1 largest eigenpairs of A_n, trivial first.
    public static func solve(_ spectrum: Spectrum, graph: SparseGraph, dimension k: Int, lambda: Double) -> ClosedFormSolution {
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
            notes: ["no closed form exists for lambda = \(lambda) < 1 on this graph (MATH.md 4c): it is known for lambda = 1, and for lambda < 1 only on augmentation graphs (disjoint equal cliques); dimensional collapse is still expected"])
    }

    /// The eigenpairs of A_n on the complement of v0.
    static func nonTrivial(_ spectrum: Spectrum) -> (values: [Double], vectors: DenseMatrix) {
        let first = spectrum.trivialFirst ? 1 : 0
        return (Array(spectrum.values[first...]), spectrum.vectors.columns(first..<spectrum.values.count))
    }

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

    static func waterFilling(_ spectrum: Spectrum, graph: SparseGraph, dimension k: Int) -> ClosedFormSolution {
        let (values, vectors) = nonTrivial(spectrum)
        let positive = values.filter { $0 > 0 }.count
        guard values.count >= k, positive >= k else {
            let r = min(positive, values.count)
            return ClosedFormSolution(
                loss: .barlow, embedding: nil, scales: [], rank: 0, minLoss: nil, unique: false,
                notes: ["K = \(k) exceeds r = \(r), the number of positive eigenvalues of A_n off the trivial vector: MATH.md 4a gives the closed form only for K <= r; use --dim \(r) or less"])
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
        }
        return ClosedFormSolution(loss: .barlow, embedding: z, scales: y, rank: rank, minLoss: minLoss,
                                  unique: unique, notes: notes)
    }

    /// MATH.md 4b: n disjoint cliques of V views, 0 < lambda < 1.
    static func collapse(_ g: AugmentationStructure, spectrum: Spectrum, graph: SparseGraph, dimension k: Int,
                         lambda: Double) -> ClosedFormSolution {
        let m = g.groups - 1
        let n = graph.nodeCount
        let comps = Array(0..<g.groups)
        let weights = graph.degrees
        func helmert(_ j: Int) -> [Double] {
            KnownEigenvectors.helmertVector(j, graph: graph, comps: comps, weights: weights)
        }
        var q = DenseMatrix(rows: n, columns: k)
        let minLoss: Double
        if k <= m {
            for j in 0..<k { q.setColumn(j, helmert(j)) }
            minLoss = 0
        } else {
            let kr = Double(k) / Double(m)
            let u = lambda * (kr - 1) / (1 + lambda * (kr - 1))
            let s = u * Double(g.views - 1) / Double(g.views)
            // A unit-norm tight frame of K vectors in R^m: rows 0..<m of diag(sqrt(K/m))_m R.
            var a = [Double](repeating: 0, count: k)
            for i in 0..<m { a[i] = kr }
            let r = SchurHorn.unitDiagonalRotation(a)
            var h = DenseMatrix(rows: n, columns: m)
            var jm = DenseMatrix(rows: n, columns: m)
            for i in 0..<m {
                h.setColumn(i, helmert(i))
                // An isometry into the eigenvalue -1/(V-1) space: one within-group difference per group.
                let rows = graph.components.rows(i)
                jm[Int(rows[rows.startIndex]), i] = 1 / 2.0.squareRoot()
                jm[Int(rows[rows.startIndex + 1]), i] = -1 / 2.0.squareRoot()
            }
            var e = DenseMatrix(rows: m, columns: k)
            for i in 0..<m { for c in 0..<k { e[i, c] = kr.squareRoot() * r[i, c] } }
            q = (1 - s).squareRoot() * (h * e) + s.squareRoot() * (jm * e)
            minLoss = lambda * Double(k) * Double(k - m) / (Double(m) + lambda * Double(k - m))
        }
        let total = graph.totalWeight
        let z = q.scalingRows(by: graph.degrees.map { $0 > 0 ? (total / $0).squareRoot() : 0 })
        let rank = min(k, m)
        return ClosedFormSolution(
            loss: .barlow, embedding: z, scales: [Double](repeating: 1, count: rank) + [Double](repeating: 0, count: k - rank),
            rank: rank, minLoss: minLoss, unique: false,
            notes: ["augmentation graph (\(g.groups) groups of \(g.views) views), lambda = \(lambda) < 1: every minimiser has rank m = \(m) (MATH.md 4b)"
                    + (k > m ? ": dimensional collapse, K = \(k) > m" : "")])
    }
}

/// The structure MATH.md 4b needs: every component a clique of the same size V >= 2 with one
/// weight, no isolated nodes, at least two groups.
struct AugmentationStructure {
    var groups: Int
    var views: Int

    init?(_ graph: SparseGraph) {
        let comps = graph.components
        guard comps.count >= 2 else { return nil }
        let v = comps.size(0)
        guard v >= 2 else { return nil }
        var weight: Double? = nil
        for c in 0..<comps.count {
            guard comps.size(c) == v else { return nil }
            for r in comps.rows(c) {
                let (cols, w) = graph.neighbours(of: Int(r))
                guard cols.count == v - 1 else { return nil }
                for x in w {
                    if weight == nil { weight = x }
                    guard x == weight else { return nil }
                }
            }
        }
        groups = comps.count
        views = v
    }
}
