import CMPI

extension Communicator {
    /// Collective. Rank `root`'s bytes on every rank (the others' input is ignored): the count
    /// first, then the bytes. The only broadcast; `agree` ships the lowest failing rank's error
    /// with it, so `root` may be any rank.
    public func broadcast(_ bytes: inout [UInt8], root: Int = 0) {
        precondition(root >= 0 && root < size, "root \(root) outside 0..<\(size)")
        var count = Int64(bytes.count)
        let countRC = MPI_Bcast(&count, 1, cmpi_int64(), Int32(root), handle)
        precondition(countRC == cmpi_success(), "MPI_Bcast failed (\(countRC))")
        precondition(count <= Int64(Int32.max), "broadcast of \(count) bytes does not fit an MPI count")
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(count)) }
        // One spare byte, so the base address is never nil.
        bytes.append(0)
        bytes.withUnsafeMutableBufferPointer { buf in
            let rc = MPI_Bcast(buf.baseAddress, Int32(count), cmpi_byte(), Int32(root), handle)
            precondition(rc == cmpi_success(), "MPI_Bcast failed (\(rc))")
        }
        bytes.removeLast()
    }
}
