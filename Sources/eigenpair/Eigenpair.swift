import ArgumentParser
import Embedding
import Foundation

@main
struct Eigenpair: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eigenpair",
        abstract: "Closed-form optimal SSL representations (VICReg, SimCLR, BarlowTwins) of a positive-pair graph.",
        discussion: """
        Given the positive-pair graph G of a self-supervised setup, Eigenpair computes the leading spectrum \
        of G, of its normalised form A_n or of its Laplacian L, and from it the closed-form optimal \
        representation Z* of each loss (Balestriero & LeCun, NeurIPS 2022). Run under `mpirun -np P` to \
        use P processes; a plain run is a 1-rank MPI job.

        Exit status: 0 success, 2 bad input or usage, 3 the eigensolver did not converge.
        """,
        version: "0.1.0",
        subcommands: [Embed.self, Generate.self, Linear.self, Sweep.self, Compare.self]
    )

    /// Usage errors exit with status 2 (as argparse and most Unix tools do), not ArgumentParser's 64,
    /// after one `error:` line (not ArgumentParser's "Error:" plus usage lines), printed by one
    /// process under mpirun. `--help` and `--version` print as ArgumentParser does.
    static func main() {
        // Before MPI starts any thread: SIGINT/SIGTERM remove staging directories (exit 130/143).
        Job.installInterruptCleanup()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }   // --help, --version
            if error is ExitCode { exit(withError: error) }   // the message is already printed
            if code == .validationFailure {
                reportError(oneLine(usageMessage: message(for: error), full: fullMessage(for: error)), status: 2)
            }
            // Anything else that reaches here is unexpected: one line too, with its own status.
            reportError(message(for: error), status: code.rawValue)
        }
    }

    /// ArgumentParser's message as one line: its first line (the error), plus the pointer to
    /// `--help` from the full message.
    static func oneLine(usageMessage: String, full: String) -> String {
        let first = usageMessage.split(separator: "\n").first.map(String.init) ?? usageMessage
        let hint = full.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("See '") }
            .map { " (s" + $0.dropFirst().replacingOccurrences(of: " for more information.", with: "") + ")" }
        return first + (hint ?? "")
    }

    static func reportError(_ message: String, status: Int32) -> Never { Job.reportError(message, status: status) }
}
