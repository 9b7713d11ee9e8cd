/// Every report the commands write (embed's and compare's report.json, linear's report.json,
/// sweep.json): one header that every command shares, plus the command's own payload, encoded
/// into one JSON object (the header's keys next to the payload's; docs/report.schema.json).
/// Fields of either part read as fields of the report (`report.timings`, `report.solves`).
@dynamicMemberLookup
public struct Report<Payload: Encodable>: Encodable {
    public var header: ReportHeader
    public var payload: Payload

    public init(command: String, arguments: [String], ranks: Int, payload: Payload) {
        header = ReportHeader(command: command, arguments: arguments, ranks: ranks)
        self.payload = payload
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<Payload, T>) -> T {
        get { payload[keyPath: path] }
        set { payload[keyPath: path] = newValue }
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<ReportHeader, T>) -> T {
        get { header[keyPath: path] }
        set { header[keyPath: path] = newValue }
    }

    /// Both parts write into the same JSON object (their keys are disjoint).
    public func encode(to encoder: Encoder) throws {
        try header.encode(to: encoder)
        try payload.encode(to: encoder)
    }
}

/// What every report starts with: which tool, version and schema wrote it, the command line,
/// the rank count, the time of each phase and the peak memory.
public struct ReportHeader: Encodable {
    public var tool = "eigenpair"
    public var version = EigenpairVersion.string
    public var schemaVersion = ReportSchema.version
    public var command: String
    /// The command line as given (argv).
    public var arguments: [String]
    public var ranks: Int
    /// Seconds per phase, and the run's `total`.
    public var timings: [String: Double] = [:]
    public var peakMemoryBytes: Int = 0
}

public enum EigenpairVersion {
    public static let string = "0.1.0"
}

/// `schema_version` of every report (embed, linear, sweep, compare), checked by
/// docs/report.schema.json. "MAJOR.MINOR": MINOR grows when keys are only added (a reader of an
/// older MINOR still works); MAJOR grows, and MINOR restarts at 0, when a key is renamed or
/// removed or a value changes type or meaning. docs/architecture.md lists the changes.
public enum ReportSchema {
    public static let version = "1.2"
}
