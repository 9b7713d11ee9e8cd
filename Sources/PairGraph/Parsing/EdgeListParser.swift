/// Reads SNAP/TSV/CSV edge lists: one `u v` or `u v w` per line, fields separated by blanks or a
/// comma, `#`/`%` comment lines, blank lines and CRLF line ends allowed. The first data line fixes
/// the column count for the whole file, because a file that mixes weighted and unweighted lines is
/// almost always a mistake (a shifted column, a concatenated file) rather than intent.
public enum EdgeListParser: LineFormatParser {
    typealias State = EdgeListState

    /// Parses the file at `path`. Edges with weight exactly 0 are dropped and counted in
    /// `zeroWeightEdges`; an unweighted file gives `weights == nil`. (Public for bench/micro; the
    /// package reads through `GraphReader`.)
    public static func parse(path: String) throws(InputError) -> EdgeList {
        try parse(path: path, chunkSize: ChunkedLineReader.defaultChunkSize)
    }

    /// The lines whose first byte lies in `range` (any range inside the data section), with the
    /// same rules and messages as `parse(path:)`, except that line numbers in errors count from 1
    /// at the range's first line: add the lines before it with `InputError.offsetting(by:)` and
    /// `GraphProbe.lineOffset(part:lineCounts:)`. A range cannot see the file's first data line,
    /// so the column count comes from `probe` (`GraphReader.probe(path:)`), and a count mismatch
    /// still names that line ("expected 2 fields as on line 3, found 4", a global line number).
    /// Concatenating the parts' edges in part order gives exactly `parse(path:)`.
    static func parse(path: String, range: Range<Int>, probe: GraphProbe,
                      chunkSize: Int = ChunkedLineReader.defaultChunkSize) throws(InputError) -> RangeParse {
        precondition(probe.format == .edgeList, "an edge list part needs an edge list probe")
        var state = EdgeListState(file: path, fieldCount: probe.fieldCount, firstDataLine: probe.firstDataLine ?? 0,
                                  rangeStart: range.lowerBound)
        let scan = try ChunkedLineReader.forEachLine(path: path, in: range, chunkSize: chunkSize) {
            (line, location) throws(InputError) -> Bool in
            try state.consume(&line, at: location)
            return true
        }
        let edges = state.edgeList
        return RangeParse(edges: edges, lines: scan.lines, entries: edges.count + edges.zeroWeightEdges, bytes: scan.bytes)
    }

    /// Reads up to the first data line, which fixes the column count; comment and blank lines
    /// before it are part of the data section (every reader skips them), so `dataStart` is 0.
    /// A file with no data line gives `fieldCount == 0` (its parts are all empty).
    static func probe(path: String) throws(InputError) -> GraphProbe {
        var fieldCount = 0
        var firstDataLine: Int?
        // A header line (EdgeListHeader) ends the data section's prefix: the parts start after it.
        var header: (line: Int, fields: Int)?
        var dataStart: Int?
        let (_, fileSize) = try ChunkedLineReader.scanFromStart(path: path, chunkSize: GraphProbe.chunkSize) {
            (line, location) throws(InputError) -> Bool in
            if header != nil && dataStart == nil { dataStart = location.byteOffset }
            line.skipBlanks()
            if line.isAtEnd || line.current == ASCII.hash || line.current == ASCII.percent { return true }
            if header == nil, let fields = try EdgeListHeader.fieldCount(line, file: path, at: location) {
                header = (location.number, fields)
                return true
            }
            fieldCount = try EdgeListState.dataFieldCount(line, file: path, at: location)
            if let header {
                try EdgeListHeader.check(headerFields: header.fields, headerLine: header.line, dataFields: fieldCount,
                                         file: path, at: location)
            }
            firstDataLine = location.number
            return false
        }
        return GraphProbe(format: .edgeList, fileSize: fileSize, dataStart: header == nil ? 0 : dataStart ?? fileSize,
                          linesBeforeData: header?.line ?? 0, fieldCount: fieldCount, firstDataLine: firstDataLine)
    }
}

/// The growing result plus what the first data line decided. One per whole-file parse or part.
struct EdgeListState: WholeFileParse {
    let file: String
    var sources: [UInt64] = []
    var targets: [UInt64] = []
    var weights: [Double] = []
    var zeroWeightEdges = 0
    /// 2 or 3 once the first data line has been seen (or given by the probe, for a part).
    var fieldCount = 0
    /// The line that fixed `fieldCount`, for messages: always the file's own line number.
    var firstDataLine = 0
    /// A whole-file parse's header line (EdgeListHeader), 0 if none, and its field count.
    var headerLine = 0
    var headerFields = 0
    var reserved = false
    /// Where the read began (0 for a whole file), for the extrapolation.
    let rangeStart: Int

    init(file: String) {
        self.init(file: file, fieldCount: 0, firstDataLine: 0, rangeStart: 0)
    }

    init(file: String, fieldCount: Int, firstDataLine: Int, rangeStart: Int) {
        self.file = file
        self.fieldCount = fieldCount
        self.firstDataLine = firstDataLine
        self.rangeStart = rangeStart
    }

    var edgeList: EdgeList {
        EdgeList(sources: sources, targets: targets, weights: fieldCount == 3 ? weights : nil,
                 zeroWeightEdges: zeroWeightEdges)
    }

    func finish() -> EdgeList { edgeList }

    @inline(__always)
    mutating func consume(_ line: inout ByteScanner, at location: LineLocation) throws(InputError) {
        line.skipBlanks()
        if line.isAtEnd || line.current == ASCII.hash || line.current == ASCII.percent { return }
        if fieldCount == 0 {
            if headerLine == 0, let fields = try EdgeListHeader.fieldCount(line, file: file, at: location) {
                headerLine = location.number
                headerFields = fields
                return
            }
            try startData(line, at: location)
        }
        let u = try nodeID(&line, location)
        guard try separator(&line, location) else { throw countError(line, found: 1, location) }
        let v = try nodeID(&line, location)
        let hasMore = try separator(&line, location)
        if fieldCount == 2 {
            if hasMore { throw countError(line, found: 2, location) }
            append(u, v, location)
            return
        }
        guard hasMore else { throw countError(line, found: 2, location) }
        let weight = try self.weight(&line, location)
        if try separator(&line, location) { throw countError(line, found: 3, location) }
        if weight == 0 {
            zeroWeightEdges += 1
        } else {
            weights.append(weight)
            append(u, v, location)
        }
    }

    /// The first data line decides between `u v` and `u v w`.
    private mutating func startData(_ line: ByteScanner, at location: LineLocation) throws(InputError) {
        fieldCount = try Self.dataFieldCount(line, file: file, at: location)
        if headerLine > 0 {
            try EdgeListHeader.check(headerFields: headerFields, headerLine: headerLine, dataFields: fieldCount,
                                     file: file, at: location)
        }
        firstDataLine = location.number
    }

    /// The column count a first data line sets; shared with the probe so the message is the same.
    static func dataFieldCount(_ line: ByteScanner, file: String, at location: LineLocation) throws(InputError) -> Int {
        let found = line.countFields()
        guard found == 2 || found == 3 else {
            throw InputError(file: file, line: location.number,
                             reason: "expected 2 or 3 fields (u v [weight]), found \(found)")
        }
        return found
    }

    @inline(__always)
    private mutating func append(_ u: UInt64, _ v: UInt64, _ location: LineLocation) {
        sources.append(u)
        targets.append(v)
        if !reserved && sources.count == 1 << 16 { reserveFromFirstLines(location) }
    }

    /// Extrapolates the edge count from the bytes consumed so far and reserves once (+5%): over
    /// the whole file, or over the part's bytes for a byte-range read.
    private mutating func reserveFromFirstLines(_ location: LineLocation) {
        reserved = true
        let done = location.byteOffset - rangeStart
        let total = location.rangeEnd - rangeStart
        guard done > 0, total > 0 else { return }     // rangeEnd is 0 for a pipe
        let estimate = Double(sources.count) * Double(total) / Double(done) * 1.05
        let capacity = Int(estimate) + 1024
        sources.reserveCapacity(capacity)
        targets.reserveCapacity(capacity)
        if fieldCount == 3 { weights.reserveCapacity(capacity) }
    }

    @inline(__always)
    private func separator(_ line: inout ByteScanner, _ location: LineLocation) throws(InputError) -> Bool {
        do {
            return try line.advanceToNextField()
        } catch {
            throw InputError(file: file, line: location.number, reason: "empty field")
        }
    }

    @inline(__always)
    private func nodeID(_ line: inout ByteScanner, _ location: LineLocation) throws(InputError) -> UInt64 {
        let start = line.position
        do {
            return try line.readUInt64()
        } catch {
            throw InputError(file: file, line: location.number,
                             reason: FieldMessage.nodeID(error, token: line.token(from: start)))
        }
    }

    private func weight(_ line: inout ByteScanner, _ location: LineLocation) throws(InputError) -> Double {
        let start = line.position
        let value: Double
        do {
            value = try line.readDouble()
        } catch {
            throw InputError(file: file, line: location.number,
                             reason: FieldMessage.weight(error, token: line.token(from: start)))
        }
        if let reason = FieldMessage.invalidWeight(value, token: line.token(from: start)) {
            throw InputError(file: file, line: location.number, reason: reason)
        }
        return value
    }

    /// "expected 2 fields as on line 3, found 4": names the line that set the expectation, since
    /// that is where the user has to look to see which of the two lines is wrong.
    private func countError(_ line: ByteScanner, found: Int, _ location: LineLocation) -> InputError {
        let total = found + line.countFields()
        return InputError(file: file, line: location.number,
                          reason: "expected \(fieldCount) fields as on line \(firstDataLine), found \(total)")
    }
}

/// The wording of field errors, shared by the edge list, Matrix Market and label readers so that
/// the same problem reads the same way whatever the format.
enum FieldMessage {
    static func nodeID(_ error: ScanError, token: String) -> String {
        switch error {
        case .missing: return "empty field"
        case .notNumeric: return "non-numeric node ID '\(token)'"
        case .negative: return "negative node ID \(token)"
        case .overflow: return "node ID \(token) is out of range (max \(UInt64.max))"
        }
    }

    static func weight(_ error: ScanError, token: String) -> String {
        switch error {
        case .missing: return "empty field"
        case .notNumeric, .negative: return "non-numeric weight '\(token)'"
        case .overflow: return "weight \(token) is out of range: a nonzero weight must round to a double between 4.9e-324 and 1.8e308"
        }
    }

    /// Weights must be finite and non-negative: they become edge weights of a graph whose
    /// Laplacian must stay positive semi-definite. Returns nil for an acceptable weight.
    static func invalidWeight(_ value: Double, token: @autoclosure () -> String) -> String? {
        if value.isNaN { return "weight is NaN" }
        if value.isInfinite { return "weight is infinite" }
        if value < 0 { return "negative weight \(token())" }
        return nil
    }
}
