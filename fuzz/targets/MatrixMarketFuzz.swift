// The Matrix Market parser, whole file and in byte ranges (oracle: `fuzzGraph`).
let scratchName = "matrix.mtx"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMatrixMarket(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    fuzzGraph(data, size, format: .matrixMarket)
    return 0
}
