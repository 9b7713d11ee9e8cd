import ArgumentParser

@main
struct Eigenpair: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eigenpair",
        abstract: "Closed-form optimal SSL representations (VICReg, SimCLR, BarlowTwins) of a positive-pair graph.",
        discussion: """
        Given the positive-pair graph G of a self-supervised setup, Eigenpair computes the leading spectrum \
        of G, of its normalised form or of its Laplacian, and from it the closed-form optimal representation \
        Z* of each loss (Balestriero & LeCun, NeurIPS 2022). Run under `mpirun -np P` to use P processes; a \
        plain run is a 1-rank MPI job.
        """,
        subcommands: [Embed.self, Generate.self]
    )
}
