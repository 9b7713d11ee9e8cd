// The edge-list parser, whole file and in byte ranges (oracle: `fuzzGraph`).
let scratchName = "edges.txt"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEdgeList(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzGraph(data, size, format: .edgeList)
    return 0
}
