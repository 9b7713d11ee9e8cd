import DenseAlgebra
import Distributed
import PairGraph
import Spectral

extension BarlowTwinsClosedForm {
    /// docs/math.md 4b: n disjoint cliques of V views, 0 < lambda <= 1. Collective.
    ///
    /// Z* is built from component-level quantities only, so every rank writes its own rows:
    /// - the weighted Helmert basis of the eigenvalue-1 space (component volumes from one
    ///   all-reduce, `HelmertRows`);
    /// - the isometry into the eigenvalue -1/(V-1) space, one within-group difference per group:
    ///   e_first - e_second of the two smallest global rows of each component (the smallest is the
    ///   component's representative; the second comes from one all-reduce of per-component minima).
    /// Both depend on global rows and component numbers only, so Z* is the same for every P.
    static func collapse(_ g: AugmentationStructure, spectrum: Spectrum, graph: DistributedGraph, dimension k: Int,
                         lambda: Double) -> ClosedFormSolution {
        let m = g.groups - 1
        let rows = graph.localRowCount
        let helmert = HelmertRows(graph: graph, weights: graph.degrees)
        let label = graph.components.label
        var q = DenseMatrix(rows: rows, columns: k)
        let minLoss: Double
        if k <= m {
            for j in 0..<k { for i in 0..<rows { q[i, j] = helmert.entry(row: i, vector: j) } }
            minLoss = 0
        } else {
            let kr = Double(k) / Double(m)
            let u = lambda * (kr - 1) / (1 + lambda * (kr - 1))
            let s = u * Double(g.views - 1) / Double(g.views)
            // A unit-norm tight frame of K vectors in R^m: rows 0..<m of diag(sqrt(K/m))_m R.
            var a = [Double](repeating: 0, count: k)
            for i in 0..<m { a[i] = kr }
            let r = SchurHorn.unitDiagonalRotation(a)
            var e = DenseMatrix(rows: m, columns: k)
            for i in 0..<m { for c in 0..<k { e[i, c] = kr.squareRoot() * r[i, c] } }
            // q = sqrt(1 - s) H e + sqrt(s) J e, row by row: a row of H e is sqrt(w_i) times its
            // component's row of `helmert.componentRows(e)` (no N x m matrix is formed).
            let he = helmert.componentRows(e)
            let second = secondSmallestRows(graph, components: m)
            let first = graph.components.representative
            let half = 1 / 2.0.squareRoot()
            for i in 0..<rows {
                let c = Int(label[i])
                let root = helmert.rootWeight[i]
                let global = graph.firstRow + i
                var sign = 0.0
                if c < m { sign = global == Int(first[i]) ? half : (global == second[c] ? -half : 0) }
                for col in 0..<k {
                    q[i, col] = (1 - s).squareRoot() * root * he[c, col] + s.squareRoot() * sign * (c < m ? e[c, col] : 0)
                }
            }
            minLoss = lambda * Double(k) * Double(k - m) / (Double(m) + lambda * Double(k - m))
        }
        let total = graph.totalWeight
        let z = q.scalingRows(by: graph.degrees.map { $0 > 0 ? (total / $0).squareRoot() : 0 })
        let rank = min(k, m)
        var solution = ClosedFormSolution(
            loss: .barlow, embedding: z, scales: [Double](repeating: 1, count: rank) + [Double](repeating: 0, count: k - rank),
            rank: rank, minLoss: minLoss, unique: false,
            notes: [collapseNote(groups: g.groups, views: g.views, dimension: k, lambda: lambda)])
        // K <= m: any K orthonormal directions of the eigenvalue-1 space (all tied, off the trivial vector).
        solution.optimalSpan = k > m ? .everything : .leading(count: k, offset: spectrum.trivialFirst ? 1 : 0, tiedAtBoundary: true)
        return solution
    }

    /// The 4b note: the rank every minimiser has is min(K, m), m = groups - 1; below K only when K > m.
    static func collapseNote(groups: Int, views: Int, dimension k: Int, lambda: Double) -> String {
        let m = groups - 1
        let range = lambda < 1 ? "lambda = \(lambda) < 1" : "lambda = 1"
        var note = "augmentation graph (\(groups) groups of \(views) views), \(range): every minimiser has rank min(K, m) = \(min(k, m)), m = groups - 1 = \(m) (docs/math.md 4b)"
        note += k > m ? "; dimensional collapse: K = \(k) > m" : "; K = \(k) <= m: no collapse, orthonormal columns in the eigenvalue-1 space, loss 0"
        return note
    }

    /// Collective. For components 0..<count, the second smallest global row (the smallest is the
    /// representative): one all-reduce of per-component minima over the non-representative rows.
    static func secondSmallestRows(_ graph: DistributedGraph, components count: Int) -> [Int] {
        var minima = [Int64](repeating: Int64.max, count: count)
        let comps = graph.components
        for i in 0..<graph.localRowCount {
            let c = Int(comps.label[i]), row = graph.firstRow + i
            if c < count && row != Int(comps.representative[i]) { minima[c] = min(minima[c], Int64(row)) }
        }
        graph.communicator.allreduceMin(&minima)
        return minima.map { Int($0) }
    }
}

/// The weighted Helmert basis of span{sqrt(w) 1_c} intersected with v0-perp, over all components
/// in index order, on this rank's rows (the basis of `KnownEigenvectors.helmertCoefficients`):
/// vector j is sqrt(w)/V_j on components 0...j and -sqrt(w)/vol_{j+1} on component j+1, normalised
/// (V_j the volume of components 0...j). Needs only the component volumes (one all-reduce).
struct HelmertRows {
    /// sqrt(w_i) of each owned row.
    let rootWeight: [Double]
    let label: [Int32]
    /// Volume of every component.
    let volume: [Double]
    /// V_j = vol_0 + ... + vol_j.
    let head: [Double]
    /// ||unnormalised vector j|| = sqrt(1/V_j + 1/vol_{j+1}).
    let norm: [Double]

    /// Collective.
    init(graph: DistributedGraph, weights: [Double]) {
        rootWeight = weights.map { $0.squareRoot() }
        label = graph.components.label
        let vol = graph.componentSums(weights)
        var running = 0.0
        let heads = vol.map { running += $0; return running }
        volume = vol
        head = heads
        norm = (0..<max(vol.count - 1, 0)).map { j in (1 / heads[j] + 1 / vol[j + 1]).squareRoot() }
    }

    /// Coefficient of vector j on component c (before the sqrt(w_i) factor).
    func coefficient(component c: Int, vector j: Int) -> Double {
        if c <= j { return 1 / head[j] / norm[j] }
        if c == j + 1 { return -1 / volume[j + 1] / norm[j] }
        return 0
    }

    /// Entry of vector j on owned row i.
    func entry(row i: Int, vector j: Int) -> Double {
        coefficient(component: Int(label[i]), vector: j) * rootWeight[i]
    }

    /// H e per component: row c is sum_j coefficient(c, j) e[j, :] (e has one row per Helmert
    /// vector), so that row i of H e is sqrt(w_i) times row label[i]. Suffix sums: O(m K).
    func componentRows(_ e: DenseMatrix) -> DenseMatrix {
        let m = e.rows, k = e.columns
        var out = DenseMatrix(rows: m + 1, columns: k)
        var suffix = [Double](repeating: 0, count: k)
        for c in stride(from: m, through: 0, by: -1) {
            // suffix = sum_{j >= c} e[j, :] / (V_j norm_j)
            if c < m { for col in 0..<k { suffix[col] += e[c, col] / head[c] / norm[c] } }
            for col in 0..<k {
                out[c, col] = suffix[col] - (c >= 1 ? e[c - 1, col] / volume[c] / norm[c - 1] : 0)
            }
        }
        return out
    }
}

/// The structure docs/math.md 4b needs: every component a clique of the same size V >= 2 with one
/// weight, no isolated nodes, at least two groups. Decided globally: the component sizes are
/// global already; each rank checks its rows (V - 1 neighbours each) and the verdicts are combined
/// with `any`; the common weight is an all-reduced minimum and maximum over every entry.
struct AugmentationStructure {
    var groups: Int
    var views: Int

    /// Collective (every rank returns the same answer).
    init?(_ graph: DistributedGraph) {
        let comps = graph.components
        // Global facts: the same branch on every rank.
        guard comps.count >= 2, comps.sizeClasses.count == 1 else { return nil }
        let v = comps.largestSize
        guard v >= 2 else { return nil }
        var badRow = false
        var lo = Double.infinity, hi = -Double.infinity
        for i in 0..<graph.localRowCount {
            let (cols, w) = graph.neighbours(ofLocal: i)
            if cols.count != v - 1 { badRow = true }
            for x in w {
                lo = min(lo, x)
                hi = max(hi, x)
            }
        }
        var extremes = [lo, -hi]
        graph.communicator.allreduceMin(&extremes)
        let anyBad = graph.communicator.any(badRow)
        guard !anyBad, extremes[0] == -extremes[1] else { return nil }
        groups = comps.count
        views = v
    }
}
