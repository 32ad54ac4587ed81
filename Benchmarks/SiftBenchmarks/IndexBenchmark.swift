import Foundation
import Sift

/// Indexing throughput, end to end as `sift index` runs it: walk, read, extract, analyze,
/// write and commit into a temporary folder.
enum IndexBenchmark {
    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: ["--json"], values: ["--corpus", "--iterations", "--jobs", "--memory-budget", "--unit"])
        guard let corpus = options.string("--corpus") else { throw BenchError.usage("index needs --corpus DIR") }
        let iterations = try options.integer("--iterations", default: 3)
        let jobs = max(1, try options.integer("--jobs", default: 1))
        let budget = max(16, try options.integer("--memory-budget", default: 512))
        var ingest = IngestOptions()
        if let unit = options.string("--unit") {
            guard let parsed = DocumentUnit(rawValue: unit) else { throw BenchError.usage("unknown unit '\(unit)'") }
            ingest.unit = parsed
        }
        let target = "/tmp/sift-bench-index-\(getpid())"
        defer { removeTree(target) }
        var samples: [Double] = []
        var documents = 0
        var bytes = 0
        var indexBytes = 0
        for _ in 0..<max(iterations, 1) {
            removeTree(target)
            let start = ContinuousClock.now
            let candidates = try CorpusWalker(roots: [corpus], options: ingest, jobs: jobs).candidates()
            let writer = try IndexWriter(path: target, jobs: jobs, memoryBudget: budget << 20)
            bytes = try writer.addFiles(candidates, extractor: DocumentExtractor(options: ingest)).bytesRead
            let summary = try writer.commit()
            writer.close()
            samples.append(elapsedSeconds(since: start))
            documents = summary.documentCount
            indexBytes = summary.byteCount
        }
        let stats = SampleStatistics(samples)
        let rss = peakResidentBytes()
        if options.flag("--json") {
            print("{\"benchmark\":\"index\",\"corpus\":\"\(corpus)\",\"documents\":\(documents),\"bytes\":\(bytes),\"iterations\":\(samples.count),\"p50_s\":\(stats.median),\"documents_per_s\":\(Double(documents) / stats.median),\"mb_per_s\":\(Double(bytes) / 1e6 / stats.median),\"index_bytes\":\(indexBytes),\"peak_rss_bytes\":\(rss),\"jobs\":\(jobs),\"memory_budget_mb\":\(budget)}")
        } else {
            print("index: \(corpus) — \(documents) documents, \(fixed(Double(bytes) / 1e6, 2)) MB, \(samples.count) runs, \(jobs) jobs, budget \(budget) MB")
            print("  time       p50 \(fixed(stats.median, 3)) s   min \(fixed(stats.minimum, 3)) s   max \(fixed(stats.maximum, 3)) s")
            print("  throughput \(fixed(Double(documents) / stats.median, 0)) documents/s   \(fixed(Double(bytes) / 1e6 / stats.median, 2)) MB/s  (at the median run)")
            print("  index size \(fixed(Double(indexBytes) / 1e6, 2)) MB   peak RSS \(fixed(Double(rss) / 1e6, 1)) MB")
        }
    }

    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

#if canImport(Glibc)
import Glibc
#endif
