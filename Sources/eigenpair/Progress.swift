import Foundation

/// Progress on stderr, for runs longer than a second: lines are held back until the run has
/// taken a second, so quick runs stay quiet.
final class Progress: @unchecked Sendable {
    private let began = Date()
    private let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
    }

    var elapsed: Double { Date().timeIntervalSince(began) }

    func note(_ message: String) {
        guard enabled, elapsed >= 1 else { return }
        FileHandle.standardError.write(Data(String(format: "[%7.1fs] %@\n", elapsed, message).utf8))
    }
}

/// Writes `error: <message>` to stderr and exits with `code`.
func fail(_ message: String, code: Int32) -> Never {
    printErrorLine(message)
    exit(code)
}
