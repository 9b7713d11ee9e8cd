import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading chosen rows of a 2-D (or 1-D) .npy array without loading the file: only the header and
/// the bytes of the requested rows are read (`pread`). This is how each rank of a distributed run
/// reads its own rows of a feature matrix X (N x P): a rank holding rows a..<b reads
/// (b - a) P elements, whatever N is.
///
/// C-order arrays: a run of consecutive rows is one contiguous byte range, read with one `pread`.
/// Fortran-order arrays: the same run is P ranges, one per column. Rows wanted in several runs
/// are coalesced when the gap between them is small (fewer system calls, a little more data).
/// Values come back as Double (float64 and float32 are exact; int32/int64 are converted).
public final class NpyRowReader {
    public let path: String
    public let header: NpyHeader
    /// Byte offset of element 0.
    public let dataOffset: Int
    private let fd: Int32

    /// Number of rows (shape[0]; 1 for a 0-d array).
    public var rows: Int { header.shape.first ?? 1 }
    /// Elements per row (product of the trailing dimensions; 1 for 1-D arrays).
    public var columns: Int { header.shape.count >= 2 ? header.shape[1...].reduce(1, *) : 1 }

    /// Not collective. Opens the file and parses its header; checks that the file holds every
    /// element the header declares.
    public init(path: String) throws {
        self.path = path
        let fd: Int32, fileSize: Int
        do {
            (fd, fileSize) = try InputFile.openRegular(path)
        } catch {
            throw NpyError.io(path, error.reason)
        }
        var prefix = [UInt8](repeating: 0, count: 12)
        let got = prefix.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 12, 0) }
        guard got >= 10 else {
            close(fd)
            throw got < 0 ? NpyError.io(path, "cannot read: \(InputFile.errnoText(errno))") : NpyError.notNpy(path)
        }
        prefix.removeLast(12 - got)
        guard prefix[0] == 0x93, Array(prefix[1..<6]) == Array("NUMPY".utf8) else {
            close(fd)
            throw NpyError.notNpy(path)
        }
        let length: Int, start: Int
        if prefix[6] == 1 {
            length = Int(prefix[8]) | Int(prefix[9]) << 8
            start = 10
        } else {
            guard prefix.count >= 12 else { close(fd); throw NpyError.truncated(path) }
            length = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            start = 12
        }
        // A version-2 header may declare up to 4 GiB: compare with the file before allocating.
        guard start + length <= fileSize else { close(fd); throw NpyError.truncated(path) }
        var headerBytes = [UInt8](repeating: 0, count: start + length)
        let read = headerBytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, start + length, 0) }
        guard read == start + length else { close(fd); throw NpyError.truncated(path) }
        let parsed: (NpyHeader, Int)
        do {
            parsed = try NpyHeader.parse(headerBytes, file: path)
        } catch {
            close(fd)
            throw error
        }
        // `parse` checked that offset + data bytes fits in an Int.
        guard fileSize >= parsed.1 + parsed.0.elementCount * parsed.0.dtype.byteSize else {
            close(fd)
            throw NpyError.truncated(path)
        }
        self.fd = fd
        header = parsed.0
        dataOffset = parsed.1
    }

    deinit { close(fd) }

    /// Not collective. Rows `range` (ascending, contiguous), row-major: `range.count * columns`
    /// values.
    public func readRows(_ range: Range<Int>) throws -> [Double] {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside 0..<\(rows)")
        let p = columns, size = header.dtype.byteSize
        var out = [Double](repeating: 0, count: range.count * p)
        guard !range.isEmpty, p > 0 else { return out }
        if !header.fortranOrder || header.shape.count < 2 {
            let bytes = try readBytes(offset: dataOffset + range.lowerBound * p * size, count: range.count * p * size)
            decode(bytes, count: range.count * p) { k, v in out[k] = v }
        } else {
            // Fortran order: column j of rows a..<b is contiguous at element j * rows + a.
            for j in 0..<p {
                let bytes = try readBytes(offset: dataOffset + (j * rows + range.lowerBound) * size, count: range.count * size)
                decode(bytes, count: range.count) { i, v in out[i * p + j] = v }
            }
        }
        return out
    }

    /// Not collective. The given rows (any order, repeats allowed), row-major in the order given.
    /// Sorted runs of nearby rows are read together: a gap of at most `maxGap` rows is read
    /// through rather than split into two reads.
    public func readRows(_ wanted: [Int], maxGap: Int = 64) throws -> [Double] {
        let p = columns
        var out = [Double](repeating: 0, count: wanted.count * p)
        let order = wanted.indices.sorted { wanted[$0] < wanted[$1] }
        var k = 0
        while k < order.count {
            let first = wanted[order[k]]
            precondition(first >= 0 && first < rows, "row \(first) outside 0..<\(rows)")
            var end = k + 1
            while end < order.count, wanted[order[end]] - wanted[order[end - 1]] <= maxGap + 1 { end += 1 }
            let last = wanted[order[end - 1]]
            precondition(last < rows, "row \(last) outside 0..<\(rows)")
            let block = try readRows(first..<(last + 1))
            for q in k..<end {
                let r = wanted[order[q]] - first
                let to = order[q] * p
                for j in 0..<p { out[to + j] = block[r * p + j] }
            }
            k = end
        }
        return out
    }

    private func readBytes(offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NpyError.io(path, "cannot read: \(InputFile.errnoText(errno))")
            }
            if n == 0 { throw NpyError.truncated(path) }
            done += n
        }
        return bytes
    }

    private func decode(_ bytes: [UInt8], count: Int, _ store: (Int, Double) -> Void) {
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            switch header.dtype {
            case .float64:
                for i in 0..<count { store(i, Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .float32:
                for i in 0..<count { store(i, Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))) }
            case .int64:
                for i in 0..<count { store(i, Double(Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))) }
            case .uint64:
                for i in 0..<count { store(i, Double(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
            case .int32:
                for i in 0..<count { store(i, Double(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))) }
            }
        }
    }
}
