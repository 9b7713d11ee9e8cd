import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Linux renameat2(2), looked up in the C library at run time (glibc 2.28+ has it, but Swift's
/// Glibc module does not export it), so no C shim is needed and a system without it falls back.
enum AtomicRename {
    enum Outcome: Equatable {
        case done
        case failed(Int32)
        /// No renameat2, or the file system does not support the flag.
        case unsupported
    }

    /// From linux/fs.h.
    private static let noReplace: UInt32 = 1
    private static let exchangeFlag: UInt32 = 2

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    private static let function: RenameAt2? = {
        #if os(Linux)
        guard let symbol = dlsym(nil, "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
        #else
        return nil
        #endif
    }()

    /// `exchange`: swap `source` and `destination` atomically (both must exist); otherwise move
    /// `source` to `destination`, failing with EEXIST if that exists.
    static func rename(_ source: String, to destination: String, exchange: Bool) -> Outcome {
        guard let function, !TestHook.noRenameAt2 else { return .unsupported }
        let rc = function(AT_FDCWD, source, AT_FDCWD, destination, exchange ? exchangeFlag : noReplace)
        if rc == 0 { return .done }
        let code = errno
        return code == ENOSYS || code == EINVAL || code == EOPNOTSUPP ? .unsupported : .failed(code)
    }
}

/// Fault injection for tests of the replacement (docs/hardening.md), read only here:
/// - EIGENPAIR_TEST_KILL_AT=<step>: at that step of `OutputDirectory.commit` (`before-rename`,
///   `after-exchange`, `between-renames`) the process signals itself, SIGKILL unless
///   EIGENPAIR_TEST_KILL_SIGNAL is TERM or INT (then it waits for the handler to exit);
/// - EIGENPAIR_TEST_NO_RENAMEAT2=1: behave as if renameat2 were missing (the fallback).
enum TestHook {
    private static let environment = ProcessInfo.processInfo.environment
    private static let step = environment["EIGENPAIR_TEST_KILL_AT"]
    static let noRenameAt2 = environment["EIGENPAIR_TEST_NO_RENAMEAT2"] == "1"

    static func killIfAsked(at name: String) {
        guard step == name else { return }
        switch environment["EIGENPAIR_TEST_KILL_SIGNAL"] {
        case "TERM": kill(getpid(), SIGTERM)
        case "INT": kill(getpid(), SIGINT)
        default: kill(getpid(), SIGKILL)
        }
        while true { pause() }
    }
}
