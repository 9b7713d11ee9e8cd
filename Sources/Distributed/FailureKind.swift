/// What a failure means for the job, and so the exit status it ends with: the one table from
/// errors to exit statuses that every command uses (`eigenpair --help` states it).
public enum FailureKind: Int32, Sendable, Codable {
    /// A bug, or an environment failure no input explains. Any error that is not a
    /// `ClassifiedError` is one.
    case `internal` = 1
    /// Bad input, usage or output location.
    case input = 2
    /// The eigensolver did not converge, or a dense kernel failed on valid input.
    case numerical = 3

    /// The process exit status.
    public var exitStatus: Int32 { rawValue }

    /// The kind of any error: its own for a `ClassifiedError`, `.internal` otherwise.
    public init(of error: any Error) {
        self = (error as? any ClassifiedError)?.failureKind ?? .internal
    }
}

/// An error that knows which `FailureKind` it is (`InputError`, `OutputError`, `NpyError`: input).
public protocol ClassifiedError: Error {
    var failureKind: FailureKind { get }
}
