// swift-tools-version:6.0
// Sift depends on the Swift toolchain only: no `.package(...)` entries, ever.
//
// The library is layered; a target may import only the targets below it, so an upward
// dependency is a compile error (docs/ARCHITECTURE.md):
//
//   SiftStorage ← SiftAnalysis ← SiftIngest ← SiftIndex ← SiftSearch ← Sift (umbrella)
//                                                   SiftIndex ← SiftInterchange ↗
//                                                          SiftEvaluation ↗
//
// `import Sift` re-exports the public API of every layer.
import PackageDescription

let package = Package(
    name: "Sift",
    products: [
        .library(name: "Sift", targets: ["Sift"]),
        .executable(name: "sift", targets: ["SiftCLI"]),
        .executable(name: "sift-bench", targets: ["SiftBenchmarks"]),
    ],
    targets: [
        // Library layers, lowest first.
        .target(name: "SiftStorage", exclude: ["README.md"]),
        .target(name: "SiftAnalysis", dependencies: ["SiftStorage"], exclude: ["README.md"]),
        .target(name: "SiftIngest", dependencies: ["SiftStorage"], exclude: ["README.md"]),
        .target(name: "SiftIndex", dependencies: ["SiftStorage", "SiftAnalysis", "SiftIngest"], exclude: ["README.md"]),
        .target(name: "SiftSearch", dependencies: ["SiftStorage", "SiftAnalysis", "SiftIndex"], exclude: ["README.md"]),
        .target(name: "SiftEvaluation", exclude: ["README.md"]),
        .target(name: "SiftInterchange", dependencies: ["SiftStorage", "SiftAnalysis", "SiftIndex"], exclude: ["README.md"]),
        .target(name: "Sift", dependencies: ["SiftStorage", "SiftAnalysis", "SiftIngest", "SiftIndex", "SiftSearch", "SiftEvaluation",
                                            "SiftInterchange"],
                exclude: ["README.md"]),

        // Tools.
        .executableTarget(name: "SiftCLI", dependencies: ["Sift"]),
        .executableTarget(name: "SiftBenchmarks", dependencies: ["Sift"], path: "Benchmarks/SiftBenchmarks"),

        // Tests mirror the layers; SiftTestSupport holds what several of them share.
        .target(name: "SiftTestSupport", dependencies: ["Sift"], path: "Tests/SiftTestSupport"),
        .testTarget(name: "SiftStorageTests", dependencies: ["SiftStorage", "SiftTestSupport"]),
        .testTarget(name: "SiftAnalysisTests", dependencies: ["SiftAnalysis", "SiftTestSupport"]),
        .testTarget(name: "SiftIngestTests", dependencies: ["SiftIngest", "SiftTestSupport"]),
        // Index tests check what was written by searching it, so they may use SiftSearch too.
        .testTarget(name: "SiftIndexTests", dependencies: ["SiftIndex", "SiftSearch", "SiftTestSupport"]),
        .testTarget(name: "SiftSearchTests", dependencies: ["SiftSearch", "SiftEvaluation", "SiftTestSupport"]),
        .testTarget(name: "SiftEvaluationTests", dependencies: ["SiftEvaluation", "SiftTestSupport"]),
        .testTarget(name: "SiftInterchangeTests", dependencies: ["SiftInterchange", "SiftTestSupport"]),
        .testTarget(name: "SiftCLITests", dependencies: ["Sift", "SiftCLI", "SiftBenchmarks", "SiftTestSupport"]),
    ]
)
