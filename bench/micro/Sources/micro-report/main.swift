// One-shot JSON report of the micro-benchmark numbers used in docs/hardware-limit.md:
//   swift run -c release micro-report [REPS] [SCALE ...]
// The local SpMV in every layout (`Layout`: the assembled random order, the hub-first layouts
// of `HubOrderedBlock`, and a renumbered matrix) at each SCALE (default EIGENPAIR_MICRO_SPMV_SCALE
// and 16), best and median of REPS products (default 20), in both byte models; the file-read
// ceiling; EdgeListParser; the 1-rank HaloExchange.
import Distributed
import Foundation
import MicroKernels
import PairGraph

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let reps = arguments.first ?? 20
let scales = arguments.count > 1 ? Array(arguments.dropFirst()) : Array(Set([Fixtures.spmvScale, 16])).sorted(by: >)

func stats(_ times: [Double]) -> (best: Double, median: Double) {
    let s = times.sorted()
    return (s[0], s[s.count / 2])
}

func spmvEntry(_ name: String, _ p: LocalProduct) -> String {
    let x = UnsafeMutablePointer<Double>.allocate(capacity: max(p.block.columnCount, 1))
    for j in 0..<p.block.columnCount { x[j] = 1 + Double(j % 7) / 8 }
    let y = UnsafeMutablePointer<Double>.allocate(capacity: max(p.block.rowCount, 1))
    defer { x.deallocate(); y.deallocate() }
    p.apply(x: x, y: y)  // warm-up (builds nothing: the layouts are built in init)
    var times: [Double] = []
    for _ in 0..<reps {
        let t0 = monotonicSeconds()
        p.apply(x: x, y: y)
        times.append(monotonicSeconds() - t0)
    }
    let (best, median) = stats(times)
    var sum = 0.0
    for i in 0..<p.block.rowCount { sum += y[i] }
    func gbs(_ bytes: Int, _ t: Double) -> String { String(format: "%.3f", Double(bytes) / t / 1e9) }
    return """
      {"kernel": "\(name)", "rows": \(p.block.rowCount), "nonzeros": \(p.block.nonzeros), "products": \(reps), \
    "best_ms": \(String(format: "%.3f", best * 1e3)), "median_ms": \(String(format: "%.3f", median * 1e3)), \
    "bytes_issue_model": \(p.bytesIssueModel), "bytes_compulsory": \(p.bytesCompulsory), \
    "best_gbs_issue_model": \(gbs(p.bytesIssueModel, best)), "median_gbs_issue_model": \(gbs(p.bytesIssueModel, median)), \
    "best_gbs_compulsory": \(gbs(p.bytesCompulsory, best)), "median_gbs_compulsory": \(gbs(p.bytesCompulsory, median)), \
    "checksum": \(sum)}
    """
}

var entries: [String] = []
for s in scales {
    let t0 = monotonicSeconds()
    let block = Fixtures.block(scale: s)
    FileHandleStderr.write("scale \(s): \(block.rowCount) rows, \(block.nonzeros) nonzeros (ready in \(String(format: "%.1f", monotonicSeconds() - t0)) s)\n")
    for layout in Layout.allCases {
        let t1 = monotonicSeconds()
        let product = LocalProduct(block, layout: layout)
        let built = monotonicSeconds() - t1
        var entry = spmvEntry("SpMV scale \(s) \(layout.rawValue)", product)
        entry.removeLast()
        entries.append(entry + ", \"layout_build_seconds\": \(String(format: "%.3f", built))}")
    }
}

let file = Fixtures.edgeListFile()
var buffer = [UInt8](repeating: 0, count: 1 << 20)
var readTimes: [Double] = []
for _ in 0..<5 {
    let t0 = monotonicSeconds()
    _ = readWholeFile(file.path, into: &buffer)
    readTimes.append(monotonicSeconds() - t0)
}
entries.append("  {\"kernel\": \"read edge list (scale \(Fixtures.parseScale))\", \"bytes\": \(file.bytes), \"best_mbs\": \(String(format: "%.1f", Double(file.bytes) / stats(readTimes).best / 1e6))}")

var parseTimes: [Double] = []
for _ in 0..<3 {
    let t0 = monotonicSeconds()
    let edges = try EdgeListParser.parse(path: file.path)
    parseTimes.append(monotonicSeconds() - t0)
    precondition(edges.count > 0)
}
let (pb, pm) = stats(parseTimes)
entries.append("  {\"kernel\": \"EdgeListParser.parse (scale \(Fixtures.parseScale))\", \"bytes\": \(file.bytes), \"best_mbs\": \(String(format: "%.1f", Double(file.bytes) / pb / 1e6)), \"median_mbs\": \(String(format: "%.1f", Double(file.bytes) / pm / 1e6))}")

let world = MPIEnvironment().world
let partition = RowPartition(uniformRows: 1024, ranks: 1)
let exchange = HaloExchange(plan: HaloPlan(requests: HaloRequests(partition: partition, rank: 0, sortedGhostColumns: []),
                                           communicator: world), communicator: world)
var x = [Double](repeating: 1, count: 1024)
let count = 1_000_000
let t0 = monotonicSeconds()
x.withUnsafeMutableBufferPointer { xb in for _ in 0..<count { exchange.exchange(xb.baseAddress!) } }
entries.append("  {\"kernel\": \"HaloExchange.exchange 1 rank (empty)\", \"exchanges\": \(count), \"ns_per_exchange\": \(String(format: "%.1f", (monotonicSeconds() - t0) / Double(count) * 1e9))}")
MPIEnvironment.finalizeAtExit()

print("{\"results\": [\n\(entries.joined(separator: ",\n"))\n]}")
