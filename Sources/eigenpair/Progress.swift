import Foundation
import NpyFormat

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
        let line = String(format: "[%7.1fs] ", elapsed) + TerminalSafeText.escaping(message) + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Writes `error: <message>` to stderr and exits with `code`.
func fail(_ message: String, code: Int32) -> Never {
    printErrorLine(message)
    exit(code)
}

/// The one way an error reaches stderr: `error: <message>`, with every control character of the
/// message escaped (`TerminalSafeText`), so that bytes from an input file or a file name cannot
/// drive the terminal and the message stays one line. `keepNewlines` only for the messages that
/// are several lines by design (the non-convergence report, exit status 3).
func printErrorLine(_ message: String, keepNewlines: Bool = false) {
    let text = "error: " + TerminalSafeText.escaping(message, keepNewlines: keepNewlines) + "\n"
    FileHandle.standardError.write(Data(text.utf8))
}
