/// Bad input, reported as one line naming the file, the line (where there is one) and the reason.
/// Its `FailureKind` is `.input` (exit status 2; `InputError+FailureKind.swift`).
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable, Codable {
    public var file: String
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
