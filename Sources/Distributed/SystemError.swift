#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// errno values as users should read them: the C library's text plus the symbolic name, so that
/// a full disk reads "No space left on device (ENOSPC)" rather than an MPI error class.
public enum SystemError {
    /// Not collective. "strerror text (NAME)", or the text alone for an errno without a name here.
    public static func describe(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return name(code).map { "\(text) (\($0))" } ?? text
    }

    static func name(_ code: Int32) -> String? {
        switch code {
        case ENOSPC: return "ENOSPC"
        case EDQUOT: return "EDQUOT"
        case EACCES: return "EACCES"
        case EPERM: return "EPERM"
        case EROFS: return "EROFS"
        case EFBIG: return "EFBIG"
        case EIO: return "EIO"
        case ENOENT: return "ENOENT"
        case ENAMETOOLONG: return "ENAMETOOLONG"
        case EEXIST: return "EEXIST"
        case ENOTDIR: return "ENOTDIR"
        case EXDEV: return "EXDEV"
        default: return nil
        }
    }

    /// Not collective. Why writing `bytes` bytes into a new file in `directory` fails, found by
    /// trying: create a probe file and reserve the space with posix_fallocate (which honours
    /// quotas), then remove it. nil when that works, i.e. the failure was something else. MPI-IO
    /// reports such failures only as MPI_ERR_IO; this recovers the errno.
    public static func probeWrite(directory: String, bytes: Int) -> Int32? {
        let probe = directory + "/.write-probe-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return errno }
        defer {
            close(fd)
            unlink(probe)
        }
        // Past RLIMIT_FSIZE the kernel sends SIGXFSZ, which would kill the process: EFBIG instead.
        let previous = signal(SIGXFSZ, SIG_IGN)
        let rc = posix_fallocate(fd, 0, off_t(max(bytes, 1)))
        signal(SIGXFSZ, previous)
        // EOPNOTSUPP/EINVAL: the file system cannot tell; not a diagnosis.
        return rc == 0 || rc == EOPNOTSUPP || rc == EINVAL ? nil : rc
    }
}
