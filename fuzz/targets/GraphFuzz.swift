import PairGraph

/// The graph readers, whole file and in byte ranges, as every run reads a graph. Oracle: when
/// the whole-file read (GraphReader.read: format detection, then the parser) gives `format`, the
/// probe decides the same, and the 3-part parse (probe, each part, and for Matrix Market the
/// entry count over the parts) succeeds and its parts' edges, in part order, are the same edges
/// and weights, bit for bit.
func fuzzGraph(_ data: UnsafePointer<UInt8>, _ size: Int, format expected: GraphFormat) {
    writeScratch(data, size)
    guard let (whole, format) = try? GraphReader.read(path: scratchPath), format == expected else { return }
    do {
        let probe = try GraphReader.probe(path: scratchPath)
        oracle(probe.format == format, "read as \(format) but probed as \(probe.format)")
        var sources: [UInt64] = [], targets: [UInt64] = [], weights: [Double] = []
        var entries: [Int] = [], lines: [Int] = []
        for part in 0..<3 {
            let p = try GraphReader.parse(path: scratchPath, part: part, of: 3, probe: probe)
            sources += p.edges.sources
            targets += p.edges.targets
            weights += p.edges.weights ?? []
            entries.append(p.entries)
            lines.append(p.lines)
        }
        if format == .matrixMarket {
            try MatrixMarketParser.checkEntryCount(path: scratchPath, probe: probe, entryCounts: entries, lineCounts: lines)
        }
        oracle(sources == whole.sources && targets == whole.targets, "parts' edges differ from the whole file's")
        oracle(weights.map(\.bitPattern) == (whole.weights ?? []).map(\.bitPattern), "parts' weights differ")
    } catch {
        oracle(false, "whole file read, parts failed: \(error)")
    }
}
