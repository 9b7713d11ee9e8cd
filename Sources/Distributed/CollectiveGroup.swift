/// The collectives a distributed algorithm is written against, so that one implementation runs on
/// MPI (`Communicator` conforms) and, in tests, on P ranks simulated in one process (threads that
/// meet at every collective). Every requirement is **Collective**: all ranks of the group call it,
/// in the same order, with the preconditions the `Communicator` versions state.
///
/// Algorithms written against it (`ParallelIDCompaction`, `DistributedComponents` in PairGraph)
/// take `some CollectiveGroup`, and their MPI entry points pass the communicator.
public protocol CollectiveGroup {
    /// Not collective.
    var rank: Int { get }
    /// Not collective.
    var size: Int { get }
    /// Collective. Sum of `value` over ranks 0..<rank (0 on rank 0).
    func exclusivePrefixSum(_ value: Int) -> Int
    /// Collective.
    func allreduceSum(_ value: Int) -> Int
    /// Collective.
    func allreduceMax(_ value: Int) -> Int
    /// Collective.
    func allreduceMin(_ value: Int) -> Int
    /// Collective. Element-wise sum over ranks, in place (same count on every rank).
    func allreduceSum(_ values: inout [Int64])
    /// Collective. Whether any rank passed `true`.
    func any(_ flag: Bool) -> Bool
    /// Collective. Every rank's `value`, indexed by rank.
    func allgather(_ value: Int) -> [Int]
    /// Collective. Every rank's list, concatenated in rank order, with the per-rank counts.
    func allgatherv(uint64 values: [UInt64]) -> (values: [UInt64], counts: [Int])
    /// Collective. Every rank's list, concatenated in rank order, with the per-rank counts.
    func allgatherv(int64 values: [Int64]) -> (values: [Int64], counts: [Int])
    /// Collective. `counts[s]` goes to rank s; element s of the result came from rank s.
    func allToAll(_ counts: [Int]) -> [Int]
    /// Collective. Personalised exchange; see `Communicator.allToAllv(_:sendCounts:receiveCounts:)`.
    func allToAllv(_ values: [Int64], sendCounts: [Int], receiveCounts: [Int]) -> [Int64]
    /// Collective. Personalised exchange of UInt64 lists (node IDs).
    func allToAllv(uint64 values: [UInt64], sendCounts: [Int], receiveCounts: [Int]) -> [UInt64]
    /// Collective. Personalised exchange of Int32 lists (rows, labels).
    func allToAllv(int32 values: [Int32], sendCounts: [Int], receiveCounts: [Int]) -> [Int32]
}

extension CollectiveGroup {
    /// Collective. The personalised exchange with the receive counts obtained first by an
    /// all-to-all of the send counts: returns what each rank sent here, concatenated in rank order,
    /// and how many values came from each rank.
    public func exchange(_ values: [UInt64], sendCounts: [Int]) -> (values: [UInt64], counts: [Int]) {
        let receiveCounts = allToAll(sendCounts)
        return (allToAllv(uint64: values, sendCounts: sendCounts, receiveCounts: receiveCounts), receiveCounts)
    }

    /// Collective. As `exchange(_:sendCounts:)` for Int32 values.
    public func exchange(_ values: [Int32], sendCounts: [Int]) -> (values: [Int32], counts: [Int]) {
        let receiveCounts = allToAll(sendCounts)
        return (allToAllv(int32: values, sendCounts: sendCounts, receiveCounts: receiveCounts), receiveCounts)
    }

    /// Collective. As `exchange(_:sendCounts:)` for Int64 values.
    public func exchange(_ values: [Int64], sendCounts: [Int]) -> (values: [Int64], counts: [Int]) {
        let receiveCounts = allToAll(sendCounts)
        return (allToAllv(values, sendCounts: sendCounts, receiveCounts: receiveCounts), receiveCounts)
    }
}

extension Communicator: CollectiveGroup {}
