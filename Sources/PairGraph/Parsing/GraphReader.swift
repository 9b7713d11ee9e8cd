/// The input formats a graph can come in.
public enum GraphFormat: String, Sendable {
    case edgeList
    case matrixMarket
    /// A `scipy.sparse.save_npz` file; read whole by `SerialGraphInput`, never in byte ranges.
    case scipySparse
    /// An (m, 2) or (m, 3) NumPy edge array; read whole by `SerialGraphInput`.
    case npyEdges
}

/// Entry point for reading a graph file: picks the format, parses, and rejects graphs that have
/// nothing to embed.
public struct GraphReader {
    /// Detects the format by content first (a `%%MatrixMarket` banner wins whatever the name), then
    /// by extension: a `.mtx`/`.mm` file without the banner is an error rather than being read as
    /// an edge list, where its size line would silently become an edge.
    public static func read(path: String) throws -> (EdgeList, GraphFormat) {
        try readTyped(path: path)
    }

    static func readTyped(path: String) throws(InputError) -> (EdgeList, GraphFormat) {
        let format = try detectFormat(path: path)
        let edges = format == .matrixMarket
            ? try MatrixMarketParser.parse(path: path)
            : try EdgeListParser.parse(path: path)
        guard edges.count > 0 else {
            let skipped = edges.zeroWeightEdges
            throw InputError(file: path, reason: "empty graph: no edges"
                             + (skipped > 0 ? " (\(skipped) zero-weight edges skipped)" : ""))
        }
        return (edges, format)
    }

    /// Reads what a part parse needs from the start of the file: the format (detected as by
    /// `read(path:)`), the data section's start and line offset, the field count and Matrix
    /// Market's declared sizes. Reads a few lines, not the file; throws the errors that
    /// `read(path:)` would give for those lines, with their global line numbers. The file must
    /// be a regular file (a pipe cannot be read in byte ranges).
    public static func probe(path: String) throws(InputError) -> GraphProbe {
        // Refuse a pipe before `detectFormat` peeks at it, which would consume its first bytes.
        let (descriptor, _) = try ChunkedLineReader.openRegularFile(path: path)
        ChunkedLineReader.closeFile(descriptor)
        switch try detectFormat(path: path) {
        case .matrixMarket: return try MatrixMarketParser.probe(path: path)
        case .edgeList, .scipySparse, .npyEdges: return try EdgeListParser.probe(path: path)
        }
    }

    /// Parses part `part` of `parts` with the parser for `probe.format`; see
    /// `EdgeListParser.parse(path:part:of:probe:)` and `MatrixMarketParser.parse(path:part:of:probe:)`.
    public static func parse(path: String, part: Int, of parts: Int, probe: GraphProbe) throws(InputError) -> RangeParse {
        switch probe.format {
        case .matrixMarket: return try MatrixMarketParser.parse(path: path, part: part, of: parts, probe: probe)
        case .edgeList: return try EdgeListParser.parse(path: path, part: part, of: parts, probe: probe)
        case .scipySparse, .npyEdges: preconditionFailure("\(probe.format) files are read whole (SerialGraphInput)")
        }
    }

    /// Content first (a `%%MatrixMarket` banner wins whatever the name), then the extension.
    static func detectFormat(path: String) throws(InputError) -> GraphFormat {
        let head = try ChunkedLineReader.peek(path: path, count: 64)
        if MatrixMarketParser.hasBanner(head) { return .matrixMarket }
        if ["mtx", "mm"].contains(fileExtension(of: path)) {
            throw InputError(file: path, line: 1, reason: "expected a %%MatrixMarket header")
        }
        return .edgeList
    }

    /// Lower-cased extension of the last path component ("" if none).
    static func fileExtension(of path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
