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
    /// sigma of sigma I - L (Laplacian solves only).
    public var shift: Double?
    public var report: LanczosReport
}

/// The leading eigenpairs of one relation operator over the whole graph.
public struct Spectrum: Sendable {
    public var kind: RelationOperatorKind
    /// Descending for G and A_n; ascending (lambda_1 <= lambda_2 ...) for L on 1-perp.
    public var values: [Double]
    /// N x values.count, column j the eigenvector of values[j], sign rule applied.
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

    public var converged: Bool { values.count >= requested && solves.allSatisfy { $0.report.converged >= $0.report.requested } }

    public func count(from source: EigenpairSource) -> Int { sources.filter { $0 == source }.count }

    /// The eigenvalue right after the first `k` (0-based index k), from this spectrum or, past its
    /// end, `nextValue`. A tie between it and value k-1 makes the rank-k optimum non-unique.
    public func value(after k: Int) -> Double? {
        k < values.count ? values[k] : (k == values.count ? nextValue : nil)
    }
}
