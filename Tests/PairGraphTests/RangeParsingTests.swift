import Foundation
import Testing
@testable import PairGraph

// Byte-range parsing: a file split into P parts, each parsed on its own, must give exactly the
// whole-file parse. `ScratchDirectory` and `inputError` come from ParserTests.swift.

/// Every part of `path` parsed independently, as P MPI ranks would, after each probing the file.
private struct SplitParse {
    var probe: GraphProbe
    var parts: [RangeParse]

    init(path: String, parts count: Int, chunkSize: Int? = nil) throws {
        probe = try GraphReader.probe(path: path)
        var parts: [RangeParse] = []
        for part in 0..<count {
            if let chunkSize {
                parts.append(probe.format == .edgeList
                    ? try EdgeListParser.parse(path: path, part: part, of: count, probe: probe, chunkSize: chunkSize)
                    : try MatrixMarketParser.parse(path: path, part: part, of: count, probe: probe, chunkSize: chunkSize))
            } else {
                parts.append(try GraphReader.parse(path: path, part: part, of: count, probe: probe))
            }
        }
        self.parts = parts
    }

    /// The parts' edges concatenated in part order.
    var edges: EdgeList { concatenate(parts.map(\.edges)) }
    var lineCounts: [Int] { parts.map(\.lines) }
}

private func concatenate(_ lists: [EdgeList]) -> EdgeList {
    var result = EdgeList(sources: lists.flatMap(\.sources), targets: lists.flatMap(\.targets),
                          zeroWeightEdges: lists.map(\.zeroWeightEdges).reduce(0, +))
    if lists.contains(where: { $0.weights != nil }) { result.weights = lists.flatMap { $0.weights ?? [] } }
    result.declaredNodeCount = lists.first?.declaredNodeCount
    return result
}

/// The whole-file parse, by the parser `format` names.
private func wholeFile(_ path: String, _ format: GraphFormat) throws -> EdgeList {
    format == .edgeList ? try EdgeListParser.parse(path: path) : try MatrixMarketParser.parse(path: path)
}

/// Lines as the whole-file reader numbers them: every `\n`, plus a last line without one.
private func lineCount(_ text: String) -> Int {
    let bytes = Array(text.utf8)
    return bytes.filter { $0 == 0x0A }.count + (bytes.last.map { $0 != 0x0A } ?? false ? 1 : 0)
}

/// Same edges, in the same order, with the same weights and counts.
private func expectSame(_ split: EdgeList, _ whole: EdgeList, _ context: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(split.sources == whole.sources, "\(context)", sourceLocation: sourceLocation)
    #expect(split.targets == whole.targets, "\(context)", sourceLocation: sourceLocation)
    #expect(split.weights == whole.weights, "\(context)", sourceLocation: sourceLocation)
    #expect(split.zeroWeightEdges == whole.zeroWeightEdges, "\(context)", sourceLocation: sourceLocation)
    #expect(split.declaredNodeCount == whole.declaredNodeCount, "\(context)", sourceLocation: sourceLocation)
}

/// P in 1...7, one more part than there are lines, one part per data byte (so every byte
/// position is a cut: on a `\n`, just after one, inside a CRLF), and more parts than bytes.
private func partCounts(lines: Int, dataBytes: Int) -> [Int] {
    Array(1...7) + [lines + 1, max(1, dataBytes), dataBytes + 3]
}

/// A 3-column file with everything at once: comments of both kinds, CRLF and LF, blank lines,
/// tabs, commas and zero weights.
private func mixedWeightedEdgeList(lines: Int) -> String {
    var text = "# generated\r\n\n"
    for i in 0..<lines {
        switch i % 6 {
        case 0: text += "\(i) \(i + 1) \(Double(i) + 0.5)\n"
        case 1: text += "\(i)\t\(i * 3)\t\(i % 4)\r\n"          // weight 0 every 4th line
        case 2: text += "% comment \(i)\n\(i),\(i + 2), 1e-3\n"
        case 3: text += "\r\n  \(i * 1000003)  7 2\r\n"
        case 4: text += "\(i) \(i) 1 \n# tail comment\n"
        default: text += "\n\(UInt64.max - UInt64(i)) 0 3.25\r\n"
        }
    }
    return text
}

@Suite struct ByteRangePlanTests {
    @Test func rangesTileTheDataSectionInEqualShares() {
        for (dataStart, fileSize) in [(0, 0), (0, 1), (0, 10), (17, 17), (17, 18), (5, 105), (3, 1000)] {
            let plan = ByteRangePlan(dataStart: dataStart, fileSize: fileSize)
            for parts in 1...13 {
                let ranges = (0..<parts).map { plan.range(part: $0, of: parts) }
                #expect(ranges.first?.lowerBound == dataStart)
                #expect(ranges.last?.upperBound == fileSize)
                for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
                let sizes = ranges.map(\.count)
                #expect(sizes.max()! - sizes.min()! <= 1, "\(dataStart) \(fileSize) \(parts): \(sizes)")
                #expect(sizes.reduce(0, +) == fileSize - dataStart)
            }
        }
    }

    @Test func exactBoundaries() {
        let plan = ByteRangePlan(dataStart: 10, fileSize: 20)
        #expect((0..<3).map { plan.range(part: $0, of: 3) } == [10..<13, 13..<16, 16..<20])
        #expect(plan.range(part: 0, of: 1) == 10..<20)
        #expect(plan.dataBytes == 10)
    }

    @Test func hugeFilesAndManyPartsDoNotOverflow() {
        let size = Int.max / 2
        let plan = ByteRangePlan(dataStart: 0, fileSize: size)
        let parts = 1_000_000
        let share = size / parts
        #expect(plan.range(part: parts / 2, of: parts).lowerBound == size / 2)
        #expect(plan.range(part: parts - 1, of: parts).upperBound == size)
        for part in [0, 1, parts / 2 - 1, parts / 2, parts - 2, parts - 1] {
            let range = plan.range(part: part, of: parts)
            #expect(range.count == share || range.count == share + 1)
            if part + 1 < parts { #expect(range.upperBound == plan.range(part: part + 1, of: parts).lowerBound) }
        }
    }
}

@Suite struct ProbeTests {
    @Test func edgeListProbeFindsTheFirstDataLine() throws {
        let dir = try ScratchDirectory()
        let probe = try GraphReader.probe(path: dir.write("g.txt", "# c\r\n\n% c\n  5\t6\t0.5\n1 2 3\n"))
        #expect(probe.format == .edgeList)
        #expect(probe.dataStart == 0)
        #expect(probe.linesBeforeData == 0)
        #expect(probe.fieldCount == 3)
        #expect(probe.isWeighted)
        #expect(probe.firstDataLine == 4)
        #expect(probe.declaredNodeCount == nil)
        #expect(probe.fileSize == "# c\r\n\n% c\n  5\t6\t0.5\n1 2 3\n".utf8.count)

        let unweighted = try GraphReader.probe(path: dir.write("u.csv", "\u{FEFF}7,8\n"))
        #expect(unweighted.fieldCount == 2)
        #expect(!unweighted.isWeighted)
        #expect(unweighted.firstDataLine == 1)
    }

    @Test func edgeListWithoutDataHasNoFieldCountAndEmptyParts() throws {
        let dir = try ScratchDirectory()
        for text in ["", "# only\n% comments\n\n", "\n\n\n"] {
            let path = dir.write("e.txt", text)
            let probe = try GraphReader.probe(path: path)
            #expect(probe.fieldCount == 0)
            #expect(probe.firstDataLine == nil)
            for parts in 1...4 {
                let split = try SplitParse(path: path, parts: parts)
                #expect(split.edges.count == 0)
                #expect(split.edges.weights == nil)
                #expect(split.lineCounts.reduce(0, +) == lineCount(text))
            }
        }
    }

    @Test(arguments: [
        ("%%MatrixMarket matrix coordinate real general\n% c\n\n4 4 3\n1 2 1\n", 4, 3, true, 4),
        ("%%MatrixMarket matrix coordinate pattern symmetric\r\n3 3 2\r\n2 1\r\n", 2, 2, false, 3),
        ("\u{FEFF}%%matrixmarket matrix coordinate integer general\n  10 10 0", 2, 0, true, 10),
    ] as [(String, Int, Int, Bool, Int)])
    func matrixMarketProbeReadsTheHeader(text: String, sizeLine: Int, entries: Int, weighted: Bool, nodes: Int) throws {
        let dir = try ScratchDirectory()
        let probe = try GraphReader.probe(path: dir.write("m.mtx", text))
        let bytes = Array(text.utf8)
        // dataStart: just past the size line's line end (the file's end when it has none).
        var newlines = 0
        var expectedStart = bytes.count
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            newlines += 1
            if newlines == sizeLine { expectedStart = offset + 1; break }
        }
        #expect(probe.format == .matrixMarket)
        #expect(probe.dataStart == expectedStart)
        #expect(probe.linesBeforeData == sizeLine)
        #expect(probe.sizeLine == sizeLine)
        #expect(probe.declaredEntries == entries)
        #expect(probe.declaredNodeCount == nodes)
        #expect(probe.isWeighted == weighted)
        #expect(probe.fieldCount == (weighted ? 3 : 2))
        #expect(probe.fileSize == bytes.count)
    }

    /// The probe throws what the whole-file read throws for the lines it reads.
    @Test(arguments: [
        ("g.txt", "# c\n\n0\n1 2\n"),
        ("g.txt", "0 1 2 3\n"),
        ("g.mtx", "3 3 1\n1 2 1\n"),
        ("m.mtx", ""),
        ("m.mtx", "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n"),
        ("m.mtx", "%%MatrixMarket matrix coordinate real general\n%\n3 4 1\n"),
        ("m.mtx", "%%MatrixMarket matrix coordinate real general\n% no size line\n"),
    ])
    func probeErrorsAreTheWholeFileErrors(name: String, text: String) throws {
        let dir = try ScratchDirectory()
        let path = dir.write(name, text)
        let expected = inputError { _ = try GraphReader.read(path: path) }
        #expect(expected != nil)
        #expect(inputError { _ = try GraphReader.probe(path: path) } == expected)
    }

    @Test func byteRangesNeedARegularFile() throws {
        #expect(inputError { _ = try GraphReader.probe(path: "/dev/null") }
            == InputError(file: "/dev/null", reason: "not a regular file (a character device): inputs must be files on disk"))
        let dir = try ScratchDirectory()
        let missing = "\(dir.path)/nope.txt"
        #expect(inputError { _ = try GraphReader.probe(path: missing) }
            == InputError(file: missing, reason: "cannot open: No such file or directory"))
    }
}

@Suite struct EdgeListRangeTests {
    static let corpus: [String] = [
        "0 1\n1 2\n2 0\n",                                       // spaces
        "0\t1\n1\t2\n2\t0\n",                                    // tabs
        "0,1\n1, 2\n2 ,0\n3 , 4",                                // commas, last line without newline
        "5 7 0.5\n7 9 2\n9 5 1e-3\n1 2 0\n",                     // weighted, a zero weight
        "0 1\r\n1 2\r\n2 0\r\n",                                 // CRLF
        "5\t7\t0.5\r\n7\t9\t2.0\r\n9\t5\t0.001",                 // CRLF, weighted, no final line end
        "# head\n% other\n\n  0 1\n# mid\n\t1 2 \n\n\n2 0\n# end\n", // comments anywhere, blank lines
        "\n\r\n\n0 1\r\n\r\n\r\n1 2\n\n",                        // leading and repeated blank lines
        "\u{FEFF}0 1\n1 2\n2 0\n",                               // byte order mark
        "\u{FEFF}0 1",                                           // byte order mark, one line, no line end
        "0 1\r",                                                 // a lone CR at the end
        "0 " + String(repeating: "0", count: 300) + "1\n2 3\n",  // a line longer than small chunks
        mixedWeightedEdgeList(lines: 40),
    ]

    /// Concatenated parts == whole file, line counts add up, byte spans tile the file.
    @Test(arguments: corpus.indices)
    func partsConcatenateToTheWholeFile(index: Int) throws {
        let text = Self.corpus[index]
        let dir = try ScratchDirectory()
        let path = dir.write("g.txt", text)
        let whole = try EdgeListParser.parse(path: path)
        let size = text.utf8.count
        for parts in partCounts(lines: lineCount(text), dataBytes: size) {
            for chunkSize in [nil, 1, 4, 64] as [Int?] {
                let context = "corpus[\(index)] P=\(parts) chunk=\(chunkSize.map(String.init) ?? "default")"
                let split = try SplitParse(path: path, parts: parts, chunkSize: chunkSize)
                expectSame(split.edges, whole, context)
                #expect(split.lineCounts.reduce(0, +) == lineCount(text), "\(context)")
                #expect(split.parts.map(\.entries).reduce(0, +) == whole.count + whole.zeroWeightEdges, "\(context)")
                let spans = split.parts.map(\.bytes).filter { !$0.isEmpty }
                #expect(spans.first?.lowerBound ?? 0 == 0, "\(context)")
                #expect(spans.last?.upperBound ?? size == size, "\(context)")
                for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.upperBound == b.lowerBound, "\(context)") }
                for part in split.parts where part.bytes.isEmpty { #expect(part.lines == 0, "\(context)") }
            }
        }
    }

    /// Two ranges cut at every byte: the first owns exactly the lines that start before the cut,
    /// whatever the cut position is (on `\n`, just after it, between `\r` and `\n`, mid-token).
    @Test(arguments: corpus.indices)
    func everyCutPositionSplitsAtALineStart(index: Int) throws {
        let text = Self.corpus[index]
        let dir = try ScratchDirectory()
        let path = dir.write("g.txt", text)
        let probe = try GraphReader.probe(path: path)
        let whole = try EdgeListParser.parse(path: path)
        let bytes = Array(text.utf8)
        var lineStarts = bytes.isEmpty ? [] : [0]
        for (offset, byte) in bytes.enumerated() where byte == 0x0A && offset + 1 < bytes.count { lineStarts.append(offset + 1) }
        for cut in 0...bytes.count {
            for chunkSize in [1, 3, 1 << 20] {
                let head = try EdgeListParser.parse(path: path, range: 0..<cut, probe: probe, chunkSize: chunkSize)
                let tail = try EdgeListParser.parse(path: path, range: cut..<bytes.count, probe: probe, chunkSize: chunkSize)
                let context = "corpus[\(index)] cut=\(cut) chunk=\(chunkSize)"
                #expect(head.lines == lineStarts.filter { $0 < cut }.count, "\(context)")
                #expect(tail.lines == lineStarts.filter { $0 >= cut }.count, "\(context)")
                expectSame(concatenate([head.edges, tail.edges]), whole, context)
                if tail.lines > 0 { #expect(tail.bytes.lowerBound == lineStarts.first { $0 >= cut }, "\(context)") }
                if head.lines > 0 && tail.lines > 0 { #expect(head.bytes.upperBound == tail.bytes.lowerBound, "\(context)") }
            }
        }
    }

    /// Hand-placed cuts: on the LF of a CRLF, on its CR, just after it, on a plain LF, just
    /// after it, and the same through the public API (9 parts of 18 bytes cut at every even byte).
    @Test func cutsOnLFAfterLFAndInsideCRLF() throws {
        let text = "0 1\r\n2 3\n4 5\r\n6 7\n"
        // Bytes 0-4 "0 1\r\n" (CR 3, LF 4), 5-8 "2 3\n" (LF 8), 9-13 "4 5\r\n" (CR 12, LF 13), 14-17 "6 7\n".
        let dir = try ScratchDirectory()
        let path = dir.write("cuts.txt", text)
        let probe = try GraphReader.probe(path: path)
        let cases: [(cut: Int, head: [UInt64])] = [
            (0, []), (1, [0]), (3, [0]), (4, [0]), (5, [0]), (6, [0, 2]), (8, [0, 2]), (9, [0, 2]),
            (10, [0, 2, 4]), (12, [0, 2, 4]), (13, [0, 2, 4]), (14, [0, 2, 4]), (15, [0, 2, 4, 6]), (18, [0, 2, 4, 6]),
        ]
        for (cut, expectedHead) in cases {
            let head = try EdgeListParser.parse(path: path, range: 0..<cut, probe: probe)
            let tail = try EdgeListParser.parse(path: path, range: cut..<18, probe: probe)
            #expect(head.edges.sources == expectedHead, "cut \(cut)")
            #expect(tail.edges.sources == [0, 2, 4, 6].filter { !expectedHead.contains($0) }, "cut \(cut)")
            #expect(head.lines == expectedHead.count, "cut \(cut)")
            #expect(tail.lines == 4 - expectedHead.count, "cut \(cut)")
        }
        let split = try SplitParse(path: path, parts: 9)
        #expect(split.parts.map(\.edges.sources) == [[0], [], [2], [], [4], [], [], [6], []])
        #expect(split.lineCounts == [1, 0, 1, 0, 1, 0, 0, 1, 0])
        #expect(split.parts.map(\.bytes) == [0..<5, 5..<5, 5..<9, 9..<9, 9..<14, 14..<14, 14..<14, 14..<18, 18..<18])
    }

    /// Enough edges that parts reserve from their first 65536 lines, and default-size chunks.
    @Test(arguments: [1, 2, 3, 5])
    func largeFile(parts: Int) throws {
        let dir = try ScratchDirectory()
        var text = "# big\n"
        for i in 0..<150_000 { text += i % 5 == 0 ? "\(i)\t\(i &* 7919 % 100_000)\t\(i % 3)\r\n" : "\(i) \(i + 1) 0.25\n" }
        let path = dir.write("big.tsv", text)
        let whole = try EdgeListParser.parse(path: path)
        let split = try SplitParse(path: path, parts: parts)
        expectSame(split.edges, whole, "P=\(parts)")
        #expect(split.lineCounts.reduce(0, +) == 150_001)
        #expect(whole.count + whole.zeroWeightEdges == 150_000)
    }

    /// A bad line placed at every data line of a file: the lowest failing part reports it, and
    /// after adding the lines of the parts before it, it is the whole-file error exactly.
    @Test(arguments: [
        ("1 x", "non-numeric node ID 'x'"),
        ("4 5 6 7", "expected 3 fields as on line 3, found 4"),
        ("4 5", "expected 3 fields as on line 3, found 2"),
        ("4 5 -2", "negative weight -2"),
        ("4 5 nan", "weight is NaN"),
        ("4,,5 1", "empty field"),
    ])
    func errorsGetTheirGlobalLineNumber(badLine: String, reason: String) throws {
        let dir = try ScratchDirectory()
        // Line 3 is the first data line (it sets 3 fields); data lines are 3, 4, 6, 7, ...
        var lines = ["# header", "", "0 1 1"]
        for i in 0..<24 { lines.append(i % 5 == 2 ? "% comment" : "\(i) \(i + 1) \(i).5") }
        let dataLines = lines.indices.filter { $0 >= 3 && !lines[$0].hasPrefix("%") }
        for target in dataLines {
            for crlf in [false, true] {
                var copy = lines
                copy[target] = badLine
                let separator = crlf ? "\r\n" : "\n"
                // The last line has no line end when the error is on it.
                let text = copy.joined(separator: separator) + (target == copy.count - 1 ? "" : separator)
                let path = dir.write("bad.txt", text)
                let expected = InputError(file: path, line: target + 1, reason: reason)
                #expect(inputError { _ = try EdgeListParser.parse(path: path) } == expected)
                try expectGlobalError(path: path, expected: expected, lines: lineCount(text))
            }
        }
    }

    /// A first data line with 2 fields, a later line with 3: the message names the first data line,
    /// which a part that starts later cannot see.
    @Test func fieldCountMessageNamesTheFilesFirstDataLine() throws {
        let dir = try ScratchDirectory()
        let text = "# c\n% c\n\n7 8\n" + (0..<30).map { "\($0) \($0 + 1)" }.joined(separator: "\n") + "\n1 2 3\n"
        let path = dir.write("g.txt", text)
        let expected = InputError(file: path, line: 35, reason: "expected 2 fields as on line 4, found 3")
        #expect(inputError { _ = try EdgeListParser.parse(path: path) } == expected)
        try expectGlobalError(path: path, expected: expected, lines: lineCount(text))
    }
}

/// For every part count: exactly the parts before the one that owns the bad line succeed, that one
/// fails, and its error offset by the earlier parts' lines is `expected`.
private func expectGlobalError(path: String, expected: InputError, lines: Int,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
    let probe = try GraphReader.probe(path: path)
    for parts in partCounts(lines: lines, dataBytes: probe.plan.dataBytes) {
        var counts: [Int] = []
        var reported: InputError?
        for part in 0..<parts {
            do throws(InputError) {
                counts.append(try GraphReader.parse(path: path, part: part, of: parts, probe: probe).lines)
            } catch {
                reported = error.offsetting(by: probe.lineOffset(part: part, lineCounts: counts))
                break
            }
        }
        #expect(reported == expected, "P=\(parts)", sourceLocation: sourceLocation)
        // The parts that succeeded hold exactly the lines before the bad one.
        #expect(probe.linesBeforeData + counts.reduce(0, +) < expected.line!, "P=\(parts)", sourceLocation: sourceLocation)
    }
}

@Suite struct MatrixMarketRangeTests {
    static let corpus: [String] = [
        "%%MatrixMarket matrix coordinate real general\n% c\n%\n4 4 3\n1 2 0.5\n3 1 2\n4 4 1e1\n",
        "%%MatrixMarket matrix coordinate pattern general\n4 4 3\n1 2\n3 1\n4 4\n",
        "%%MatrixMarket matrix coordinate real symmetric\n4 4 4\n2 1 0.5\n% mid\n\n3 1 2\n4 4 1e1\n4 2 0",
        "%%MatrixMarket matrix coordinate pattern symmetric\r\n%c\r\n5 5 4\r\n2 1\r\n\r\n3 1\r\n5 4\r\n4 4\r\n",
        "%%matrixmarket MATRIX Coordinate INTEGER General\r\n\r\n  10 10 4\r\n1 10 0\r\n10 1 3\r\n2\t3\t7\r\n5 6 2",
        "%%MatrixMarket matrix coordinate real general\n3 3 0\n",
        "%%MatrixMarket matrix coordinate real general\n3 3 0",
        "\u{FEFF}%%MatrixMarket matrix coordinate pattern general\n2 2 1\n% only a comment after the size line\n1 2\n",
    ] + [generatedMatrixMarket(symmetric: false, pattern: false, crlf: true),
         generatedMatrixMarket(symmetric: true, pattern: true, crlf: false)]

    static func generatedMatrixMarket(symmetric: Bool, pattern: Bool, crlf: Bool, entries: Int = 60) -> String {
        let end = crlf ? "\r\n" : "\n"
        var body: [String] = []
        for i in 1...entries {
            let (row, column) = symmetric ? (max(i % 50 + 1, (i * 7) % 50 + 1), min(i % 50 + 1, (i * 7) % 50 + 1)) : (i % 50 + 1, (i * 13) % 50 + 1)
            body.append(pattern ? "\(row) \(column)" : "\(row) \(column) \(Double(i % 9) / 4)")
            if i % 11 == 0 { body.append("% note \(i)") }
            if i % 17 == 0 { body.append("") }
        }
        let header = "%%MatrixMarket matrix coordinate \(pattern ? "pattern" : "real") \(symmetric ? "symmetric" : "general")"
        return ([header, "% generated", "50 50 \(entries)"] + body).joined(separator: end) + end
    }

    @Test(arguments: corpus.indices)
    func partsConcatenateToTheWholeFile(index: Int) throws {
        let text = Self.corpus[index]
        let dir = try ScratchDirectory()
        let path = dir.write("m.mtx", text)
        let whole = try MatrixMarketParser.parse(path: path)
        let probe = try GraphReader.probe(path: path)
        for parts in partCounts(lines: lineCount(text), dataBytes: probe.plan.dataBytes) {
            for chunkSize in [nil, 1, 5] as [Int?] {
                let context = "corpus[\(index)] P=\(parts) chunk=\(chunkSize.map(String.init) ?? "default")"
                let split = try SplitParse(path: path, parts: parts, chunkSize: chunkSize)
                expectSame(split.edges, whole, context)
                #expect(split.parts.allSatisfy { $0.edges.declaredNodeCount == whole.declaredNodeCount }, "\(context)")
                #expect(split.parts.allSatisfy { ($0.edges.weights == nil) == !probe.isWeighted }, "\(context)")
                #expect(probe.linesBeforeData + split.lineCounts.reduce(0, +) == lineCount(text), "\(context)")
                #expect(split.parts.map(\.entries).reduce(0, +) == probe.declaredEntries, "\(context)")
                let spans = split.parts.map(\.bytes).filter { !$0.isEmpty }
                #expect(spans.first?.lowerBound ?? probe.dataStart == probe.dataStart, "\(context)")
                #expect(spans.last?.upperBound ?? probe.fileSize == probe.fileSize, "\(context)")
                for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.upperBound == b.lowerBound, "\(context)") }
                try MatrixMarketParser.checkEntryCount(path: path, probe: probe, entryCounts: split.parts.map(\.entries),
                                                       lineCounts: split.lineCounts)
            }
        }
    }

    @Test(arguments: corpus.indices)
    func everyCutPositionSplitsAtALineStart(index: Int) throws {
        let text = Self.corpus[index]
        let dir = try ScratchDirectory()
        let path = dir.write("m.mtx", text)
        let probe = try GraphReader.probe(path: path)
        let whole = try MatrixMarketParser.parse(path: path)
        let bytes = Array(text.utf8)
        var dataLineStarts: [Int] = []
        for (offset, byte) in bytes.enumerated() where byte == 0x0A && offset + 1 < bytes.count && offset + 1 >= probe.dataStart {
            dataLineStarts.append(offset + 1)
        }
        for cut in probe.dataStart...bytes.count {
            for chunkSize in [1, 1 << 20] {
                let head = try MatrixMarketParser.parse(path: path, range: probe.dataStart..<cut, probe: probe, chunkSize: chunkSize)
                let tail = try MatrixMarketParser.parse(path: path, range: cut..<bytes.count, probe: probe, chunkSize: chunkSize)
                let context = "corpus[\(index)] cut=\(cut) chunk=\(chunkSize)"
                #expect(head.lines == dataLineStarts.filter { $0 < cut }.count, "\(context)")
                #expect(tail.lines == dataLineStarts.filter { $0 >= cut }.count, "\(context)")
                expectSame(concatenate([head.edges, tail.edges]), whole, context)
            }
        }
    }

    @Test(arguments: [
        ("0 1 1", "row index 0 is out of range 1..50"),
        ("1 51 1", "column index 51 is out of range 1..50"),
        ("x 2 1", "non-numeric row index 'x'"),
        ("1 2 -2", "negative weight -2"),
        ("1 2", "expected 3 fields (row column value), found 2"),
        ("1 2 3 4", "expected 3 fields (row column value), found 4"),
    ])
    func errorsGetTheirGlobalLineNumber(badLine: String, reason: String) throws {
        let dir = try ScratchDirectory()
        let lines = Self.generatedMatrixMarket(symmetric: false, pattern: false, crlf: false, entries: 24)
            .split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let entryLines = lines.indices.filter { $0 >= 3 && !lines[$0].isEmpty && !lines[$0].hasPrefix("%") }
        for target in entryLines where target % 2 == 0 || target == entryLines.last! || target == entryLines.first! {
            for crlf in [false, true] {
                var copy = lines
                copy[target] = badLine
                let separator = crlf ? "\r\n" : "\n"
                let text = copy.joined(separator: separator) + (target == copy.count - 1 ? "" : separator)
                let path = dir.write("bad.mtx", text)
                let expected = InputError(file: path, line: target + 1, reason: reason)
                #expect(inputError { _ = try MatrixMarketParser.parse(path: path) } == expected)
                try expectGlobalError(path: path, expected: expected, lines: lineCount(text))
            }
        }
    }

    /// The entry count is a global check: every part parses, the sum disagrees with the header,
    /// and the error is the whole-file one (the size line for too few, the first extra entry for
    /// too many), whichever part holds that entry.
    @Test(arguments: [
        "%%MatrixMarket matrix coordinate pattern general\n%\n3 3 10\n" + String(repeating: "1 2\n", count: 9),
        "%%MatrixMarket matrix coordinate pattern general\n3 3 2\n1 2\n2 3\n%\n3 1\n1 1\n",
        "%%MatrixMarket matrix coordinate real general\r\n3 3 0\r\n\r\n1 2 1\r\n",
        "%%MatrixMarket matrix coordinate real general\n3 3 5\n" + (0..<12).map { "\($0 % 3 + 1) 1 \($0)" }.joined(separator: "\n"),
        "%%MatrixMarket matrix coordinate real general\n3 3 1\n",
    ])
    func entryCountIsCheckedOverAllParts(text: String) throws {
        let dir = try ScratchDirectory()
        let path = dir.write("count.mtx", text)
        let expected = inputError { _ = try MatrixMarketParser.parse(path: path) }
        #expect(expected?.reason.hasPrefix("header declares") == true)
        let probe = try GraphReader.probe(path: path)
        for parts in partCounts(lines: lineCount(text), dataBytes: probe.plan.dataBytes) {
            let split = try SplitParse(path: path, parts: parts)
            #expect(inputError {
                try MatrixMarketParser.checkEntryCount(path: path, probe: probe, entryCounts: split.parts.map(\.entries),
                                                       lineCounts: split.lineCounts)
            } == expected, "P=\(parts)")
        }
    }
}

@Suite struct InputErrorOffsetTests {
    @Test func offsettingMovesOnlyTheLine() {
        let error = InputError(file: "g.txt", line: 3, reason: "bad")
        #expect(error.offsetting(by: 40) == InputError(file: "g.txt", line: 43, reason: "bad"))
        #expect(error.offsetting(by: 40).description == "g.txt:43: bad")
        #expect(error.offsetting(by: 0) == error)
        let noLine = InputError(file: "g.txt", reason: "cannot open")
        #expect(noLine.offsetting(by: 40) == noLine)
    }
}
