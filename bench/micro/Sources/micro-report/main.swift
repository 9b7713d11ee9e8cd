// One-shot JSON report of the micro-benchmark numbers used in docs/hardware-limit.md:
//   swift run -c release --scratch-path .build micro-report [REPS]
// SpMV (random vs degree order, scale EIGENPAIR_MICRO_SPMV_SCALE and 16), best and median of REPS
// products (default 20), in both byte models; the file-read ceiling; and, when the main package
// exports PairGraph/Distributed, the real DistributedRowBlock.apply, EdgeListParser and the
// 1-rank HaloExchange.
import Foundation
import MicroKernels
#if canImport(PairGraph) && canImport(Distributed)
import Distributed
import PairGraph
#endif

let reps = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20 : 20

func stats(_ times: [Double]) -> (best: Double, median: Double) {
    let s = times.sorted()
    return (s[0], s[s.count / 2])
}

func spmvEntry(_ name: String, _ m: CSRMatrix, _ product: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) -> String {
    let x = UnsafeMutablePointer<Double>.allocate(capacity: m.rowCount)
    x.initialize(repeating: 1, count: m.rowCount)
    let y = UnsafeMutablePointer<Double>.allocate(capacity: m.rowCount)
    defer { x.deallocate(); y.deallocate() }
    product(x, y)  // warm-up
    var times: [Double] = []
    for _ in 0..<reps {
        let t0 = monotonicSeconds()
        product(x, y)
        times.append(monotonicSeconds() - t0)
    }
    let (best, median) = stats(times)
    func gbs(_ bytes: Int, _ t: Double) -> String { String(format: "%.3f", Double(bytes) / t / 1e9) }
    return """
      {"kernel": "\(name)", "rows": \(m.rowCount), "nonzeros": \(m.nonzeros), "products": \(reps), \
    "best_ms": \(String(format: "%.3f", best * 1e3)), "median_ms": \(String(format: "%.3f", median * 1e3)), \
    "bytes_issue_model": \(m.bytesPerProductIssueModel), "bytes_compulsory": \(m.bytesPerProductCompulsory), \
    "best_gbs_issue_model": \(gbs(m.bytesPerProductIssueModel, best)), "median_gbs_issue_model": \(gbs(m.bytesPerProductIssueModel, median)), \
    "best_gbs_compulsory": \(gbs(m.bytesPerProductCompulsory, best)), "median_gbs_compulsory": \(gbs(m.bytesPerProductCompulsory, median)), \
    "checksum": \(y[0] + y[m.rowCount - 1])}
    """
}

var entries: [String] = []
for s in Set([Fixtures.spmvScale, 16]).sorted(by: >) {
    for order in Fixtures.Order.allCases {
        let t0 = monotonicSeconds()
        let m = Fixtures.matrix(scale: s, order: order)
        FileHandleStderr.write("scale \(s) \(order): \(m.rowCount) rows, \(m.nonzeros) nonzeros (ready in \(String(format: "%.1f", monotonicSeconds() - t0)) s)\n")
        entries.append(spmvEntry("csr-kernel scale \(s) \(order)", m) { m.apply(x: $0, y: $1) })
        entries.append(spmvEntry("csr-kernel-4acc scale \(s) \(order)", m) { m.applyFourAccumulators(x: $0, y: $1) })
#if canImport(PairGraph) && canImport(Distributed)
        if s == Fixtures.spmvScale {
            let block = DistributedRowBlock(rowPointers: m.rowPointers, columnIndices: m.columnIndices, values: m.values,
                                            columnCount: m.rowCount)
            entries.append(spmvEntry("DistributedRowBlock.apply scale \(s) \(order)", m) { block.apply(x: $0, y: $1) })
        }
#endif
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

#if canImport(PairGraph) && canImport(Distributed)
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
#endif

print("{\"standalone\": \(entries.contains { $0.contains("DistributedRowBlock") } ? "false" : "true"), \"results\": [\n\(entries.joined(separator: ",\n"))\n]}")
