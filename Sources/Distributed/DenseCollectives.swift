import CMPI

/// Collectives on doubles that the distributed closed forms and diagnostics need beyond
/// `Communicator`'s sums: element-wise minimum and maximum, and the all-gather of variable-length
/// lists (TSQR gathers every rank's R factor, gradients gather their rows). Counts are MPI ints.
extension Communicator {
    /// Collective. Element-wise minimum over ranks, in place (same count on every rank).
    public func allreduceMin(_ values: inout [Double]) {
        reduceDoubles(&values, op: cmpi_min())
    }

    /// Collective. Element-wise maximum over ranks, in place (same count on every rank).
    public func allreduceMax(_ values: inout [Double]) {
        reduceDoubles(&values, op: cmpi_max())
    }

    /// Collective. The minimum of `value` over ranks.
    public func allreduceMin(_ value: Double) -> Double {
        var v = [value]
        allreduceMin(&v)
        return v[0]
    }

    /// Collective. Every rank's list of doubles, concatenated in rank order (so the result is the
    /// same on every rank and, for a given rank count, deterministic), with the per-rank counts.
    /// Memory: the whole concatenation on every rank.
    public func allgatherv(double values: [Double]) -> (values: [Double], counts: [Int]) {
        precondition(values.count <= Int(Int32.max), "\(values.count) values do not fit an MPI count")
        let counts = allgather(values.count)
        var receiveCounts: [Int32] = []
        var displacements: [Int32] = []
        var total = 0
        for c in counts {
            precondition(total <= Int(Int32.max), "offset \(total) does not fit an MPI displacement")
            displacements.append(Int32(total))
            receiveCounts.append(Int32(c))
            total += c
        }
        precondition(total <= Int(Int32.max), "total \(total) does not fit an MPI count")
        // One spare element each, so the base addresses are never nil.
        var send = values
        send.append(0)
        var receive = [Double](repeating: 0, count: total + 1)
        send.withUnsafeMutableBufferPointer { s in
            receive.withUnsafeMutableBufferPointer { r in
                let rc = MPI_Allgatherv(s.baseAddress, Int32(values.count), cmpi_double(), r.baseAddress,
                                        &receiveCounts, &displacements, cmpi_double(), handle)
                precondition(rc == cmpi_success(), "MPI_Allgatherv failed (\(rc))")
            }
        }
        receive.removeLast()
        return (receive, counts)
    }

    private func reduceDoubles(_ values: inout [Double], op: MPI_Op?) {
        let n = Int32(values.count)
        guard n > 0 else { return }
        values.withUnsafeMutableBufferPointer { buf in
            let rc = MPI_Allreduce(cmpi_in_place(), buf.baseAddress, n, cmpi_double(), op, handle)
            precondition(rc == cmpi_success(), "MPI_Allreduce failed (\(rc))")
        }
    }
}
