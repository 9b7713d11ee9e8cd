import ArgumentParser
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

    /// Usage errors exit with status 2 (as argparse and most Unix tools do), not ArgumentParser's 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
