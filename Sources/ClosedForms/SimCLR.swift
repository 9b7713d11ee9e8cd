import DenseAlgebra
import PairGraph
import Spectral

/// SimCLR in its spectral-contrastive form (docs/math.md section 3): a global, MDS-like embedding from
/// the positive part of the spectrum of G (uniform negatives) or of A_n (degree-weighted).
///
/// Row-local: with `spectrum.vectors` holding this rank's owned rows (and `degrees` the same
/// rows' degrees), Z* comes back on those rows; everything else (N, S, the eigenvalues, whether
/// any node is isolated) is global, so no communication is needed.
public enum SimCLRClosedForm {
    /// Uniform negatives on the owned rows of `graph`.
    public static func solveUniform(_ spectrum: Spectrum, graph: DistributedGraph, dimension k: Int) -> ClosedFormSolution {
        solveUniform(spectrum, nodes: graph.nodeCount, totalWeight: graph.totalWeight, dimension: k)
    }

    /// Degree-weighted negatives on the owned rows of `graph`.
    public static func solveDegree(_ spectrum: Spectrum, graph: DistributedGraph, dimension k: Int) -> ClosedFormSolution {
        solveDegree(spectrum, degrees: graph.degrees, totalWeight: graph.totalWeight,
                    isolatedNodes: graph.components.isolatedCount, dimension: k)
    }

    /// max(0, mu), with eigenvalues within 1e-10 of `scale` (the spectrum's magnitude) of zero
    /// taken as 0: a zero eigenvalue comes back from the solver as +-1e-16, and counting it as
    /// positive would claim a rank the numbers do not support.
    static func positivePart(_ mu: [Double], scale: Double) -> [Double] {
        mu.map { $0 > 1e-10 * scale ? $0 : 0 }
    }

    /// Uniform negatives; `spectrum`: the K largest eigenpairs of G. S = total weight.
    public static func solveUniform(_ spectrum: Spectrum, nodes n: Int, totalWeight s: Double, dimension k: Int) -> ClosedFormSolution {
        precondition(spectrum.kind == .adjacency && spectrum.values.count >= k)
        let mu = Array(spectrum.values.prefix(k))
        let factor = Double(n) * Double(n) / s
        let positive = positivePart(mu, scale: spectrum.values.map(abs).max() ?? 0)
        let scales = positive.map { factor * $0 }
        let z = spectrum.vectors.columns(0..<k).scalingColumns(by: scales.map { $0.squareRoot() })
        let minLoss = -(Double(n) * Double(n) / (s * s)) * positive.reduce(0) { $0 + $1 * $1 }
        var notes: [String] = []
        let rank = scales.filter { $0 > 0 }.count
        if rank < k {
            notes.append("G has only \(rank) positive eigenvalues among its top \(k): rank(Z*) = \(rank) (the positive spectrum of G caps it)")
        }
        let tied = spectrum.value(after: k).map { nearlyEqual($0, mu[k - 1]) && mu[k - 1] > 0 } ?? false
        let uncertified = !tied && spectrum.gapUncertified(after: k) && mu[k - 1] > 0
        let unique = !tied && !uncertified
        if tied { notes.append("mu_K = mu_{K+1}: tied eigenspace at K, any basis of it is optimal") }
        if uncertified { notes.append(uncertifiedGapNote) }
        notes.append("this is the spectral-contrastive optimum (HaoChen et al. 2021), not the InfoNCE optimum")
        var solution = ClosedFormSolution(loss: .simclr, embedding: z, scales: scales, rank: rank, minLoss: minLoss,
                                          unique: unique, notes: notes)
        solution.optimalSpan = .leading(count: rank, offset: 0, tiedAtBoundary: !unique)
        return solution
    }

    /// Degree-weighted negatives; `spectrum`: the K largest eigenpairs of A_n (trivial first).
    /// `degrees`: of the rows `spectrum.vectors` holds; `isolatedNodes`: over the whole graph.
    public static func solveDegree(_ spectrum: Spectrum, degrees: [Double], totalWeight s: Double, isolatedNodes: Int,
                                   dimension k: Int) -> ClosedFormSolution {
        precondition(spectrum.kind == .normalizedAdjacency && spectrum.values.count >= k)
        let mu = Array(spectrum.values.prefix(k))
        // A_n's spectrum lies in [-1, 1].
        let scales = positivePart(mu, scale: 1)
        let rowScale = degrees.map { $0 > 0 ? (s / $0).squareRoot() : 0 }
        let z = spectrum.vectors.columns(0..<k).scalingColumns(by: scales.map { $0.squareRoot() }).scalingRows(by: rowScale)
        let minLoss = -scales.reduce(0) { $0 + $1 * $1 }
        var notes: [String] = []
        if spectrum.trivialFirst {
            notes.append("column 0 is the trivial eigenvector (mu = 1, D^{1/2} 1): it is constant on every node with edges; rank counts it, so the centred Z* has rank one less (numerical_rank)")
        }
        if isolatedNodes > 0 {
            notes.append("isolated nodes do not enter the loss; their rows of Z* are set to 0")
        }
        let rank = scales.filter { $0 > 0 }.count
        if rank < k { notes.append("A_n has only \(rank) positive eigenvalues among its top \(k): rank(Z*) = \(rank)") }
        let tied = spectrum.value(after: k).map { nearlyEqual($0, mu[k - 1]) && mu[k - 1] > 0 } ?? false
        let uncertified = !tied && spectrum.gapUncertified(after: k) && mu[k - 1] > 0
        let unique = !tied && !uncertified
        if tied { notes.append("mu_K = mu_{K+1}: tied eigenspace at K, any basis of it is optimal") }
        if uncertified { notes.append(uncertifiedGapNote) }
        var solution = ClosedFormSolution(loss: .simclrDegree, embedding: z, scales: scales, rank: rank, minLoss: minLoss,
                                          unique: unique, notes: notes)
        solution.optimalSpan = .leading(count: rank, offset: 0, tiedAtBoundary: !unique)
        return solution
    }
}
