// Micro-benchmarks of issue 5 and 11: the edge-list parser, the local SpMV in every memory layout
// (assembled random order, hub-first layouts, a renumbered matrix), the k-column block product
// against k vector products (BlockProducts.swift), and the 1-rank (empty) halo exchange, all on
// the main package's own code. Run from bench/micro:
//
//   BENCHMARK_DISABLE_JEMALLOC=true swift package benchmark
//
// Custom metrics (package-benchmark records integers): "MB/s (issue model)" counts 4 bytes per
// nonzero (+ 8 for a weighted block), 8 per x access and 8 per row of y; "MB/s (compulsory)" counts
// the CSR arrays, x once and y once, the traffic the roofline (bench/roofline.py) divides by STREAM.
import Benchmark
import Distributed
import MicroKernels
import PairGraph

let issueModel = BenchmarkMetric.custom("MB/s (issue model)", polarity: .prefersLarger, useScalingFactor: false)
let compulsory = BenchmarkMetric.custom("MB/s (compulsory)", polarity: .prefersLarger, useScalingFactor: false)
let inputRate = BenchmarkMetric.custom("MB/s (input)", polarity: .prefersLarger, useScalingFactor: false)

/// A product's x and y, sized for `block`.
final class Vectors {
    let x: UnsafeMutablePointer<Double>
    let y: UnsafeMutablePointer<Double>
    init(_ block: DistributedRowBlock) {
        x = .allocate(capacity: max(block.columnCount, 1))
        x.initialize(repeating: 1, count: max(block.columnCount, 1))
        y = .allocate(capacity: max(block.rowCount, 1))
        y.initialize(repeating: 0, count: max(block.rowCount, 1))
    }
}

/// Times each product and records its rates.
func measureProducts(_ benchmark: Benchmark, _ p: LocalProduct, _ v: Vectors) {
    for _ in benchmark.scaledIterations {
        let t0 = monotonicSeconds()
        benchmark.startMeasurement()
        p.apply(x: v.x, y: v.y)
        benchmark.stopMeasurement()
        let t = monotonicSeconds() - t0
        blackHole(v.y[0])
        benchmark.measurement(issueModel, Int(Double(p.bytesIssueModel) / t / 1e6))
        benchmark.measurement(compulsory, Int(Double(p.bytesCompulsory) / t / 1e6))
    }
}

let spmvConfiguration = Benchmark.Configuration(
    metrics: [.wallClock, issueModel, compulsory], timeUnits: .milliseconds,
    warmupIterations: 2, maxDuration: .seconds(4), maxIterations: 40)

let benchmarks: @Sendable () -> Void = {
    let scale = Fixtures.spmvScale

    // Local SpMV in each layout (the real DistributedRowBlock.apply / HubOrderedBlock.apply).
    for layout in Layout.allCases {
        for s in Set([scale, 16]).sorted(by: >) {
            nonisolated(unsafe) var p: LocalProduct!
            nonisolated(unsafe) var v: Vectors!
            Benchmark("SpMV, R-MAT scale \(s), \(layout.rawValue)", configuration: spmvConfiguration) { b in
                measureProducts(b, p, v)
            } setup: {
                p = LocalProduct(Fixtures.block(scale: s), layout: layout)
                v = Vectors(p.block)
            }
        }
    }

    blockProductBenchmarks(scale: scale)

    // The ceiling for any parser: the edge-list file from page cache into memory.
    nonisolated(unsafe) var file = (path: "", bytes: 0)
    nonisolated(unsafe) var buffer: [UInt8] = []
    Benchmark("Read edge list (parser ceiling), R-MAT scale \(Fixtures.parseScale)",
              configuration: .init(metrics: [.wallClock, inputRate], timeUnits: .milliseconds, maxDuration: .seconds(3), maxIterations: 20)) { b in
        for _ in b.scaledIterations {
            let t0 = monotonicSeconds()
            let got = readWholeFile(file.path, into: &buffer)
            b.measurement(inputRate, Int(Double(got) / (monotonicSeconds() - t0) / 1e6))
        }
    } setup: {
        file = Fixtures.edgeListFile()
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    Benchmark("EdgeListParser.parse, R-MAT scale \(Fixtures.parseScale)",
              configuration: .init(metrics: [.wallClock, .peakMemoryResident, inputRate], timeUnits: .milliseconds,
                                   maxDuration: .seconds(6), maxIterations: 10)) { b in
        for _ in b.scaledIterations {
            let t0 = monotonicSeconds()
            let edges = try EdgeListParser.parse(path: file.path)
            b.measurement(inputRate, Int(Double(file.bytes) / (monotonicSeconds() - t0) / 1e6))
            blackHole(edges.count)
        }
    } setup: {
        file = Fixtures.edgeListFile()
    }

    // The empty exchange of a 1-rank run (what every matvec of `eigenpair embed` pays at P = 1).
    nonisolated(unsafe) var exchange: HaloExchange!
    nonisolated(unsafe) var x: [Double] = []
    Benchmark("HaloExchange.exchange, 1 rank (empty plan)",
              configuration: .init(metrics: [.wallClock], timeUnits: .nanoseconds, scalingFactor: .kilo,
                                   maxDuration: .seconds(2))) { b in
        x.withUnsafeMutableBufferPointer { xb in
            for _ in b.scaledIterations { exchange.exchange(xb.baseAddress!) }
        }
    } setup: {
        let world = MPIEnvironment().world
        let n = 1 << 10
        let partition = RowPartition(uniformRows: n, ranks: 1)
        let requests = HaloRequests(partition: partition, rank: 0, sortedGhostColumns: [])
        exchange = HaloExchange(plan: HaloPlan(requests: requests, communicator: world), communicator: world)
        x = [Double](repeating: 1, count: n)
    }
}
