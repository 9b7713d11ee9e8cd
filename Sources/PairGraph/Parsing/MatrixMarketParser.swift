/// Reads Matrix Market coordinate files (the SuiteSparse collection's format) as graphs:
/// `%%MatrixMarket matrix coordinate {real|integer|pattern} {general|symmetric}`, comments, a size
/// line `M N NNZ`, then NNZ entries `i j [v]` with 1-based indices. Index i becomes node ID i-1,
/// as in `scipy.io.mmread`, so results line up with Python tooling. A symmetric file's single
/// triangle is returned as is: symmetrisation happens later, the same way for every format.
public enum MatrixMarketParser {
    public static func parse(path: String) throws(InputError) -> EdgeList {
        try parse(path: path, chunkSize: ChunkedLineReader.defaultChunkSize)
    }

    static func parse(path: String, chunkSize: Int) throws(InputError) -> EdgeList {
        var state = MatrixMarketState(file: path)
        try ChunkedLineReader.forEachLine(path: path, chunkSize: chunkSize) { (line, location) throws(InputError) in
            try state.consume(&line, at: location)
        }
        return try state.finish()
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
enum MatrixMarketField: String {
    case real, integer, pattern
}

/// The parts of the banner line a graph can use.
struct MatrixMarketHeader {
    var field: MatrixMarketField
    var symmetric: Bool

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

/// Header, size line and entries, in that order.
private struct MatrixMarketState {
    let file: String
    var header: MatrixMarketHeader?
    /// Node count N from the size line, once read.
    var nodeCount: UInt64?
    var declaredEntries = 0
    var sizeLine = 0
    var entriesFound = 0
    /// The first entry past the declared count, reported once the real total is known.
    var firstExtraLine = 0
    var edges = EdgeList()
    var weights: [Double] = []

    init(file: String) { self.file = file }

    mutating func consume(_ line: inout ByteScanner, at location: LineLocation) throws(InputError) {
        guard let header else {
            do {
                header = try MatrixMarketHeader(line: line.remainingText())
            } catch {
                throw InputError(file: file, line: location.number, reason: error.reason)
            }
            return
        }
        line.skipBlanks()
        if line.isAtEnd || line.current == ASCII.percent { return }
        guard let nodeCount else { return try readSize(&line, location) }
        if entriesFound >= declaredEntries {
            if firstExtraLine == 0 { firstExtraLine = location.number }
            entriesFound += 1
            return
        }
        try readEntry(&line, location, header: header, nodeCount: nodeCount)
    }

    func finish() throws(InputError) -> EdgeList {
        guard header != nil else { throw InputError(file: file, reason: "not a Matrix Market file (file is empty)") }
        guard nodeCount != nil else { throw InputError(file: file, reason: "missing size line 'rows columns entries'") }
        if entriesFound != declaredEntries {
            // Too few: point at the size line that promised more. Too many: at the first extra one.
            throw InputError(file: file, line: entriesFound < declaredEntries ? sizeLine : firstExtraLine,
                             reason: "header declares \(declaredEntries) entries, found \(entriesFound)")
        }
        var result = edges
        if header?.field != .pattern { result.weights = weights }
        return result
    }

    private mutating func readSize(_ line: inout ByteScanner, _ location: LineLocation) throws(InputError) {
        let malformed = InputError(file: file, line: location.number,
                                   reason: "malformed size line '\(line.remainingText())': expected 'rows columns entries'")
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
        nodeCount = numbers[1]
        declaredEntries = Int(numbers[2])
        sizeLine = location.number
        edges.declaredNodeCount = Int(numbers[1])
        // Every entry line has at least 4 bytes, so a lying header cannot make us over-allocate.
        let capacity = min(declaredEntries, location.fileSize / 4 + 16)
        edges.sources.reserveCapacity(capacity)
        edges.targets.reserveCapacity(capacity)
        if header?.field != .pattern { weights.reserveCapacity(capacity) }
    }

    /// One `i j [v]` line. Errors are built only on failure, and nothing here captures `self` in a
    /// closure: that would retain the file name per line and cost a third of the throughput.
    @inline(__always)
    private mutating func readEntry(_ line: inout ByteScanner, _ location: LineLocation,
                                    header: MatrixMarketHeader, nodeCount: UInt64) throws(InputError) {
        let pattern = header.field == .pattern
        let row = try index(&line, .row, nodeCount, location)
        guard try separator(&line, location) else { throw countError(line, found: 1, pattern: pattern, location) }
        let column = try index(&line, .column, nodeCount, location)
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
    private func index(_ line: inout ByteScanner, _ role: IndexRole, _ nodeCount: UInt64,
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

    /// The entry's value: a decimal for `real`, a signed integer for `integer`.
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
