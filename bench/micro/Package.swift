// swift-tools-version:6.1
import Foundation
import PackageDescription

// Micro-benchmarks of Eigenpair's kernels (issue 5), a package of its own so that the main
// package, its tests and its CI never see package-benchmark. Run from this folder:
//
//   BENCHMARK_DISABLE_JEMALLOC=true swift package benchmark
//
// BENCHMARK_DISABLE_JEMALLOC=true must be set when resolving and building: it turns off
// package-benchmark's malloc interposer (jemalloc on older Swift), which this machine lacks.
// `traits: []` below also turns off its Swift 6.3 ARC runtime interposer, whose package
// (ordo-one/swift-runtime-interposer) is not in the local package mirror.
//
// The kernels under test live in the main package's PairGraph and Distributed targets. While the
// main package exports only the `eigenpair` executable, the benchmarks run the standalone copies
// in Sources/MicroKernels (the same CSR layout and the same loop as DistributedRowBlock.apply).
// Once ../../Package.swift exports `.library(name: "PairGraph", targets: ["PairGraph"])` and
// `.library(name: "Distributed", targets: ["Distributed"])`, this manifest sees them and the
// benchmarks also run the real DistributedRowBlock, EdgeListParser and HaloExchange.
// EIGENPAIR_MICRO_STANDALONE=1 forces the standalone build.
let mainManifest = (try? String(contentsOfFile: Context.packageDirectory + "/../../Package.swift", encoding: .utf8)) ?? ""
let mainExportsLibraries = ProcessInfo.processInfo.environment["EIGENPAIR_MICRO_STANDALONE"] == nil
    && mainManifest.contains(".library(name: \"PairGraph\"")
    && mainManifest.contains(".library(name: \"Distributed\"")

var benchmarkDependencies: [Target.Dependency] = [
    "MicroKernels",
    .product(name: "Benchmark", package: "package-benchmark"),
]
var reportDependencies: [Target.Dependency] = ["MicroKernels"]
if mainExportsLibraries {
    let real: [Target.Dependency] = [
        .product(name: "PairGraph", package: "Eigenpair"),
        .product(name: "Distributed", package: "Eigenpair"),
    ]
    benchmarkDependencies += real
    reportDependencies += real
}

let package = Package(
    name: "EigenpairMicro",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Eigenpair", path: "../.."),
        .package(url: "https://github.com/ordo-one/package-benchmark", exact: "1.38.1", traits: []),
    ],
    targets: [
        .target(name: "MicroKernels", swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "micro-report", dependencies: reportDependencies,
                          swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(
            name: "EigenpairBenchmarks",
            dependencies: benchmarkDependencies,
            path: "Benchmarks/Eigenpair",
            swiftSettings: [.swiftLanguageMode(.v5)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
