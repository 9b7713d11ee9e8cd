import ClosedForms
import DenseAlgebra
import Distributed
import PairGraph
import Spectral

/// Eigenvectors of a tied eigenspace, in full. Within a tie the basis a solve returns is
/// arbitrary (docs/math.md, determinism), so every measure that reads an eigenvector block cut
/// at a tie must use the whole tied space instead.
public enum TiedSpectrum {
    /// Collective. `spectrum`, solved again for more pairs as needed (doubling), until it holds
    /// every eigenvector whose eigenvalue ties (`nearlyEqual`) with column `boundary`.
    /// - Returns: the spectrum, `end` (one past the last column of the tie) and whether the tie
    ///   ended inside it (false when `cap` pairs were reached first: then columns up to `end` are
    ///   only part of the tied space).
    /// `cache`: the largest spectrum of each operator solved so far, so that the label energy of
    /// the operator and the best optimal label energy of each of its losses do not solve the same
    /// tie again (the values of a larger solve extend the smaller one's; within the tie the basis
    /// differs, which no caller depends on).
    public static func through(_ spectrum: Spectrum, boundary: Int, graph: DistributedGraph, solver: SpectrumSolver,
                        cap: Int, cache: SpectrumCache? = nil) throws -> (spectrum: Spectrum, end: Int, complete: Bool) {
        let available = spectrum.kind == .laplacian ? graph.nodeCount - 1 : graph.nodeCount
        var s = spectrum
        if let known = cache?.spectra[spectrum.kind], known.values.count > s.values.count { s = known }
        defer { if let cache, s.values.count > (cache.spectra[s.kind]?.values.count ?? 0) { cache.spectra[s.kind] = s } }
        while true {
            let tiedValue = s.values[boundary]
            var end = boundary + 1
            while end < s.values.count && nearlyEqual(s.values[end], tiedValue) { end += 1 }
            if end < s.values.count { return (s, end, true) }
            // The tie reaches the last column: does the next eigenvalue continue it?
            guard let next = s.nextValue, nearlyEqual(next, tiedValue) else { return (s, end, true) }
            let want = min(available, cap, max(2 * s.values.count, s.values.count + 16))
            guard want > s.values.count else { return (s, end, false) }
            let more = try solver.solve(graph, kind: s.kind, count: want)
            guard more.converged else { throw NotConverged(spectrum: more) }
            s = more
        }
    }

    /// Most eigenpairs a tie extension asks for at dimension K.
    public static func cap(dimension k: Int) -> Int { max(4 * (k + 1), k + 256) }
}

/// The largest spectrum of each operator solved so far (`TiedSpectrum.through`).
public final class SpectrumCache {
    public var spectra: [RelationOperatorKind: Spectrum] = [:]

    public init() {}
}

/// The fraction of an embedding's energy inside the span of every optimal solution of a loss
/// (`OptimalSpan`), under the loss's own centring: ||P H Z||_F^2 / ||H Z||_F^2 (degree-weighted,
/// D^1/2 (Z - 1 m^T), for BarlowTwins). 1 means Z lies in the optimal subspace (it can still be
/// mis-scaled: see gap_at_best_scale); unlike principal angles it does not depend on which basis
/// of a tied eigenspace the solve returned.
public struct OptimalSubspaceEnergy {
    /// nil when the centred embedding is zero (a constant Z has no energy to place).
    public var fraction: Double?
    /// What the subspace was, in words.
    public var subspace: String

    /// Collective. `z`: this rank's rows of the user's embedding; `spectrum`: the solve Z* was
    /// built from (at least K pairs).
    public static func measure(_ z: DenseMatrix, loss: LossName, span: OptimalSpan, spectrum: Spectrum, graph: DistributedGraph,
                        solver: SpectrumSolver, dimension k: Int, cache: SpectrumCache? = nil) throws -> OptimalSubspaceEnergy {
        let degreeWeighted = loss == .barlow
        let zc = SubspaceAngles.centred(z, graph: graph, degreeWeighted: degreeWeighted)
        var norms = [zc.storage.reduce(0) { $0 + $1 * $1 }]
        switch span {
        case .everything:
            graph.communicator.allreduceSum(&norms)
            return OptimalSubspaceEnergy(fraction: norms[0] > 0 ? 1 : nil,
                                         subspace: "every degree-centred embedding (BarlowTwins 4b, K > m: the optimal solutions span all of v0-perp), so this fraction is 1 for any Z")
        case .leading(let count, let offset, let tied):
            var s = spectrum, end = offset + count, words = "the \(count) eigenvectors of \(spectrum.kind.rawValue) that Z* uses"
            if tied && count > 0 {
                let extended = try TiedSpectrum.through(spectrum, boundary: offset + count - 1, graph: graph, solver: solver,
                                                        cap: TiedSpectrum.cap(dimension: k), cache: cache)
                s = extended.spectrum
                end = extended.end
                words = "the \(end - offset) eigenvectors of \(spectrum.kind.rawValue) spanning every optimal Z*: the \(count) Z* uses, extended by the whole tied eigenspace at the K boundary"
                if !extended.complete { words += " (the tie continues past \(s.values.count) pairs, the most computed: a lower bound)" }
            }
            var directions = s.vectors.columns(offset..<end)
            if spectrum.kind == .normalizedAdjacency {
                // Z* = D^{-1/2} U (...): the directions in Z-space (isolated rows 0, as in Z*).
                directions = directions.scalingRows(by: graph.degrees.map { $0 > 0 ? 1 / $0.squareRoot() : 0 })
            }
            let basis = try SubspaceAngles.basis(SubspaceAngles.centred(directions, graph: graph, degreeWeighted: degreeWeighted),
                                                 communicator: graph.communicator)
            // Q^T H Z is a sum over rows: reduce it (with ||H Z||^2) before squaring.
            var buffer = [norms[0]] + basis.transposeTimes(zc).storage
            graph.communicator.allreduceSum(&buffer)
            let inside = buffer.dropFirst().reduce(0) { $0 + $1 * $1 }
            return OptimalSubspaceEnergy(fraction: buffer[0] > 0 ? min(1, inside / buffer[0]) : nil, subspace: words)
        }
    }
}
