import Foundation
import Testing

extension CLITests {
    /// Bad input and usage: exit status 2, one `error:` line naming the file (and line) and the
    /// reason, and nothing written: no output directory, no staging leftovers next to it.
    @Suite struct BadInput {
        struct Case: CustomTestStringConvertible, Sendable {
            var name: String
            /// Files written into the temp dir before the run.
            var files: [String: String] = [:]
            var arguments: [String]
            /// Substrings the single `error:` line must contain.
            var expected: [String]
            var out = "out"

            var testDescription: String { name }
        }

        static let square = "0 1\n1 2\n2 3\n3 0\n0 2\n"  // 4 nodes

        static let cases: [Case] = [
            Case(name: "missing file", arguments: ["missing.txt"],
                 expected: ["error: missing.txt: cannot open", "No such file or directory"]),
            Case(name: "empty file", files: ["empty.txt": ""], arguments: ["empty.txt"],
                 expected: ["error: empty.txt: empty graph"]),
            Case(name: "comments only", files: ["comments.txt": "# nothing\n% here\n\n"], arguments: ["comments.txt"],
                 expected: ["error: comments.txt: empty graph"]),
            Case(name: "malformed line", files: ["mal.txt": "0 1\n1 2\n1 2 3 4\n"], arguments: ["mal.txt"],
                 expected: ["error: mal.txt:3:", "expected 2 fields as on line 1, found 4"]),
            Case(name: "non-numeric ID", files: ["nonnum.txt": "0 1\n1 x2\n"], arguments: ["nonnum.txt"],
                 expected: ["error: nonnum.txt:2:", "non-numeric node ID 'x2'"]),
            Case(name: "negative weight", files: ["negw.txt": "0 1 1.0\n# c\n1 2 -0.5\n"], arguments: ["negw.txt"],
                 expected: ["error: negw.txt:3:", "negative weight -0.5"]),
            Case(name: "NaN weight", files: ["nanw.txt": "0 1 1\n1 2 nan\n"], arguments: ["nanw.txt"],
                 expected: ["error: nanw.txt:2:", "weight is NaN"]),
            Case(name: "negative node ID", files: ["negid.txt": "0 1\n-3 2\n"], arguments: ["negid.txt"],
                 expected: ["error: negid.txt:2:", "negative node ID -3"]),
            Case(name: "Matrix Market header", files: ["hdr.mtx": "%%MatrixMarket matrix array real general\n3 3\n1\n"],
                 arguments: ["hdr.mtx"], expected: ["error: hdr.mtx:1:", "array format is not supported"]),
            Case(name: "Matrix Market banner missing", files: ["nob.mtx": "3 3 1\n1 2\n"],
                 arguments: ["nob.mtx"], expected: ["error: nob.mtx:1:", "%%MatrixMarket header"]),
            Case(name: "Matrix Market too few entries",
                 files: ["few.mtx": "%%MatrixMarket matrix coordinate pattern symmetric\n% c\n4 4 3\n2 1\n3 2\n"],
                 arguments: ["few.mtx"], expected: ["error: few.mtx:3:", "header declares 3 entries, found 2"]),
            Case(name: "Matrix Market too many entries",
                 files: ["many.mtx": "%%MatrixMarket matrix coordinate real general\n4 4 2\n2 1 1.5\n3 2 2\n4 3 1\n"],
                 arguments: ["many.mtx"], expected: ["error: many.mtx:5:", "header declares 2 entries, found 3"]),
            Case(name: "--dim 0", files: ["g.txt": square], arguments: ["g.txt", "--dim", "0"],
                 expected: ["error: --dim must be at least 1 (got 0)"]),
            Case(name: "--dim N", files: ["g.txt": square], arguments: ["g.txt", "--dim", "4"],
                 expected: ["error: --dim 4 must be smaller than the number of nodes (4)"]),
            Case(name: "--dim N+1", files: ["g.txt": square], arguments: ["g.txt", "--dim", "5"],
                 expected: ["error: --dim 5 must be smaller than the number of nodes (4)"]),
            Case(name: "--gamma 0", files: ["g.txt": square], arguments: ["g.txt", "--dim", "2", "--gamma", "0"],
                 expected: ["error: --gamma must be a finite number > 0"]),
            Case(name: "--beta=-1", files: ["g.txt": square], arguments: ["g.txt", "--dim", "2", "--beta=-1"],
                 expected: ["error: --beta must be a finite number > 0 (got -1.0)"]),
            Case(name: "--lambda 1.5", files: ["g.txt": square], arguments: ["g.txt", "--dim", "2", "--lambda", "1.5"],
                 expected: ["error: --lambda must be in (0, 1] (got 1.5)"]),
            Case(name: "--loss bogus", files: ["g.txt": square], arguments: ["g.txt", "--dim", "2", "--loss", "bogus"],
                 expected: ["error: --loss: unknown loss 'bogus'"]),
            Case(name: "--merge bogus", files: ["g.txt": square], arguments: ["g.txt", "--dim", "2", "--merge", "bogus"],
                 expected: ["error: --merge must be max or sum"]),
            Case(name: "parent of --out missing", files: ["g.txt": square], arguments: ["g.txt", "--dim", "2"],
                 expected: ["error: nodir/out:", "does not exist"], out: "nodir/out"),
        ]

        @Test(arguments: cases)
        func exitsTwoWithOneErrorLineAndWritesNothing(_ c: Case) throws {
            let dir = try TempDir("bad")
            defer { dir.cleanup() }
            for (name, text) in c.files { try dir.write(name, text) }
            let run = try eigenpair(["embed"] + c.arguments + ["--out", c.out, "--quiet"], in: dir.path)
            #expect(run.status == 2, "\(run.summary)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1, "expected one stderr line: \(run.stderr)")
            #expect(run.errorLines.count == 1)
            for text in c.expected {
                #expect(lines.first?.contains(text) == true, "missing '\(text)' in: \(run.stderr)")
            }
            #expect(run.stdout.isEmpty, "stdout: \(run.stdout)")
            #expect(!dir.exists(c.out))
            #expect(dir.listing() == c.files.keys.sorted(), "leftovers: \(dir.listing())")
        }

        /// `--beta -1` (with a space) is a usage error from the argument parser: still status 2, an
        /// error line that names --beta, and nothing written.
        @Test func negativeBetaWithSpaceIsAUsageError() throws {
            let dir = try TempDir("beta")
            defer { dir.cleanup() }
            try dir.write("g.txt", Self.square)
            let run = try eigenpair(["embed", "g.txt", "--out", "out", "--dim", "2", "--beta", "-1", "--quiet"], in: dir.path)
            #expect(run.status == 2, "\(run.summary)")
            let first = run.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.lowercased().hasPrefix("error:") && first.contains("--beta"), "\(run.stderr)")
            #expect(!dir.exists("out"))
            #expect(dir.listing() == ["g.txt"])
        }

        @Test func existingOutputNeedsForceAndForceReplacesIt() throws {
            let dir = try TempDir("force")
            defer { dir.cleanup() }
            try dir.write("g.txt", Self.square)
            try FileManager.default.createDirectory(atPath: dir.file("out"), withIntermediateDirectories: false)
            try dir.write("out/old-extra.txt", "keep me unless --force")

            let refused = try eigenpair(["embed", "g.txt", "--out", "out", "--dim", "2", "--quiet"], in: dir.path)
            #expect(refused.status == 2, "\(refused.summary)")
            #expect(refused.stderr == "error: out: already exists; pass --force to replace it\n", "\(refused.stderr)")
            #expect(dir.listing("out") == ["old-extra.txt"], "the existing directory must be untouched")
            #expect(dir.listing() == ["g.txt", "out"])

            let forced = try eigenpair(["embed", "g.txt", "--out", "out", "--dim", "2", "--quiet", "--force"], in: dir.path)
            #expect(forced.status == 0, "\(forced.summary)")
            let listing = dir.listing("out")
            #expect(!listing.contains("old-extra.txt"), "old file survived --force: \(listing)")
            #expect(listing.contains("report.json") && listing.contains("nodes.npy") && listing.contains("simclr.npy"), "\(listing)")
            #expect(dir.listing() == ["g.txt", "out"], "leftovers: \(dir.listing())")
            let nodes = try readNpy(dir.file("out/nodes.npy"))
            #expect(nodes.integers == [0, 1, 2, 3])
        }

        @Test func helpListsTheMainOptions() throws {
            let dir = try TempDir("help")
            defer { dir.cleanup() }
            let run = try eigenpair(["embed", "--help"], in: dir.path)
            #expect(run.status == 0, "\(run.summary)")
            for option in ["--dim", "--loss", "--gamma", "--largest-component", "--out", "--labels", "--merge", "--force"] {
                #expect(run.stdout.contains(option), "--help does not list \(option)")
            }
            #expect(run.stdout.contains("USAGE: eigenpair embed"))
            #expect(dir.listing().isEmpty)
        }
    }
}
