#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// The members of a zip archive (what `numpy.savez` and `scipy.sparse.save_npz` write), read
/// through its central directory. Only the container is parsed here; deflated members are
/// inflated by zlib. Zip64 sizes and offsets (numpy writes its members with zip64 local headers)
/// are followed; encrypted, multi-disk and other compression methods are refused.
struct ZipArchive {
    struct Member {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let path: String
    private(set) var members: [Member] = []
    private let descriptor: Int32
    private let fileSize: Int

    /// Opens the archive and reads its central directory.
    init(path: String, descriptor: Int32, fileSize: Int) throws(InputError) {
        self.path = path
        self.descriptor = descriptor
        self.fileSize = fileSize
        members = try readDirectory()
    }

    /// The uncompressed bytes of member `name` (nil when there is none), checked against the
    /// CRC-32 the directory records.
    func contents(of name: String) throws(InputError) -> [UInt8]? {
        guard let member = members.first(where: { $0.name == name }) else { return nil }
        guard member.flags & 1 == 0 else { throw fail("member \(name) is encrypted") }
        let local = try bytes(at: member.localHeaderOffset, count: 30)
        guard le32(local, 0) == 0x0403_4b50 else { throw fail("member \(name): bad local header") }
        let dataStart = member.localHeaderOffset + 30 + Int(le16(local, 26)) + Int(le16(local, 28))
        let stored = try bytes(at: dataStart, count: member.compressedSize)
        let data: [UInt8]
        switch member.method {
        case 0:
            data = stored
        case 8:
            data = try inflateRaw(stored, size: member.size, name: name)
        default:
            throw fail("member \(name) uses compression method \(member.method) (only stored and deflate are read)")
        }
        let crc = data.withUnsafeBufferPointer { UInt32(crc32_z(0, $0.baseAddress, $0.count)) }
        guard crc == member.crc else { throw fail("member \(name): CRC mismatch (corrupt archive)") }
        return data
    }

    // MARK: - Directory

    private func readDirectory() throws(InputError) -> [Member] {
        // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
        let tailCount = min(fileSize, 22 + 65535)
        let tail = try bytes(at: fileSize - tailCount, count: tailCount)
        var end = -1
        var i = tailCount - 22
        while i >= 0 {
            if le32(tail, i) == 0x0605_4b50 { end = i; break }
            i -= 1
        }
        guard end >= 0 else { throw fail("not a zip archive (no end of central directory record)") }
        var entries = Int(le16(tail, end + 10))
        var directorySize = Int(le32(tail, end + 12))
        var directoryOffset = Int(le32(tail, end + 16))
        guard le16(tail, end + 4) == 0 || le16(tail, end + 4) == 0xFFFF else { throw fail("multi-disk zip archives are not supported") }
        if entries == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // Zip64: the locator sits just before the end record and points to the zip64 end record.
            let locatorAt = fileSize - tailCount + end - 20
            guard locatorAt >= 0 else { throw fail("truncated zip64 end record") }
            let locator = try bytes(at: locatorAt, count: 20)
            guard le32(locator, 0) == 0x0706_4b50 else { throw fail("missing zip64 end record locator") }
            let record = try bytes(at: Int(truncatingIfNeeded: le64(locator, 8)), count: 56)
            guard le32(record, 0) == 0x0606_4b50 else { throw fail("bad zip64 end record") }
            entries = Int(truncatingIfNeeded: le64(record, 32))
            directorySize = Int(truncatingIfNeeded: le64(record, 40))
            directoryOffset = Int(truncatingIfNeeded: le64(record, 48))
        }
        guard entries >= 0 else { throw fail("corrupt central directory") }
        let directory = try bytes(at: directoryOffset, count: directorySize)
        var members: [Member] = []
        var at = 0
        for _ in 0..<entries {
            guard at + 46 <= directory.count, le32(directory, at) == 0x0201_4b50 else {
                throw fail("corrupt central directory")
            }
            let nameLength = Int(le16(directory, at + 28)), extraLength = Int(le16(directory, at + 30))
            let commentLength = Int(le16(directory, at + 32))
            guard at + 46 + nameLength + extraLength + commentLength <= directory.count else {
                throw fail("corrupt central directory")
            }
            var member = Member(
                name: String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self),
                method: le16(directory, at + 10), flags: le16(directory, at + 8), crc: le32(directory, at + 16),
                compressedSize: Int(le32(directory, at + 20)), size: Int(le32(directory, at + 24)),
                localHeaderOffset: Int(le32(directory, at + 42)))
            try applyZip64Extra(&member, directory, from: at + 46 + nameLength, count: extraLength)
            members.append(member)
            at += 46 + nameLength + extraLength + commentLength
        }
        return members
    }

    /// Replaces the 32-bit fields saturated at 0xFFFFFFFF by the zip64 extra field's 64-bit values,
    /// which come in the order size, compressed size, offset (only those saturated are present).
    private func applyZip64Extra(_ member: inout Member, _ directory: [UInt8], from start: Int,
                                 count: Int) throws(InputError) {
        let saturated = 0xFFFF_FFFF
        guard member.size == saturated || member.compressedSize == saturated
                || member.localHeaderOffset == saturated else { return }
        var at = start
        while at + 4 <= start + count {
            let id = le16(directory, at), length = Int(le16(directory, at + 2))
            if id == 0x0001 {
                var field = at + 4
                func next() throws(InputError) -> Int {
                    guard field + 8 <= at + 4 + length else { throw fail("member \(member.name): short zip64 field") }
                    defer { field += 8 }
                    return Int(truncatingIfNeeded: le64(directory, field))
                }
                if member.size == saturated { member.size = try next() }
                if member.compressedSize == saturated { member.compressedSize = try next() }
                if member.localHeaderOffset == saturated { member.localHeaderOffset = try next() }
                return
            }
            at += 4 + length
        }
        throw fail("member \(member.name): missing zip64 field")
    }

    // MARK: - Bytes

    private func bytes(at offset: Int, count: Int) throws(InputError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= fileSize, count <= fileSize - offset else {
            throw fail("truncated zip archive (a record points past the end of the file)")
        }
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = out.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset + filled)) }
            if n > 0 { filled += n; continue }
            if n < 0 && errno == EINTR { continue }
            throw fail(n == 0 ? "truncated zip archive" : "read error: \(String(cString: strerror(errno)))")
        }
        return out
    }

    /// zlib's raw inflate (zip members carry no zlib header) into a buffer of the recorded size.
    private func inflateRaw(_ input: [UInt8], size: Int, name: String) throws(InputError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        guard czlib_inflate_init_raw(&stream) == Z_OK else { throw fail("zlib could not start inflating \(name)") }
        defer { inflateEnd(&stream) }
        var status = Z_OK
        input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                // avail_in/avail_out are 32-bit: feed members above 4 GiB in slices.
                var consumed = 0, produced = 0
                while status == Z_OK {
                    let inSlice = min(source.count - consumed, Int(UInt32.max))
                    let outSlice = min(target.count - produced, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress.map { $0 + consumed })
                    stream.avail_in = uInt(inSlice)
                    stream.next_out = target.baseAddress.map { $0 + produced }
                    stream.avail_out = uInt(outSlice)
                    status = inflate(&stream, Z_NO_FLUSH)
                    consumed += inSlice - Int(stream.avail_in)
                    produced += outSlice - Int(stream.avail_out)
                    if status == Z_OK && inSlice == Int(stream.avail_in) && outSlice == Int(stream.avail_out) {
                        status = Z_BUF_ERROR       // no progress: input or output exhausted
                    }
                }
                if status == Z_STREAM_END && produced != size { status = Z_DATA_ERROR }
            }
        }
        guard status == Z_STREAM_END else {
            let detail = stream.msg.map { String(cString: $0) } ?? (status == Z_BUF_ERROR ? "truncated data" : "zlib status \(status)")
            throw fail("member \(name): corrupt deflate data (\(detail))")
        }
        return output
    }

    private func fail(_ reason: String) -> InputError { InputError(file: path, reason: reason) }

    private func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    private func le32(_ b: [UInt8], _ i: Int) -> UInt32 { UInt32(le16(b, i)) | UInt32(le16(b, i + 2)) << 16 }
    private func le64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32 }
}
