#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input could not be opened, without the file name (each reader's error type adds it).
public struct InputFileError: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Opening every input file (graph, labels, features, embedding, node IDs) the same way: without
/// blocking, then checked with fstat on the open descriptor (no race between a check and the
/// open). A FIFO with no writer would block a plain `open` forever, a device could be read
/// without end, and a directory is accepted by `open` on Linux; all of them are refused here, as
/// every reader needs a regular file (several ranks read byte ranges of it, and sizes declared in
/// headers are checked against its size).
public enum InputFile {
    /// Not collective. A read-only descriptor of the regular file at `path` (blocking again, for
    /// plain reads) and its size. The caller closes it.
    public static func openRegular(_ path: String) throws(InputFileError) -> (descriptor: Int32, size: Int) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw InputFileError("cannot open: \(errnoText(errno))") }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw InputFileError("cannot stat: \(errnoText(code))")
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            close(descriptor)
            throw InputFileError(kind == S_IFDIR ? "is a directory" : "not a regular file (\(kindName(kind))): inputs must be files on disk")
        }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        return (descriptor, Int(info.st_size))
    }

    /// Not collective. The whole regular file at `path`, read with `openRegular`'s checks.
    public static func readAll(_ path: String) throws(InputFileError) -> [UInt8] {
        let (descriptor, size) = try openRegular(path)
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + done, size - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputFileError("cannot read: \(errnoText(errno))")
            }
            if n == 0 { break }
            done += n
        }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }

    /// `strerror` text of an errno value.
    public static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func kindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: return "a FIFO or pipe"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a plain file"
        }
    }
}
