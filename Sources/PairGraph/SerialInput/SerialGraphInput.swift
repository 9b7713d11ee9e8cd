#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZlib

/// The graph inputs that one process reads whole, before the edges are dealt out to the ranks:
/// standard input (`-`), gzip-compressed text (`.gz`), SciPy sparse matrices (`.npz`) and NumPy
/// edge arrays (`.npy`). Plain text files are not among them: every rank parses its own byte
/// range of those (`GraphReader.parse(path:part:of:probe:)`).
///
/// Compressed text and standard input are first copied, decompressed by zlib, to a temporary file
/// (in $TMPDIR, else /tmp; removed once parsed), which the ordinary text parsers then read, so
/// the formats and messages are those of plain files; messages name the input, not the copy.
public enum SerialGraphInput {
    public enum Form: UInt8, Sendable {
        case standardInput = 1
        case gzip
        case zip
        case npy
    }

    /// How `path` is read: nil for a plain text file (byte ranges). Decided by the first bytes
    /// (gzip, zip or .npy magic), else by the extension, so that a corrupt `.npz`/`.npy`/`.gz`
    /// is reported as such rather than parsed as text.
    public static func form(of path: String) throws(InputError) -> Form? {
        if path == "-" {
            // Reading a terminal would wait for typed edges: almost surely a forgotten redirect.
            guard isatty(STDIN_FILENO) == 0 else {
                throw InputError(file: displayName(path), reason: "standard input is a terminal: pipe or redirect a graph into it")
            }
            return .standardInput
        }
        let head = try ChunkedLineReader.peek(path: path, count: 6)
        if let form = form(magic: head) { return form }
        switch GraphReader.fileExtension(of: path) {
        case "gz": return .gzip
        case "npz", "zip": return .zip
        case "npy": return .npy
        default: return nil
        }
    }

    static func form(magic head: [UInt8]) -> Form? {
        if head.starts(with: [0x1F, 0x8B]) { return .gzip }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if head.starts(with: [0x93] + Array("NUMPY".utf8)) { return .npy }
        return nil
    }

    /// The name messages use for `path` ("-" reads as standard input).
    public static func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }

    /// Reads the whole graph at `path` in form `form` (from `form(of:)`).
    public static func read(path: String, form: Form) throws(InputError) -> (EdgeList, GraphFormat) {
        switch form {
        case .npy:
            return (try NpyEdgeArray.read(path: path), .npyEdges)
        case .zip:
            let (descriptor, size) = try ChunkedLineReader.openRegularFile(path: path)
            defer { ChunkedLineReader.closeFile(descriptor) }
            return (try ScipySparseFile.read(ZipArchive(path: path, descriptor: descriptor, fileSize: size)), .scipySparse)
        case .gzip, .standardInput:
            let shown = displayName(path)
            // A decompressed `g.mtx.gz` is named `….mtx`, so the copy is detected as its name says.
            var inner = form == .gzip ? String(path.split(separator: "/").last ?? "") : ""
            if inner.lowercased().hasSuffix(".gz") { inner.removeLast(3) }
            let copy = try decompressedCopy(of: path, shown: shown, suffix: GraphReader.fileExtension(of: inner))
            defer { unlink(copy) }
            do throws(InputError) {
                let head = try ChunkedLineReader.peek(path: copy, count: 6)
                switch Self.form(magic: head) {
                case .npy: return (try NpyEdgeArray.read(path: copy), .npyEdges)
                case .zip:
                    let (descriptor, size) = try ChunkedLineReader.openRegularFile(path: copy)
                    defer { ChunkedLineReader.closeFile(descriptor) }
                    return (try ScipySparseFile.read(ZipArchive(path: copy, descriptor: descriptor, fileSize: size)), .scipySparse)
                default: return try readText(copy)
                }
            } catch {
                var renamed = error
                if renamed.file == copy { renamed.file = shown }
                throw renamed
            }
        }
    }

    /// The byte-range parse of a whole text file as one part, with the Matrix Market count check.
    private static func readText(_ path: String) throws(InputError) -> (EdgeList, GraphFormat) {
        let probe = try GraphReader.probe(path: path)
        let whole = try GraphReader.parse(path: path, part: 0, of: 1, probe: probe)
        if probe.format == .matrixMarket {
            try MatrixMarketParser.checkEntryCount(path: path, probe: probe, entryCounts: [whole.entries],
                                                   lineCounts: [whole.lines])
        }
        return (whole.edges, probe.format)
    }

    /// Decompresses `path` (standard input for "-"; plain bytes pass through unchanged, as zlib's
    /// gzread does for data without a gzip header) into a new temporary file; returns its path.
    private static func decompressedCopy(of path: String, shown: String, suffix: String) throws(InputError) -> String {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let ending = suffix.isEmpty ? "" : "." + suffix
        var template = Array("\(directory)/eigenpair-input-XXXXXX\(ending)".utf8CString)
        let output = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(ending.utf8.count)) }
        guard output >= 0 else {
            throw InputError(file: shown, reason: "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        let copy = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(output) }
        let input: gzFile?
        if path == "-" {
            input = gzdopen(dup(STDIN_FILENO), "rb")
        } else {
            input = gzopen(path, "rb")
        }
        guard let input else {
            unlink(copy)
            throw InputError(file: shown, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { gzclose(input) }
        let chunk = 1 << 20
        gzbuffer(input, UInt32(chunk))
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let got = gzread(input, buffer, UInt32(chunk))
            if got == 0 {
                // gzread ends a truncated stream like a complete one; gzerror tells them apart.
                var code: Int32 = 0
                _ = gzerror(input, &code)
                if code == Z_BUF_ERROR {
                    unlink(copy)
                    throw InputError(file: shown, reason: "truncated gzip data (the compressed stream ends early)")
                }
                break
            }
            if got < 0 {
                var code: Int32 = 0
                // zlib prefixes its message with the file name, which InputError already gives.
                let message = gzerror(input, &code).map { String(cString: $0) }?
                    .split(separator: ": ").last.map(String.init) ?? "unknown error"
                unlink(copy)
                throw InputError(file: shown, reason: code == Z_ERRNO
                                 ? "read error: \(String(cString: strerror(errno)))"
                                 : "corrupt gzip data (zlib: \(message))")
            }
            var written = 0
            while written < Int(got) {
                let n = write(output, buffer + written, Int(got) - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    unlink(copy)
                    throw InputError(file: shown, reason: "cannot write the decompressed copy to \(directory): \(String(cString: strerror(errno)))")
                }
                written += n
            }
        }
        return copy
    }
}
