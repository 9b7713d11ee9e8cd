/// How a graph file is split into P parts that P readers (MPI ranks) parse independently.
///
/// The data section is [dataStart, fileSize): the whole file for an edge list (comment and blank
/// lines before the first edge are data-section lines that every reader skips), everything after
/// the size line's line end for Matrix Market (the banner, the comments and blank lines before the
/// size line, and the size line itself are the header, read by `GraphReader.probe(path:)`; comment
/// and blank lines after the size line are data-section lines that every reader skips). It is cut
/// into P nominal ranges of equal bytes (sizes differ by at most one), and part r owns every line
/// whose first byte lies in its range [start_r, end_r):
/// - its reader seeks to start_r - 1 and, unless that byte is `\n` (a line starts exactly at
///   start_r), skips through the next `\n`: the line under start_r began in an earlier part;
/// - it reads on until it has consumed the line that holds byte end_r - 1, even past end_r, and
///   stops at the first line that starts at or after end_r.
/// So every line belongs to exactly one part whatever P is, wherever the cuts fall (on a `\n`,
/// just after one, between the `\r` and `\n` of a CRLF, inside a long line), and parts that own
/// no line are fine (P larger than the number of lines, or a range inside one long line). Part 0
/// of an edge list starts at offset 0 and so owns line 1, byte order mark included.
public struct ByteRangePlan: Sendable, Equatable {
    /// First byte of the data section.
    public let dataStart: Int
    /// One past the last byte of the file.
    public let fileSize: Int

    public init(dataStart: Int, fileSize: Int) {
        precondition(0 <= dataStart && dataStart <= fileSize, "data section [\(dataStart), \(fileSize)) is not a byte range")
        self.dataStart = dataStart
        self.fileSize = fileSize
    }

    /// Bytes in the data section.
    public var dataBytes: Int { fileSize - dataStart }

    /// The nominal byte range [start_r, end_r) of part `part` of `parts`: start_r is
    /// dataStart + floor(dataBytes * r / P), so the ranges tile the data section in order.
    public func range(part: Int, of parts: Int) -> Range<Int> {
        precondition(parts >= 1 && 0 <= part && part < parts, "part \(part) of \(parts) does not exist")
        return boundary(part, parts)..<boundary(part + 1, parts)
    }

    private func boundary(_ part: Int, _ parts: Int) -> Int {
        // dataBytes * part can exceed Int for huge files times many parts: use the full product.
        let (quotient, _) = parts.dividingFullWidth(dataBytes.multipliedFullWidth(by: part))
        return dataStart + quotient
    }
}

/// What a part parse needs to know about the whole file, read from its start by
/// `GraphReader.probe(path:)` (a few lines: the Matrix Market header and size line, or an edge
/// list's leading comments and first data line). Every reader of a distributed run can probe
/// for itself: the probe errors (bad header, a first data line with 1 or 4 fields) are the
/// whole-file parse's errors, with global line numbers.
public struct GraphProbe: Sendable, Equatable {
    /// Read size of the probe: it needs the first few lines, not a 32 MiB chunk.
    static let chunkSize = 64 << 10

    public var format: GraphFormat
    public var fileSize: Int
    /// First byte of the data section (see `ByteRangePlan`): 0 for an edge list, the byte after
    /// the size line's line end for Matrix Market.
    public var dataStart: Int
    /// Lines before `dataStart` (Matrix Market: banner through size line; edge lists: 0). Part r's
    /// global line numbers are this plus the lines of parts 0..<r plus its own relative numbers.
    public var linesBeforeData: Int
    /// Fields per data line: 2 (unweighted) or 3 (weighted). An edge list's first data line fixes
    /// it (0 when the file has no data line); a Matrix Market header does (pattern: 2).
    public var fieldCount: Int
    /// Edge lists: the global number of the line that fixed `fieldCount`, which count mismatch
    /// messages name ("expected 2 fields as on line 3, found 4").
    public var firstDataLine: Int?
    /// Matrix Market: N from the size line.
    public var declaredNodeCount: Int?
    /// Matrix Market: NNZ from the size line, to compare with the sum of the parts' entries.
    public var declaredEntries: Int?
    /// Matrix Market: the size line's (global) number, where "too few entries" points.
    public var sizeLine: Int?
    /// Matrix Market: the banner's field and symmetry.
    var matrixMarketHeader: MatrixMarketHeader?

    init(format: GraphFormat, fileSize: Int, dataStart: Int, linesBeforeData: Int, fieldCount: Int,
         firstDataLine: Int?, declaredNodeCount: Int? = nil, declaredEntries: Int? = nil, sizeLine: Int? = nil,
         matrixMarketHeader: MatrixMarketHeader? = nil) {
        self.format = format
        self.fileSize = fileSize
        self.dataStart = dataStart
        self.linesBeforeData = linesBeforeData
        self.fieldCount = fieldCount
        self.firstDataLine = firstDataLine
        self.declaredNodeCount = declaredNodeCount
        self.declaredEntries = declaredEntries
        self.sizeLine = sizeLine
        self.matrixMarketHeader = matrixMarketHeader
    }

    /// Whether the entries carry a weight (3 fields; Matrix Market `real` or `integer`).
    public var isWeighted: Bool { fieldCount == 3 }

    /// The byte-range plan of this file's data section.
    public var plan: ByteRangePlan { ByteRangePlan(dataStart: dataStart, fileSize: fileSize) }

    /// The offset that turns part `part`'s relative line numbers into the file's: the lines
    /// before the data section plus the exclusive prefix sum of the parts' `RangeParse.lines`
    /// (`lineCounts[r]` for part r; only the entries before `part` are read, so a part's own
    /// count and those after it may be anything, e.g. 0 from parts that failed).
    public func lineOffset(part: Int, lineCounts: [Int]) -> Int {
        linesBeforeData + lineCounts.prefix(part).reduce(0, +)
    }
}

/// One part's share of a graph file (`EdgeListParser`/`MatrixMarketParser`
/// `.parse(path:part:of:probe:)`).
///
/// Combining the parts of a distributed run:
/// - edges: the parts' edges in part order are the whole file's edges in file order;
/// - errors: a part's `InputError.line` counts from 1 at its own first line. Report the error of
///   the lowest-numbered failing part, as `error.offsetting(by: probe.lineOffset(part: r,
///   lineCounts: lines))`: it is the first bad line of the file, and its offset needs only the
///   (complete) counts of the parts before it;
/// - Matrix Market entry count: sum `entries` over the parts (or call
///   `MatrixMarketParser.checkEntryCount`); an empty graph is one whose parts all have no edges.
public struct RangeParse: Sendable {
    /// The edges of the lines this part owns, in file order; `weights` is non-nil exactly when
    /// the file is weighted (also for a part with no edges), `declaredNodeCount` is the header's
    /// N for Matrix Market.
    public var edges: EdgeList
    /// Lines this part owns (comment and blank lines included); a last line without `\n` counts.
    /// Summed over all parts and added to `GraphProbe.linesBeforeData`, it is the file's line count.
    public var lines: Int
    /// Data lines parsed: edges kept plus zero-weight entries dropped. For Matrix Market, the sum
    /// over all parts must equal the declared entry count.
    public var entries: Int
    /// The file bytes of the owned lines: from the first line's first byte to just past the last
    /// line's line end (empty when the part owns no line). The parts' non-empty ranges tile the
    /// data section in order.
    public var bytes: Range<Int>
}

extension InputError {
    /// This error with `lines` added to its line number; errors without a line are unchanged.
    /// Part parses report lines relative to the part's first line (line 1), so the global line is
    /// `error.offsetting(by: probe.lineOffset(part: r, lineCounts: lines))`.
    public func offsetting(by lines: Int) -> InputError {
        var shifted = self
        if let line { shifted.line = line + lines }
        return shifted
    }
}
