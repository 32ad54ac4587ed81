import Foundation
import Sift

/// Incremental re-indexing against a full build: a copy of the corpus is indexed in full, then
/// in each round a share of its files is changed (edited, added, removed) and the index brought
/// up to date as `sift index` does on an existing index: walk, hash every file, read only the
/// changed ones, delete, add, merge, commit.
enum ReindexBenchmark {
    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: ["--json"], values: ["--corpus", "--change", "--rounds", "--full-runs", "--jobs", "--seed"])
        guard let corpus = options.string("--corpus") else { throw BenchError.usage("reindex needs --corpus DIR") }
        let share = Double(options.string("--change") ?? "0.01") ?? 0.01
        let rounds = max(1, try options.integer("--rounds", default: 5))
        let fullRuns = max(1, try options.integer("--full-runs", default: 3))
        let jobs = max(1, try options.integer("--jobs", default: ProcessInfo.processInfo.activeProcessorCount))
        var random = SplitMix64(seed: UInt64(try options.integer("--seed", default: 42)))

        let scratch = "/tmp/sift-bench-reindex-\(getpid())"
        let copy = scratch + "/corpus"
        let index = scratch + "/index"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try? FileManager.default.removeItem(atPath: scratch)
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: corpus, toPath: copy)
        let extractor = DocumentExtractor()

        var fullSamples: [Double] = []
        var documents = 0
        for _ in 0..<fullRuns {
            try? FileManager.default.removeItem(atPath: index)
            let start = ContinuousClock.now
            let candidates = try CorpusWalker(roots: [copy], options: IngestOptions(), jobs: jobs).candidates()
            let writer = try IndexWriter(path: index, jobs: jobs)
            _ = try writer.addFiles(candidates, extractor: extractor)
            documents = try writer.commit().documentCount
            writer.close()
            fullSamples.append(elapsedSeconds(since: start))
        }

        var roundSamples: [Double] = []
        var phases: [[Double]] = []
        func ms(_ seconds: Double) -> String { fixed(seconds * 1000, 0) }
        var lines: [String] = []
        var added = 0
        for round in 0..<rounds {
            let files = try CorpusWalker(roots: [copy], options: IngestOptions()).candidates()
            let count = max(1, Int((Double(files.count) * share).rounded()))
            // Of the changed files: 60% edited in place, 20% removed, and as many new ones added.
            var chosen = Set<Int>()
            while chosen.count < min(count, files.count) { chosen.insert(Int(random.next() % UInt64(files.count))) }
            for (position, file) in chosen.sorted().map({ files[$0] }).enumerated() {
                switch position % 5 {
                case 0, 1, 2:
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file.path))
                    handle.seekToEndOfFile()
                    handle.write(Data("\nedited in round \(round): reindex benchmark \(random.next() % 1_000_000)\n".utf8))
                    try handle.close()
                case 3:
                    try FileManager.default.removeItem(atPath: file.path)
                default:
                    added += 1
                    let target = (file.path as NSString).deletingLastPathComponent + "/added-\(round)-\(added).txt"
                    try FileManager.default.copyItem(atPath: file.path, toPath: target)
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
                    handle.seekToEndOfFile()
                    handle.write(Data("\ncopy \(added)\n".utf8))
                    try handle.close()
                }
            }
            let start = ContinuousClock.now
            let walk = try CorpusWalker(roots: [copy], options: IngestOptions(), jobs: jobs).walk()
            let walked = elapsedSeconds(since: start)
            let writer = try IndexWriter(path: index, jobs: jobs, mode: .open)
            let opened = elapsedSeconds(since: start)
            let update = try writer.update(with: walk.candidates, extractor: extractor)
            let updated = elapsedSeconds(since: start)
            let summary = try writer.commit()
            writer.close()
            let seconds = elapsedSeconds(since: start)
            roundSamples.append(seconds)
            phases.append([walked, opened - walked, updated - opened, seconds - updated])
            lines.append("  round \(round + 1): \(fixed(seconds, 3)) s (walk \(ms(walked)), open \(ms(opened - walked)), compare and add \(ms(updated - opened)), commit \(ms(seconds - updated)) ms) — \(update.addedFiles.count) added, \(update.changedFiles.count) changed, \(update.removedFiles.count) removed; \(summary.segmentCount) segments, \(summary.deletedCount) deleted kept, \(summary.mergedSegmentCount) merged")
        }
        let full = SampleStatistics(fullSamples)
        let incremental = SampleStatistics(roundSamples)
        if options.flag("--json") {
            print("{\"benchmark\":\"reindex\",\"corpus\":\"\(corpus)\",\"documents\":\(documents),\"change\":\(share),\"jobs\":\(jobs),\"full_p50_s\":\(full.median),\"incremental_p50_s\":\(incremental.median),\"incremental_max_s\":\(incremental.maximum),\"ratio_p50\":\(incremental.median / full.median),\"rounds\":\(roundSamples.count)}")
        } else {
            print("reindex: \(corpus) — \(documents) documents, \(fixed(share * 100, 1))% of the files changed per round, \(jobs) jobs")
            print("  full build     p50 \(fixed(full.median, 3)) s over \(fullSamples.count) runs (min \(fixed(full.minimum, 3)), max \(fixed(full.maximum, 3)))")
            print("  incremental    p50 \(fixed(incremental.median, 3)) s over \(roundSamples.count) rounds (min \(fixed(incremental.minimum, 3)), max \(fixed(incremental.maximum, 3)))")
            print("  ratio          \(fixed(incremental.median / full.median * 100, 1))% of the full build at the medians")
            let names = ["walk", "open", "compare and add", "commit"]
            print("  phases (p50)   " + names.indices.map { index in
                "\(names[index]) \(ms(SampleStatistics(phases.map { $0[index] }).median)) ms"
            }.joined(separator: ", "))
            for line in lines { print(line) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
