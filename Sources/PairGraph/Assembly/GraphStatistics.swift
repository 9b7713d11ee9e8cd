/// What the report says about the graph as read.
public struct GraphStatistics: Codable, Sendable, Equatable {
    public var nodes: Int
    /// Undirected edges after merging (each unordered pair once).
    public var edges: Int
    /// Entries of the symmetric matrix G (2 x edges).
    public var nonzeros: Int
    public var inputEntries: Int
    public var selfLoopsDropped: Int
    public var duplicatesMerged: Int
    public var zeroWeightDropped: Int
    public var isolatedNodes: Int
    public var components: Int
    public var componentsWithEdges: Int
    public var largestComponent: Int
    /// Sum of all entries of G over ordered pairs (S in docs/math.md).
    public var totalWeight: Double
    public var weighted: Bool
    public var mergeRule: String
    /// Set when the graph was restricted to its largest component: the node count before.
    public var nodesBeforeRestriction: Int?

    public init(nodes: Int, edges: Int, nonzeros: Int, inputEntries: Int, selfLoopsDropped: Int, duplicatesMerged: Int,
                zeroWeightDropped: Int, isolatedNodes: Int, components: Int, componentsWithEdges: Int,
                largestComponent: Int, totalWeight: Double, weighted: Bool, mergeRule: String,
                nodesBeforeRestriction: Int?) {
        self.nodes = nodes
        self.edges = edges
        self.nonzeros = nonzeros
        self.inputEntries = inputEntries
        self.selfLoopsDropped = selfLoopsDropped
        self.duplicatesMerged = duplicatesMerged
        self.zeroWeightDropped = zeroWeightDropped
        self.isolatedNodes = isolatedNodes
        self.components = components
        self.componentsWithEdges = componentsWithEdges
        self.largestComponent = largestComponent
        self.totalWeight = totalWeight
        self.weighted = weighted
        self.mergeRule = mergeRule
        self.nodesBeforeRestriction = nodesBeforeRestriction
    }
}
