import Foundation
import NpyFormat
import Testing
@testable import PairGraph

/// A fresh directory per test, so tests can run in parallel and leave nothing behind.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("parser-tests-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` byte for byte (so "\r\n" stays CRLF) and returns the full path.
    func write(_ name: String, _ text: String) -> String {
        write(name, bytes: Array(text.utf8))
    }

    func write(_ name: String, bytes: [UInt8]) -> String {
        let file = "\(path)/\(name)"
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return file
    }
}

/// Runs `body`, which must throw an InputError, and returns it for exact checks.
func inputError(_ body: () throws -> Void) -> InputError? {
    do {
        try body()
    } catch let error as InputError {
        return error
    } catch {
        Issue.record("expected InputError, got \(error)")
        return nil
    }
    Issue.record("expected an InputError, but nothing was thrown")
    return nil
}

@Suite struct EdgeListParserTests {
    @Test(arguments: [
        "0 1\n1 2\n2 0\n",                 // spaces
        "0\t1\n1\t2\n2\t0\n",              // tabs (SNAP)
        "0,1\n1,2\n2,0\n",                 // CSV
        "0 , 1\n1, 2\n2 ,0",               // comma with blanks, no final newline
        "0 1\r\n1 2\r\n2 0\r\n",           // CRLF
        "# SNAP header\n% other comment\n\n  0 1\n\t1 2 \n\n2 0\n# end\n",
        "\u{FEFF}0 1\n1 2\n2 0\n",         // UTF-8 byte order mark
    ])
    func unweightedVariants(text: String) throws {
        let dir = try ScratchDirectory()
        let edges = try EdgeListParser.parse(path: dir.write("g.txt", text))
        #expect(edges.sources == [0, 1, 2])
        #expect(edges.targets == [1, 2, 0])
        #expect(edges.weights == nil)
        #expect(edges.zeroWeightEdges == 0)
        #expect(edges.declaredNodeCount == nil)
    }

    @Test(arguments: [
        "5 7 0.5\n7 9 2\n9 5 1e-3\n",
        "5\t7\t0.5\r\n7\t9\t2.0\r\n9\t5\t0.001\r\n",
        "% weighted\n5,7,.5\n7,9,+2\n9,5,1E-3\n",
    ])
    func weightedVariants(text: String) throws {
        let dir = try ScratchDirectory()
        let edges = try EdgeListParser.parse(path: dir.write("g.tsv", text))
        #expect(edges.sources == [5, 7, 9])
        #expect(edges.targets == [7, 9, 5])
        #expect(edges.weights == [0.5, 2, 0.001])
    }

    @Test func hugeAndNonContiguousIDs() throws {
        let dir = try ScratchDirectory()
        let text = "18446744073709551615 0\n42 18446744073709551614\n00000000000000000000000007 1000000000000\n"
        let edges = try EdgeListParser.parse(path: dir.write("big.txt", text))
        #expect(edges.sources == [UInt64.max, 42, 7])
        #expect(edges.targets == [0, UInt64.max - 1, 1_000_000_000_000])
    }

    @Test func zeroWeightsAreSkippedAndCounted() throws {
        let dir = try ScratchDirectory()
        let edges = try EdgeListParser.parse(path: dir.write("z.txt", "0 1 0\n1 2 3\n2 3 0.0\n3 4 -0\n4 5 0e10\n"))
        #expect(edges.sources == [1])
        #expect(edges.targets == [2])
        #expect(edges.weights == [3])
        #expect(edges.zeroWeightEdges == 4)
    }

    @Test func weightsAreCorrectlyRounded() throws {
        let tokens = ["0.1", "3.141592653589793238462643383279", "1e-310", "123456789012345678901234",
                      "2.2250738585072014e-308", "1.7976931348623157e308", "9007199254740993", "0.30000000000000004"]
        let dir = try ScratchDirectory()
        let text = tokens.enumerated().map { "\($0.offset) 0 \($0.element)" }.joined(separator: "\n")
        let edges = try EdgeListParser.parse(path: dir.write("w.txt", text))
        #expect(edges.weights == tokens.map { Double($0)! })
    }

    /// Tiny chunks force lines to straddle chunk boundaries and the buffer to grow.
    @Test(arguments: [1, 2, 3, 5, 8, 13, 64])
    func chunkBoundaries(chunkSize: Int) throws {
        let dir = try ScratchDirectory()
        var text = "# a comment line that is longer than several chunks\r\n"
        var expected: [(UInt64, UInt64, Double)] = []
        for i in 0..<200 {
            let (u, v, w) = (UInt64(i * 7919 % 1000), UInt64(i * 104_729), Double(i) + 0.25)
            expected.append((u, v, w))
            text += i % 3 == 0 ? "\(u)\t\(v)\t\(w)\r\n" : "\(u) \(v) \(w)\n"
        }
        let edges = try EdgeListParser.parse(path: dir.write("c.txt", text), chunkSize: chunkSize)
        #expect(edges.sources == expected.map(\.0))
        #expect(edges.targets == expected.map(\.1))
        #expect(edges.weights == expected.map(\.2))
    }

    @Test func errorsInChunkedFilesReportTheRightLine() throws {
        let dir = try ScratchDirectory()
        let text = (0..<100).map { "\($0) \($0 + 1)" }.joined(separator: "\n") + "\n1 x\n"
        let path = dir.write("late.txt", text)
        let error = inputError { _ = try EdgeListParser.parse(path: path, chunkSize: 16) }
        #expect(error == InputError(file: path, line: 101, reason: "non-numeric node ID 'x'"))
    }

    @Test(arguments: [
        ("0 1 1\n1 2 -2\n", 2, "negative weight -2"),
        ("0 1 nan\n", 1, "weight is NaN"),
        ("0 1 NaN\n", 1, "weight is NaN"),
        ("0 1 inf\n", 1, "weight is infinite"),
        ("0 1 -Infinity\n", 1, "weight is infinite"),
        ("0 1 1e999\n", 1, "weight 1e999 is out of range: a nonzero weight must round to a double between 4.9e-324 and 1.8e308"),
        // Underflow is the same error as overflow (docs/hardening.md): 1e-400 is not a zero weight.
        ("0 1 1e-400\n", 1, "weight 1e-400 is out of range: a nonzero weight must round to a double between 4.9e-324 and 1.8e308"),
        ("0 1 1\n1 2 \u{1B}]0;x\u{07}\n", 2, "non-numeric weight '\\e]0;x\\x07'"),
        ("0 1 abc\n", 1, "non-numeric weight 'abc'"),
        ("0 1 0x10\n", 1, "non-numeric weight '0x10'"),
        ("0 1 1.5.2\n", 1, "non-numeric weight '1.5.2'"),
        ("0 1 1e\n", 1, "non-numeric weight '1e'"),
        ("0 1 .\n", 1, "non-numeric weight '.'"),
        ("# c\n0 abc\n", 2, "non-numeric node ID 'abc'"),
        ("0 1\n2 3x\n", 2, "non-numeric node ID '3x'"),
        ("0 1\n1.5 3\n", 2, "non-numeric node ID '1.5'"),
        ("0 1\n-3 4\n", 2, "negative node ID -3"),
        ("0 1\n- 4\n", 2, "non-numeric node ID '-'"),
        ("18446744073709551616 1\n", 1, "node ID 18446744073709551616 is out of range (max 18446744073709551615)"),
        ("0 1\n\n# x\n1 2\n2 3 4 5\n", 5, "expected 2 fields as on line 1, found 4"),
        ("% h\n\n0 1 2\n1 2\n", 4, "expected 3 fields as on line 3, found 2"),
        ("0 1 2\n1 2 3 4\n", 2, "expected 3 fields as on line 1, found 4"),
        ("0 1\n1 2 3\n", 2, "expected 2 fields as on line 1, found 3"),
        ("0 1\n7\n", 2, "expected 2 fields as on line 1, found 1"),
        ("0\n", 1, "expected 2 or 3 fields (u v [weight]), found 1"),
        ("0 1 2 3\n", 1, "expected 2 or 3 fields (u v [weight]), found 4"),
        ("0,,1\n", 1, "empty field"),
        ("0 1,\n", 1, "empty field"),
        (",0 1\n", 1, "empty field"),
        ("0 1\n1 " + String(repeating: "z", count: 50) + "\n", 2,
         "non-numeric node ID '" + String(repeating: "z", count: 40) + "…'"),
    ] as [(String, Int, String)])
    func badInput(text: String, line: Int, reason: String) throws {
        let dir = try ScratchDirectory()
        let path = dir.write("bad.txt", text)
        let error = inputError { _ = try EdgeListParser.parse(path: path) }
        #expect(error == InputError(file: path, line: line, reason: reason))
        #expect(error?.description == "\(path):\(line): \(reason)")
    }
}

@Suite struct MatrixMarketParserTests {
    @Test(arguments: [
        ("real", "general", "4 4 3\n1 2 0.5\n3 1 2\n4 4 1e1\n", [0.5, 2, 10] as [Double]?),
        ("integer", "general", "4 4 3\n1 2 1\n3 1 2\n4 4 10\n", [1, 2, 10]),
        ("pattern", "general", "4 4 3\n1 2\n3 1\n4 4\n", nil),
        ("real", "symmetric", "4 4 3\n2 1 0.5\n3 1 2\n4 4 1e1\n", [0.5, 2, 10]),
        ("integer", "symmetric", "4 4 3\n2 1 1\n3 1 2\n4 4 10\n", [1, 2, 10]),
        ("pattern", "symmetric", "4 4 3\n2 1\n3 1\n4 4\n", nil),
    ] as [(String, String, String, [Double]?)])
    func fieldAndSymmetryVariants(field: String, symmetry: String, body: String, weights: [Double]?) throws {
        let dir = try ScratchDirectory()
        let text = "%%MatrixMarket matrix coordinate \(field) \(symmetry)\n% comment\n%\n" + body
        let edges = try MatrixMarketParser.parse(path: dir.write("m.mtx", text))
        let symmetric = symmetry == "symmetric"
        #expect(edges.sources == (symmetric ? [1, 2, 3] : [0, 2, 3]))
        #expect(edges.targets == (symmetric ? [0, 0, 3] : [1, 0, 3]))
        #expect(edges.weights == weights)
        #expect(edges.declaredNodeCount == 4)
        #expect(edges.zeroWeightEdges == 0)
    }

    @Test func caseInsensitiveHeaderCRLFAndZeroWeights() throws {
        let dir = try ScratchDirectory()
        let text = "%%matrixmarket MATRIX Coordinate REAL General\r\n%c\r\n\r\n  10 10 4\r\n1 10 0\r\n10 1 -0.0\r\n2\t3\t7\r\n5 6 0e3\r\n"
        let edges = try MatrixMarketParser.parse(path: dir.write("z.mtx", text), chunkSize: 5)
        #expect(edges.sources == [1])
        #expect(edges.targets == [2])
        #expect(edges.weights == [7])
        #expect(edges.zeroWeightEdges == 3)
        #expect(edges.declaredNodeCount == 10)
    }

    @Test(arguments: [
        ("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n", 1, "array format is not supported (a graph needs 'coordinate')"),
        ("%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n", 1, "complex field is not supported"),
        ("%%MatrixMarket matrix coordinate real hermitian\n1 1 1\n1 1 1\n", 1, "hermitian symmetry is not supported"),
        ("%%MatrixMarket matrix coordinate real skew-symmetric\n1 1 0\n", 1, "skew-symmetric symmetry is not supported"),
        ("%%MatrixMarket vector coordinate real general\n", 1, "object 'vector' is not supported (expected 'matrix')"),
        ("%%MatrixMarket matrix coordinate real\n", 1, "incomplete header: expected '%%MatrixMarket matrix coordinate <field> <symmetry>'"),
        ("%%MatrixMarket matrix coordinate double general\n", 1, "unknown field 'double' (expected real, integer or pattern)"),
        ("%%MatrixMarket matrix coordinate real upper\n", 1, "unknown symmetry 'upper' (expected general or symmetric)"),
        ("% MatrixMarket matrix coordinate real general\n", 1, "not a Matrix Market file (missing %%MatrixMarket header)"),
        ("%%MatrixMarket matrix coordinate real general\n3 4 1\n1 2 1\n", 2, "matrix is 3 x 4; a graph needs a square matrix"),
        ("%%MatrixMarket matrix coordinate real general\n%\n3 3\n", 3, "malformed size line '3 3': expected 'rows columns entries'"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 x\n", 2, "malformed size line '3 3 x': expected 'rows columns entries'"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\n0 1 1\n", 3, "row index 0 is out of range 1..3"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 4 1\n", 3, "column index 4 is out of range 1..3"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\n-1 2 1\n", 3, "row index -1 is out of range 1..3"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\nx 2 1\n", 3, "non-numeric row index 'x'"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 2\n1 2 1\n2 3 -2\n", 4, "negative weight -2"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2 nan\n", 3, "weight is NaN"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2 -inf\n", 3, "weight is infinite"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2 one\n", 3, "non-numeric weight 'one'"),
        ("%%MatrixMarket matrix coordinate integer general\n3 3 1\n1 2 2.5\n", 3, "non-integer value '2.5' in an integer matrix"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2\n", 3, "expected 3 fields (row column value), found 2"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\n1\n", 3, "expected 3 fields (row column value), found 1"),
        ("%%MatrixMarket matrix coordinate pattern general\n3 3 1\n1 2 5\n", 3, "expected 2 fields (row column), found 3"),
        ("%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2 5 6\n", 3, "expected 3 fields (row column value), found 4"),
        ("%%MatrixMarket matrix coordinate pattern general\n%\n3 3 10\n" + String(repeating: "1 2\n", count: 9), 3,
         "header declares 10 entries, found 9"),
        ("%%MatrixMarket matrix coordinate pattern general\n3 3 2\n1 2\n2 3\n%\n3 1\n1 1\n", 6,
         "header declares 2 entries, found 4"),
    ] as [(String, Int, String)])
    func badInput(text: String, line: Int, reason: String) throws {
        let dir = try ScratchDirectory()
        let path = dir.write("bad.mtx", text)
        let error = inputError { _ = try MatrixMarketParser.parse(path: path) }
        #expect(error == InputError(file: path, line: line, reason: reason))
    }

    @Test func missingSizeLine() throws {
        let dir = try ScratchDirectory()
        let path = dir.write("nosize.mtx", "%%MatrixMarket matrix coordinate real general\n% only comments\n")
        let error = inputError { _ = try MatrixMarketParser.parse(path: path) }
        #expect(error == InputError(file: path, reason: "missing size line 'rows columns entries'"))
    }
}

@Suite struct GraphReaderTests {
    @Test func detectsMatrixMarketByContentWhateverTheName() throws {
        let dir = try ScratchDirectory()
        let path = dir.write("graph.txt", "%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 2\n")
        let (edges, format) = try GraphReader.read(path: path)
        #expect(format == .matrixMarket)
        #expect(edges.sources == [1, 2])
        #expect(edges.targets == [0, 1])
        #expect(edges.declaredNodeCount == 3)
    }

    @Test(arguments: ["graph.edges", "graph", "graph.csv", "graph.tsv"])
    func everythingElseIsAnEdgeList(name: String) throws {
        let dir = try ScratchDirectory()
        let (edges, format) = try GraphReader.read(path: dir.write(name, "# edges\n3 4\n4 5\n"))
        #expect(format == .edgeList)
        #expect(edges.sources == [3, 4])
        #expect(edges.targets == [4, 5])
        #expect(edges.declaredNodeCount == nil)
    }

    @Test(arguments: ["g.mtx", "g.MM", "g.Mtx"])
    func matrixMarketExtensionNeedsTheHeader(name: String) throws {
        let dir = try ScratchDirectory()
        let path = dir.write(name, "3 3 1\n1 2 1\n")
        let error = inputError { _ = try GraphReader.read(path: path) }
        #expect(error == InputError(file: path, line: 1, reason: "expected a %%MatrixMarket header"))
    }

    @Test func missingFileAndDirectory() throws {
        let dir = try ScratchDirectory()
        let missing = "\(dir.path)/nope.txt"
        #expect(inputError { _ = try GraphReader.read(path: missing) }
            == InputError(file: missing, reason: "cannot open: No such file or directory"))
        #expect(inputError { _ = try GraphReader.read(path: dir.path) }
            == InputError(file: dir.path, reason: "is a directory"))
    }

    @Test(arguments: [
        ("empty.txt", "", "empty graph: no edges"),
        ("comments.txt", "# nothing\n% here\n\n", "empty graph: no edges"),
        ("zeros.txt", "0 1 0\n1 2 0\n", "empty graph: no edges (2 zero-weight edges skipped)"),
        ("none.mtx", "%%MatrixMarket matrix coordinate real general\n5 5 0\n", "empty graph: no edges"),
    ])
    func emptyGraphs(name: String, text: String, reason: String) throws {
        let dir = try ScratchDirectory()
        let path = dir.write(name, text)
        #expect(inputError { _ = try GraphReader.read(path: path) } == InputError(file: path, reason: reason))
    }
}

@Suite struct ByteScannerTests {
    /// Runs `body` on a scanner over `text`.
    func scan<T>(_ text: String, _ body: (inout ByteScanner) throws(ScanError) -> T) -> Result<T, ScanError> {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var scanner = ByteScanner(base: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, position: 0, end: buffer.count)
            do throws(ScanError) { return .success(try body(&scanner)) } catch { return .failure(error) }
        }
    }

    @Test func unsignedIntegers() {
        #expect(scan("0") { (s) throws(ScanError) in try s.readUInt64() } == .success(0))
        #expect(scan("18446744073709551615,") { (s) throws(ScanError) in try s.readUInt64() } == .success(.max))
        #expect(scan("18446744073709551616") { (s) throws(ScanError) in try s.readUInt64() } == .failure(.overflow))
        #expect(scan("99999999999999999999999") { (s) throws(ScanError) in try s.readUInt64() } == .failure(.overflow))
        #expect(scan("-5") { (s) throws(ScanError) in try s.readUInt64() } == .failure(.negative))
        #expect(scan("+5") { (s) throws(ScanError) in try s.readUInt64() } == .failure(.notNumeric))
        #expect(scan("") { (s) throws(ScanError) in try s.readUInt64() } == .failure(.missing))
        #expect(scan(" 1") { (s) throws(ScanError) in try s.readUInt64() } == .failure(.missing))
    }

    @Test func doublesAndSpecialValues() {
        func value(_ text: String) -> Result<Double, ScanError> {
            scan(text) { (s) throws(ScanError) in try s.readDouble() }
        }
        #expect(value("1.5e3") == .success(1500))
        #expect(value("-0.25") == .success(-0.25))
        #expect(value("5.") == .success(5))
        #expect(value("1E+2") == .success(100))
        #expect(value("infinity") == .success(.infinity))
        #expect(value("-INF") == .success(-.infinity))
        #expect((try? value("nan").get())?.isNaN == true)
        #expect(value("nanx") == .failure(.notNumeric))
        #expect(value("e5") == .failure(.notNumeric))
        // A nonzero value that rounds to 0 is out of range, like one that rounds to infinity
        // (docs/hardening.md); a written zero is a zero.
        #expect(value("1e-99999") == .failure(.overflow))
        #expect(value("0e-99999") == .success(0))
        #expect(value("1e-310") == .success(1e-310))
        #expect(value("-1e400") == .failure(.overflow))
    }

    @Test func fieldSeparatorsAndCounting() throws {
        let result = scan("1 ,\t2  3") { (s) throws(ScanError) -> [Int] in
            var seen = [s.countFields()]
            _ = try s.readUInt64()
            while try s.advanceToNextField() {
                seen.append(s.countFields())
                _ = try s.readUInt64()
            }
            return seen
        }
        #expect(result == .success([3, 2, 1]))
    }
}

@Suite struct LabelsReaderTests {
    @Test func textLabelsAreNumberedBySortedName() throws {
        let dir = try ScratchDirectory()
        let text = "# id label\n% more\n10 dog\n3,cat\r\n\n7\tbird\n10 dog\n99 cat\n"
        let (labels, classNames) = try NodeLabels.readWithClassNames(path: dir.write("labels.txt", text))
        #expect(classNames == ["bird", "cat", "dog"])
        #expect(labels.ids == [10, 3, 7, 99])
        #expect(labels.labels == [2, 1, 0, 1])
        #expect(try NodeLabels.read(path: dir.write("again.txt", text)) == labels)
    }

    @Test func longLabelNamesAreKeptWhole() throws {
        let dir = try ScratchDirectory()
        let long = String(repeating: "x", count: 100)
        let (labels, classNames) = try NodeLabels.readWithClassNames(path: dir.write("l.txt", "4 \(long)\n5 b\n"))
        #expect(classNames == ["b", long])
        #expect(labels.labels == [1, 0])
    }

    @Test func numericLabelsSortNumerically() throws {
        let dir = try ScratchDirectory()
        let (labels, classNames) = try NodeLabels.readWithClassNames(
            path: dir.write("n.txt", "0 10\n1 2\n2 -1\n18446744073709551615 2\n"))
        #expect(classNames == ["-1", "2", "10"])
        #expect(labels.ids == [0, 1, 2, UInt64.max])
        #expect(labels.labels == [2, 1, 0, 1])
    }

    @Test func npyLabels() throws {
        let dir = try ScratchDirectory()
        let path = dir.write("y.npy", bytes: NpyEncoder.encode([5, 1, 5, -1, 1] as [Int64], shape: [5]))
        let (labels, classNames) = try NodeLabels.readWithClassNames(path: path)
        #expect(classNames == ["-1", "1", "5"])
        #expect(labels.ids == [0, 1, 2, 3, 4])
        #expect(labels.labels == [2, 1, 2, 0, 1])
    }

    @Test func npyMustBeOneDimensionalIntegers() throws {
        let dir = try ScratchDirectory()
        let floats = dir.write("f.npy", bytes: NpyEncoder.encode([1.0, 2.0], shape: [2]))
        #expect(inputError { _ = try NodeLabels.read(path: floats) }
            == InputError(file: floats, reason: "labels .npy must have an integer dtype, found <f8"))
        let matrix = dir.write("m.npy", bytes: NpyEncoder.encode([1, 2, 3, 4] as [Int64], shape: [2, 2]))
        #expect(inputError { _ = try NodeLabels.read(path: matrix) }
            == InputError(file: matrix, reason: "labels .npy must be 1-D, found shape [2, 2]"))
        let fake = dir.write("fake.npy", "0 1\n")
        #expect(inputError { _ = try NodeLabels.read(path: fake) }
            == InputError(file: fake, reason: "not a NumPy .npy file (bad magic)"))
    }

    @Test(arguments: [
        ("1 a\n2 b\n1 b\n", 3, "node 1 has label 'b' here but 'a' on line 1"),
        ("1 a\n2\n", 2, "expected 2 fields (id label), found 1"),
        ("1 a extra\n", 1, "expected 2 fields (id label), found 3"),
        ("# h\nx a\n", 2, "non-numeric node ID 'x'"),
        ("-4 a\n", 1, "negative node ID -4"),
        ("1,,a\n", 1, "empty field"),
    ] as [(String, Int, String)])
    func badLabels(text: String, line: Int, reason: String) throws {
        let dir = try ScratchDirectory()
        let path = dir.write("bad.txt", text)
        #expect(inputError { _ = try NodeLabels.read(path: path) } == InputError(file: path, line: line, reason: reason))
    }

    @Test func missingLabelsFile() throws {
        let dir = try ScratchDirectory()
        let path = "\(dir.path)/missing.txt"
        #expect(inputError { _ = try NodeLabels.read(path: path) }
            == InputError(file: path, reason: "cannot open: No such file or directory"))
    }
}
