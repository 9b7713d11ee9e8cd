import Distributed
import Foundation
import PairGraph

/// Writes edge lists and labels as text:
///
/// ```
/// # eigenpair generate sbm nodes=1000 classes=4 p-in=0.1 p-out=0.01 seed=42 (...)
/// # 5234 edges; columns: u v
/// 0 4
/// 3 11
/// ```
/// - One edge per line, `u v` (no weights) or `u v w`, IDs in decimal, weights with 17 significant
///   digits (`%.17g`, so every double reads back exactly). Header lines start with `# `.
/// - Labels: `id label` per line, after the same kind of header.
/// - Bytes go through one 1 MiB buffer straight to the file descriptor (no String per line).
/// - The file appears only when complete: the text is written to `<path>.partial-<pid>-<n>` in the
///   same directory, then moved to `path`. Without `force` an existing `path` is never replaced
///   (the move is a hard link, which fails when `path` exists, with a checked rename as the fallback
///   on file systems without hard links). A failed write leaves no partial file behind.
public enum EdgeListWriter {
    /// Throws `InputError(file: path, reason: "exists; pass --force to overwrite")` when `path` exists
    /// and `force` is false. Call it before expensive work; the writers check again at the end.
    public static func checkCanCreate(_ path: String, force: Bool) throws {
        if !force && pathExists(path) { throw existsError(path) }
    }

    /// Writes `edges` (with weights when `edges.weights` is non-nil). Returns the bytes written.
    @discardableResult
    public static func write(_ edges: EdgeList, to path: String, header: [String] = [],
                             force: Bool = false) throws -> Int {
        try checkCanCreate(path, force: force)
        let weighted = edges.weights != nil
        return try writeAtomically(path, force: force) { out in
            for line in header { try out.comment(line) }
            try out.comment("\(edges.count) edges; columns: \(weighted ? "u v w" : "u v")")
            try edges.sources.withUnsafeBufferPointer { src in
                try edges.targets.withUnsafeBufferPointer { dst in
                    if let weights = edges.weights {
                        try weights.withUnsafeBufferPointer { w in
                            for e in 0..<src.count {
                                try out.reserve(80)
                                out.appendUInt(src[e]); out.appendByte(0x20)
                                out.appendUInt(dst[e]); out.appendByte(0x20)
                                out.appendDouble17(w[e]); out.appendByte(0x0A)
                            }
                        }
                    } else {
                        for e in 0..<src.count {
                            try out.reserve(48)
                            out.appendUInt(src[e]); out.appendByte(0x20)
                            out.appendUInt(dst[e]); out.appendByte(0x0A)
                        }
                    }
                }
            }
        }
    }

    /// Writes `id label` lines. Returns the bytes written.
    @discardableResult
    public static func writeLabels(_ labels: NodeLabels, to path: String, header: [String] = [],
                                   force: Bool = false) throws -> Int {
        try checkCanCreate(path, force: force)
        return try writeAtomically(path, force: force) { out in
            for line in header { try out.comment(line) }
            try out.comment("\(labels.count) nodes; columns: id label")
            for t in 0..<labels.count {
                try out.reserve(48)
                out.appendUInt(labels.ids[t]); out.appendByte(0x20)
                out.appendInt(labels.labels[t]); out.appendByte(0x0A)
            }
        }
    }

    static func existsError(_ path: String) -> InputError {
        InputError(file: path, reason: "exists; pass --force to overwrite")
    }

    static func pathExists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    private static let counter = AtomicCounter()

    /// Runs `body` on a writer to a fresh partial file next to `path`, then moves it into place.
    static func writeAtomically(_ path: String, force: Bool,
                                _ body: (BufferedByteWriter) throws -> Void) throws -> Int {
        let partial = "\(path).partial-\(getpid())-\(counter.next())"
        let fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o644)
        guard fd >= 0 else { throw InputError(file: path, reason: "cannot create: \(errnoText())") }
        // SIGINT/SIGTERM remove it too (the CLI's handler, `InterruptCleanup`).
        InterruptCleanup.register(partial)
        let out = BufferedByteWriter(fd: fd, path: path)
        var placed = false
        defer {
            out.closeQuietly()
            if !placed { unlink(partial) }
            InterruptCleanup.unregister(partial)
        }
        try body(out)
        try out.flush()
        try out.close()
        if force {
            guard rename(partial, path) == 0 else { throw InputError(file: path, reason: "cannot write: \(errnoText())") }
        } else if link(partial, path) == 0 {
            unlink(partial)
        } else {
            let err = errno
            if err == EEXIST { throw existsError(path) }
            // No hard links here (some network/FUSE file systems): check, then rename.
            if pathExists(path) { throw existsError(path) }
            guard rename(partial, path) == 0 else { throw InputError(file: path, reason: "cannot write: \(errnoText())") }
        }
        placed = true
        return out.bytesWritten
    }
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// A process-wide counter for unique partial-file names.
private final class AtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock(); defer { lock.unlock() }
        value += 1
        return value
    }
}

/// Bytes to a file descriptor through one fixed buffer. `reserve(n)` before each record, then the
/// unchecked `append*` calls (each record must fit in the reserved n bytes).
final class BufferedByteWriter {
    private let fd: Int32
    private let path: String
    private let capacity = 1 << 20
    private let buffer: UnsafeMutablePointer<UInt8>
    private var position = 0
    private var isOpen = true
    private(set) var bytesWritten = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        closeQuietly()
        buffer.deallocate()
    }

    @inline(__always)
    func reserve(_ n: Int) throws {
        if position + n > capacity { try flush() }
    }

    @inline(__always)
    func appendByte(_ b: UInt8) {
        buffer[position] = b
        position += 1
    }

    @inline(__always)
    func appendUInt(_ value: UInt64) {
        var length = 1
        var t = value
        while t >= 10 { t /= 10; length += 1 }
        var q = value
        var i = position + length - 1
        repeat {
            buffer[i] = 0x30 &+ UInt8(truncatingIfNeeded: q % 10)
            q /= 10
            i -= 1
        } while q > 0
        position += length
    }

    @inline(__always)
    func appendInt(_ value: Int) {
        if value < 0 { appendByte(0x2D) }
        appendUInt(value.magnitude.toUInt64)
    }

    /// `%.17g`: 17 significant digits, at most 24 bytes.
    func appendDouble17(_ value: Double) {
        let written = withVaList([value]) { args in
            vsnprintf(UnsafeMutableRawPointer(buffer + position).assumingMemoryBound(to: CChar.self), 32, "%.17g", args)
        }
        position += Int(written)
    }

    /// "# " + text + newline (the text may be of any length).
    func comment(_ text: String) throws {
        try appendBytes(Array("# ".utf8) + Array(text.utf8) + [0x0A])
    }

    func appendBytes(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            if position == capacity { try flush() }
            let n = min(capacity - position, bytes.count - offset)
            bytes.withUnsafeBufferPointer { b in (buffer + position).update(from: b.baseAddress! + offset, count: n) }
            position += n
            offset += n
        }
    }

    func flush() throws {
        var offset = 0
        while offset < position {
            let n = posixWrite(fd, buffer + offset, position - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(file: path, reason: "write failed: \(errnoText())")
            }
            offset += n
        }
        bytesWritten += position
        position = 0
    }

    func close() throws {
        guard isOpen else { return }
        isOpen = false
        if posixClose(fd) != 0 { throw InputError(file: path, reason: "write failed: \(errnoText())") }
    }

    func closeQuietly() {
        if isOpen {
            isOpen = false
            _ = posixClose(fd)
        }
    }
}

private func posixWrite(_ fd: Int32, _ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    write(fd, bytes, count)
}

private func posixClose(_ fd: Int32) -> Int32 {
    close(fd)
}

extension UInt {
    fileprivate var toUInt64: UInt64 { UInt64(self) }
}
