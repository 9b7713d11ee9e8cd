import CMPI

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

/// The collectives beyond `Collectives.swift` that parallel ID compaction and distributed
/// components need: all-to-all-v of UInt64 and Int32 lists, all-gather-v, and a scalar minimum.
/// Counts and displacements are MPI `int`s: every message, and every rank's total received, must
/// stay below 2^31 elements.
extension Communicator {
    /// Collective. The minimum of `value` over ranks.
    public func allreduceMin(_ value: Int) -> Int {
        var v = [Int64(value)]
        allreduceMin(&v)
        return Int(v[0])
    }

    /// Collective. Personalised exchange of UInt64 lists via MPI_Alltoallv (moved as 64-bit
    /// integers, bit for bit), with the layout and preconditions of the Int64 version.
    public func allToAllv(uint64 values: [UInt64], sendCounts: [Int], receiveCounts: [Int]) -> [UInt64] {
        typedAlltoallv(values, zero: 0, datatype: cmpi_int64(), sendCounts: sendCounts, receiveCounts: receiveCounts)
    }

    /// Collective. Personalised exchange of Int32 lists via MPI_Alltoallv, with the layout and
    /// preconditions of the Int64 version.
    public func allToAllv(int32 values: [Int32], sendCounts: [Int], receiveCounts: [Int]) -> [Int32] {
        typedAlltoallv(values, zero: 0, datatype: cmpi_int32(), sendCounts: sendCounts, receiveCounts: receiveCounts)
    }

    /// Collective. Every rank's UInt64 list concatenated in rank order, via an all-gather of the
    /// counts and MPI_Allgatherv. Memory: the whole concatenation on every rank.
    public func allgatherv(uint64 values: [UInt64]) -> (values: [UInt64], counts: [Int]) {
        typedAllgatherv(values, zero: 0, datatype: cmpi_int64())
    }

    /// Collective. Every rank's Int64 list concatenated in rank order, via an all-gather of the
    /// counts and MPI_Allgatherv. Memory: the whole concatenation on every rank.
    public func allgatherv(int64 values: [Int64]) -> (values: [Int64], counts: [Int]) {
        typedAllgatherv(values, zero: 0, datatype: cmpi_int64())
    }

    // MARK: - Typed cores

    /// Counts and displacements as MPI ints, with the total.
    private static func mpiLayout(_ counts: [Int]) -> (counts: [Int32], displacements: [Int32], total: Int) {
        var displacements: [Int32] = []
        displacements.reserveCapacity(counts.count)
        var total = 0
        for c in counts {
            precondition(c >= 0 && c <= Int(Int32.max), "count \(c) does not fit an MPI count")
            precondition(total <= Int(Int32.max), "offset \(total) does not fit an MPI displacement")
            displacements.append(Int32(total))
            total += c
        }
        precondition(total <= Int(Int32.max), "total \(total) does not fit an MPI count")
        return (counts.map { Int32($0) }, displacements, total)
    }

    private func typedAlltoallv<T: BitwiseCopyable>(_ values: [T], zero: T, datatype: MPI_Datatype, sendCounts: [Int],
                                               receiveCounts: [Int]) -> [T] {
        precondition(sendCounts.count == size && receiveCounts.count == size, "allToAllv needs one count per rank")
        var (sc, sd, sendTotal) = Self.mpiLayout(sendCounts)
        var (rc, rd, receiveTotal) = Self.mpiLayout(receiveCounts)
        precondition(values.count == sendTotal, "\(values.count) values for send counts totalling \(sendTotal)")
        // One spare element each, so the base addresses are never nil.
        var send = values
        send.append(zero)
        var receive = [T](repeating: zero, count: receiveTotal + 1)
        send.withUnsafeMutableBufferPointer { s in
            receive.withUnsafeMutableBufferPointer { r in
                let rcode = MPI_Alltoallv(s.baseAddress, &sc, &sd, datatype, r.baseAddress, &rc, &rd, datatype, handle)
                precondition(rcode == cmpi_success(), "MPI_Alltoallv failed (\(rcode))")
            }
        }
        receive.removeLast()
        return receive
    }

    private func typedAllgatherv<T: BitwiseCopyable>(_ values: [T], zero: T, datatype: MPI_Datatype) -> (values: [T], counts: [Int]) {
        precondition(values.count <= Int(Int32.max), "\(values.count) values do not fit an MPI count")
        let counts = allgather(values.count)
        var (rc, rd, total) = Self.mpiLayout(counts)
        var send = values
        send.append(zero)
        var receive = [T](repeating: zero, count: total + 1)
        send.withUnsafeMutableBufferPointer { s in
            receive.withUnsafeMutableBufferPointer { r in
                let rcode = MPI_Allgatherv(s.baseAddress, Int32(values.count), datatype, r.baseAddress, &rc, &rd,
                                           datatype, handle)
                precondition(rcode == cmpi_success(), "MPI_Allgatherv failed (\(rcode))")
            }
        }
        receive.removeLast()
        return (receive, counts)
    }
}
