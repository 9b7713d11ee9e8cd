import CMPI

/// All-gathers and personalised all-to-all exchanges. Counts and displacements are MPI `int`s:
/// every message, and every rank's total received, must stay below 2^31 elements. Each is one
/// typed core (`typedAllgatherv`, `typedAlltoallv`) over the element types the engine moves.
extension Communicator {
    /// Collective. Every rank's `value`, indexed by rank, via MPI_Allgather.
    public func allgather(_ value: Int) -> [Int] {
        var send = Int64(value)
        var receive = [Int64](repeating: 0, count: size)
        receive.withUnsafeMutableBufferPointer { buf in
            let rc = MPI_Allgather(&send, 1, cmpi_int64(), buf.baseAddress, 1, cmpi_int64(), handle)
            precondition(rc == cmpi_success(), "MPI_Allgather failed (\(rc))")
        }
        return receive.map { Int($0) }
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

    /// Collective. Every rank's list of doubles, concatenated in rank order (so the result is the
    /// same on every rank and, for a given rank count, deterministic), with the per-rank counts.
    /// TSQR gathers every rank's R factor with it, gradients their rows. Memory: the whole
    /// concatenation on every rank.
    public func allgatherv(double values: [Double]) -> (values: [Double], counts: [Int]) {
        typedAllgatherv(values, zero: 0, datatype: cmpi_double())
    }

    /// Collective. Personalised exchange of one count per rank pair via MPI_Alltoall: `counts[s]` is
    /// sent to rank s, and element s of the result is what rank s sent to this one.
    /// - Precondition: `counts.count == size`, every count fits in Int32 (MPI's count type).
    public func allToAll(_ counts: [Int]) -> [Int] {
        precondition(counts.count == size, "allToAll needs one count per rank (\(size)), got \(counts.count)")
        var send = counts.map { c -> Int32 in
            precondition(c >= 0 && c <= Int(Int32.max), "count \(c) does not fit an MPI count")
            return Int32(c)
        }
        var receive = [Int32](repeating: 0, count: size)
        send.withUnsafeMutableBufferPointer { s in
            receive.withUnsafeMutableBufferPointer { r in
                let rc = MPI_Alltoall(s.baseAddress, 1, cmpi_int32(), r.baseAddress, 1, cmpi_int32(), handle)
                precondition(rc == cmpi_success(), "MPI_Alltoall failed (\(rc))")
            }
        }
        return receive.map { Int($0) }
    }

    /// Collective. Personalised exchange of variable-length Int64 lists via MPI_Alltoallv: the
    /// `sendCounts[s]` values of `values` starting at the sum of the earlier counts go to rank s;
    /// the result holds, rank by rank, what each rank sent to this one (`receiveCounts[s]` values
    /// from rank s, normally obtained with `allToAll(sendCounts)`).
    /// - Precondition: one count per rank, `values.count` equals the sum of `sendCounts`, and all
    ///   counts and offsets fit in Int32.
    public func allToAllv(_ values: [Int64], sendCounts: [Int], receiveCounts: [Int]) -> [Int64] {
        typedAlltoallv(values, zero: 0, datatype: cmpi_int64(), sendCounts: sendCounts, receiveCounts: receiveCounts)
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
