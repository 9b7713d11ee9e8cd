import Foundation
import NpyFormat

/// The one way an error reaches stderr: `error: <message>`, with every control character of the
/// message escaped (`TerminalSafeText`), so that bytes from an input file or a file name cannot
/// drive the terminal and the message stays one line. `keepNewlines` only for the messages that
/// are several lines by design (the non-convergence report, exit status 3).
public func printErrorLine(_ message: String, keepNewlines: Bool = false) {
    let text = "error: " + TerminalSafeText.escaping(message, keepNewlines: keepNewlines) + "\n"
    FileHandle.standardError.write(Data(text.utf8))
}
