/// Class labels of nodes: `labels[i]` is the class of node `ids[i]`.
public struct NodeLabels: Sendable, Equatable {
    public var ids: [UInt64]
    public var labels: [Int]

    public init(ids: [UInt64] = [], labels: [Int] = []) {
        precondition(ids.count == labels.count, "ids and labels differ in length")
        self.ids = ids
        self.labels = labels
    }

    public var count: Int { ids.count }
}
