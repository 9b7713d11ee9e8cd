import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM remove the staging directories (and generators' partial files) of this
/// process and exit with 128 + the signal (130, 143), instead of leaving them for a later run.
///
/// The signals are blocked in every thread (the mask is inherited, so `install` must run before
/// MPI starts its threads) and taken by one thread with sigwait: the cleanup then runs as
/// ordinary code, not inside an asynchronous signal handler, where removing a directory tree is
/// not allowed.
public enum InterruptCleanup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: [String] = []

    /// Not collective. Call once, first thing in `main`.
    public static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = set
        let thread = Thread {
            var signal: Int32 = 0
            var waited = blocked
            while sigwait(&waited, &signal) != 0 {}
            removeAll()
            _exit(128 + signal)
        }
        thread.start()
    }

    /// Not collective. `path` (a file or a directory tree) is removed if the process is interrupted.
    public static func register(_ path: String) {
        lock.withLock { paths.append(path) }
    }

    /// Not collective. `path` was committed or removed.
    public static func unregister(_ path: String) {
        lock.withLock { paths.removeAll { $0 == path } }
    }

    private static func removeAll() {
        let pending = lock.withLock { paths }
        for path in pending { try? FileManager.default.removeItem(atPath: path) }
    }
}
