import Distributed
import PairGraph

/// Eigenvectors known in closed form from the components (docs/math.md section 7).
/// For L every component indicator 1_c spans the eigenvalue 0; for A_n every component with edges
/// gives D^{1/2} 1_c (eigenvalue 1) and every isolated node e_i (eigenvalue 0).
///
/// Node weight w_i (d_i for A_n, 1 otherwise): the indicator of component c is sqrt(w) restricted
/// to c, over sqrt(vol_c), vol_c the sum of w over c. Components are numbered largest first, so the
/// indicator components (all of them for L, those with edges for A_n) are 0, 1, 2, ... in order.
public enum KnownEigenvectors {
    /// Not collective. w_i of each owned row.
    static func weights(_ graph: DistributedGraph, kind: RelationOperatorKind) -> [Double] {
        kind == .normalizedAdjacency ? graph.degrees : [Double](repeating: 1, count: graph.localRowCount)
    }

    /// Not collective. How many components have an indicator in the extreme eigenspace.
    static func indicatorCount(_ graph: DistributedGraph, kind: RelationOperatorKind) -> Int {
        switch kind {
        case .laplacian: return graph.components.count
        case .normalizedAdjacency: return graph.components.componentsWithEdges
        case .adjacency: return 0
        }
    }

    /// Collective. vol_c = sum of w over component c, for components 0..<count (only the leading
    /// ones are ever needed: the Helmert vectors the request can reach).
    static func leadingVolumes(_ graph: DistributedGraph, weights: [Double], count: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: count)
        for i in 0..<graph.localRowCount {
            let c = Int(graph.components.label[i])
            if c < count { sums[c] += weights[i] }
        }
        graph.communicator.allreduceSum(&sums)
        return sums
    }

    /// The j-th (0-based) vector of the weighted Helmert basis of span{indicators} intersected with
    /// v0-perp is coefficient[t] * sqrt(w_i) on component t (0...j+1) and 0 elsewhere: proportional
    /// to 1/V_j on components 0...j (V_j their total volume) and -1/vol_{j+1} on component j+1,
    /// normalised. Orthonormal, orthogonal to v0, and deterministic, so tied eigenspaces get the
    /// same basis for every rank count.
    /// - Parameter volumes: vol of components 0...j+1 (at least j + 2 entries).
    public static func helmertCoefficients(_ j: Int, volumes: [Double]) -> [Double] {
        let head = volumes[0...j].reduce(0, +)
        let norm = (1 / head + 1 / volumes[j + 1]).squareRoot()
        return (0...(j + 1)).map { t in (t <= j ? 1 / head : -1 / volumes[j + 1]) / norm }
    }

    /// Not collective. This rank's rows of the j-th Helmert vector (components 0...j+1).
    static func helmertEntries(_ j: Int, graph: DistributedGraph, weights: [Double], volumes: [Double]) -> [Double] {
        let coefficient = helmertCoefficients(j, volumes: volumes)
        return (0..<graph.localRowCount).map { i in
            let c = Int(graph.components.label[i])
            return c <= j + 1 ? coefficient[c] * weights[i].squareRoot() : 0
        }
    }

    /// Not collective. This rank's rows of v0 = sqrt(w) / ||sqrt(w)|| over all indicator components
    /// (the constant vector for L, D^{1/2} 1 / sqrt(S) for A_n); `total` is the sum of w over all
    /// rows (isolated rows have w = 0 for A_n).
    static func trivialEntries(weights: [Double], total: Double) -> [Double] {
        let norm = total.squareRoot()
        return weights.map { $0.squareRoot() / norm }
    }

    /// Not collective. The normalised indicator of a component on its rows here (in `rows` order).
    static func localIndicator(rows: [Int32], weights: [Double], volume: Double) -> [Double] {
        let norm = volume.squareRoot()
        return rows.map { weights[Int($0)].squareRoot() / norm }
    }
}
