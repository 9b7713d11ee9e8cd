import PairGraph

// The labels reader (text `id label` lines, or an integer .npy when the input starts with the
// .npy magic). Oracle: ids are distinct, one label index per id, every index names a class.
let scratchName = "labels.txt"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLabels(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    writeScratch(data, size)
    guard let (labels, classes) = try? NodeLabels.readWithClassNames(path: scratchPath) else { return 0 }
    oracle(labels.ids.count == labels.labels.count, "\(labels.ids.count) ids, \(labels.labels.count) labels")
    oracle(Set(labels.ids).count == labels.ids.count, "an id is listed twice")
    oracle(labels.labels.allSatisfy { $0 >= 0 && $0 < classes.count }, "a label index names no class")
    return 0
}
