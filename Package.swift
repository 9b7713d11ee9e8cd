// swift-tools-version:6.1
import PackageDescription

// Stages of the pipeline, one module each:
//   PairGraph (parse, compact, assemble, components) -> Spectral (operators, Lanczos)
//   -> ClosedForms (one file per loss) -> Diagnostics -> Output.
// C interop lives only in the thin system-library targets (C*), see docs/architecture.md.
let package = Package(
    name: "Eigenpair",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "eigenpair", targets: ["eigenpair"]),
        // For bench/micro (a separate package that benchmarks the parser, the local SpMV, the
        // block product and the halo exchange against these modules).
        .library(name: "PairGraph", targets: ["PairGraph"]),
        .library(name: "Distributed", targets: ["Distributed"]),
        .library(name: "Generators", targets: ["Generators"]),
        .library(name: "DenseAlgebra", targets: ["DenseAlgebra"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Bindings to Debian's C libraries (docs/architecture.md section 7, "Where C interop lives").
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CPARPACK", pkgConfig: "ompi-c", providers: [.apt(["libparpack2-dev"])]),
        .systemLibrary(name: "CCHOLMOD", providers: [.apt(["libsuitesparse-dev"])]),
        .systemLibrary(name: "CLAPACKE", providers: [.apt(["liblapacke-dev", "libopenblas-dev"])]),
        // zlib: gzip inputs and the deflated members of SciPy .npz files.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // hypre (BoomerAMG, PCG; apt libhypre-dev): a C target, since hypre has no .pc file and its
        // headers need a forwarding HYPRE_config.h on the include path (Sources/CHypre/include).
        .target(name: "CHypre", dependencies: ["CMPI"], linkerSettings: [.linkedLibrary("HYPRE")]),

        .target(name: "Distributed", dependencies: ["CMPI"]),
        .target(name: "NpyFormat"),
        .target(name: "DenseAlgebra", dependencies: ["CLAPACKE"]),
        .target(name: "PairGraph", dependencies: ["Distributed", "NpyFormat", "DenseAlgebra", "CZlib"]),
        // Seeded pair graphs (augmentation, SBM, R-MAT, kNN) and the edge-list writer of `generate`.
        .target(name: "Generators", dependencies: ["Distributed", "NpyFormat", "DenseAlgebra", "PairGraph"]),
        .target(name: "Spectral", dependencies: ["Distributed", "PairGraph", "DenseAlgebra", "CPARPACK", "CCHOLMOD", "CHypre"]),
        .target(name: "ClosedForms", dependencies: ["PairGraph", "Spectral", "DenseAlgebra"]),
        .target(name: "Diagnostics", dependencies: ["Distributed", "PairGraph", "Spectral", "ClosedForms", "DenseAlgebra"]),
        .target(name: "Output", dependencies: ["NpyFormat", "Distributed", "DenseAlgebra", "PairGraph", "Spectral", "ClosedForms", "Diagnostics"]),
        // What the commands share: settings, the loss -> operator map, the evaluation, the pipelines.
        .target(name: "Embedding", dependencies: [
            "Distributed", "NpyFormat", "DenseAlgebra", "PairGraph", "Spectral", "ClosedForms", "Diagnostics", "Output",
        ]),
        // The command line: option parsing only; the work is Embedding's.
        .executableTarget(name: "eigenpair", dependencies: [
            "Embedding", "Generators",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by every test target: graphs built from edges, the one-process reference assembly
        // (CHOLMOD-backed, test-only), dense references, the MPI lock and the `mpi` tag.
        .target(name: "EigenpairTestSupport", dependencies: ["DenseAlgebra", "Distributed", "PairGraph", "Spectral", "CCHOLMOD"],
                path: "Tests/EigenpairTestSupport"),
        .testTarget(name: "PairGraphTests", dependencies: ["PairGraph", "Generators", "NpyFormat", "EigenpairTestSupport"]),
        .testTarget(name: "SpectralTests", dependencies: ["Spectral", "PairGraph", "DenseAlgebra", "EigenpairTestSupport"]),
        .testTarget(name: "ClosedFormsTests", dependencies: ["ClosedForms", "Spectral", "PairGraph", "DenseAlgebra", "EigenpairTestSupport"]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "Output", "Generators", "ClosedForms", "PairGraph", "DenseAlgebra", "EigenpairTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["NpyFormat", "Output", "EigenpairTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EmbeddingTests", dependencies: [
            "Embedding", "Diagnostics", "ClosedForms", "Spectral", "PairGraph", "DenseAlgebra", "Distributed", "EigenpairTestSupport",
        ]),
        .testTarget(name: "DistributedTests", dependencies: ["Distributed", "Generators", "Spectral", "PairGraph", "DenseAlgebra", "EigenpairTestSupport"]),
    ]
)
