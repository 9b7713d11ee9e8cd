import CMPI

/// The collectives the distributed spectrum solver needs beyond the other `Communicator`
/// extensions: a broadcast from any root (results of a solve some ranks took no part in), and
/// sub-communicators (PARPACK rejects a local dimension of 0, so a component's Lanczos solve runs on
/// the ranks holding its rows). Double maxima and all-gather-v are in `DenseCollectives.swift`.
extension Communicator {
    /// Collective. Rank `root`'s bytes on every rank (the others' input is ignored).
    public func broadcast(_ bytes: inout [UInt8], root: Int) {
        precondition(root >= 0 && root < size, "root \(root) outside 0..<\(size)")
        var count = Int64(bytes.count)
        MPI_Bcast(&count, 1, cmpi_int64(), Int32(root), handle)
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(count)) }
        precondition(count <= Int64(Int32.max), "broadcast of \(count) bytes does not fit an MPI count")
        bytes.append(0)
        bytes.withUnsafeMutableBufferPointer { buf in
            let rc = MPI_Bcast(buf.baseAddress, Int32(count), cmpi_byte(), Int32(root), handle)
            precondition(rc == cmpi_success(), "MPI_Bcast failed (\(rc))")
        }
        bytes.removeLast()
    }

    /// Collective. MPI_Comm_split: the ranks passing the same `color` form one new communicator,
    /// ordered by `key` (ties by rank here). Every rank gets one (no MPI_UNDEFINED), and must
    /// `free()` it when done.
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
