import Foundation
import Testing

/// Enum options list their values in `--help` and in the shell completions; short options are the
/// long ones; a bad enum value is still one `error:` line naming the option (on every rank count).
extension CLITests {
    @Suite struct OptionValues {
        /// The help entry of `option` under OPTIONS (from its line to the next option), whitespace collapsed, so
        /// the golden text does not depend on where the terminal width wraps it.
        static func entry(_ option: String, in help: String) -> String? {
            var lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines = Array(lines.drop { $0 != "OPTIONS:" })
            guard let start = lines.firstIndex(where: {
                let t = $0.trimmingCharacters(in: .whitespaces)
                return t.hasPrefix(option + " ") || t.hasPrefix(option + ",") || t.contains(", \(option) ")
            }) else { return nil }
            var block = [lines[start]]
            let indent = lines[start].prefix { $0 == " " }.count
            for line in lines[(start + 1)...] {
                let t = line.trimmingCharacters(in: .whitespaces)
                // A description line may start with an option name (wrapped text): only a line at
                // the option column starts the next entry.
                if t.isEmpty || (t.hasPrefix("-") && line.prefix { $0 == " " }.count <= indent) { break }
                block.append(line)
            }
            return block.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }

        static func help(_ command: String) throws -> String {
            let dir = try TempDir("help")
            defer { dir.cleanup() }
            let run = try eigenpair([command, "--help"], in: dir.path)
            #expect(run.status == 0, "\(run.summary)")
            return run.stdout
        }

        static let allLosses = "(values: vicreg, simclr, simclr-degree, barlow, all; default: all)"
        static let merge = "(values: max, sum; default: max)"
        static let laplacian = "(values: auto, shift-invert, spectral-shift, chebyshev, amg, jacobi, lobpcg; default: auto)"

        @Test(arguments: ["embed", "sweep", "compare"])
        func helpListsEveryEnumValue(_ command: String) throws {
            let help = try Self.help(command)
            #expect(Self.entry("--loss", in: help) == "--loss <loss> Losses: one, a comma-separated list, or all. \(Self.allLosses)")
            #expect(Self.entry("--merge", in: help) == "--merge <merge> Merge rule for entries of the same unordered pair: max keeps the largest weight (an edge listed both ways stays weight 1), sum adds them. \(Self.merge)")
            let laplacian = try #require(Self.entry("--laplacian-method", in: help))
            #expect(laplacian.hasPrefix("--laplacian-method <laplacian-method> How the smallest Laplacian eigenpairs"))
            #expect(laplacian.hasSuffix(Self.laplacian), "\(laplacian)")
            let filter = try #require(Self.entry("--filter", in: help))
            #expect(filter.hasPrefix("--filter <filter> Lanczos on G and A_n: none runs on the operator itself"))
            #expect(filter.hasSuffix("(values: none, chebyshev; default: none)"), "\(filter)")
            #expect(Self.entry("-o", in: help)?.hasPrefix("-o, --out <out> Output directory") == true)
            #expect(Self.entry("-f", in: help) == "-f, --force Replace an existing output directory.")
            #expect(Self.entry("-q", in: help) == "-q, --quiet No progress lines on stderr.")
            if command != "sweep" {
                #expect(Self.entry("-k", in: help)?.hasPrefix("-k, --dim <dim> ") == true)
            }
        }

        @Test func linearListsItsOwnLosses() throws {
            let help = try Self.help("linear")
            #expect(Self.entry("--loss", in: help) == "--loss <loss> Losses: one, a comma-separated list, or all. (values: vicreg, simclr, barlow, all; default: all)")
            #expect(Self.entry("--label-weighting", in: help) == "--label-weighting <label-weighting> Label graph weights inside class c: inverse-size is 1/n_c (Fisher LDA), uniform is 1. (values: inverse-size, uniform; default: inverse-size)")
            #expect(Self.entry("--merge", in: help)?.hasSuffix(Self.merge) == true)
        }

        @Test func bashCompletionOffersTheValues() throws {
            let dir = try TempDir("completion")
            defer { dir.cleanup() }
            let run = try eigenpair(["--generate-completion-script", "bash"], in: dir.path)
            #expect(run.status == 0, "\(run.summary)")
            for words in [["vicreg", "simclr", "simclr-degree", "barlow", "all"], ["max", "sum"],
                          ["auto", "shift-invert", "spectral-shift", "chebyshev"], ["inverse-size", "uniform"]] {
                let joined = words.map { "'\($0)'" }.joined(separator: "$'\\n'")
                #expect(run.stdout.contains(joined), "completion lacks \(words)")
            }
        }

        /// `-o -k -q -f` run the same job as `--out --dim --quiet --force`: byte-identical Z*.
        @Test func shortOptionsAreTheLongOnes() throws {
            let dir = try TempDir("short")
            defer { dir.cleanup() }
            try dir.write("g.txt", "0 1\n1 2\n2 3\n3 0\n0 2\n4 5\n5 6\n6 4\n")
            try FileManager.default.createDirectory(atPath: dir.file("s"), withIntermediateDirectories: false)
            let long = try eigenpair(["embed", "g.txt", "--out", "l", "--dim", "2", "--loss", "vicreg,simclr", "--quiet"], in: dir.path)
            let short = try eigenpair(["embed", "g.txt", "-o", "s", "-k", "2", "--loss", "vicreg,simclr", "-q", "-f"], in: dir.path)
            #expect(long.status == 0 && short.status == 0, "\(long.summary)\n\(short.summary)")
            #expect(short.stderr.isEmpty, "-q: \(short.stderr)")
            for name in ["vicreg.npy", "simclr.npy", "nodes.npy"] {
                let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("l/" + name)))
                let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("s/" + name)))
                #expect(a == b, "\(name) differs")
            }
            #expect(!dir.exists("l/barlow.npy") && !dir.exists("s/barlow.npy"))
        }

        struct BadValue: CustomTestStringConvertible, Sendable {
            var arguments: [String]
            var expected: String
            var testDescription: String { arguments.joined(separator: " ") }
        }

        static let badValues: [BadValue] = [
            BadValue(arguments: ["embed", "g.txt", "--laplacian-method", "davidson"],
                     expected: "error: --laplacian-method must be auto, shift-invert, amg, jacobi, lobpcg, spectral-shift or chebyshev (got davidson)"),
            BadValue(arguments: ["embed", "g.txt", "--filter", "jackson"],
                     expected: "error: --filter must be none or chebyshev (got jackson)"),
            BadValue(arguments: ["sweep", "g.txt", "--merge", "min"], expected: "error: --merge must be max or sum (got min)"),
            BadValue(arguments: ["compare", "g.txt", "--embedding", "z.npy", "--loss", "vicreg,infonce"],
                     expected: "error: --loss: unknown loss 'infonce' (choose from vicreg, simclr, simclr-degree, barlow, all)"),
        ]

        @Test(arguments: badValues)
        func badEnumValueIsOneErrorLine(_ c: BadValue) throws {
            try Self.expectOneErrorLine(c, ranks: 0)
        }

        @Test(.needsMPIRun, arguments: badValues)
        func badEnumValueIsOneErrorLineOnTwoRanks(_ c: BadValue) throws {
            try Self.expectOneErrorLine(c, ranks: 2)
        }

        /// Exit 2, exactly the expected `error:` line, nothing written; plainly (`ranks` 0) or under mpirun.
        static func expectOneErrorLine(_ c: BadValue, ranks: Int) throws {
            let dir = try TempDir("badvalue")
            defer { dir.cleanup() }
            try dir.write("g.txt", "0 1\n1 2\n2 0\n")
            let run = try MultiRank.run(ranks: ranks, c.arguments + ["--out", "out", "--quiet"], in: dir)
            #expect(run.status == 2, "np \(ranks): \(run.summary)")
            #expect(run.errorLines.map(String.init) == [c.expected], "np \(ranks): \(run.summary)")
            #expect(!dir.exists("out"))
        }
    }
}

extension CLITests {
    /// Progress lines of the first second are held back, not dropped: a run longer than a second
    /// shows its first line ("reading ...", noted at about 0 s); a shorter run prints nothing.
    @Suite struct ProgressLines {
        @Test func firstSecondIsShownOnceTheRunTakesLonger() throws {
            let dir = try TempDir("progress")
            defer { dir.cleanup() }
            let made = try eigenpair(["generate", "rmat", "--scale", "15", "--edge-factor", "8", "--seed", "1", "-o", "r.tsv"], in: dir.path)
            #expect(made.status == 0, "\(made.summary)")
            let start = Date()
            let run = try eigenpair(["embed", "r.tsv", "-o", "out", "-k", "4", "--loss", "simclr"], in: dir.path)
            let seconds = Date().timeIntervalSince(start)
            #expect(run.status == 0, "\(run.summary)")
            let lines = run.stderr.split(separator: "\n")
            if let first = lines.first {
                #expect(first.hasSuffix("] reading r.tsv on 1 rank"), "\(run.stderr)")
                let time = Double(first.dropFirst().prefix { $0 != "s" }.trimmingCharacters(in: .whitespaces))
                #expect(time.map { $0 < 1 } == true, "first line noted after a second: \(first)")
                #expect(lines.allSatisfy { $0.hasPrefix("[") }, "\(run.stderr)")
            } else {
                // Quiet is right only for a run of about a second or less (the timer's margin).
                #expect(seconds < 1.3, "no progress after \(seconds) s")
            }
        }
    }
}
