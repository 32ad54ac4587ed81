// swift-tools-version:6.0
// Sift depends on the Swift toolchain only: no `.package(...)` entries, ever.
import PackageDescription

let package = Package(
    name: "Sift",
    products: [
        .library(name: "Sift", targets: ["Sift"]),
        .executable(name: "sift", targets: ["SiftCLI"]),
        .executable(name: "sift-bench", targets: ["SiftBenchmarks"]),
    ],
    targets: [
        .target(name: "Sift", path: "Sources/Sift"),
        .executableTarget(name: "SiftCLI", dependencies: ["Sift"], path: "Sources/SiftCLI"),
        .executableTarget(name: "SiftBenchmarks", dependencies: ["Sift"], path: "Benchmarks/SiftBenchmarks"),
        .testTarget(name: "SiftTests", dependencies: ["Sift"], path: "Tests/SiftTests"),
        .testTarget(name: "SiftCLITests", dependencies: ["Sift", "SiftCLI"], path: "Tests/SiftCLITests"),
    ]
)
