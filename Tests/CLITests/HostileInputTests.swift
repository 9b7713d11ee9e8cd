import EigenpairTestSupport
import Foundation
import NpyFormat
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension CLITests {
    /// The cases of issue 14 (docs/hardening.md): hostile files and faults give exit status 2 with
    /// one clean `error:` line naming the file, nothing written and nothing left behind, or the
    /// documented behaviour; `--force` replacement survives a kill at every step.
    @Suite struct HostileInput {
        static let square = "0 1\n1 2\n2 3\n3 0\n0 2\n"

        /// An .npy v1.0 file with a hand-written header (shape text as given) and `data` after it.
        static func npy(descr: String, shape: String, data: [UInt8] = []) -> Data {
            Data(npyFileBytes(descr: descr, shape: shape, data: data))
        }

        /// Runs `arguments` in a fresh directory holding `square` as g.txt plus `files`, and checks
        /// the error contract: status 2, exactly one stderr line, which is an `error:` line with
        /// every `expected` text, no raw control byte, no output directory and no leftovers.
        @discardableResult
        static func expectError(_ arguments: [String], files: [String: Data] = [:], out: String = "out",
                                expected: [String], environment: [String: String] = [:]) throws -> ProcessResult {
            let dir = try TempDir("hostile")
            defer { dir.cleanup() }
            try dir.write("g.txt", square)
            for (name, bytes) in files { try bytes.write(to: URL(fileURLWithPath: dir.file(name))) }
            let before = dir.listing()
            let run = try eigenpair(arguments + ["--out", out, "--quiet"], in: dir.path, environment: environment)
            #expect(run.status == 2, "\(run.summary)")
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            #expect(lines.count == 1 && run.errorLines.count == 1, "expected one error line: \(run.stderr)")
            for text in expected { #expect(run.stderr.contains(text), "missing '\(text)' in: \(run.stderr)") }
            #expect(!run.stderr.utf8.contains { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F }, "raw control byte in: \(run.stderr)")
            #expect(run.stdout.isEmpty, "stdout: \(run.stdout)")
            #expect(dir.listing() == before, "leftovers: \(dir.listing())")
            return run
        }

        // MARK: 1. .npy shapes whose product overflows

        @Test(arguments: ["(4611686018427387904, 4)", "(2305843009213693952,)", "(3, 6148914691236517206)",
                          "(0, 4611686018427387904, 4)"])
        func overflowingNpyShapeIsAnInputError(shape: String) throws {
            let file = Self.npy(descr: "<i8", shape: shape, data: [UInt8](repeating: 0, count: 64))
            try Self.expectError(["embed", "g.txt", "--dim", "2", "--labels", "bad.npy"], files: ["bad.npy": file],
                                 expected: ["error: bad.npy: unsupported .npy array: shape"])
            let float = Self.npy(descr: "<f8", shape: shape, data: [UInt8](repeating: 0, count: 64))
            try Self.expectError(["compare", "g.txt", "--embedding", "bad.npy"], files: ["bad.npy": float],
                                 expected: ["error: bad.npy: unsupported .npy array: shape"])
        }

        // MARK: 3. FIFOs and other non-regular files

        @Test func fifoWithoutWriterIsRefusedNotWaitedFor() throws {
            for (arguments, name) in [(["embed", "pipe", "--dim", "2"], "pipe"),
                                      (["embed", "g.txt", "--dim", "2", "--labels", "pipe"], "pipe"),
                                      (["compare", "g.txt", "--embedding", "pipe"], "pipe")] {
                let dir = try TempDir("fifo")
                defer { dir.cleanup() }
                try dir.write("g.txt", Self.square)
                try #require(mkfifo(dir.file(name), 0o644) == 0)
                let run = try eigenpair(arguments + ["--out", "out", "--quiet"], in: dir.path)
                #expect(run.status == 2, "\(run.summary)")
                #expect(run.stderr == "error: pipe: not a regular file (a FIFO or pipe): inputs must be files on disk\n", "\(run.stderr)")
                #expect(dir.listing() == ["g.txt", "pipe"])
            }
            try Self.expectError(["embed", "/dev/zero", "--dim", "2"],
                                 expected: ["error: /dev/zero: not a regular file (a character device)"])
        }

        // MARK: 6. Control bytes from input files are escaped

        @Test func controlBytesInInputAreEscaped() throws {
            let hostile = Data("0 1\n1 \u{1B}]0;pwned\u{07} 2\n".utf8)
            try Self.expectError(["embed", "esc.txt", "--dim", "2"], files: ["esc.txt": hostile],
                                 expected: ["error: esc.txt:2: non-numeric node ID '\\e]0;pwned\\x07'"])
            // Binary bytes read as an edge list show as \xNN; a broken .npz is named as a zip.
            let zip = Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x9B, 0xFF, 0x20, 0x31, 0x0A])
            try Self.expectError(["embed", "bin.txt", "--dim", "2"], files: ["bin.txt": zip.dropFirst(2)],
                                 expected: ["error: bin.txt:1: non-numeric node ID '\\x03\\x04\\x14\\x00\\x9B\\xFF'"])
            try Self.expectError(["embed", "bin.npz", "--dim", "2"], files: ["bin.npz": zip],
                                 expected: ["error: bin.npz: not a zip archive"])
            // Label names are data, not messages: a conflict names them escaped too.
            let labels = Data("0 a\u{1B}[31m\n0 b\n".utf8)
            try Self.expectError(["embed", "g.txt", "--dim", "2", "--labels", "l.txt"], files: ["l.txt": labels],
                                 expected: ["error: l.txt:2: node 0 has label 'b' here but 'a\\e[31m' on line 1"])
        }

        // MARK: 4. Node IDs of 2^63 and above

        @Test func nodeIDsFrom2To63AreWrittenAsUInt64() throws {
            let dir = try TempDir("u64")
            defer { dir.cleanup() }
            let big: UInt64 = 1 << 63
            let ids: [UInt64] = [big + 5, big + 6, big + 7, 1, UInt64.max]
            try dir.write("g.txt", "\(ids[0]) \(ids[1])\n\(ids[1]) \(ids[2])\n\(ids[2]) \(ids[0])\n\(ids[3]) \(ids[0])\n\(ids[4]) \(ids[3])\n")
            let run = try eigenpair(["embed", "g.txt", "--dim", "1", "--loss", "vicreg", "--out", "out", "--quiet"], in: dir.path)
            try #require(run.status == 0, "\(run.summary)")
            let nodes = try readNpy(dir.file("out/nodes.npy"))
            #expect(nodes.header.dtype == .uint64)
            #expect(nodes.nodeIDs == ids.sorted(), "\(nodes.integers)")
            // The header NumPy reads: '<u8'.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("out/nodes.npy")))
            #expect(String(decoding: bytes.prefix(80), as: UTF8.self).contains("'descr': '<u8'"))

            // Below 2^63 nodes.npy stays int64.
            try dir.write("small.txt", Self.square)
            let small = try eigenpair(["embed", "small.txt", "--dim", "1", "--loss", "vicreg", "--out", "small", "--quiet"], in: dir.path)
            try #require(small.status == 0, "\(small.summary)")
            #expect(try readNpy(dir.file("small/nodes.npy")).header.dtype == .int64)

            // compare --nodes reads the uint64 file back: the embedding's rows are found by ID.
            let z = NpyEncoder.encode((0..<ids.count).map { Double($0 + 1) }, shape: [ids.count, 1])
            try Data(z).write(to: URL(fileURLWithPath: dir.file("z.npy")))
            let compared = try eigenpair(["compare", "g.txt", "--embedding", "z.npy", "--nodes", "out/nodes.npy",
                                          "--out", "cmp", "--quiet", "--loss", "vicreg"], in: dir.path)
            #expect(compared.status == 0, "\(compared.summary)")
        }

        // MARK: 5. NaN / Inf in float inputs

        @Test func nonFiniteEmbeddingNamesFileAndRow() throws {
            var values = [Double](repeating: 1, count: 8)
            values[2 * 2 + 1] = .nan
            let z = Data(NpyEncoder.encode(values, shape: [4, 2]))
            try Self.expectError(["compare", "g.txt", "--embedding", "z.npy"], files: ["z.npy": z],
                                 expected: ["error: z.npy: row 2 has a non-finite value (NaN or Inf)"])
            values[2 * 2 + 1] = 1
            values[3 * 2] = -.infinity
            try Self.expectError(["compare", "g.txt", "--embedding", "z.npy"], files: ["z.npy": Data(NpyEncoder.encode(values, shape: [4, 2]))],
                                 expected: ["error: z.npy: row 3 has a non-finite value (NaN or Inf)"])
        }

        // MARK: 7. Declared Matrix Market sizes

        @Test func declaredMatrixMarketSizesAreCheckedBeforeAllocating() throws {
            let huge = Data("%%MatrixMarket matrix coordinate pattern general\n2000000000 2000000000 1\n1 2\n".utf8)
            try Self.expectError(["embed", "huge.mtx", "--dim", "2"], files: ["huge.mtx": huge],
                                 expected: ["error: huge.mtx:2: declares 2000000000 nodes and 1 entries: a run needs at least 192.0 GB",
                                            "of memory available"])
            let beyond = Data("%%MatrixMarket matrix coordinate pattern general\n3000000000 3000000000 1\n1 2\n".utf8)
            try Self.expectError(["embed", "beyond.mtx", "--dim", "2"], files: ["beyond.mtx": beyond],
                                 expected: ["error: beyond.mtx:2: declares 3000000000 nodes; at most 2147483646 are supported"])
        }

        // MARK: 10. Weights that round to 0 or infinity

        @Test(arguments: ["1e-400", "1e400", "-1e-400"])
        func weightsOutOfDoubleRangeAreErrors(weight: String) throws {
            let text = Data("0 1 1\n1 2 \(weight)\n2 0 1\n".utf8)
            let reason = "weight \(weight) is out of range"
            try Self.expectError(["embed", "w.txt", "--dim", "1"], files: ["w.txt": text],
                                      expected: ["error: w.txt:2:", reason])
        }

        // MARK: 8. Usage errors

        @Test func usageErrorsAreOneLine() throws {
            let missing = try Self.expectError(["embed", "g.txt", "--dim", "abc"], out: "o",
                                               expected: ["error: ", "abc", "(see 'eigenpair embed --help')"])
            #expect(!missing.stderr.contains("Usage:") && !missing.stderr.contains("Error:"))
            let dir = try TempDir("usage")
            defer { dir.cleanup() }
            let run = try eigenpair(["embed", "g.txt", "--out", "o", "--bogus"], in: dir.path)
            #expect(run.status == 2 && run.errorLines.count == 1 && run.stderr.split(separator: "\n").count == 1, "\(run.summary)")
            #expect(run.stderr.contains("--bogus"))
            let help = try eigenpair(["embed", "--help"], in: dir.path)
            #expect(help.status == 0 && help.stdout.contains("USAGE: eigenpair embed") && help.stderr.isEmpty)
        }

        @Test(.needsMPIRun)
        func usageErrorUnderMpirunIsPrintedOnce() throws {
            let dir = try TempDir("usage-mpi")
            defer { dir.cleanup() }
            let run = try runProcess(try #require(mpirunPath),
                                     ["-np", "2", "--oversubscribe", try EigenpairBinary.require(), "embed", "--bogus"],
                                     in: dir.path)
            #expect(run.status == 2, "\(run.summary)")
            #expect(run.errorLines.count == 1, "\(run.stderr)")
            #expect(!run.stderr.contains("Usage:"), "\(run.stderr)")
        }

        // MARK: 10. --out checked before any work

        @Test func outIsValidatedFirst() throws {
            try Self.expectError(["embed", "g.txt", "--dim", "2"], out: "", expected: ["error: --out: empty path"])
            let dir = try TempDir("dangling")
            defer { dir.cleanup() }
            try dir.write("g.txt", Self.square)
            try FileManager.default.createSymbolicLink(atPath: dir.file("out"), withDestinationPath: "nowhere")
            let run = try eigenpair(["embed", "g.txt", "--dim", "2", "--out", "out", "--quiet", "--force"], in: dir.path)
            #expect(run.status == 2 && run.stderr == "error: out: is a symbolic link to nowhere, which does not exist; name the directory itself\n",
                    "\(run.summary)")
            #expect(dir.listing() == ["g.txt", "out"])
            let long = String(repeating: "r", count: 256)
            try Self.expectError(["embed", "g.txt", "--dim", "2"], out: long, expected: ["name too long"])
        }

        @Test func a250CharacterOutputNameWorks() throws {
            let dir = try TempDir("long")
            defer { dir.cleanup() }
            try dir.write("g.txt", Self.square)
            let name = String(repeating: "r", count: 250)
            let run = try eigenpair(["embed", "g.txt", "--dim", "2", "--out", name, "--quiet"], in: dir.path)
            #expect(run.status == 0, "\(run.summary)")
            #expect(dir.listing() == ["g.txt", name])
            #expect(try readNpy(dir.file(name + "/nodes.npy")).integers == [0, 1, 2, 3])
        }

        // MARK: 2. --force replacement under a kill at each step

        /// A directory with an old result (marked by OLD) and a run that replaces it with --force,
        /// killed at `step`. Returns the directory (to inspect) after checking the kill happened:
        /// `status` is the signal number for SIGKILL (Process reports the signal), the exit
        /// status for SIGTERM/SIGINT, which the handler turns into exit 143/130.
        static func killedReplacement(at step: String, signal: String? = nil, fallback: Bool = false,
                                      status: Int32) throws -> TempDir {
            let dir = try TempDir("kill")
            try dir.write("g.txt", square)
            try FileManager.default.createDirectory(atPath: dir.file("res"), withIntermediateDirectories: false)
            try dir.write("res/OLD", "old result")
            var environment = ["EIGENPAIR_TEST_KILL_AT": step]
            if let signal { environment["EIGENPAIR_TEST_KILL_SIGNAL"] = signal }
            if fallback { environment["EIGENPAIR_TEST_NO_RENAMEAT2"] = "1" }
            let run = try eigenpair(["embed", "g.txt", "--dim", "2", "--out", "res", "--quiet", "--force"],
                                    in: dir.path, environment: environment)
            #expect(run.status == status, "\(run.summary)")
            return dir
        }

        static func holdsNewResult(_ dir: TempDir) -> Bool {
            let listing = dir.listing("res")
            return !listing.contains("OLD") && listing.contains("report.json") && listing.contains("nodes.npy")
        }

        @Test func killBeforeTheExchangeLeavesTheOldResult() throws {
            let dir = try Self.killedReplacement(at: "before-rename", status: SIGKILL)
            defer { dir.cleanup() }
            #expect(dir.listing("res") == ["OLD"])
            // The dead run's staging directory is removed by the next run to the same target.
            #expect(dir.listing().contains { $0.hasPrefix(".res.partial-") })
            let next = try eigenpair(["embed", "g.txt", "--dim", "2", "--out", "res", "--quiet", "--force"], in: dir.path)
            #expect(next.status == 0, "\(next.summary)")
            #expect(dir.listing() == ["g.txt", "res"] && Self.holdsNewResult(dir))
        }

        @Test func killAfterTheExchangeLeavesTheNewResult() throws {
            let dir = try Self.killedReplacement(at: "after-exchange", status: SIGKILL)
            defer { dir.cleanup() }
            #expect(Self.holdsNewResult(dir), "\(dir.listing("res"))")
            // The old result is stranded in the dead run's staging name until the next run.
            let stranded = dir.listing().filter { $0.hasPrefix(".res.partial-") }
            #expect(stranded.count == 1 && dir.listing(stranded[0]) == ["OLD"])
            let next = try eigenpair(["embed", "g.txt", "--dim", "2", "--out", "other", "--quiet"], in: dir.path)
            #expect(next.status == 0)
            #expect(dir.listing().filter { $0.hasPrefix(".res.") }.count == 1, "only runs to res clean up res")
            let again = try eigenpair(["embed", "g.txt", "--dim", "2", "--out", "res", "--quiet", "--force"], in: dir.path)
            #expect(again.status == 0, "\(again.summary)")
            #expect(dir.listing() == ["g.txt", "other", "res"])
        }

        @Test func fallbackKilledBetweenRenamesIsRolledBackByTheNextRun() throws {
            let dir = try Self.killedReplacement(at: "between-renames", fallback: true, status: SIGKILL)
            defer { dir.cleanup() }
            #expect(!dir.listing().contains("res"))
            let aside = dir.listing().filter { $0.hasPrefix(".res.old-") }
            #expect(aside.count == 1 && dir.listing(aside[0]) == ["OLD"])
            let next = try eigenpair(["embed", "g.txt", "--dim", "2", "--out", "res", "--quiet", "--force"], in: dir.path)
            #expect(next.status == 0, "\(next.summary)")
            #expect(dir.listing() == ["g.txt", "res"] && Self.holdsNewResult(dir))
        }

        /// Two runs replacing one target at once: each swap is atomic, so both succeed, the target
        /// holds one complete result (report.json's `arguments` name a run's command line) and nothing is left.
        @Test func concurrentForceRunsLeaveOneCompleteResult() throws {
            let dir = try TempDir("race")
            defer { dir.cleanup() }
            try dir.write("g.txt", Self.square)
            try FileManager.default.createDirectory(atPath: dir.file("res"), withIntermediateDirectories: false)
            try dir.write("res/OLD", "old result")
            let binary = try EigenpairBinary.require()
            let lock = NSLock()
            nonisolated(unsafe) var results: [ProcessResult?] = [nil, nil]
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let r = try? runProcess(binary, ["embed", "g.txt", "--dim", "\(i + 1)", "--out", "res", "--quiet", "--force"],
                                        in: dir.path)
                lock.withLock { results[i] = r }
            }
            for r in results { #expect(r?.status == 0, "\(r?.summary ?? "did not run")") }
            #expect(dir.listing() == ["g.txt", "res"], "leftovers: \(dir.listing())")
            #expect(Self.holdsNewResult(dir))
            let report = try readJSON(dir.file("res/report.json"))
            let command = (report["arguments"] as? [String]) ?? []
            let dim = command.firstIndex(of: "--dim").map { command[$0 + 1] }
            let z = try readNpy(dir.file("res/vicreg.npy"))
            #expect(dim.map { z.columns == Int($0) } == true, "vicreg.npy has \(z.columns) columns, report says --dim \(dim ?? "?")")
        }

        /// `.res.old-<pid>` is also what earlier versions stranded (issue 14): removed when the
        /// target exists.
        @Test func strandedOldResultIsRemovedByTheNextRun() throws {
            let dir = try TempDir("resold")
            defer { dir.cleanup() }
            try dir.write("g.txt", Self.square)
            try FileManager.default.createDirectory(atPath: dir.file("res"), withIntermediateDirectories: false)
            // pid 4194305 is above Linux's largest pid_max (2^22), so no live process has it.
            try FileManager.default.createDirectory(atPath: dir.file(".res.old-4194305"), withIntermediateDirectories: false)
            let run = try eigenpair(["embed", "g.txt", "--dim", "2", "--out", "res", "--quiet", "--force"], in: dir.path)
            #expect(run.status == 0, "\(run.summary)")
            #expect(dir.listing() == ["g.txt", "res"] && Self.holdsNewResult(dir))
        }

        // MARK: 10. Signals

        @Test(arguments: [("TERM", Int32(143)), ("INT", Int32(130))])
        func signalsRemoveStagingAndExitWith128PlusSignal(signal: String, status: Int32) throws {
            let dir = try Self.killedReplacement(at: "before-rename", signal: signal, status: status)
            defer { dir.cleanup() }
            #expect(dir.listing() == ["g.txt", "res"], "staging left: \(dir.listing())")
            #expect(dir.listing("res") == ["OLD"])
        }
    }
}
