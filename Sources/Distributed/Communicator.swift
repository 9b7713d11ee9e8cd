import CMPI

/// A thin value wrapper over an MPI communicator. Every pipeline stage takes one, so a 1-rank run
/// and a P-rank run execute the same code. Functions tagged "Collective" must be called by every
/// rank of the communicator, in the same order. The collectives are in files named for what they
/// hold: `Reductions.swift`, `Gathers.swift`, `Broadcast.swift`, `Agreement.swift`.
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

    /// Collective. MPI_Comm_split: the ranks passing the same `color` form one new communicator,
    /// ordered by `key` (ties by rank here). Every rank gets one (no MPI_UNDEFINED), and must
    /// `free()` it when done. (PARPACK rejects a local dimension of 0, so a component's Lanczos
    /// solve runs on a sub-communicator of the ranks holding its rows.)
    public func split(color: Int, key: Int) -> Communicator {
        var out: MPI_Comm?
        let rc = MPI_Comm_split(handle, Int32(color), Int32(key), &out)
        precondition(rc == cmpi_success() && out != nil, "MPI_Comm_split failed (\(rc))")
        return Communicator(out)
    }

    /// Collective over this communicator. MPI_Comm_free of a communicator made by `split`; it must
    /// not be used afterwards.
    public func free() {
        var h: MPI_Comm? = handle
        MPI_Comm_free(&h)
    }
}
