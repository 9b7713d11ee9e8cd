import Distributed
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
///
/// Shared by all ranks of a communicator. Rank 0 does the directory work (checks, staging
/// directory, rename, report.json); the arrays are written with MPI-IO by every rank, each its own
/// rows (`ParallelFile`). Functions tagged **Collective** must be called by every rank, in the same
/// order; their errors are agreed, so every rank throws the same `OutputError` or none does. With
/// one rank this is the whole job, through the same code.
public final class OutputDirectory {
    public let path: String
    /// The staging directory (rank 0's pid in its name), the same path on every rank.
    public let staging: String
    public let communicator: Communicator
    private let force: Bool
    /// Rank 0 of `communicator`, kept so that deinit makes no MPI call.
    private let isCoordinator: Bool
    private var committed = false

    /// Not collective. Checks the target before any work starts, so a run never computes only to
    /// refuse to write.
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

    /// Collective. Rank 0 checks the target, removes abandoned staging directories of dead
    /// processes and creates the staging directory; then every rank learns its path (or rank 0's
    /// error) by broadcast, which also orders every later write after its creation.
    /// - Throws: `OutputError` on every rank.
    public init(path: String, force: Bool, communicator: Communicator) throws {
        self.path = path
        self.force = force
        self.communicator = communicator
        isCoordinator = communicator.isCoordinator
        var outcome: Result<String, OutputError>
        if isCoordinator {
            outcome = Result { try Self.createStaging(path: path, force: force) }
                .mapError { $0 as? OutputError ?? OutputError(path: path, reason: "\($0)") }
        } else {
            outcome = .success("")
        }
        outcome = Self.broadcast(outcome, path: path, communicator: communicator)
        switch outcome {
        case .success(let dir):
            staging = dir
        case .failure(let error):
            // Nothing was created: deinit must not remove anything.
            staging = ""
            committed = true
            throw error
        }
    }

    /// Not collective (rank 0). The checks, the cleanup and the staging directory; returns its path.
    private static func createStaging(path: String, force: Bool) throws -> String {
        try checkWritable(path, force: force)
        let url = URL(fileURLWithPath: path)
        let staging = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
        removeAbandonedStaging(next: url)
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw OutputError(path: path, reason: "cannot create \(staging): \(error.localizedDescription)")
        }
        return staging
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

    /// Rank 0 removes the staging directory of a run that did not commit.
    deinit {
        if !committed && isCoordinator { try? FileManager.default.removeItem(atPath: staging) }
    }

    private func file(_ name: String) -> String { staging + "/" + name }

    // MARK: - Arrays (MPI-IO, every rank its own rows)

    /// Collective. Writes a float64 `globalRows` x `columns` matrix as C-order .npy (row i = node
    /// i): rank 0 writes the header, every rank its contiguous rows, global rows
    /// `firstRow..<firstRow + localRows`, where `element(i, j)` is the entry of **local** row i
    /// (global row `firstRow + i`). Rows are encoded and written in blocks of a few MB, so no full
    /// row-major copy is made.
    /// - Throws: `OutputError` on every rank (including when the ranks' rows do not tile 0..<globalRows).
    public func writeNpyRows(_ name: String, globalRows: Int, columns: Int, firstRow: Int, localRows: Int,
                             element: (_ localRow: Int, _ column: Int) -> Double) throws {
        let header = NpyHeader(dtype: .float64, shape: [globalRows, columns]).encoded()
        try parallelWrite(name) {
            try ParallelFile.writeFloat64Rows(path: file(name), communicator: communicator, header: header,
                                              globalRows: globalRows, columns: columns, firstRow: firstRow,
                                              localRows: localRows, element: element)
        }
    }

    /// Collective. A float64 vector of `globalCount` entries; this rank's `values` are entries
    /// `firstRow..<firstRow + values.count`.
    public func writeNpyRows(_ name: String, globalCount: Int, firstRow: Int, values: [Double]) throws {
        let header = NpyHeader(dtype: .float64, shape: [globalCount]).encoded()
        try parallelWrite(name) {
            try ParallelFile.writeFloat64(path: file(name), communicator: communicator, header: header,
                                          globalCount: globalCount, firstRow: firstRow, values: values)
        }
    }

    /// Collective. An int64 vector of `globalCount` entries (e.g. nodes.npy); this rank's `values`
    /// are entries `firstRow..<firstRow + values.count`.
    public func writeNpyRows(_ name: String, globalCount: Int, firstRow: Int, values: [Int64]) throws {
        let header = NpyHeader(dtype: .int64, shape: [globalCount]).encoded()
        try parallelWrite(name) {
            try ParallelFile.writeInt64(path: file(name), communicator: communicator, header: header,
                                        globalCount: globalCount, firstRow: firstRow, values: values)
        }
    }

    /// Collective. A float64 vector every rank holds in full (e.g. a spectrum's eigenvalues):
    /// rank 0 writes all of it, the others nothing.
    public func writeNpy(_ name: String, _ values: [Double]) throws {
        let mine = communicator.isCoordinator ? values : []
        try writeNpyRows(name, globalCount: values.count, firstRow: 0, values: mine)
    }

    /// Collective. An int64 vector every rank holds in full: rank 0 writes all of it.
    public func writeNpy(_ name: String, _ values: [Int64]) throws {
        let mine = communicator.isCoordinator ? values : []
        try writeNpyRows(name, globalCount: values.count, firstRow: 0, values: mine)
    }

    /// MPI-IO errors as `OutputError` (exit status 2), named by the final path as before.
    private func parallelWrite(_ name: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ParallelFileError {
            var reason = error.description
            let prefix = error.path + ": "
            if reason.hasPrefix(prefix) { reason.removeFirst(prefix.count) }
            throw OutputError(path: path + "/" + name, reason: reason)
        }
    }

    // MARK: - Rank 0 files

    /// Collective. Rank 0 encodes `value` (evaluated on rank 0 only) and writes it as JSON; the
    /// other ranks only learn whether that worked.
    /// - Throws: `OutputError` on every rank.
    public func writeJSON<T: Encodable>(_ name: String, _ value: @autoclosure () -> T) throws {
        var outcome: Result<String, OutputError> = .success("")
        if communicator.isCoordinator {
            do {
                let data = Data(try JSONText.encode(value()).utf8)  // floats stay floats (JSONText)
                if !FileManager.default.createFile(atPath: file(name), contents: data) {
                    outcome = .failure(OutputError(path: path + "/" + name, reason: "cannot write"))
                }
            } catch {
                outcome = .failure(OutputError(path: path + "/" + name, reason: "cannot encode: \(error)"))
            }
        }
        if case .failure(let error) = Self.broadcast(outcome, path: path + "/" + name, communicator: communicator) {
            throw error
        }
    }

    // MARK: - Commit

    /// Collective. After a barrier (every rank's files are complete: each array file was closed
    /// collectively), rank 0 moves the staging directory into place, replacing an old one only
    /// with `force`; every rank then learns the outcome, so no rank returns before the directory
    /// is in place.
    /// - Throws: `OutputError` on every rank; the staging directory is then removed by rank 0's deinit.
    public func commit() throws {
        communicator.barrier()
        var outcome: Result<String, OutputError> = .success("")
        if communicator.isCoordinator {
            outcome = Result { try renameIntoPlace() }
                .map { "" }
                .mapError { $0 as? OutputError ?? OutputError(path: path, reason: "\($0)") }
        }
        if case .failure(let error) = Self.broadcast(outcome, path: path, communicator: communicator) {
            throw error
        }
        committed = true
    }

    /// Not collective (rank 0).
    private func renameIntoPlace() throws {
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
        if let old { try? fm.removeItem(atPath: old) }
    }

    /// Collective. Rank 0's outcome on every rank: one status byte and a UTF-8 payload (the
    /// success value, or the error's reason).
    private static func broadcast(_ outcome: Result<String, OutputError>, path: String,
                                  communicator: Communicator) -> Result<String, OutputError> {
        var bytes: [UInt8]
        switch outcome {
        case .success(let text): bytes = [0] + Array(text.utf8)
        case .failure(let error): bytes = [1] + Array(error.path.utf8) + [0] + Array(error.reason.utf8)
        }
        communicator.broadcast(&bytes)
        guard let status = bytes.first else { return .failure(OutputError(path: path, reason: "empty broadcast")) }
        let payload = bytes.dropFirst()
        if status == 0 { return .success(String(decoding: payload, as: UTF8.self)) }
        let split = payload.firstIndex(of: 0) ?? payload.endIndex
        return .failure(OutputError(path: String(decoding: payload[..<split], as: UTF8.self),
                                    reason: String(decoding: payload[split...].dropFirst(), as: UTF8.self)))
    }
}
