import Spectral

extension RelationOperatorKind {
    /// The timing (and peak-memory) phase of this operator's solve in every report, snake_case
    /// as every key (docs/report.schema.json).
    public var solvePhase: String {
        switch self {
        case .laplacian: return "solve_laplacian"
        case .adjacency: return "solve_adjacency"
        case .normalizedAdjacency: return "solve_normalized_adjacency"
        }
    }
}
