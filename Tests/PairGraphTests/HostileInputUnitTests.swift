import EigenpairTestSupport
import Foundation
import Testing
@testable import NpyFormat
@testable import PairGraph

#if canImport(Glibc)
import Glibc
#endif

/// Unit tests of issue 14's fixes (docs/hardening.md): checked .npy sizes, the non-blocking
/// open, escaping, the declared-size budget. The crashes the fuzzers find are added here too.
@Suite struct HostileInputUnitTests {
    @Test(arguments: ["(4611686018427387904, 4)", "(2305843009213693952,)", "(3, 6148914691236517206)",
                      "(0, 4611686018427387904, 4)", "(9223372036854775807, 9223372036854775807)"])
    func overflowingShapesAreUnsupportedEverywhere(shape: String) throws {
        let bytes = npyFileBytes(descr: "<f8", shape: shape, data: [UInt8](repeating: 0, count: 64))
        #expect(throws: NpyError.self) { try NpyHeader.parse(bytes, file: "x.npy") }
        let dir = try ScratchDirectory()
        let path = dir.write("x.npy", bytes: bytes)
        for read in [{ _ = try NpyArray.read(path: path) }, { _ = try NpyRowReader(path: path) }] as [() throws -> Void] {
            do {
                try read()
                Issue.record("no error for shape \(shape)")
            } catch let error as NpyError {
                #expect(error.reason.hasPrefix("unsupported .npy array: shape"), "\(error)")
            }
        }
    }

    /// Found by fuzz-Npy and fuzz-Labels (fuzz/regressions/*/shape-close-before-open.npy): a
    /// `)` before the `(` in the shape value trapped on an inverted range.
    @Test(arguments: ["')(,,2", "'shape')(,,2 : }", "'shape': )4{''(", "'shape': (3"])
    func shapeWithoutAClosingParenthesisAfterTheOpeningOne(shape: String) throws {
        var dict = "{'descr': '<i4', 'fortran_order': False, \(shape) }"
        dict += String(repeating: " ", count: 63 - (10 + dict.utf8.count) % 64) + "\n"
        let n = dict.utf8.count
        let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(n & 0xff), UInt8(n >> 8)] + Array(dict.utf8) + [3, 0, 0, 0]
        #expect(throws: NpyError.self) { try NpyHeader.parse(bytes, file: "x.npy") }
    }

    /// From fuzz-MatrixMarket (fuzz/regressions/MatrixMarket/carriage-return-before-banner.mtx):
    /// the Matrix Market header parser tolerates a CR before the banner, format detection does
    /// not; what matters is that reading and probing (the path of every run) decide alike.
    @Test func readingAndProbingAgreeOnTheFormat() throws {
        let dir = try ScratchDirectory()
        let path = dir.write("cr.txt", "\r%%MatrixMarket matrix coordinate pattern general\n3 3\n1 2\n")
        let (edges, format) = try GraphReader.read(path: path)
        #expect(format == .edgeList && edges.sources == [3, 1] && edges.targets == [3, 2])
        #expect(try GraphReader.probe(path: path).format == .edgeList)
    }

    @Test func hugeVersion2HeaderLengthIsTruncationNotAnAllocation() throws {
        // Version 2.0 with a declared 4 GiB header in a 12-byte file.
        let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0, 0xff, 0xff, 0xff, 0xff]
        let dir = try ScratchDirectory()
        let path = dir.write("v2.npy", bytes: bytes)
        #expect(throws: NpyError.truncated(path)) { _ = try NpyRowReader(path: path) }
        #expect(throws: NpyError.truncated(path)) { _ = try NpyArray.read(path: path) }
    }

    @Test func uint64RoundTripsAsNodeIDs() throws {
        let ids: [UInt64] = [0, 1 << 63, UInt64.max, 42]
        let bytes = NpyEncoder.encode(ids.map { Int64(bitPattern: $0) }, shape: [4], dtype: .uint64)
        let dir = try ScratchDirectory()
        let path = dir.write("ids.npy", bytes: bytes)
        let back = try NpyArray.read(path: path)
        #expect(back.header.dtype == .uint64 && back.isInteger)
        #expect(back.nodeIDs == ids)
        #expect(back.doubles == ids.map { Double($0) })
        // int64 IDs with a negative value are not node IDs.
        let negative = NpyEncoder.encode([Int64(3), -1], shape: [2])
        try Data(negative).write(to: URL(fileURLWithPath: path))
        #expect(try NpyArray.read(path: path).nodeIDs == nil)
    }

    @Test func escapingNeutralisesControlBytes() {
        #expect(TerminalSafeText.escaping("plain ü text") == "plain ü text")
        #expect(TerminalSafeText.escaping("a\u{1B}]0;t\u{07}b") == "a\\e]0;t\\x07b")
        #expect(TerminalSafeText.escaping("x\u{9B}31m\u{7F}") == "x\\u{9B}31m\\x7F")
        #expect(TerminalSafeText.escaping("r\u{202E}l") == "r\\u{202E}l")
        #expect(TerminalSafeText.escaping("two\nlines\r") == "two\\nlines\\r")
        #expect(TerminalSafeText.escaping("two\nlines", keepNewlines: true) == "two\nlines")
        #expect(TerminalSafeText.escaping(bytes: [0x50, 0x4B, 0x03, 0xFF, 0xC3, 0xBC, 0xE2, 0x82]) == "PK\\x03\\xFFü\\xE2\\x82")
        #expect(TerminalSafeText.escaping(bytes: Array("\u{1B}[2J".utf8)) == "\\e[2J")
        // Overlong and surrogate encodings are bytes, not characters.
        #expect(TerminalSafeText.escaping(bytes: [0xC0, 0x80, 0xED, 0xA0, 0x80]) == "\\xC0\\x80\\xED\\xA0\\x80")
    }

    @Test func fifoWithoutWriterFailsAtOnce() throws {
        let scratch = try ScratchDirectory()
        let dir = scratch.path
        let fifo = dir + "/fifo"
        try #require(mkfifo(fifo, 0o644) == 0)
        #expect(throws: InputFileError("not a regular file (a FIFO or pipe): inputs must be files on disk")) {
            _ = try InputFile.openRegular(fifo)
        }
        #expect(inputError { _ = try GraphReader.read(path: fifo) }
            == InputError(file: fifo, reason: "not a regular file (a FIFO or pipe): inputs must be files on disk"))
        #expect(throws: NpyError.io(fifo, "not a regular file (a FIFO or pipe): inputs must be files on disk")) {
            _ = try NpyRowReader(path: fifo)
        }
        #expect(throws: InputFileError("is a directory")) { _ = try InputFile.openRegular(dir) }
    }

    @Test func declaredNodeCountBeyondInt32IsRefusedAtTheSizeLine() throws {
        let dir = try ScratchDirectory()
        let path = dir.write("big.mtx", "%%MatrixMarket matrix coordinate pattern general\n% c\n3000000000 3000000000 1\n1 2\n")
        let expected = InputError(file: path, line: 3, reason: "declares 3000000000 nodes; at most 2147483646 are supported")
        #expect(inputError { _ = try GraphReader.read(path: path) } == expected)
        #expect(inputError { _ = try GraphReader.probe(path: path) } == expected)
    }

    @Test func declaredSizeBudget() throws {
        let dir = try ScratchDirectory()
        let path = dir.write("n.mtx", "%%MatrixMarket matrix coordinate pattern general\n1000000 1000000 5\n1 2\n2 3\n")
        let probe = try GraphReader.probe(path: path)
        // 1e6 nodes x 96 B + min(5, (file bytes after the size line) / 4 + 1) entries x 128 B.
        let entries = min(5, (probe.fileSize - probe.dataStart) / 4 + 1)
        #expect(entries == 3)
        let needed = 1_000_000 * 96 + entries * 128
        #expect(DeclaredSizeBudget.estimate(nodes: 1_000_000, entries: entries) == needed)
        #expect(throws: Never.self) { try DeclaredSizeBudget.check(probe, path: path, available: needed) }
        let error = inputError { try DeclaredSizeBudget.check(probe, path: path, available: needed - 1) }
        #expect(error?.line == 2 && error?.reason.contains("a run needs at least 0.1 GB") == true, "\(String(describing: error))")
        #expect(DeclaredSizeBudget.estimate(nodes: .max / 2, entries: 1) == .max)
        #expect(DeclaredSizeBudget.available(ranks: 4, ranksHere: 2) == 2 * DeclaredSizeBudget.available(ranks: 1, ranksHere: 1))
    }
}

