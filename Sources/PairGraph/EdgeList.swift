/// Edges exactly as read from input (or made by a generator), before compaction and merging.
/// Node IDs are the original non-negative 64-bit IDs; self-loops and duplicates are still present
/// (assembly drops and counts them).
public struct EdgeList: Sendable {
    public var sources: [UInt64]
    public var targets: [UInt64]
    /// nil when the input carries no weights (every edge weighs 1).
    public var weights: [Double]?
    /// Matrix Market declares its node count: IDs 0..<n all exist, isolated ones included.
    public var declaredNodeCount: Int?
    /// Edges whose weight was exactly zero; they are dropped at parse time and counted.
    public var zeroWeightEdges: Int

    public init(sources: [UInt64] = [], targets: [UInt64] = [], weights: [Double]? = nil,
                declaredNodeCount: Int? = nil, zeroWeightEdges: Int = 0) {
        self.sources = sources
        self.targets = targets
        self.weights = weights
        self.declaredNodeCount = declaredNodeCount
        self.zeroWeightEdges = zeroWeightEdges
    }

    public var count: Int { sources.count }

    public mutating func append(_ u: UInt64, _ v: UInt64, weight: Double? = nil) {
        sources.append(u)
        targets.append(v)
        if let w = weight {
            if weights == nil { weights = [Double](repeating: 1, count: sources.count - 1) }
            weights!.append(w)
        } else if weights != nil {
            weights!.append(1)
        }
    }
}

/// How entries for the same unordered pair are combined.
public enum MergeRule: String, Sendable, CaseIterable {
    /// Keep the largest weight: an edge listed in both directions (as SNAP files do) stays weight 1.
    case max
    /// Add the weights: multiplicities become weights.
    case sum
}
