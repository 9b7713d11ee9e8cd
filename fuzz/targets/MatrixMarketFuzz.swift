import PairGraph

// The Matrix Market parser, whole file and in byte ranges. Oracle as for edge lists: a file the
// whole-file parse accepts is accepted in 3 parts (with the entry-count check over the parts)
// and gives the same entries.
let scratchName = "matrix.mtx"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMatrixMarket(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    writeScratch(data, size)
    // GraphReader.read, as the CLI's format detection (a banner first, then the extension) decides
    // which parser runs; the probe must decide the same.
    guard let (whole, format) = try? GraphReader.read(path: scratchPath), format == .matrixMarket else { return 0 }
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
        try MatrixMarketParser.checkEntryCount(path: scratchPath, probe: probe, entryCounts: entries, lineCounts: lines)
        oracle(sources == whole.sources && targets == whole.targets, "parts' entries differ from the whole file's")
        oracle(weights.map(\.bitPattern) == (whole.weights ?? []).map(\.bitPattern), "parts' values differ")
    } catch {
        oracle(false, "whole file parsed, parts failed: \(error)")
    }
    return 0
}
