// swift-tools-version:6.1
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
// The kernels under test are the main package's own (its PairGraph and Distributed library
// and Generators products): the real generator, assembly, DistributedRowBlock, HubOrderedBlock, EdgeListParser
// and HaloExchange. Only fixtures and byte models live here (Sources/MicroKernels).
let mainLibraries: [Target.Dependency] = [
    .product(name: "PairGraph", package: "Eigenpair"),
    .product(name: "Distributed", package: "Eigenpair"),
    .product(name: "Generators", package: "Eigenpair"),
    .product(name: "DenseAlgebra", package: "Eigenpair"),
]

let package = Package(
    name: "EigenpairMicro",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Eigenpair", path: "../.."),
        .package(url: "https://github.com/ordo-one/package-benchmark", exact: "1.38.1", traits: []),
    ],
    targets: [
        .target(name: "MicroKernels", dependencies: mainLibraries, swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "micro-report", dependencies: ["MicroKernels"] + mainLibraries,
                          swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(
            name: "EigenpairBenchmarks",
            dependencies: ["MicroKernels", .product(name: "Benchmark", package: "package-benchmark")] + mainLibraries,
            path: "Benchmarks/Eigenpair",
            swiftSettings: [.swiftLanguageMode(.v5)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
