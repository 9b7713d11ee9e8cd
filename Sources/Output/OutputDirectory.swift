import Distributed
import Foundation
import NpyFormat
#if canImport(Glibc)
import Glibc
#endif

/// Errors writing results; their `FailureKind` is `.input` (exit status 2).
public struct OutputError: Error, CustomStringConvertible, Sendable, Codable, ClassifiedError {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }

    public var failureKind: FailureKind { .input }
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
    /// refuse to write: an empty name, a name too long for the file system, a symbolic link
    /// (dangling or not: the results would land somewhere else than named), an existing entry
    /// without `force` or one that is not a directory, and a parent that is missing or not
    /// writable.
    public static func checkWritable(_ path: String, force: Bool) throws {
        guard !path.isEmpty else { throw OutputError(path: "--out", reason: "empty path: name the output directory") }
        let name = URL(fileURLWithPath: path).lastPathComponent
        guard name.utf8.count <= maxNameBytes, path.utf8.count < maxPathBytes else {
            throw OutputError(path: path, reason: "name too long (at most \(maxNameBytes) bytes per name, \(maxPathBytes - 1) per path)")
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            if info.st_mode & S_IFMT == S_IFLNK {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                let dangling = stat(path, &info) != 0
                throw OutputError(path: path, reason: "is a symbolic link to \(target)\(dangling ? ", which does not exist" : "")"
                                  + "; name the directory itself")
            }
            guard force else { throw OutputError(path: path, reason: "already exists; pass --force to replace it") }
            guard info.st_mode & S_IFMT == S_IFDIR else { throw OutputError(path: path, reason: "exists and is not a directory") }
        }
        // URL, not NSString.deletingLastPathComponent: the latter traps on a bare name here.
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !FileManager.default.isWritableFile(atPath: dir) {
            throw OutputError(path: path, reason: "parent directory \(dir) is not writable or does not exist")
        }
    }

    /// NAME_MAX and PATH_MAX of Linux file systems.
    static let maxNameBytes = 255
    static let maxPathBytes = 4096

    /// Collective. Rank 0 checks the target, removes abandoned staging directories of dead
    /// processes and creates the staging directory; then every rank learns its path (or rank 0's
    /// error, agreed) by broadcast, which also orders every later write after its creation.
    /// - Throws: `OutputError` on every rank.
    public init(path: String, force: Bool, communicator: Communicator) throws {
        self.path = path
        self.force = force
        self.communicator = communicator
        isCoordinator = communicator.isCoordinator
        var outcome: Result<String, OutputError> = .success("")
        if isCoordinator {
            outcome = Result { try Self.createStaging(path: path, force: force) }
                .mapError { $0 as? OutputError ?? OutputError(path: path, reason: "\($0)") }
        }
        do {
            let dir = try communicator.agree(outcome)
            staging = communicator.broadcast(isCoordinator ? dir : nil)
        } catch {
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
        let staging = url.deletingLastPathComponent().appendingPathComponent(stagingPrefix(for: url) + "\(getpid())").path
        removeAbandonedStaging(next: url)
        guard mkdir(staging, 0o755) == 0 else {
            throw OutputError(path: path, reason: "cannot create \(staging): \(SystemError.describe(errno))")
        }
        InterruptCleanup.register(staging)
        return staging
    }

    /// `.<name>.partial-` (then the pid): hidden, next to the target, so that the final rename
    /// stays on one file system. A name so long that this would pass NAME_MAX is replaced by a
    /// hash of it, so any valid output name works.
    static func stagingPrefix(for target: URL) -> String {
        let name = target.lastPathComponent
        let suffix = ".partial-"
        if 1 + name.utf8.count + suffix.utf8.count + 10 <= maxNameBytes { return "." + name + suffix }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "." + String(hash, radix: 16) + suffix
    }

    /// A run killed by a signal cannot clean up after itself; the next run for the same target
    /// removes staging directories whose process no longer exists. A kill between the two steps
    /// of the replacement's fallback (`.<name>.old-<pid>` holds the old results) is completed or
    /// rolled back here: the old results go back in place if the target is missing, else they go.
    /// Earlier versions stranded old results under the same `.<name>.old-<pid>` name.
    static func removeAbandonedStaging(next target: URL) {
        let parent = target.deletingLastPathComponent().path
        let name = target.lastPathComponent
        let prefixes = [stagingPrefix(for: target), ".\(name).old-"]
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for entry in entries {
            guard let prefix = prefixes.first(where: { entry.hasPrefix($0) }),
                  let pid = Int32(entry.dropFirst(prefix.count)),
                  pid == getpid() || kill(pid, 0) != 0 else { continue }
            let full = parent + "/" + entry
            var info = stat()
            if prefix != prefixes[0], lstat(target.path, &info) != 0, rename(full, target.path) == 0 { continue }
            try? FileManager.default.removeItem(atPath: full)
        }
    }

    /// Rank 0 removes the staging directory of a run that did not commit.
    deinit {
        if !committed && isCoordinator {
            try? FileManager.default.removeItem(atPath: staging)
            InterruptCleanup.unregister(staging)
        }
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

    /// Collective. Node IDs (nodes.npy): int64 (`<i8`) when every ID is below 2^63, as NumPy
    /// users expect, else uint64 (`<u8`), so that an ID of 2^63 or more is never read back as a
    /// negative number. The ranks agree on the dtype; the bytes are the same either way.
    public func writeNodeIDs(_ name: String, globalCount: Int, firstRow: Int, ids: [UInt64]) throws {
        let wide = communicator.any(ids.contains { $0 > UInt64(Int64.max) })
        let header = NpyHeader(dtype: wide ? .uint64 : .int64, shape: [globalCount]).encoded()
        try parallelWrite(name) {
            try ParallelFile.writeInt64(path: file(name), communicator: communicator, header: header,
                                        globalCount: globalCount, firstRow: firstRow,
                                        values: ids.map { Int64(bitPattern: $0) })
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
        try writeOnCoordinator(name) { Data(try JSONText.encode(value()).utf8) }  // floats stay floats (JSONText)
    }

    /// Collective. Rank 0 writes `text` (evaluated on rank 0 only: an SVG or HTML page); the other
    /// ranks only learn whether that worked.
    /// - Throws: `OutputError` on every rank.
    public func writeText(_ name: String, _ text: @autoclosure () -> String) throws {
        try writeOnCoordinator(name) { Data(text().utf8) }
    }

    /// Collective. Rank 0 writes what `content` returns into the staging directory; every rank
    /// gets rank 0's error, if any.
    private func writeOnCoordinator(_ name: String, _ content: () throws -> Data) throws {
        var outcome: Result<String, OutputError> = .success("")
        if communicator.isCoordinator {
            do {
                try Self.writeFile(file(name), try content(), reportedAs: path + "/" + name)
            } catch let error as OutputError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(OutputError(path: path + "/" + name, reason: "cannot encode: \(error)"))
            }
        }
        _ = try communicator.agree(outcome)
    }

    /// Not collective. Writes `data` to the new file `path` with plain POSIX calls, so that a
    /// failure names its errno (ENOSPC, EDQUOT, EACCES); errors name the file as `reportedAs`
    /// (the final path, not the staging one).
    public static func writeFile(_ path: String, _ data: Data, reportedAs shown: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError(path: shown, reason: "cannot create: \(SystemError.describe(errno))") }
        var done = 0
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += n
            }
        }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 { throw OutputError(path: shown, reason: "cannot write: \(SystemError.describe(failure))") }
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
        _ = try communicator.agree(outcome)
        committed = true
    }

    /// Not collective (rank 0). Moves the staging directory to the target in one atomic step, so
    /// that a kill at any moment leaves either the old results or the new ones in place:
    /// - no target: renameat2(RENAME_NOREPLACE), which fails if another run created it meanwhile;
    /// - `--force` over an existing target: renameat2(RENAME_EXCHANGE) swaps the two directories,
    ///   then the old results (now at the staging path) are removed. A kill before the removal
    ///   leaves them in a dead process's staging directory, which the next run removes.
    /// Where renameat2 is missing (not Linux, old kernels or file systems), the fallback is two
    /// renames through `.<name>.old-<pid>`, which the next run completes or rolls back
    /// (`removeAbandonedStaging`).
    private func renameIntoPlace() throws {
        var info = stat()
        let exists = lstat(path, &info) == 0
        if exists && !force { throw OutputError(path: path, reason: "already exists; pass --force to replace it") }
        TestHook.killIfAsked(at: "before-rename")
        switch AtomicRename.rename(staging, to: path, exchange: exists) {
        case .done:
            TestHook.killIfAsked(at: "after-exchange")
            if exists { try? FileManager.default.removeItem(atPath: staging) }
        case .failed(let code):
            throw OutputError(path: path, reason: code == EEXIST || code == ENOTEMPTY
                              ? "already exists (created by another process meanwhile); pass --force to replace it"
                              : "cannot move results into place: \(SystemError.describe(code))")
        case .unsupported:
            try renameInTwoSteps(replacing: exists)
        }
        InterruptCleanup.unregister(staging)
    }

    /// The fallback of `renameIntoPlace`: old results aside, new ones in place, old ones removed.
    private func renameInTwoSteps(replacing exists: Bool) throws {
        let url = URL(fileURLWithPath: path)
        let old = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).old-\(getpid())").path
        if exists, rename(path, old) != 0 {
            throw OutputError(path: path, reason: "cannot move the old results aside: \(SystemError.describe(errno))")
        }
        TestHook.killIfAsked(at: "between-renames")
        guard rename(staging, path) == 0 else {
            let code = errno
            if exists { _ = rename(old, path) }
            throw OutputError(path: path, reason: "cannot move results into place: \(SystemError.describe(code))")
        }
        if exists { try? FileManager.default.removeItem(atPath: old) }
    }
}
