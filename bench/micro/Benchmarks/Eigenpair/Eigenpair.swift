// Micro-benchmarks of issue 5: the edge-list parser, the local SpMV in random vs degree order,
// and the 1-rank (empty) halo exchange. Run from bench/micro:
//
//   BENCHMARK_DISABLE_JEMALLOC=true swift package benchmark
//
// Custom metrics (package-benchmark records integers): "MB/s (issue model)" counts 20 bytes per
// nonzero (12 of CSR + 8 per x access) and 8 per row of y; "MB/s (compulsory)" counts the CSR
// arrays, x once and y once, the traffic the roofline (bench/roofline.py) divides by STREAM.
import Benchmark
import MicroKernels
#if canImport(PairGraph) && canImport(Distributed)
import Distributed
import PairGraph
#endif

let issueModel = BenchmarkMetric.custom("MB/s (issue model)", polarity: .prefersLarger, useScalingFactor: false)
let compulsory = BenchmarkMetric.custom("MB/s (compulsory)", polarity: .prefersLarger, useScalingFactor: false)
let inputRate = BenchmarkMetric.custom("MB/s (input)", polarity: .prefersLarger, useScalingFactor: false)

/// A product's x (ones) and y, sized for `m`.
final class Vectors {
    let x: UnsafeMutablePointer<Double>
    let y: UnsafeMutablePointer<Double>
    init(_ m: CSRMatrix) {
        x = .allocate(capacity: max(m.rowCount, 1))
        x.initialize(repeating: 1, count: max(m.rowCount, 1))
        y = .allocate(capacity: max(m.rowCount, 1))
        y.initialize(repeating: 0, count: max(m.rowCount, 1))
    }
}

/// Times each product and records its rates; `product` runs one y = A x.
func measureProducts(_ benchmark: Benchmark, _ m: CSRMatrix, _ product: () -> Void) {
    for _ in benchmark.scaledIterations {
        let t0 = monotonicSeconds()
        benchmark.startMeasurement()
        product()
        benchmark.stopMeasurement()
        let t = monotonicSeconds() - t0
        benchmark.measurement(issueModel, Int(Double(m.bytesPerProductIssueModel) / t / 1e6))
        benchmark.measurement(compulsory, Int(Double(m.bytesPerProductCompulsory) / t / 1e6))
    }
}

let spmvConfiguration = Benchmark.Configuration(
    metrics: [.wallClock, issueModel, compulsory], timeUnits: .milliseconds,
    warmupIterations: 2, maxDuration: .seconds(4), maxIterations: 40)

let benchmarks: @Sendable () -> Void = {
    let scale = Fixtures.spmvScale

    // Local SpMV, standalone copy of DistributedRowBlock.apply's loop on the same CSR arrays.
    for order in Fixtures.Order.allCases {
        for s in Set([scale, 16]).sorted(by: >) {
            nonisolated(unsafe) var m: CSRMatrix!
            nonisolated(unsafe) var v: Vectors!
            Benchmark("SpMV CSR kernel, R-MAT scale \(s), \(order) order", configuration: spmvConfiguration) { b in
                measureProducts(b, m) { m.apply(x: v.x, y: v.y); blackHole(v.y[0]) }
            } setup: {
                m = Fixtures.matrix(scale: s, order: order)
                v = Vectors(m)
            }
            // The same product with four partial sums per row (the latency lever).
            Benchmark("SpMV CSR kernel 4 accumulators, R-MAT scale \(s), \(order) order", configuration: spmvConfiguration) { b in
                measureProducts(b, m) { m.applyFourAccumulators(x: v.x, y: v.y); blackHole(v.y[0]) }
            } setup: {
                m = Fixtures.matrix(scale: s, order: order)
                v = Vectors(m)
            }
        }
    }

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

#if canImport(PairGraph) && canImport(Distributed)
    // The real kernels, once the main package exports PairGraph and Distributed as libraries.
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

    for order in Fixtures.Order.allCases {
        nonisolated(unsafe) var m: CSRMatrix!
        nonisolated(unsafe) var block: DistributedRowBlock!
        nonisolated(unsafe) var v: Vectors!
        Benchmark("DistributedRowBlock.apply, R-MAT scale \(scale), \(order) order", configuration: spmvConfiguration) { b in
            measureProducts(b, m) { block.apply(x: v.x, y: v.y); blackHole(v.y[0]) }
        } setup: {
            m = Fixtures.matrix(scale: scale, order: order)
            block = DistributedRowBlock(rowPointers: m.rowPointers, columnIndices: m.columnIndices, values: m.values,
                                        columnCount: m.rowCount)
            v = Vectors(m)
        }
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
#endif
}
