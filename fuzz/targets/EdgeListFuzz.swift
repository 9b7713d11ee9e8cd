import PairGraph

// The edge-list parser, whole file and in byte ranges. Oracle: when the whole-file parse
// succeeds, the 3-part parse (probe, then each part) succeeds too and its parts' edges, in part
// order, are the same edges.
let scratchName = "edges.txt"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEdgeList(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    writeScratch(data, size)
    // GraphReader.read, as the CLI's format detection decides which parser runs; the probe must
    // decide the same.
    guard let (whole, format) = try? GraphReader.read(path: scratchPath), format == .edgeList else { return 0 }
    do {
        let probe = try GraphReader.probe(path: scratchPath)
        oracle(probe.format == format, "read as \(format) but probed as \(probe.format)")
        var sources: [UInt64] = [], targets: [UInt64] = [], weights: [Double] = []
        for part in 0..<3 {
            let p = try GraphReader.parse(path: scratchPath, part: part, of: 3, probe: probe)
            sources += p.edges.sources
            targets += p.edges.targets
            weights += p.edges.weights ?? []
        }
        oracle(sources == whole.sources && targets == whole.targets, "parts' edges differ from the whole file's")
        oracle(weights.map(\.bitPattern) == (whole.weights ?? []).map(\.bitPattern), "parts' weights differ")
    } catch {
        oracle(false, "whole file parsed, parts failed: \(error)")
    }
    return 0
}
