import CMPI

/// The collectives the distributed engine needs beyond `Communicator`'s basics: prefix sums and
/// minimum reductions for the row partition, all-gather, and the personalised all-to-all exchanges
/// that set up halo plans.
extension Communicator {
    /// Collective. The sum of `value` over ranks 0..<rank (0 on rank 0), via MPI_Exscan.
    public func exclusivePrefixSum(_ value: Int) -> Int {
        var send = Int64(value)
        var receive: Int64 = 0
        MPI_Exscan(&send, &receive, 1, cmpi_int64(), cmpi_sum(), handle)
        // MPI leaves rank 0's receive buffer undefined.
        return rank == 0 ? 0 : Int(receive)
    }

    /// Collective. Element-wise minimum over ranks, in place (every rank passes the same count).
    public func allreduceMin(_ values: inout [Int64]) {
        let n = Int32(values.count)
        values.withUnsafeMutableBufferPointer { buf in
            _ = MPI_Allreduce(cmpi_in_place(), buf.baseAddress, n, cmpi_int64(), cmpi_min(), handle)
        }
    }

    /// Collective. Element-wise maximum over ranks, in place (every rank passes the same count).
    public func allreduceMax(_ values: inout [Int64]) {
        let n = Int32(values.count)
        values.withUnsafeMutableBufferPointer { buf in
            _ = MPI_Allreduce(cmpi_in_place(), buf.baseAddress, n, cmpi_int64(), cmpi_max(), handle)
        }
    }

    /// Collective. Every rank's `value`, indexed by rank, via MPI_Allgather.
    public func allgather(_ value: Int) -> [Int] {
        var send = Int64(value)
        var receive = [Int64](repeating: 0, count: size)
        receive.withUnsafeMutableBufferPointer { buf in
            _ = MPI_Allgather(&send, 1, cmpi_int64(), buf.baseAddress, 1, cmpi_int64(), handle)
        }
        return receive.map { Int($0) }
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
                _ = MPI_Alltoall(s.baseAddress, 1, cmpi_int32(), r.baseAddress, 1, cmpi_int32(), handle)
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
        precondition(sendCounts.count == size && receiveCounts.count == size, "allToAllv needs one count per rank")
        func offsets(_ counts: [Int]) -> (counts: [Int32], displacements: [Int32], total: Int) {
            var displacements: [Int32] = []
            displacements.reserveCapacity(counts.count)
            var total = 0
            for c in counts {
                precondition(c >= 0 && total <= Int(Int32.max), "count or offset does not fit an MPI count")
                displacements.append(Int32(total))
                total += c
            }
            precondition(total <= Int(Int32.max), "total \(total) does not fit an MPI count")
            return (counts.map { Int32($0) }, displacements, total)
        }
        var (sc, sd, sendTotal) = offsets(sendCounts)
        var (rc, rd, receiveTotal) = offsets(receiveCounts)
        precondition(values.count == sendTotal, "\(values.count) values for send counts totalling \(sendTotal)")
        var send = values
        // One spare element so the base addresses are never nil.
        send.append(0)
        var receive = [Int64](repeating: 0, count: receiveTotal + 1)
        send.withUnsafeMutableBufferPointer { s in
            receive.withUnsafeMutableBufferPointer { r in
                _ = MPI_Alltoallv(s.baseAddress, &sc, &sd, cmpi_int64(), r.baseAddress, &rc, &rd, cmpi_int64(), handle)
            }
        }
        receive.removeLast()
        return receive
    }
}
