import ClosedForms
import PairGraph
import Spectral

/// Which operator each loss's closed form needs, how many eigenpairs of it, and the closed form
/// of a loss from its operator's spectrum (docs/math.md sections 2-4).
public enum LossOperators {
    public static func operatorFor(_ loss: LossName) -> RelationOperatorKind {
        switch loss {
        case .vicreg: return .laplacian
        case .simclr: return .adjacency
        case .simclrDegree, .barlow: return .normalizedAdjacency
        }
    }

    /// Operators in a fixed order (L, G, A_n), each solved once for every loss that needs it.
    public static func operatorsNeeded(_ losses: [LossName]) -> [RelationOperatorKind] {
        let needed = Set(losses.map(operatorFor))
        return [RelationOperatorKind.laplacian, .adjacency, .normalizedAdjacency].filter(needed.contains)
    }

    /// A_n needs K+1 pairs (trivial + K) when BarlowTwins is asked for; every other operator K.
    public static func eigenpairCount(_ kind: RelationOperatorKind, losses: [LossName], dimension: Int) -> Int {
        kind == .normalizedAdjacency && losses.contains(.barlow) ? dimension + 1 : dimension
    }

    /// Row-local (BarlowTwins: collective). Z* of `loss` on the owned rows.
    static func closedForm(_ loss: LossName, spectrum: Spectrum, graph: DistributedGraph, dimension k: Int,
                           hyper: Hyperparameters) -> ClosedFormSolution {
        switch loss {
        case .vicreg:
            return VICRegClosedForm.solve(spectrum, graph: graph, dimension: k, hyper: hyper)
        case .simclr:
            return SimCLRClosedForm.solveUniform(spectrum, graph: graph, dimension: k)
        case .simclrDegree:
            return SimCLRClosedForm.solveDegree(spectrum, graph: graph, dimension: k)
        case .barlow:
            return BarlowTwinsClosedForm.solve(spectrum, graph: graph, dimension: k, lambda: hyper.lambda)
        }
    }

    /// The hyperparameters a loss's closed form depends on, as its report lists them.
    static func reportedHyperparameters(for loss: LossName, _ hyper: Hyperparameters) -> [String: Double] {
        switch loss {
        case .vicreg: return ["gamma": hyper.gamma, "beta": hyper.beta]
        case .simclr, .simclrDegree: return [:]
        case .barlow: return ["lambda": hyper.lambda]
        }
    }

    /// The first `count` eigenpairs of `spectrum`, as a solve for `count` pairs would return them
    /// (one solve at the largest K serves every smaller K of a sweep).
    static func truncated(_ spectrum: Spectrum, to count: Int) -> Spectrum {
        guard count < spectrum.values.count else { return spectrum }
        var s = spectrum
        s.values = Array(spectrum.values.prefix(count))
        s.vectors = spectrum.vectors.columns(0..<count)
        s.sources = Array(spectrum.sources.prefix(count))
        s.residuals = Array(spectrum.residuals.prefix(count))
        s.certification = spectrum.certification.prefix(count)
        s.requested = count
        s.nextValue = spectrum.values[count]
        // Pair count+1 is a certified pair of this solve: the tie test on nextValue is exact.
        s.gap = nil
        return s
    }
}

/// The losses with a linear closed form (docs/math.md section 5).
public let linearLosses: [LossName] = [.vicreg, .simclr, .barlow]
