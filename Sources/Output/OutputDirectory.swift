import Foundation
import NpyFormat

/// Errors writing results; the CLI maps them to exit status 2.
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// A results directory written atomically: every file goes into a hidden staging directory next
/// to the target, which is renamed into place only when all files are complete. A failed run
/// leaves nothing behind, and an existing directory is replaced only with `force`.
public final class OutputDirectory {
    public let path: String
    public let staging: String
    private let force: Bool
    private var committed = false

    /// Checks the target before any work starts, so a run never computes only to refuse to write.
    public static func checkWritable(_ path: String, force: Bool) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !force {
            throw OutputError(path: path, reason: "already exists; pass --force to replace it")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw OutputError(path: path, reason: "exists and is not a directory")
        }
        // URL, not NSString.deletingLastPathComponent: the latter traps on a bare name here.
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.isWritableFile(atPath: dir) {
            throw OutputError(path: path, reason: "parent directory \(dir) is not writable or does not exist")
        }
    }

    public init(path: String, force: Bool) throws {
        try Self.checkWritable(path, force: force)
        self.path = path
        self.force = force
        let url = URL(fileURLWithPath: path)
        staging = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        Self.removeAbandonedStaging(next: url)
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw OutputError(path: path, reason: "cannot create \(staging): \(error.localizedDescription)")
        }
    }

    /// A run killed by a signal cannot clean up after itself; the next run for the same target
    /// removes staging directories whose process no longer exists.
    private static func removeAbandonedStaging(next target: URL) {
        let parent = target.deletingLastPathComponent().path
        let prefix = ".\(target.lastPathComponent).partial-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)) else { continue }
            if pid == getpid() || kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(atPath: parent + "/" + entry)
            }
        }
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: staging) }
    }

    private func file(_ name: String) -> String { staging + "/" + name }

    /// Writes a float64 matrix as C-order .npy (row i = node i), streaming rows in blocks so that
    /// no full row-major copy is made.
    public func writeNpy(_ name: String, rows: Int, columns: Int, element: (Int, Int) -> Double) throws {
        try stream(name, header: NpyHeader(dtype: .float64, shape: [rows, columns])) { sink in
            var buffer = [Double]()
            buffer.reserveCapacity(65_536)
            for i in 0..<rows {
                for j in 0..<columns { buffer.append(element(i, j)) }
                if buffer.count >= 65_536 - columns || i == rows - 1 {
                    try buffer.withUnsafeBytes { try sink($0) }
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    public func writeNpy(_ name: String, _ values: [Double]) throws {
        try stream(name, header: NpyHeader(dtype: .float64, shape: [values.count])) { sink in
            try values.withUnsafeBytes { try sink($0) }
        }
    }

    public func writeNpy(_ name: String, _ values: [Int64]) throws {
        try stream(name, header: NpyHeader(dtype: .int64, shape: [values.count])) { sink in
            try values.withUnsafeBytes { try sink($0) }
        }
    }

    public func writeJSON<T: Encodable>(_ name: String, _ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        guard FileManager.default.createFile(atPath: file(name), contents: data + Data("\n".utf8)) else {
            throw OutputError(path: path + "/" + name, reason: "cannot write")
        }
    }

    private func stream(_ name: String, header: NpyHeader,
                        body: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let target = file(name)
        guard let handle = fopen(target, "wb") else {
            throw OutputError(path: path + "/" + name, reason: "cannot open for writing: \(String(cString: strerror(errno)))")
        }
        var failed = false
        let head = header.encoded()
        if fwrite(head, 1, head.count, handle) != head.count { failed = true }
        try body { bytes in
            if !failed, bytes.count > 0, fwrite(bytes.baseAddress, 1, bytes.count, handle) != bytes.count { failed = true }
        }
        if fclose(handle) != 0 { failed = true }
        if failed { throw OutputError(path: path + "/" + name, reason: "write failed: \(String(cString: strerror(errno)))") }
    }

    /// Moves the staging directory into place (replacing an old one only with `force`).
    public func commit() throws {
        let fm = FileManager.default
        var old: String? = nil
        if fm.fileExists(atPath: path) {
            guard force else { throw OutputError(path: path, reason: "already exists; pass --force to replace it") }
            old = staging.replacingOccurrences(of: ".partial-", with: ".old-")
            try fm.moveItem(atPath: path, toPath: old!)
        }
        do {
            try fm.moveItem(atPath: staging, toPath: path)
        } catch {
            if let old { try? fm.moveItem(atPath: old, toPath: path) }
            throw OutputError(path: path, reason: "cannot rename results into place: \(error.localizedDescription)")
        }
        committed = true
        if let old { try? fm.removeItem(atPath: old) }
    }
}
