import ArgumentParser

/// Placeholder; the generators land in their own commit.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generate a seeded pair graph (edge list and labels).")
    func run() throws {}
}
