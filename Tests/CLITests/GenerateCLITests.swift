import Foundation
import Testing

extension CLITests {
    /// `eigenpair generate`: same seed, same bytes; existing files need --force.
    @Suite struct GenerateCLI {
        static func bytes(_ path: String) throws -> Data {
            try #require(FileManager.default.contents(atPath: path), "cannot read \(path)")
        }

        @Test(arguments: [
            ["sbm", "--nodes", "120", "--classes", "3", "--p-in", "0.2", "--p-out", "0.02"],
            ["augmentation", "--samples", "30", "--views", "3", "--cross-fraction", "0.2", "--classes", "5"],
            ["rmat", "--scale", "6", "--edge-factor", "4"],
        ])
        func sameSeedGivesIdenticalBytes(_ generator: [String]) throws {
            let dir = try TempDir("gen")
            defer { dir.cleanup() }
            let hasLabels = generator[0] != "rmat"
            for (out, seed) in [("a.tsv", "7"), ("b.tsv", "7"), ("c.tsv", "8")] {
                let run = try eigenpair(["generate"] + generator + ["--seed", seed, "--out", out], in: dir.path)
                try #require(run.status == 0, "\(run.summary)")
                #expect(run.stdout.contains("written to \(out)"), "\(run.stdout)")
            }
            let a = try Self.bytes(dir.file("a.tsv")), b = try Self.bytes(dir.file("b.tsv")), c = try Self.bytes(dir.file("c.tsv"))
            #expect(a.count > 100)
            #expect(a == b, "same seed, different bytes")
            #expect(a != c, "seed 7 and seed 8 gave the same graph")
            if hasLabels {
                #expect(try Self.bytes(dir.file("a.tsv.labels")) == (try Self.bytes(dir.file("b.tsv.labels"))))
            } else {
                #expect(!dir.exists("a.tsv.labels"))
            }
            // The file is an edge list the reader here understands, with the header's node count.
            let text = String(decoding: a, as: UTF8.self)
            #expect(text.hasPrefix("# eigenpair generate \(generator[0])"))
            let graph = ReferenceGraph.edgeList(text)
            #expect(graph.edgeCount > 0)
            if generator[0] == "sbm" { #expect(text.contains("# nodes=120 (ids 0..119)")) }
            #expect(dir.listing().allSatisfy { !$0.hasPrefix(".") }, "temporary files left: \(dir.listing())")
        }

        @Test func overwritingNeedsForce() throws {
            let dir = try TempDir("genforce")
            defer { dir.cleanup() }
            let base = ["generate", "sbm", "--nodes", "80", "--classes", "2", "--p-in", "0.2", "--p-out", "0.02"]
            let first = try eigenpair(base + ["--seed", "1", "--out", "g.tsv"], in: dir.path)
            try #require(first.status == 0, "\(first.summary)")
            let original = try Self.bytes(dir.file("g.tsv"))
            let originalLabels = try Self.bytes(dir.file("g.tsv.labels"))

            let refused = try eigenpair(base + ["--seed", "2", "--out", "g.tsv"], in: dir.path)
            #expect(refused.status == 2, "\(refused.summary)")
            #expect(refused.errorLines.count == 1 && refused.errorLines.first?.contains("g.tsv") == true, "\(refused.stderr)")
            #expect(refused.errorLines.first?.contains("--force") == true, "\(refused.stderr)")
            #expect(try Self.bytes(dir.file("g.tsv")) == original, "refused run changed the file")
            #expect(try Self.bytes(dir.file("g.tsv.labels")) == originalLabels)

            // Labels file alone in the way is refused too, and the edge list is not written.
            let other = try eigenpair(base + ["--seed", "2", "--out", "h.tsv", "--labels-out", "g.tsv.labels"], in: dir.path)
            #expect(other.status == 2, "\(other.summary)")
            #expect(other.errorLines.first?.contains("g.tsv.labels") == true, "\(other.stderr)")
            #expect(!dir.exists("h.tsv"))

            let forced = try eigenpair(base + ["--seed", "2", "--out", "g.tsv", "--force"], in: dir.path)
            #expect(forced.status == 0, "\(forced.summary)")
            let reference = try eigenpair(base + ["--seed", "2", "--out", "ref.tsv"], in: dir.path)
            try #require(reference.status == 0)
            let replaced = try Self.bytes(dir.file("g.tsv"))
            #expect(replaced != original)
            #expect(replaced == (try Self.bytes(dir.file("ref.tsv"))))
            #expect(dir.listing() == ["g.tsv", "g.tsv.labels", "ref.tsv", "ref.tsv.labels"], "\(dir.listing())")
        }

        @Test func invalidGeneratorOptionExitsTwo() throws {
            let dir = try TempDir("genbad")
            defer { dir.cleanup() }
            let run = try eigenpair(["generate", "sbm", "--nodes", "10", "--p-in", "1.5", "--out", "g.tsv"], in: dir.path)
            #expect(run.status == 2, "\(run.summary)")
            #expect(run.stderr.contains("--p-in must be in [0, 1], got 1.5"), "\(run.stderr)")
            #expect(dir.listing().isEmpty, "\(dir.listing())")
        }
    }
}
