/// A line-oriented graph format (`EdgeListParser`, `MatrixMarketParser`), read whole or by byte
/// range. A format writes its whole-file `State` and its range parse; the entry points that only
/// forward to them are written once, here.
protocol LineFormatParser {
    associatedtype State: WholeFileParse

    /// The lines whose first byte lies in `range` (any range inside the data section).
    static func parse(path: String, range: Range<Int>, probe: GraphProbe, chunkSize: Int) throws(InputError) -> RangeParse
}

extension LineFormatParser {
    /// The whole file. `chunkSize` is exposed for tests, which use tiny chunks to exercise carry-over.
    static func parse(path: String, chunkSize: Int = ChunkedLineReader.defaultChunkSize) throws(InputError) -> EdgeList {
        try ChunkedLineReader.parseWhole(State.self, path: path, chunkSize: chunkSize)
    }

    /// The lines that part `part` of `parts` owns (see `ByteRangePlan`), as the range parse reads them.
    static func parse(path: String, part: Int, of parts: Int, probe: GraphProbe,
                      chunkSize: Int = ChunkedLineReader.defaultChunkSize) throws(InputError) -> RangeParse {
        try parse(path: path, range: probe.plan.range(part: part, of: parts), probe: probe, chunkSize: chunkSize)
    }
}
