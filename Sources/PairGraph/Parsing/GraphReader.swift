/// The input formats a graph can come in.
public enum GraphFormat: String, Sendable {
    case edgeList
    case matrixMarket
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
        let head = try ChunkedLineReader.peek(path: path, count: 64)
        let format: GraphFormat
        if MatrixMarketParser.hasBanner(head) {
            format = .matrixMarket
        } else if ["mtx", "mm"].contains(fileExtension(of: path)) {
            throw InputError(file: path, line: 1, reason: "expected a %%MatrixMarket header")
        } else {
            format = .edgeList
        }
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

    /// Lower-cased extension of the last path component ("" if none).
    static func fileExtension(of path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
