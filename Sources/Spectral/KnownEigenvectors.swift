import PairGraph

/// Eigenvectors known in closed form from the components (MATH.md section 1).
/// For L every component indicator 1_c spans the eigenvalue 0; for A_n every component with edges
/// gives D^{1/2} 1_c (eigenvalue 1) and every isolated node e_i (eigenvalue 0).
public enum KnownEigenvectors {
    /// Node weight w_i: the indicator of component c is sqrt(w) restricted to c, normalised.
    public static func weights(_ graph: SparseGraph, kind: RelationOperatorKind) -> [Double] {
        kind == .normalizedAdjacency ? graph.degrees : [Double](repeating: 1, count: graph.nodeCount)
    }

    /// The components whose indicators form the extreme eigenspace, in component order.
    public static func indicatorComponents(_ graph: SparseGraph, kind: RelationOperatorKind) -> [Int] {
        let comps = graph.components
        switch kind {
        case .laplacian: return Array(0..<comps.count)
        case .normalizedAdjacency: return (0..<comps.count).filter { comps.size($0) > 1 }
        case .adjacency: return []
        }
    }

    /// The normalised indicator of component c restricted to its rows (in `rows` order).
    public static func localIndicator(_ graph: SparseGraph, rows: ArraySlice<Int32>, weights: [Double]) -> [Double] {
        var v = rows.map { weights[Int($0)].squareRoot() }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for i in v.indices { v[i] /= norm }
        return v
    }

    /// v0 = sqrt(w) / ||sqrt(w)|| over all indicator components: the global trivial vector
    /// (the constant vector for L, D^{1/2} 1 / sqrt(S) for A_n).
    public static func trivialVector(_ graph: SparseGraph, weights: [Double]) -> [Double] {
        var v = weights.map { $0.squareRoot() }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for i in v.indices { v[i] /= norm }
        return v
    }

    /// The j-th (0-based) vector of the weighted Helmert basis of span{indicators} intersected with
    /// v0-perp: proportional to sqrt(w)/V_j on components 0...j of `comps` and -sqrt(w)/vol_{j+1} on
    /// component j+1 (V_j the volume of components 0...j). Orthonormal, orthogonal to v0, and
    /// deterministic, so tied eigenspaces get the same basis for every rank count.
    public static func helmertVector(_ j: Int, graph: SparseGraph, comps: [Int], weights: [Double]) -> [Double] {
        var vol = [Double](repeating: 0, count: j + 2)
        for t in 0...(j + 1) {
            for r in graph.components.rows(comps[t]) { vol[t] += weights[Int(r)] }
        }
        let head = vol[0...j].reduce(0, +)
        let norm = (1 / head + 1 / vol[j + 1]).squareRoot()
        var v = [Double](repeating: 0, count: graph.nodeCount)
        for t in 0...(j + 1) {
            let coefficient = t <= j ? 1 / head : -1 / vol[j + 1]
            for r in graph.components.rows(comps[t]) {
                v[Int(r)] = coefficient * weights[Int(r)].squareRoot() / norm
            }
        }
        return v
    }
}
