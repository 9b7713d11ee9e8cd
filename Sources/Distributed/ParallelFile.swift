import CMPI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed MPI-IO operation, thrown by **every** rank of the communicator: each collective call of
/// `ParallelFile` gathers the ranks' return codes, so all ranks see the same outcome and throw the
/// same error together (no rank is left waiting in the next collective).
public struct ParallelFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Operation: String, Sendable {
        /// MPI_File_open (create, write-only).
        case open
        /// MPI_File_set_size(0) right after opening.
        case truncate
        /// MPI_File_write_at_all, or a write that stored fewer bytes than asked.
        case write
        /// MPI_File_close.
        case close
        /// The ranks' row blocks do not tile the array (checked before the file is opened).
        case layout
    }

    public var path: String
    public var operation: Operation
    /// The lowest rank on which the operation failed (0 for a layout error).
    public var rank: Int
    /// How many ranks failed (the communicator size for a layout error).
    public var failedRanks: Int
    /// The communicator size.
    public var ranks: Int
    /// The MPI error code on `rank`; nil for a layout error.
    public var code: Int32?
    /// MPI_Error_string of `code`, or what is wrong with the layout.
    public var message: String
    /// The errno behind an MPI_ERR_IO, when `diagnosed` found it (ENOSPC, EDQUOT, EACCES...);
    /// the description then names it instead of the MPI error class.
    public var systemError: Int32?

    public var description: String {
        let what: String
        switch operation {
        case .open: what = "cannot create for writing"
        case .truncate: what = "cannot truncate"
        case .write: what = "write failed"
        case .close: what = "cannot close"
        case .layout: return "\(path): \(message)"
        }
        var whereText = ""
        if ranks > 1 {
            whereText = " (rank \(rank)" + (failedRanks > 1 ? " and \(failedRanks - 1) other\(failedRanks > 2 ? "s" : ""))" : ")")
        }
        let reason = systemError.map(SystemError.describe) ?? message
        return "\(path): \(what): \(reason)\(whereText)"
    }
}

/// A file written collectively with MPI-IO by every rank of a communicator: opened (created,
/// write-only, truncated) and closed by all ranks together, written with MPI_File_write_at_all at
/// explicit byte offsets.
///
/// Every function is **Collective**: all ranks of `communicator` call it, in the same order; a
/// rank with nothing to write still calls `writeAt` with zero bytes. Errors are agreed across the
/// ranks (`ParallelFileError` is thrown on all of them or on none).
///
/// The instance owns the MPI file handle: `close()` releases it; if the instance is released while
/// still open (a thrown error skipped `close()`), `deinit` closes it, which is collective too, so
/// every rank must release it at the same point of the program (`writeArray` does all of this).
///
/// ```swift
/// try ParallelFile.writeFloat64Rows(path: "z.npy", communicator: world,
///                                   header: NpyHeader(dtype: .float64, shape: [n, k]).encoded(),
///                                   globalRows: n, columns: k, firstRow: first, localRows: count) { i, j in z[i, j] }
/// ```
public final class ParallelFile {
    public let path: String
    public let communicator: Communicator
    /// nil once closed (or when the open failed).
    private var handle: MPI_File?

    /// The largest buffer one `writeRows` call fills and hands to one MPI_File_write_at_all.
    public static let defaultBlockBytes = 4 << 20

    /// Collective. Creates `path` (or opens and truncates an existing file) for writing.
    ///
    /// When the open fails on some ranks but not on others (it cannot, for a file every rank sees
    /// the same way), the ranks whose open succeeded keep their handle open: closing is
    /// collective and the failed ranks have no handle to close.
    /// - Throws: `ParallelFileError` (`.open` or `.truncate`) on every rank.
    public init(creating path: String, communicator: Communicator) throws {
        self.path = path
        self.communicator = communicator
        var opened: MPI_File? = nil
        let rc = MPI_File_open(communicator.handle, path, cmpi_mode_create() | cmpi_mode_wronly(), cmpi_info_null(), &opened)
        try agree(rc, .open)
        handle = opened
        let truncated = MPI_File_set_size(opened, 0)
        do {
            try agree(truncated, .truncate)
        } catch {
            try? close()
            throw error
        }
    }

    deinit {
        if handle != nil { _ = MPI_File_close(&handle) }
    }

    /// Not collective. Whether the file is still open.
    public var isOpen: Bool { handle != nil }

    /// Collective. Writes `bytes` (possibly none) at byte `offset` with MPI_File_write_at_all.
    ///
    /// File bytes between the ranks' ranges that no call ever writes have undefined content:
    /// OpenMPI 4.1's two-phase collective write fills such gaps past the current end of the file
    /// with whatever its buffer held (it reads back, and so preserves, bytes already in the file).
    /// The ranges of all calls together must therefore cover the file, as `writeRows` ensures.
    /// - Precondition: the file is open, `offset >= 0`, and `bytes.count` fits an MPI count (Int32).
    /// - Throws: `ParallelFileError.write` on every rank if any rank's write failed or was short.
    public func writeAt(offset: Int, bytes: UnsafeRawBufferPointer) throws {
        guard let fh = handle else { preconditionFailure("\(path): written after close") }
        precondition(offset >= 0, "\(path): negative file offset \(offset)")
        precondition(bytes.count <= Int(Int32.max), "\(path): \(bytes.count) bytes do not fit one MPI count")
        var status = MPI_Status()
        var dummy: UInt8 = 0
        var rc: Int32
        if let base = bytes.baseAddress, bytes.count > 0 {
            rc = MPI_File_write_at_all(fh, MPI_Offset(offset), base, Int32(bytes.count), cmpi_byte(), &status)
            if rc == cmpi_success() {
                var written: Int32 = 0
                MPI_Get_count(&status, cmpi_byte(), &written)
                if Int(written) != bytes.count { rc = cmpi_err_io() }
            }
        } else {
            rc = MPI_File_write_at_all(fh, MPI_Offset(offset), &dummy, 0, cmpi_byte(), &status)
        }
        try agree(rc, .write)
    }

    /// Collective. `writeAt` for an array of bytes.
    public func writeAt(offset: Int, bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try writeAt(offset: offset, bytes: $0) }
    }

    /// Collective. Closes the file (a no-op on a closed file). After it returns on any rank, every
    /// rank's writes are in the file.
    /// - Throws: `ParallelFileError.close` on every rank.
    public func close() throws {
        guard handle != nil else { return }
        let rc = MPI_File_close(&handle)
        handle = nil
        try agree(rc, .close)
    }

    // MARK: - Row blocks

    /// Collective. Writes this rank's `localRows` contiguous rows (global rows
    /// `firstRow..<firstRow + localRows`, `rowBytes` bytes each) at
    /// `dataOffset + rowBytes * firstRow`, in blocks of at most `blockBytes` (but at least one row).
    /// `fill(rows, buffer)` encodes the **local** rows `rows` (a sub-range of `0..<localRows`) into
    /// `buffer`, which holds exactly `rows.count * rowBytes` bytes.
    ///
    /// MPI_File_write_at_all is collective, so every rank makes the same number of calls: the most
    /// blocks any rank has (an all-reduce); ranks past their last row write zero bytes. Call b
    /// writes block b of every rank; the gaps between them are written by other calls, and the
    /// layout check guarantees that every byte after `dataOffset` is written exactly once.
    /// - Throws: `ParallelFileError.layout` when the ranks' blocks do not tile `0..<globalRows` or
    ///   disagree on `globalRows`, `rowBytes` or `dataOffset`; `.write` when a write fails.
    public func writeRows(dataOffset: Int, rowBytes: Int, globalRows: Int, firstRow: Int, localRows: Int,
                          blockBytes: Int = ParallelFile.defaultBlockBytes,
                          fill: (_ rows: Range<Int>, _ buffer: UnsafeMutableRawBufferPointer) -> Void) throws {
        try Self.checkLayout(path: path, communicator: communicator, dataOffset: dataOffset, rowBytes: rowBytes,
                             globalRows: globalRows, firstRow: firstRow, localRows: localRows)
        try writeCheckedRows(dataOffset: dataOffset, rowBytes: rowBytes, firstRow: firstRow, localRows: localRows,
                             blockBytes: blockBytes, fill: fill)
    }

    private func writeCheckedRows(dataOffset: Int, rowBytes: Int, firstRow: Int, localRows: Int, blockBytes: Int,
                                  fill: (Range<Int>, UnsafeMutableRawBufferPointer) -> Void) throws {
        guard rowBytes > 0 else { return }  // zero-width rows: nothing to write on any rank
        let blockRows = max(1, blockBytes / rowBytes)
        precondition(blockRows * rowBytes <= Int(Int32.max), "\(path): rows of \(rowBytes) bytes do not fit one MPI count")
        let localBlocks = (localRows + blockRows - 1) / blockRows
        let blocks = communicator.allreduceMax(localBlocks)
        let capacity = min(localRows, blockRows) * rowBytes
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
        defer { buffer.deallocate() }
        for b in 0..<blocks {
            let lo = min(b * blockRows, localRows), hi = min(lo + blockRows, localRows)
            let block = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<((hi - lo) * rowBytes)])
            if hi > lo { fill(lo..<hi, block) }
            try writeAt(offset: dataOffset + rowBytes * (firstRow + lo), bytes: UnsafeRawBufferPointer(block))
        }
    }

    /// Collective. Checks that every rank passes the same `globalRows`, `rowBytes` and
    /// `dataOffset`, and that the ranks' blocks `firstRow..<firstRow + localRows` (in any rank
    /// order, empty ones ignored) tile `0..<globalRows` exactly. Every rank gets the same verdict.
    /// - Throws: `ParallelFileError.layout` on every rank.
    public static func checkLayout(path: String, communicator: Communicator, dataOffset: Int, rowBytes: Int,
                                   globalRows: Int, firstRow: Int, localRows: Int) throws {
        let firsts = communicator.allgather(firstRow)
        let counts = communicator.allgather(localRows)
        let totals = communicator.allgather(globalRows)
        let widths = communicator.allgather(rowBytes)
        let offsets = communicator.allgather(dataOffset)
        func fail(_ message: String) -> ParallelFileError {
            ParallelFileError(path: path, operation: .layout, rank: 0, failedRanks: firsts.count, ranks: firsts.count,
                              code: nil, message: message)
        }
        for (name, values) in [("global row counts", totals), ("row sizes", widths), ("data offsets", offsets)]
        where Set(values).count != 1 {
            throw fail("the ranks disagree on the \(name): \(values)")
        }
        guard totals[0] >= 0, widths[0] >= 0, offsets[0] >= 0 else {
            throw fail("negative global row count, row size or data offset (\(totals[0]), \(widths[0]), \(offsets[0]))")
        }
        let n = totals[0]
        var blocks: [(rank: Int, rows: Range<Int>)] = []
        for r in firsts.indices {
            guard counts[r] >= 0, firsts[r] >= 0 else {
                throw fail("rank \(r) passes \(counts[r]) rows from row \(firsts[r])")
            }
            if counts[r] > 0 { blocks.append((r, firsts[r]..<(firsts[r] + counts[r]))) }
        }
        blocks.sort { $0.rows.lowerBound < $1.rows.lowerBound }
        var next = 0
        for b in blocks {
            guard b.rows.lowerBound == next else {
                let problem = b.rows.lowerBound < next ? "overlap" : "leave rows \(next)..<\(b.rows.lowerBound) unwritten"
                throw fail("the ranks' rows do not tile 0..<\(n): they \(problem) (rank \(b.rank) has \(b.rows))")
            }
            next = b.rows.upperBound
        }
        guard next == n else {
            throw fail("the ranks' rows do not tile 0..<\(n): they cover 0..<\(next)")
        }
    }

    // MARK: - Whole files

    /// Collective. Creates `path` and writes an array file: rank 0's `header` at offset 0 (every
    /// rank passes the same header, which fixes where the data starts), then every rank's rows, as
    /// in `writeRows`, then closes it (also when a write fails). The layout is checked before the
    /// file is created.
    /// - Throws: `ParallelFileError` on every rank.
    public static func writeArray(path: String, communicator: Communicator, header: [UInt8], rowBytes: Int,
                                  globalRows: Int, firstRow: Int, localRows: Int,
                                  blockBytes: Int = ParallelFile.defaultBlockBytes,
                                  fill: (_ rows: Range<Int>, _ buffer: UnsafeMutableRawBufferPointer) -> Void) throws {
        try checkLayout(path: path, communicator: communicator, dataOffset: header.count, rowBytes: rowBytes,
                        globalRows: globalRows, firstRow: firstRow, localRows: localRows)
        let expected = header.count + rowBytes * globalRows
        let file: ParallelFile
        do {
            file = try ParallelFile(creating: path, communicator: communicator)
        } catch let error as ParallelFileError {
            throw diagnosed(error, bytes: expected, communicator: communicator)
        }
        do {
            try header.withUnsafeBytes { h in
                try file.writeAt(offset: 0, bytes: communicator.rank == 0 ? h : UnsafeRawBufferPointer(start: nil, count: 0))
            }
            try file.writeCheckedRows(dataOffset: header.count, rowBytes: rowBytes, firstRow: firstRow,
                                      localRows: localRows, blockBytes: blockBytes, fill: fill)
        } catch {
            // Every rank got the same error here, so every rank closes.
            try? file.close()
            throw (error as? ParallelFileError).map { diagnosed($0, bytes: expected, communicator: communicator) } ?? error
        }
        do {
            try file.close()
            try verifySize(path: path, communicator: communicator, expected: expected)
        } catch let error as ParallelFileError {
            throw diagnosed(error, bytes: expected, communicator: communicator)
        }
    }

    /// Collective. `error` with the errno behind it, when rank 0 can reproduce the failure with a
    /// plain write of the file's size into its directory (`SystemError.probeWrite`): MPI-IO says
    /// only MPI_ERR_IO for a full disk, an exceeded quota or a permission problem.
    static func diagnosed(_ error: ParallelFileError, bytes: Int, communicator: Communicator) -> ParallelFileError {
        guard error.operation != .layout else { return error }
        var code: Int32 = 0
        if communicator.isCoordinator {
            let slash = path(error.path, upToLast: "/")
            code = SystemError.probeWrite(directory: slash.isEmpty ? "." : slash, bytes: bytes) ?? 0
        }
        let agreed = communicator.broadcast(communicator.isCoordinator ? code : nil)
        var result = error
        if agreed != 0 { result.systemError = agreed }
        return result
    }

    private static func path(_ path: String, upToLast separator: Character) -> String {
        guard let cut = path.lastIndex(of: separator) else { return "" }
        return String(path[..<cut])
    }

    /// Collective. Rank 0 checks that the closed file at `path` holds exactly `expected` bytes.
    ///
    /// OpenMPI 4.1's collective writes (the fcoll two-phase path taken with more than one rank) can
    /// drop an aggregator's I/O error and return success: a write that failed with EFBIG on one
    /// rank of three was reported as written. A lost write usually shortens the file (the data is
    /// written in rank order, and the file was truncated when opened), so the size catches it.
    /// The file is reopened to read its size, so NFS's close-to-open consistency gives the size
    /// every rank's writes produced.
    /// - Throws: `ParallelFileError.write` (code MPI_ERR_IO) on every rank.
    public static func verifySize(path: String, communicator: Communicator, expected: Int) throws {
        var found = -1
        if communicator.isCoordinator {
            found = sizeOfReopenedFile(path)
        }
        let size = communicator.broadcast(communicator.isCoordinator ? found : nil)
        guard size != expected else { return }
        throw ParallelFileError(path: path, operation: .write, rank: 0, failedRanks: 1, ranks: communicator.size,
                                code: cmpi_err_io(),
                                message: size < 0
                                    ? "the written file cannot be read back"
                                    : "the file holds \(size) bytes after writing, expected \(expected): a write was lost")
    }

    /// Collective. A float64 (little-endian, C order) matrix of `globalRows` x `columns`: this
    /// rank's rows are global rows `firstRow..<firstRow + localRows`, and `element(i, j)` is the
    /// entry of its **local** row i (global row `firstRow + i`) and column j.
    public static func writeFloat64Rows(path: String, communicator: Communicator, header: [UInt8],
                                        globalRows: Int, columns: Int, firstRow: Int, localRows: Int,
                                        blockBytes: Int = ParallelFile.defaultBlockBytes,
                                        element: (_ localRow: Int, _ column: Int) -> Double) throws {
        precondition(columns >= 0, "\(path): negative column count \(columns)")
        try writeArray(path: path, communicator: communicator, header: header, rowBytes: 8 * columns,
                       globalRows: globalRows, firstRow: firstRow, localRows: localRows, blockBytes: blockBytes) { rows, buffer in
            var at = 0
            for i in rows {
                for j in 0..<columns {
                    buffer.storeBytes(of: element(i, j).bitPattern.littleEndian, toByteOffset: at, as: UInt64.self)
                    at += 8
                }
            }
        }
    }

    /// Collective. A float64 vector of `globalCount` entries; `values` are entries
    /// `firstRow..<firstRow + values.count`.
    public static func writeFloat64(path: String, communicator: Communicator, header: [UInt8], globalCount: Int,
                                    firstRow: Int, values: [Double],
                                    blockBytes: Int = ParallelFile.defaultBlockBytes) throws {
        try writeWords(path: path, communicator: communicator, header: header, globalCount: globalCount,
                       firstRow: firstRow, values: values, blockBytes: blockBytes, bits: \.bitPattern)
    }

    /// Collective. An int64 vector, as `writeFloat64`.
    public static func writeInt64(path: String, communicator: Communicator, header: [UInt8], globalCount: Int,
                                  firstRow: Int, values: [Int64],
                                  blockBytes: Int = ParallelFile.defaultBlockBytes) throws {
        try writeWords(path: path, communicator: communicator, header: header, globalCount: globalCount,
                       firstRow: firstRow, values: values, blockBytes: blockBytes) { UInt64(bitPattern: $0) }
    }

    /// A vector of 8-byte entries, each written as the little-endian form of `bits(value)`.
    private static func writeWords<T>(path: String, communicator: Communicator, header: [UInt8], globalCount: Int,
                                      firstRow: Int, values: [T], blockBytes: Int, bits: (T) -> UInt64) throws {
        try values.withUnsafeBufferPointer { v in
            try writeArray(path: path, communicator: communicator, header: header, rowBytes: 8, globalRows: globalCount,
                           firstRow: firstRow, localRows: v.count, blockBytes: blockBytes) { rows, buffer in
                for (k, i) in rows.enumerated() {
                    buffer.storeBytes(of: bits(v[i]).littleEndian, toByteOffset: 8 * k, as: UInt64.self)
                }
            }
        }
    }

    // MARK: - Errors

    private func agree(_ rc: Int32, _ operation: ParallelFileError.Operation) throws {
        try Self.agree(rc, operation, path: path, communicator: communicator)
    }

    /// Collective. Gathers every rank's return code; throws the same error on every rank when any
    /// of them is not MPI_SUCCESS.
    static func agree(_ rc: Int32, _ operation: ParallelFileError.Operation, path: String,
                      communicator: Communicator) throws {
        let codes = communicator.allgather(Int(rc))
        let success = Int(cmpi_success())
        guard let first = codes.firstIndex(where: { $0 != success }) else { return }
        let code = Int32(truncatingIfNeeded: codes[first])
        throw ParallelFileError(path: path, operation: operation, rank: first,
                                failedRanks: codes.filter { $0 != success }.count, ranks: codes.count,
                                code: code, message: errorString(code))
    }

    /// Not collective. MPI_Error_string of `code` (the same text on every rank).
    public static func errorString(_ code: Int32) -> String {
        var text = [CChar](repeating: 0, count: Int(cmpi_max_error_string()) + 1)
        var length: Int32 = 0
        guard MPI_Error_string(code, &text, &length) == cmpi_success() else { return "MPI error \(code)" }
        let bytes = text.prefix(Int(max(0, length))).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The size of the file at `path` from fstat of a fresh descriptor (-1 if it cannot be opened).
private func sizeOfReopenedFile(_ path: String) -> Int {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return -1 }
    defer { _ = close(fd) }
    var st = stat()
    return fstat(fd, &st) == 0 ? Int(st.st_size) : -1
}
