import ArgumentParser

struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Closed-form Z* of each loss for a pair graph.")
    func run() throws {}
}
