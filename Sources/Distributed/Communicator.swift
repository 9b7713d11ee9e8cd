import CMPI

/// A thin value wrapper over an MPI communicator. Every pipeline stage takes one, so a 1-rank run
/// and a P-rank run execute the same code. Functions tagged "Collective" must be called by every
/// rank of the communicator, in the same order.
public struct Communicator: @unchecked Sendable {
    public let handle: MPI_Comm

    public init(_ handle: MPI_Comm?) {
        self.handle = handle!
    }

    /// Not collective.
    public var rank: Int {
        var r: Int32 = 0
        MPI_Comm_rank(handle, &r)
        return Int(r)
    }

    /// Not collective.
    public var size: Int {
        var s: Int32 = 0
        MPI_Comm_size(handle, &s)
        return Int(s)
    }

    /// Not collective. The coordinator gathers spectra and writes the report.
    public var isCoordinator: Bool { rank == 0 }

    /// The Fortran handle PARPACK takes.
    public var fortranHandle: Int32 { MPI_Comm_c2f(handle) }

    /// Collective.
    public func barrier() { MPI_Barrier(handle) }

    /// Not collective: aborts every rank of the job (used after a fatal error was printed).
    public func abort(code: Int32) -> Never {
        MPI_Abort(handle, code)
        fatalError("MPI_Abort returned")
    }

    /// Collective. Element-wise sum over ranks, in place.
    public func allreduceSum(_ values: inout [Double]) {
        let n = Int32(values.count)
        values.withUnsafeMutableBufferPointer { buf in
            _ = MPI_Allreduce(cmpi_in_place(), buf.baseAddress, n, cmpi_double(), cmpi_sum(), handle)
        }
    }

    /// Collective.
    public func allreduceSum(_ value: Double) -> Double {
        var v = [value]
        allreduceSum(&v)
        return v[0]
    }

    /// Collective. Element-wise integer sum over ranks, in place.
    public func allreduceSum(_ values: inout [Int64]) {
        let n = Int32(values.count)
        values.withUnsafeMutableBufferPointer { buf in
            _ = MPI_Allreduce(cmpi_in_place(), buf.baseAddress, n, cmpi_int64(), cmpi_sum(), handle)
        }
    }

    /// Collective.
    public func allreduceSum(_ value: Int) -> Int {
        var v = [Int64(value)]
        allreduceSum(&v)
        return Int(v[0])
    }

    /// Collective.
    public func allreduceMax(_ value: Double) -> Double {
        var v = value
        MPI_Allreduce(cmpi_in_place(), &v, 1, cmpi_double(), cmpi_max(), handle)
        return v
    }

    /// Collective.
    public func allreduceMax(_ value: Int) -> Int {
        var v = Int64(value)
        MPI_Allreduce(cmpi_in_place(), &v, 1, cmpi_int64(), cmpi_max(), handle)
        return Int(v)
    }

    /// Collective. Rank 0's bytes on every rank.
    public func broadcast(_ bytes: inout [UInt8]) {
        var count = Int64(bytes.count)
        MPI_Bcast(&count, 1, cmpi_int64(), 0, handle)
        if rank != 0 { bytes = [UInt8](repeating: 0, count: Int(count)) }
        bytes.withUnsafeMutableBufferPointer { buf in
            _ = MPI_Bcast(buf.baseAddress, Int32(count), cmpi_byte(), 0, handle)
        }
    }

    /// Collective. Whether any rank passed `true`; used to fail every rank together on bad input.
    public func any(_ flag: Bool) -> Bool {
        allreduceMax(flag ? 1 : 0) != 0
    }
}
