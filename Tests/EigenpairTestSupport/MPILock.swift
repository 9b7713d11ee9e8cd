// The process-wide MPI lock every test that touches MPI holds, the one MPI environment of the
// test process, and the `mpi` tag of the suites scripts/mpi-tests.sh runs under mpirun.

import Distributed
import Foundation
import Testing

/// The one MPI environment of the test process (every test target links this library), only
/// ever touched under the lock, so no two tests race on MPI_Init.
nonisolated(unsafe) public let testMPI: MPIEnvironment = {
    let environment = MPIEnvironment()
    // Under `mpirun -np P` (make test runs the MPI suites that way) every rank must finalise.
    MPIEnvironment.finalizeAtExit()
    return environment
}()

extension Tag {
    /// Suites that exercise real multi-rank MPI (halo exchange, collectives, MPI-IO, PARPACK on the
    /// world communicator). `swift test` runs them on one rank; scripts/mpi-tests.sh runs exactly
    /// the suites carrying this tag again under `mpirun -np 3`, where rank-offset bugs show.
    @Tag public static var mpi: Self
}

/// MPI_COMM_SELF: the distributed code with one rank. Use only under the lock.
public var single: Communicator { testMPI.single }

/// Runs `body` while holding the process-wide MPI lock (at once if this task already holds it:
/// `flock` is not reentrant).
///
/// ARPACK keeps Fortran SAVE state (not reentrant) and MPI is initialised single-threaded, so no
/// two tests may use MPI (a solve, a collective, building a distributed graph) at once in one
/// process. `.serialized` only orders the tests inside one suite: other suites, and the suites of
/// the other test targets linked into the same `EigenpairPackageTests` binary, still run in
/// parallel. The lock is `flock` on a per-process file: separate `open`s give separate open file
/// descriptions, which exclude each other even inside one process.
public func withSolverLock<T>(_ body: () throws -> T) rethrows -> T {
    if MPILockState.held { return try body() }
    let fd = lockMPI()
    defer { unlockMPI(fd) }
    return try MPILockState.$held.withValue(true) { try body() }
}

/// Whether the current task holds the process-wide MPI lock.
public enum MPILockState {
    @TaskLocal public static var held = false
}

/// Holds the process-wide MPI lock around every test case of the suite or test it is attached to
/// (`withSolverLock` inside it then runs at once).
public struct MPILock: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        guard testCase != nil, !MPILockState.held else {
            try await function()
            return
        }
        let fd = lockMPI()
        defer { unlockMPI(fd) }
        try await MPILockState.$held.withValue(true) { try await function() }
    }
}

extension Trait where Self == MPILock {
    /// Hold the process-wide MPI lock around every test case.
    public static var mpiLock: MPILock { MPILock() }
}

private func lockMPI() -> Int32 {
    _ = removeSolverLockAtExit
    let path = solverLockPath()
    let fd = open(path, O_RDWR | O_CREAT, 0o600)
    precondition(fd >= 0, "cannot open the MPI lock file \(path)")
    while flock(fd, LOCK_EX) != 0 {
        precondition(errno == EINTR, "flock failed on \(path)")
    }
    return fd
}

private func unlockMPI(_ fd: Int32) {
    flock(fd, LOCK_UN)
    close(fd)
}

public func solverLockPath() -> String { NSTemporaryDirectory() + "eigenpair-solver-\(getpid()).lock" }

/// Removes the lock file when the test process exits (registered once per module; a second
/// unlink is harmless).
public let removeSolverLockAtExit: Void = {
    atexit { _ = unlink(solverLockPath()) }
}()
