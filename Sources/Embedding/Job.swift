import Diagnostics
import Distributed
import Foundation
import NpyFormat
import Output
import PairGraph

/// A bad option value or combination, found before any work: exit status 2 with `message`.
public struct UsageError: Error, CustomStringConvertible, ClassifiedError {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var failureKind: FailureKind { .input }
}

/// A failure every rank agreed on, with the exit status the job ends with (`FailureKind`: 2 input
/// or usage, 3 the eigensolver did not converge or LAPACK failed).
public struct JobFailure: Error, Codable, ClassifiedError, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    public var failureKind: FailureKind { FailureKind(rawValue: exitCode) ?? .internal }
    public var description: String { message }

    /// Any error as the job's failure, with the exit status of its `FailureKind` (the one
    /// classification: input, usage and output errors 2, non-convergence 3, anything else 1).
    public init(classifying error: Error) {
        if let e = error as? JobFailure { self = e; return }
        self.init(message: "\(error)", exitCode: FailureKind(of: error).exitStatus)
    }
}

/// What a command hands to `Job.run`: its validated settings, which know their pipeline.
public protocol CommandSettings {
    /// The output directory and whether an existing one is replaced (checked before any work).
    var out: String { get }
    var force: Bool { get }
    /// Collective. The command's pipeline.
    func run(in context: RunContext) throws
}

public enum Job {
    /// Runs a command as an MPI job: `settings` validates the options (every rank; a thrown error
    /// exits 2), then the pipeline runs. Every error is collective: the coordinator prints one
    /// `error:` line and every rank exits with the same status (`JobFailure(classifying:)`).
    public static func run<Settings: CommandSettings>(quiet: Bool, _ settings: () throws -> Settings) {
        let environment = MPIEnvironment()
        defer { environment.finalize() }
        let world = environment.world
        // Every failure finalises MPI before exiting, so mpirun reports the exit status rather than
        // a process that "exited without finalizing". The others wait at a barrier until the
        // coordinator has printed: mpirun kills the whole job as soon as one rank exits non-zero,
        // which could otherwise be before the message.
        func stop(_ failure: JobFailure) -> Never {
            if world.isCoordinator { printErrorLine(failure.message, keepNewlines: failure.exitCode == 3) }
            world.barrier()
            environment.finalize()
            Foundation.exit(failure.exitCode)
        }
        let validated: Settings
        do {
            validated = try settings()
            try OutputDirectory.checkWritable(validated.out, force: validated.force)
        } catch {
            stop(JobFailure(message: "\(error)", exitCode: 2))
        }
        do {
            try validated.run(in: RunContext(communicator: world, progress: Progress(enabled: !quiet && world.isCoordinator)))
        } catch {
            stop(JobFailure(classifying: error))
        }
    }

    /// SIGINT/SIGTERM remove staging directories (exit 130/143). Before MPI starts any thread.
    public static func installInterruptCleanup() { InterruptCleanup.install() }

    /// Prints `message` once and exits with `status` (a usage error found by the argument parser).
    /// Under an MPI launcher every rank parses the same arguments and fails the same way: the
    /// ranks join the MPI job so that only rank 0 prints, and all exit together (mpirun could
    /// otherwise kill rank 0 before it prints).
    public static func reportError(_ message: String, status: Int32) -> Never {
        let launched = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"].contains { ProcessInfo.processInfo.environment[$0] != nil }
        guard launched else {
            printErrorLine(message)
            Foundation.exit(status)
        }
        let environment = MPIEnvironment()
        if environment.world.isCoordinator { printErrorLine(message) }
        environment.world.barrier()
        environment.finalize()
        Foundation.exit(status)
    }
}
