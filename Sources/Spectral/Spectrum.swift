import DenseAlgebra

/// Where an eigenpair came from; the report counts each.
public enum EigenpairSource: String, Codable, Sendable {
    /// Known in closed form from the components (indicators, their Helmert basis, isolated nodes).
    case component
    /// Dense LAPACK eigendecomposition of a small component.
    case dense
    /// Implicitly restarted Lanczos on a large component.
    case lanczos
}

/// One Lanczos solve on one component.
public struct ComponentSolve: Codable, Sendable {
    public var component: Int
    public var nodes: Int
    /// Laplacian solves only: the shift of the transformed operator, sigma of sigma I - L for the
    /// spectral shift, and the pole sigma = -eps of (L - sigma I)^{-1} = (L + eps I)^{-1} for
    /// shift-invert.
    public var shift: Double?
    public var report: LanczosReport
    /// Laplacian solves only: the method used, a `LaplacianMethod` raw value ("shift-invert" or
    /// "spectral-shift"); nil for G and A_n (plain largest algebraic).
    public var method: String? = nil
    /// Shift-invert: eps of L_c + eps I.
    public var epsilon: Double? = nil
    /// nnz of the Cholesky factor of L_c + eps I (from the analysis), when one was analysed, also
    /// when `auto` then fell back to the spectral shift because it exceeded the budget.
    public var factorNonzeros: Int? = nil
    /// Estimated peak bytes of the numeric factor (what the memory budget is checked against).
    public var factorBytes: Int? = nil
    /// Shift-invert: the fill-reducing ordering CHOLMOD chose ("amd", "metis", "nesdis").
    public var factorOrdering: String? = nil
    /// Shift-invert: seconds spent building, analysing and factorising L_c + eps I (not in
    /// report.seconds, which is the Lanczos iteration alone).
    public var factorSeconds: Double? = nil
    /// Why `auto` did not use shift-invert (more than one rank, over the memory budget, or a failed
    /// factorisation).
    public var methodNote: String? = nil
    /// ARPACK's tolerance in the last solve of this component (tighter than --tol after refinement).
    public var tolerance: Double? = nil
    /// Re-solves after the certification found pairs above the tolerance (docs/math.md 7.10).
    public var refinements: Int? = nil
    /// `auto`, 1 rank: the factor size predicted before any analysis (docs/math.md 7.11).
    public var predictedFactorBytes: Int? = nil
    /// Chebyshev: the filter and its bounds.
    public var chebyshev: ChebyshevReport? = nil
    /// `--next-eigenvalue ritz-bound`: products spent by the gap check on Q M Q (docs/math.md 7.12),
    /// included in report.matvecs.
    public var gapCheckMatvecs: Int? = nil
    /// AMG shift-invert: sigma, the inner tolerance and PCG's work (docs/math.md 7.13).
    public var amg: AMGReport? = nil

    enum CodingKeys: String, CodingKey {
        case component, nodes, shift, report, method, epsilon
        case factorNonzeros = "factor_nonzeros"
        case factorBytes = "factor_bytes"
        case factorOrdering = "factor_ordering"
        case factorSeconds = "factor_seconds"
        case methodNote = "method_note"
        case tolerance = "arpack_tolerance"
        case refinements
        case predictedFactorBytes = "predicted_factor_bytes"
        case chebyshev
        case gapCheckMatvecs = "gap_check_matvecs"
        case amg
    }
}

/// The leading eigenpairs of one relation operator over the whole graph.
public struct Spectrum: Sendable {
    public var kind: RelationOperatorKind
    /// Descending for G and A_n; ascending (lambda_1 <= lambda_2 ...) for L on 1-perp.
    public var values: [Double]
    /// Rows `firstRow..<firstRow + vectors.rows` of the eigenvectors (column j belongs to
    /// values[j], sign rule applied): this rank's owned rows of the graph (all N rows on one rank).
    public var vectors: DenseMatrix
    public var sources: [EigenpairSource]
    /// ||M v - value v|| of every returned pair, with M the operator itself.
    public var residuals: [Double]
    public var solves: [ComponentSolve]
    /// A_n only: column 0 is the trivial vector D^{1/2} 1 / sqrt(S).
    public var trivialFirst: Bool
    public var requested: Int
    /// The first eigenvalue past the returned ones, when known (decides uniqueness of Z*).
    public var nextValue: Double?
    public var seconds: Double
    /// Global row of `vectors` row 0.
    public var firstRow: Int = 0
    /// The residual test of every returned pair on the operator itself (docs/math.md section 7.10).
    public var certification: Certification
    /// Whether the eigenvalue after the returned ones is certified apart from the last returned one
    /// (docs/math.md 7.12); nil when `nextValue` decides it exactly (a truncated spectrum).
    public var gap: GapCertificate? = nil

    /// Every requested pair is there, every Lanczos solve converged, and every pair is certified:
    /// what exit 0 requires.
    public var converged: Bool {
        values.count >= requested && solves.allSatisfy { $0.report.converged >= $0.report.requested }
            && certification.certified
    }

    public func count(from source: EigenpairSource) -> Int { sources.filter { $0 == source }.count }

    /// The eigenvalue right after the first `k` (0-based index k), from this spectrum or, past its
    /// end, `nextValue`. A tie between it and value k-1 makes the rank-k optimum non-unique.
    public func value(after k: Int) -> Double? {
        k < values.count ? values[k] : (k == values.count ? nextValue : nil)
    }

    /// Whether eigenvalue k (0-based) might tie with value k-1 without `value(after:)` knowing it:
    /// the (K+1)-th eigenvalue was only localised, and its interval reaches lambda_K. The closed forms
    /// then do not claim a unique Z*.
    public func gapUncertified(after k: Int) -> Bool {
        k == values.count && gap.map { !$0.certified } == true
    }
}

/// The separation of lambda_{K+1} from lambda_K (docs/math.md 7.12). lambda_{K+1} lies in
/// `nextLower...nextUpper`: the certified pairs past the K returned ones give exact values, every
/// Lanczos component the interval of its gap check (Q M Q's top Ritz value and an upper bound).
public struct GapCertificate: Codable, Sendable, Equatable {
    public var certified: Bool
    /// lambda_K, the last returned eigenvalue.
    public var lambdaK: Double
    /// The interval for lambda_{K+1}; nil when nothing bounds it (a gap check that did not run).
    public var nextLower: Double?
    public var nextUpper: Double?
    /// |lambda_K - the end of the interval nearest it|, when certified.
    public var gap: Double?
    /// "ritz-bound" or "converge" (how the interval was obtained).
    public var method: String
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case certified
        case lambdaK = "lambda_k"
        case nextLower = "next_lower"
        case nextUpper = "next_upper"
        case gap, method, reason
    }
}
