import Sift

/// `sift-bench open`: the time to open an index (map its files, read the manifest), which
/// should grow with the number of segments, not with the postings.
enum OpenBenchmark {
    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: ["--json", "--verify"], values: ["--index", "--repeat"])
        guard let indexPath = options.string("--index") else { throw BenchError.usage("open needs --index PATH") }
        let repeats = max(1, try options.integer("--repeat", default: 50))
        let verify = options.flag("--verify")
        var samples: [Double] = []
        var documents = 0
        for _ in 0..<(repeats + 3) {
            let start = ContinuousClock.now
            let reader = try IndexReader(path: indexPath, verifyChecksums: verify)
            samples.append(elapsedSeconds(since: start) * 1e6)
            documents = reader.documentCount
        }
        let stats = SampleStatistics(Array(samples.dropFirst(3)))
        if options.flag("--json") {
            print("{\"benchmark\":\"open\",\"index\":\"\(indexPath)\",\"documents\":\(documents),\"verify\":\(verify),\"p50_us\":\(stats.median),\"p90_us\":\(stats.percentile(90)),\"p99_us\":\(stats.percentile(99))}")
        } else {
            print("open: \(indexPath) (\(documents) documents)\(verify ? ", verifying every checksum" : ""), \(repeats) opens")
            print("  latency  p50 \(fixed(stats.median, 1)) µs   p90 \(fixed(stats.percentile(90), 1)) µs   p99 \(fixed(stats.percentile(99), 1)) µs")
        }
    }
}
