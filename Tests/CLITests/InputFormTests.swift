import Foundation
import NpyFormat
import Testing

extension CLITests {
    /// Every input form users have (SciPy .npz, NumPy edge arrays, gzip, standard input, CSV with
    /// a header) gives the same outputs as the plain edge list of the same graph: every .npy
    /// written (Z* of each loss, spectra, nodes) to 1e-10, on 1 and 3 ranks. The fixtures in
    /// Fixtures/ were made once with SciPy by Fixtures/make_fixtures.py (see its docstring), so
    /// these tests need neither Python nor SciPy.
    @Suite struct InputForms {
        static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures"
        static func fixture(_ name: String) -> String { "\(fixtures)/\(name)" }

        struct Form: CustomTestStringConvertible, Sendable {
            var input: String
            var reference: String
            /// Feed `input` on standard input and pass `-` as the graph.
            var viaStdin = false
            var testDescription: String { viaStdin ? "- < \(input)" : input }
        }

        static let forms: [Form] = [
            Form(input: "graph.csv", reference: "graph.tsv"),
            Form(input: "graph.npz", reference: "graph.tsv"),
            Form(input: "graph-csc.npz", reference: "graph.tsv"),
            Form(input: "graph-coo.npz", reference: "graph.tsv"),
            Form(input: "edges.npy", reference: "graph-unweighted.tsv"),
            Form(input: "edges-weighted.npy", reference: "graph.tsv"),
            Form(input: "graph.tsv.gz", reference: "graph.tsv"),
            Form(input: "graph.mtx.gz", reference: "graph.tsv"),
            Form(input: "graph.tsv", reference: "graph.tsv", viaStdin: true),
            Form(input: "graph.tsv.gz", reference: "graph.tsv", viaStdin: true),
            Form(input: "graph.npz", reference: "graph.tsv", viaStdin: true),
            Form(input: "isolated.npz", reference: "isolated.mtx"),
        ]

        static func embed(_ graph: String, out: String, in dir: TempDir, stdin: String? = nil,
                          ranks: Int = 1) throws -> ProcessResult {
            let args = ["embed", graph, "--out", out, "--dim", "4", "--loss", "all", "--quiet"]
            if ranks == 1 { return try runProcess(try EigenpairBinary.require(), args, in: dir.path, stdin: stdin) }
            let mpirun = try #require(mpirunPath)
            return try runProcess(mpirun, ["-np", "\(ranks)", "--oversubscribe", try EigenpairBinary.require()] + args,
                                  in: dir.path, stdin: stdin)
        }

        /// Every .npy of the reference run equals the same file of `out` (shape and values).
        static func expectSameArrays(_ dir: TempDir, reference: String, _ out: String, _ context: String) throws {
            let names = dir.listing(reference).filter { $0.hasSuffix(".npy") }
            #expect(names.count == 8, "\(names)")
            for name in names {
                let a = try readNpy(dir.file("\(reference)/\(name)")), b = try readNpy(dir.file("\(out)/\(name)"))
                #expect(a.header.shape == b.header.shape, "\(context) \(name)")
                guard a.header.shape == b.header.shape else { continue }
                let scale = a.doubles.map(abs).max() ?? 1
                let gap = zip(a.doubles, b.doubles).map { abs($0 - $1) }.max() ?? 0
                #expect(gap <= 1e-10 * max(1, scale), "\(context) \(name): max difference \(gap)")
            }
        }

        @Test(arguments: forms) func sameOutputsAsThePlainEdgeList(_ form: Form) throws {
            let dir = try TempDir("forms")
            defer { dir.cleanup() }
            let reference = try Self.embed(Self.fixture(form.reference), out: "reference", in: dir)
            try #require(reference.status == 0, "\(reference.summary)")
            let run = form.viaStdin
                ? try Self.embed("-", out: "form", in: dir, stdin: Self.fixture(form.input))
                : try Self.embed(Self.fixture(form.input), out: "form", in: dir)
            try #require(run.status == 0, "\(run.summary)")
            try Self.expectSameArrays(dir, reference: "reference", "form", form.testDescription)
            let a = try #require(try readJSON(dir.file("reference/report.json")).object("graph"))
            let b = try #require(try readJSON(dir.file("form/report.json")).object("graph"))
            for key in ["nodes", "edges", "isolated_nodes", "components"] {
                #expect(a.int(key) != nil && a.int(key) == b.int(key), "\(key): \(a) vs \(b)")
            }
        }

        /// The matrix order is the node count: rows without entries are isolated nodes, kept as
        /// Matrix Market keeps them.
        @Test func npzKeepsIsolatedRows() throws {
            let dir = try TempDir("forms")
            defer { dir.cleanup() }
            let run = try Self.embed(Self.fixture("isolated.npz"), out: "o", in: dir)
            try #require(run.status == 0, "\(run.summary)")
            let graph = try #require(try readJSON(dir.file("o/report.json")).object("graph"))
            #expect(graph.int("nodes") == 42 && graph.int("isolated_nodes") == 2, "\(graph)")
            #expect(try readNpy(dir.file("o/nodes.npy")).integers == (0..<42).map(Int64.init))
        }

        /// Rank 0 reads standard input, .gz and .npz and deals the edges out: 3 ranks give the
        /// 1-rank outputs of the plain file.
        @Test(.needsMPIRun,
              arguments: [("graph.mtx.gz", true), ("graph.npz", false), ("edges-weighted.npy", false)])
        func threeRanksReadSerialFormsAsOne(_ input: String, _ viaStdin: Bool) throws {
            let dir = try TempDir("forms")
            defer { dir.cleanup() }
            let reference = try Self.embed(Self.fixture("graph.tsv"), out: "reference", in: dir)
            try #require(reference.status == 0, "\(reference.summary)")
            let run = viaStdin
                ? try Self.embed("-", out: "form", in: dir, stdin: Self.fixture(input), ranks: 3)
                : try Self.embed(Self.fixture(input), out: "form", in: dir, ranks: 3)
            try #require(run.status == 0, "\(run.summary)")
            try Self.expectSameArrays(dir, reference: "reference", "form", "\(input) on 3 ranks")
        }

        /// The other commands read graphs through the same path: sweep on the .npz gives the
        /// plain file's points.
        @Test func sweepReadsTheNpzAsTheEdgeList() throws {
            let dir = try TempDir("forms")
            defer { dir.cleanup() }
            for (input, out) in [("graph.tsv", "a"), ("graph.npz", "b")] {
                let run = try eigenpair(["sweep", Self.fixture(input), "--out", out, "--dims", "2,3", "--quiet"], in: dir.path)
                try #require(run.status == 0, "\(run.summary)")
            }
            let a = try SweepCLI.points(dir.file("a/sweep.json")), b = try SweepCLI.points(dir.file("b/sweep.json"))
            try #require(a.count == b.count && !a.isEmpty)
            for (p, q) in zip(a, b) {
                #expect(p.int("rank") == q.int("rank") && SweepCLI.close(p.double("min_loss"), q.double("min_loss"))
                        && SweepCLI.close(p.double("gamma"), q.double("gamma")), "\(p) vs \(q)")
            }
        }

        /// Every number and flag of two reports, compared recursively (numbers to 1e-10), except what
        /// describes the run rather than the result (input, arguments, timings, memory, seconds).
        static func expectSameNumbers(_ a: Any, _ b: Any, _ path: String = "") {
            let skipped: Set<String> = ["input", "arguments", "timings", "peak_memory_bytes", "peak_memory_after_phase",
                                        "seconds", "rank_details", "lanczos"]
            switch (a, b) {
            case let (x as [String: Any], y as [String: Any]):
                #expect(Set(x.keys) == Set(y.keys), "\(path): keys \(x.keys.sorted()) vs \(y.keys.sorted())")
                for key in x.keys where !skipped.contains(key) {
                    if let yv = y[key] { expectSameNumbers(x[key]!, yv, path + "." + key) }
                }
            case let (x as [Any], y as [Any]):
                #expect(x.count == y.count, "\(path): \(x.count) vs \(y.count) entries")
                for (i, (xv, yv)) in zip(x, y).enumerated() { expectSameNumbers(xv, yv, "\(path).\(i)") }
            case let (x as Double, y as Double):
                #expect(abs(x - y) <= 1e-10 * max(1, abs(x), abs(y)), "\(path): \(x) vs \(y)")
            case let (x as Bool, y as Bool):
                #expect(x == y, "\(path): \(x) vs \(y)")
            default:
                break       // text: paths and names of the run
            }
        }

        /// compare and linear read graphs through the same path: a .gz and an .npy edge array give
        /// the reports of the plain edge list.
        @Test func compareAndLinearReadTheSerialForms() throws {
            let dir = try TempDir("forms")
            defer { dir.cleanup() }
            let reference = try Self.embed(Self.fixture("graph.tsv"), out: "e", in: dir)
            try #require(reference.status == 0, "\(reference.summary)")
            // Features: 40 x 5, deterministic, not in the span of anything the graph gives.
            let features = (0..<200).map { i in sin(Double(i) * 0.7) + Double(i % 7) / 7 }
            try Data(NpyEncoder.encode(features, shape: [40, 5])).write(to: URL(fileURLWithPath: dir.file("x.npy")))
            for input in ["graph.tsv", "graph.tsv.gz", "edges-weighted.npy"] {
                let tag = input.replacingOccurrences(of: ".", with: "-")
                let c = try eigenpair(["compare", Self.fixture(input), "--embedding", "e/simclr.npy", "--out", "c-\(tag)",
                                       "--quiet"], in: dir.path)
                try #require(c.status == 0, "\(c.summary)")
                // (BarlowTwins' linear closed form needs K <= r = 1 on these features.)
                let l = try eigenpair(["linear", Self.fixture(input), "--features", "x.npy", "--dim", "3", "--loss", "vicreg,simclr",
                                       "--out", "l-\(tag)", "--quiet"], in: dir.path)
                try #require(l.status == 0, "\(l.summary)")
            }
            for tag in ["graph-tsv-gz", "edges-weighted-npy"] {
                for command in ["c", "l"] {
                    Self.expectSameNumbers(try readJSON(dir.file("\(command)-graph-tsv/report.json")),
                                           try readJSON(dir.file("\(command)-\(tag)/report.json")), "\(command)-\(tag)")
                }
            }
        }

        struct Bad: CustomTestStringConvertible, Sendable {
            var name: String
            /// Makes the bad file from a fixture's bytes.
            var source: String
            var file: String
            var change: @Sendable ([UInt8]) -> [UInt8]
            var expected: String
            var testDescription: String { name }
        }

        static func flip(_ at: Int) -> @Sendable ([UInt8]) -> [UInt8] {
            { bytes in var b = bytes; b[at] ^= 0xFF; return b }
        }

        /// Replaces the first `old` (ASCII, same length as `new`) in the bytes: edits an .npy header.
        static func replace(_ old: String, with new: String) -> @Sendable ([UInt8]) -> [UInt8] {
            { bytes in
                var b = bytes
                let o = Array(old.utf8)
                if let at = (0...(b.count - o.count)).first(where: { Array(b[$0..<($0 + o.count)]) == o }) {
                    b.replaceSubrange(at..<(at + o.count), with: Array(new.utf8))
                }
                return b
            }
        }

        static let bad: [Bad] = [
            Bad(name: "corrupt deflate member", source: "graph.npz", file: "bad.npz", change: flip(200),
                expected: "corrupt deflate data"),
            Bad(name: "stored member with a wrong CRC", source: "graph-csc.npz", file: "bad.npz",
                change: flip(300), expected: "CRC mismatch"),
            Bad(name: "truncated zip", source: "graph.npz", file: "bad.npz", change: { Array($0.prefix(1500)) },
                expected: "not a zip archive"),
            Bad(name: "truncated gzip", source: "graph.tsv.gz", file: "bad.tsv.gz", change: { Array($0.prefix(400)) },
                expected: "truncated gzip data"),
            Bad(name: "corrupt gzip", source: "graph.tsv.gz", file: "bad.tsv.gz", change: flip(100),
                expected: "corrupt gzip data"),
            Bad(name: "npy of the wrong shape", source: "edges.npy", file: "bad.npy",
                change: replace("2), }", with: "1), }"),
                expected: "expected an (m, 2) or (m, 3) edge array, found shape (127, 1)"),
            Bad(name: "npy of floats with two columns", source: "edges-weighted.npy", file: "bad.npy",
                change: replace("3), }", with: "2), }"),
                expected: "an (m, 2) edge array must hold integers"),
        ]

        @Test(arguments: bad) func badFormsExitTwoNamingTheFile(_ bad: Bad) throws {
            let dir = try TempDir("forms")
            defer { dir.cleanup() }
            let bytes = try #require(FileManager.default.contents(atPath: Self.fixture(bad.source)))
            try Data(bad.change([UInt8](bytes))).write(to: URL(fileURLWithPath: dir.file(bad.file)))
            let run = try Self.embed(bad.file, out: "o", in: dir)
            #expect(run.status == 2, "\(run.summary)")
            #expect(run.errorLines.count == 1 && run.errorLines.first?.hasPrefix("error: \(bad.file): ") == true
                    && run.errorLines.first?.contains(bad.expected) == true, "\(run.summary)")
            #expect(!dir.exists("o"))
        }
    }
}
