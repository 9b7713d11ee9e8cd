import CMPI

/// Element-wise reductions over the ranks (MPI_Allreduce in place) and the exclusive prefix sum of
/// the row partition. Each type and operation has one checked core.
extension Communicator {
    /// Collective. Element-wise sum over ranks, in place (same count on every rank).
    public func allreduceSum(_ values: inout [Double]) { allreduce(&values, cmpi_double(), cmpi_sum()) }

    /// Collective. Element-wise minimum over ranks, in place (same count on every rank).
    public func allreduceMin(_ values: inout [Double]) { allreduce(&values, cmpi_double(), cmpi_min()) }

    /// Collective. Element-wise maximum over ranks, in place (same count on every rank).
    public func allreduceMax(_ values: inout [Double]) { allreduce(&values, cmpi_double(), cmpi_max()) }

    /// Collective. Element-wise integer sum over ranks, in place (same count on every rank).
    public func allreduceSum(_ values: inout [Int64]) { allreduce(&values, cmpi_int64(), cmpi_sum()) }

    /// Collective. Element-wise minimum over ranks, in place (same count on every rank).
    public func allreduceMin(_ values: inout [Int64]) { allreduce(&values, cmpi_int64(), cmpi_min()) }

    /// Collective. Element-wise maximum over ranks, in place (same count on every rank).
    public func allreduceMax(_ values: inout [Int64]) { allreduce(&values, cmpi_int64(), cmpi_max()) }

    /// Collective.
    public func allreduceSum(_ value: Double) -> Double { scalar(value, allreduceSum) }

    /// Collective.
    public func allreduceMin(_ value: Double) -> Double { scalar(value, allreduceMin) }

    /// Collective.
    public func allreduceMax(_ value: Double) -> Double { scalar(value, allreduceMax) }

    /// Collective.
    public func allreduceSum(_ value: Int) -> Int { Int(scalar(Int64(value), allreduceSum)) }

    /// Collective. The minimum of `value` over ranks.
    public func allreduceMin(_ value: Int) -> Int { Int(scalar(Int64(value), allreduceMin)) }

    /// Collective.
    public func allreduceMax(_ value: Int) -> Int { Int(scalar(Int64(value), allreduceMax)) }

    /// Collective. Whether any rank passed `true`.
    public func any(_ flag: Bool) -> Bool {
        allreduceMax(flag ? 1 : 0) != 0
    }

    /// Collective. The sum of `value` over ranks 0..<rank (0 on rank 0), via MPI_Exscan.
    public func exclusivePrefixSum(_ value: Int) -> Int {
        var send = Int64(value)
        var receive: Int64 = 0
        let rc = MPI_Exscan(&send, &receive, 1, cmpi_int64(), cmpi_sum(), handle)
        precondition(rc == cmpi_success(), "MPI_Exscan failed (\(rc))")
        // MPI leaves rank 0's receive buffer undefined.
        return rank == 0 ? 0 : Int(receive)
    }

    private func scalar<T>(_ value: T, _ reduce: (inout [T]) -> Void) -> T {
        var v = [value]
        reduce(&v)
        return v[0]
    }

    private func allreduce<T: BitwiseCopyable>(_ values: inout [T], _ datatype: MPI_Datatype?, _ op: MPI_Op?) {
        let n = Int32(values.count)
        guard n > 0 else { return }
        values.withUnsafeMutableBufferPointer { buf in
            let rc = MPI_Allreduce(cmpi_in_place(), buf.baseAddress, n, datatype, op, handle)
            precondition(rc == cmpi_success(), "MPI_Allreduce failed (\(rc))")
        }
    }
}
