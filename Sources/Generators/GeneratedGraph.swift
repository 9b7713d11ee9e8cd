import PairGraph

/// What a seeded generator returns: the edges, the node set and, where the model has them, labels.
///
/// Node IDs are 0..<nodeCount. `edges.declaredNodeCount` is left nil so that a graph used in memory
/// behaves exactly like the same graph written with `EdgeListWriter` and read back (isolated nodes,
/// which an edge-list file cannot carry, are not declared either way).
public struct GeneratedGraph: Sendable {
    public var edges: EdgeList
    public var nodeCount: Int
    public var labels: NodeLabels?
    /// One line naming the generator and every parameter, seed included (written as the file header).
    public var description: String
}

/// Formats a parameter for a header line: integers without a fraction, others with up to 17 digits.
func formatParameter(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return x.description
}
