import NpyFormat

/// Reads Matrix Market coordinate files (the SuiteSparse collection's format) as graphs:
/// `%%MatrixMarket matrix coordinate {real|integer|pattern} {general|symmetric}`, comments, a size
/// line `M N NNZ`, then NNZ entries `i j [v]` with 1-based indices. Index i becomes node ID i-1,
/// as in `scipy.io.mmread`, so results line up with Python tooling. A symmetric file's single
/// triangle is returned as is: symmetrisation happens later, the same way for every format.
public enum MatrixMarketParser: LineFormatParser {
    typealias State = MatrixMarketState

    /// The entry lines whose first byte lies in `range` (any range inside the data section, which
    /// starts after the size line, so `probe` from `GraphReader.probe(path:)` must come first).
    /// Rules and messages are those of `parse(path:)`, except:
    /// - line numbers in errors count from 1 at the part's first line: add the lines before it
    ///   with `InputError.offsetting(by:)` and `GraphProbe.lineOffset(part:lineCounts:)`;
    /// - the entry count is checked over all parts, by the caller: `RangeParse.entries` of every
    ///   part go to `checkEntryCount(path:probe:entryCounts:lineCounts:)`;
    /// - a part cannot know which entries lie past the declared count, so it parses (and
    ///   validates) all of them, where the whole-file parse only counts the extra ones.
    /// Concatenating the parts' edges in part order gives exactly `parse(path:)` for a file whose
    /// entry count matches its header.
    static func parse(path: String, range: Range<Int>, probe: GraphProbe,
                      chunkSize: Int = ChunkedLineReader.defaultChunkSize) throws(InputError) -> RangeParse {
        guard probe.format == .matrixMarket, let header = probe.matrixMarketHeader,
              let nodeCount = probe.declaredNodeCount, let declared = probe.declaredEntries else {
            preconditionFailure("a Matrix Market part needs a Matrix Market probe")
        }
        let plan = probe.plan
        var entries = MatrixMarketEntries(file: path, header: header, nodeCount: nodeCount, limit: .max)
        // The part's share of the declared entries (+5%), and never more than its lines can hold.
        let share = Double(declared) * Double(range.count) / Double(max(1, plan.dataBytes)) * 1.05
        entries.reserve(min(declared, range.count / 4 + 16, Int(share) + 1024))
        let scan = try ChunkedLineReader.forEachLine(path: path, in: range, chunkSize: chunkSize) {
            (line, location) throws(InputError) -> Bool in
            try entries.consume(&line, at: location)
            return true
        }
        return RangeParse(edges: entries.edgeList, lines: scan.lines, entries: entries.entriesFound, bytes: scan.bytes)
    }

    /// The entry-count check of a file parsed in parts: `entryCounts[r]` and `lineCounts[r]` are
    /// `RangeParse.entries` and `.lines` of part r of `entryCounts.count`. Throws exactly the
    /// error `parse(path:)` gives, with a global line number: too few entries point at the size
    /// line, too many at the first entry past the declared count (found by re-reading the one
    /// part that holds it, which only happens on this error path).
    public static func checkEntryCount(path: String, probe: GraphProbe, entryCounts: [Int],
                                       lineCounts: [Int]) throws(InputError) {
        precondition(entryCounts.count == lineCounts.count && !entryCounts.isEmpty)
        guard let declared = probe.declaredEntries else { preconditionFailure("a Matrix Market probe is needed") }
        let found = entryCounts.reduce(0, +)
        if found == declared { return }
        let reason = "header declares \(declared) entries, found \(found)"
        if found < declared { throw InputError(file: path, line: probe.sizeLine, reason: reason) }
        var before = 0     // entries in the parts before `part`
        for part in entryCounts.indices {
            if declared < before + entryCounts[part] {
                let line = try lineOfEntry(declared - before, path: path, part: part, of: entryCounts.count, probe: probe)
                throw InputError(file: path, line: line + probe.lineOffset(part: part, lineCounts: lineCounts), reason: reason)
            }
            before += entryCounts[part]
        }
        throw InputError(file: path, reason: reason)   // unreachable: found > declared
    }

    /// The part-relative line of entry `index` (0-based) of part `part` of `parts`: the
    /// index-th line that is neither blank nor a comment. 0 if the part has fewer entries.
    static func lineOfEntry(_ index: Int, path: String, part: Int, of parts: Int,
                            probe: GraphProbe) throws(InputError) -> Int {
        var seen = 0
        var found = 0
        _ = try ChunkedLineReader.forEachLine(path: path, in: probe.plan.range(part: part, of: parts)) {
            (line, location) throws(InputError) -> Bool in
            line.skipBlanks()
            if line.isAtEnd || line.current == ASCII.percent { return true }
            if seen == index {
                found = location.number
                return false
            }
            seen += 1
            return true
        }
        return found
    }

    /// Reads the banner, comments and size line; the data section starts after the size line.
    /// Comment and blank lines between the banner and the size line are before `dataStart`
    /// (counted in `linesBeforeData`); those after it are in the data section and skipped by
    /// whichever part owns them.
    static func probe(path: String) throws(InputError) -> GraphProbe {
        var preamble = MatrixMarketPreamble(file: path)
        let (scan, fileSize) = try ChunkedLineReader.scanFromStart(path: path, chunkSize: GraphProbe.chunkSize) {
            (line, location) throws(InputError) -> Bool in
            !(try preamble.consume(&line, at: location))
        }
        guard let header = preamble.header, let nodeCount = preamble.nodeCount else {
            throw preamble.endOfFileError()
        }
        return GraphProbe(format: .matrixMarket, fileSize: fileSize, dataStart: scan.bytes.upperBound,
                          linesBeforeData: scan.lines, fieldCount: header.field == .pattern ? 2 : 3,
                          firstDataLine: nil, declaredNodeCount: Int(nodeCount),
                          declaredEntries: preamble.declaredEntries, sizeLine: preamble.sizeLine,
                          matrixMarketHeader: header)
    }

    /// Whether `bytes` (the start of a file) begin with the banner, case-insensitively; a UTF-8
    /// byte order mark in front is tolerated as the line reader skips it too.
    static func hasBanner(_ bytes: [UInt8]) -> Bool {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        let banner = Array("%%matrixmarket".utf8)
        guard body.count >= banner.count else { return false }
        return zip(body, banner).allSatisfy { byte, expected in byte == expected || byte | 0x20 == expected }
    }
}

/// The header's field: what each entry's value is.
enum MatrixMarketField: String, Sendable {
    case real, integer, pattern
}

/// The parts of the banner line a graph can use.
struct MatrixMarketHeader: Equatable, Sendable {
    var field: MatrixMarketField
    var symmetric: Bool

    init(field: MatrixMarketField, symmetric: Bool) {
        self.field = field
        self.symmetric = symmetric
    }

    /// Validates the banner, naming exactly what is unsupported, since a user handed a complex or
    /// dense (`array`) file needs to know that it is the file, not the parser, that is wrong.
    init(line: String) throws(MatrixMarketHeaderError) {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map { $0.lowercased() }
        guard let banner = words.first, banner == "%%matrixmarket" else {
            throw MatrixMarketHeaderError("not a Matrix Market file (missing %%MatrixMarket header)")
        }
        guard words.count >= 5 else {
            throw MatrixMarketHeaderError("incomplete header: expected '%%MatrixMarket matrix coordinate <field> <symmetry>'")
        }
        guard words[1] == "matrix" else { throw MatrixMarketHeaderError("object '\(words[1])' is not supported (expected 'matrix')") }
        switch words[2] {
        case "coordinate": break
        case "array": throw MatrixMarketHeaderError("array format is not supported (a graph needs 'coordinate')")
        default: throw MatrixMarketHeaderError("unknown format '\(words[2])' (expected 'coordinate')")
        }
        switch words[3] {
        case "complex": throw MatrixMarketHeaderError("complex field is not supported")
        case let word:
            guard let field = MatrixMarketField(rawValue: word) else {
                throw MatrixMarketHeaderError("unknown field '\(word)' (expected real, integer or pattern)")
            }
            self.field = field
        }
        switch words[4] {
        case "general": symmetric = false
        case "symmetric": symmetric = true
        case "hermitian": throw MatrixMarketHeaderError("hermitian symmetry is not supported")
        case "skew-symmetric": throw MatrixMarketHeaderError("skew-symmetric symmetry is not supported")
        default: throw MatrixMarketHeaderError("unknown symmetry '\(words[4])' (expected general or symmetric)")
        }
    }
}

/// A header problem before the file and line are attached.
struct MatrixMarketHeaderError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A whole file: the preamble, then entries up to the declared count (later ones are counted,
/// not parsed, and reported by `finish`).
struct MatrixMarketState: WholeFileParse {
    var preamble: MatrixMarketPreamble
    var entries: MatrixMarketEntries
    var inData = false

    init(file: String) {
        preamble = MatrixMarketPreamble(file: file)
        entries = MatrixMarketEntries(file: file, header: MatrixMarketHeader(field: .pattern, symmetric: false),
                                      nodeCount: 0, limit: 0)
    }

    @inline(__always)
    mutating func consume(_ line: inout ByteScanner, at location: LineLocation) throws(InputError) {
        if inData { return try entries.consume(&line, at: location) }
        try consumePreamble(&line, at: location)
    }

    /// Out of line: it runs for a few lines only and must not crowd the entry loop.
    @inline(never)
    private mutating func consumePreamble(_ line: inout ByteScanner, at location: LineLocation) throws(InputError) {
        guard try preamble.consume(&line, at: location), let header = preamble.header,
              let nodeCount = preamble.nodeCount else { return }
        let declared = preamble.declaredEntries
        entries = MatrixMarketEntries(file: preamble.file, header: header, nodeCount: Int(nodeCount), limit: declared)
        // Every entry line has at least 4 bytes, so a lying header cannot make us over-allocate.
        entries.reserve(min(declared, location.rangeEnd / 4 + 16))   // rangeEnd: the file size here
        inData = true
    }

    func finish() throws(InputError) -> EdgeList {
        guard inData else { throw preamble.endOfFileError() }
        let declared = preamble.declaredEntries
        if entries.entriesFound != declared {
            // Too few: point at the size line that promised more. Too many: at the first extra one.
            throw InputError(file: preamble.file,
                             line: entries.entriesFound < declared ? preamble.sizeLine : entries.firstExtraLine,
                             reason: "header declares \(declared) entries, found \(entries.entriesFound)")
        }
        return entries.edgeList
    }
}

/// The banner, then comments and blank lines, then the size line `M N NNZ`: everything before
/// the data section. Shared by the whole-file parse and the probe.
struct MatrixMarketPreamble {
    let file: String
    var header: MatrixMarketHeader?
    /// Node count N from the size line, once read.
    var nodeCount: UInt64?
    var declaredEntries = 0
    var sizeLine = 0

    init(file: String) { self.file = file }

    /// Takes one line; returns true for the size line, the last line of the preamble.
    mutating func consume(_ line: inout ByteScanner, at location: LineLocation) throws(InputError) -> Bool {
        guard header != nil else {
            do {
                header = try MatrixMarketHeader(line: line.remainingText())
            } catch {
                throw InputError(file: file, line: location.number, reason: error.reason)
            }
            return false
        }
        line.skipBlanks()
        if line.isAtEnd || line.current == ASCII.percent { return false }
        try readSize(&line, location)
        return true
    }

    /// The file ended before the size line.
    func endOfFileError() -> InputError {
        guard header != nil else { return InputError(file: file, reason: "not a Matrix Market file (file is empty)") }
        return InputError(file: file, reason: "missing size line 'rows columns entries'")
    }

    private mutating func readSize(_ line: inout ByteScanner, _ location: LineLocation) throws(InputError) {
        let malformed = InputError(file: file, line: location.number,
                                   reason: "malformed size line '\(TerminalSafeText.escaping(line.remainingText()))': expected 'rows columns entries'")
        var numbers: [UInt64] = []
        do {
            repeat { numbers.append(try line.readUInt64()) } while try line.advanceToNextField()
        } catch {
            throw malformed
        }
        guard numbers.count == 3 else { throw malformed }
        guard numbers[0] == numbers[1] else {
            throw InputError(file: file, line: location.number,
                             reason: "matrix is \(numbers[0]) x \(numbers[1]); a graph needs a square matrix")
        }
        guard numbers[1] <= UInt64(Int.max), numbers[2] <= UInt64(Int.max) else { throw malformed }
        // Rows are Int32 throughout; refuse here, before anything of size N is allocated.
        guard numbers[1] < UInt64(Int32.max) else {
            throw InputError(file: file, line: location.number,
                             reason: "declares \(numbers[1]) nodes; at most \(Int32.max - 1) are supported")
        }
        nodeCount = numbers[1]
        declaredEntries = Int(numbers[2])
        sizeLine = location.number
    }
}

/// Entry lines `i j [v]`, for a whole file or one part of it. Blank and `%` lines are skipped.
struct MatrixMarketEntries {
    let file: String
    let header: MatrixMarketHeader
    let nodeCount: UInt64
    /// Entries past this many are counted but not parsed: the declared count for a whole file
    /// (the extras become one "header declares" error), `.max` for a part.
    let limit: Int
    var entriesFound = 0
    /// The first entry past `limit`, reported once the real total is known.
    var firstExtraLine = 0
    var edges = EdgeList()
    var weights: [Double] = []

    init(file: String, header: MatrixMarketHeader, nodeCount: Int, limit: Int) {
        self.file = file
        self.header = header
        self.nodeCount = UInt64(nodeCount)
        self.limit = limit
        edges.declaredNodeCount = nodeCount
    }

    var edgeList: EdgeList {
        var result = edges
        if header.field != .pattern { result.weights = weights }
        return result
    }

    mutating func reserve(_ capacity: Int) {
        edges.sources.reserveCapacity(capacity)
        edges.targets.reserveCapacity(capacity)
        if header.field != .pattern { weights.reserveCapacity(capacity) }
    }

    @inline(__always)
    mutating func consume(_ line: inout ByteScanner, at location: LineLocation) throws(InputError) {
        line.skipBlanks()
        if line.isAtEnd || line.current == ASCII.percent { return }
        if entriesFound >= limit {
            if firstExtraLine == 0 { firstExtraLine = location.number }
            entriesFound += 1
            return
        }
        try readEntry(&line, location)
    }

    /// One `i j [v]` line. Errors are built only on failure, and nothing here captures `self` in a
    /// closure: that would retain the file name per line and cost a third of the throughput.
    @inline(__always)
    private mutating func readEntry(_ line: inout ByteScanner, _ location: LineLocation) throws(InputError) {
        let pattern = header.field == .pattern
        let row = try index(&line, .row, location)
        guard try separator(&line, location) else { throw countError(line, found: 1, pattern: pattern, location) }
        let column = try index(&line, .column, location)
        let hasMore = try separator(&line, location)
        var value = 1.0
        if !pattern {
            guard hasMore else { throw countError(line, found: 2, pattern: pattern, location) }
            value = try self.value(&line, header.field, location)
            if try separator(&line, location) { throw countError(line, found: 3, pattern: pattern, location) }
        } else if hasMore {
            throw countError(line, found: 2, pattern: pattern, location)
        }
        entriesFound += 1
        if value == 0 {
            edges.zeroWeightEdges += 1
            return
        }
        edges.sources.append(row - 1)
        edges.targets.append(column - 1)
        if !pattern { weights.append(value) }
    }

    private func fail(_ reason: String, _ location: LineLocation) -> InputError {
        InputError(file: file, line: location.number, reason: reason)
    }

    private func countError(_ line: ByteScanner, found: Int, pattern: Bool, _ location: LineLocation) -> InputError {
        let fields = pattern ? "2 fields (row column)" : "3 fields (row column value)"
        return fail("expected \(fields), found \(found + line.countFields())", location)
    }

    @inline(__always)
    private func separator(_ line: inout ByteScanner, _ location: LineLocation) throws(InputError) -> Bool {
        do { return try line.advanceToNextField() } catch { throw fail("empty field", location) }
    }

    private enum IndexRole: String { case row, column }

    /// A 1-based index in 1...N.
    @inline(__always)
    private func index(_ line: inout ByteScanner, _ role: IndexRole,
                       _ location: LineLocation) throws(InputError) -> UInt64 {
        let start = line.position
        let value: UInt64
        do {
            value = try line.readUInt64()
        } catch {
            switch error {
            case .missing: throw fail("empty field", location)
            case .notNumeric: throw fail("non-numeric \(role) index '\(line.token(from: start))'", location)
            case .negative, .overflow: value = 0  // reported as out of range below, with the token
            }
        }
        guard value >= 1 && value <= nodeCount else {
            throw fail("\(role) index \(line.token(from: start)) is out of range 1..\(nodeCount)", location)
        }
        return value
    }

    /// The entry's value: a decimal for `real`, a signed integer for `integer`. Inlined: as a
    /// call it costs the whole-file parse ~5%.
    @inline(__always)
    private func value(_ line: inout ByteScanner, _ field: MatrixMarketField,
                       _ location: LineLocation) throws(InputError) -> Double {
        let start = line.position
        let value: Double
        do {
            value = try line.readDouble()
        } catch {
            throw fail(FieldMessage.weight(error, token: line.token(from: start)), location)
        }
        if let reason = FieldMessage.invalidWeight(value, token: line.token(from: start)) { throw fail(reason, location) }
        if field == .integer && !Self.isIntegerToken(line, from: start) {
            throw fail("non-integer value '\(line.token(from: start))' in an integer matrix", location)
        }
        return value
    }

    /// `[+-]digits` only: "2.5" or "1e3" in an integer matrix means the header is wrong.
    private static func isIntegerToken(_ line: ByteScanner, from start: Int) -> Bool {
        var p = start
        if p < line.end && (line.base[p] == ASCII.plus || line.base[p] == ASCII.minus) { p += 1 }
        let digitsStart = p
        while p < line.end && line.base[p] &- ASCII.zero <= 9 { p += 1 }
        return p > digitsStart && (p == line.end || ByteScanner.isDelimiter(line.base[p]))
    }
}
