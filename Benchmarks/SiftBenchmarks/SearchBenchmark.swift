import Sift

/// Query latency: each query of a TSV file timed on its own, in-process, after a warm-up pass,
/// the whole set repeated `--repeat` times; with `--threads N`, N threads (one `Searcher` each,
/// one shared reader) take the runs in turn and the rate is the queries per second of all. `--samples-out FILE` also writes
/// every timed query's latency, one `id<TAB>µs` line per sample in the order run, so that a
/// harness running Sift beside other engines can pool the samples of several runs. `--rm3`
/// times RM3 pseudo-relevance feedback: both searches and the feedback documents' terms
/// (`--fb-docs N`, `--fb-terms N` as in `sift search`). `--filter FILTER` times every query
/// restricted by a metadata filter (as `sift search --filter`).
enum SearchBenchmark {
    /// `--filter`'s text as a filter; a usage error when it is not only filters.
    static func parseFilter(_ text: String) throws(BenchError) -> MetadataFilter {
        do {
            return try QueryParser().parseFilter(text)
        } catch {
            throw .usage("--filter '\(text)': \(error.message)")
        }
    }

    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: ["--exhaustive", "--rm3"],
                                       values: ["--index", "--queries", "-k", "--repeat", "--format", "--syntax", "--samples-out",
                                                "--fb-docs", "--fb-terms", "--threads", "--filter"])
        guard let indexPath = options.string("--index") else { throw BenchError.usage("search needs --index PATH") }
        guard let queriesPath = options.string("--queries") else { throw BenchError.usage("search needs --queries FILE.tsv") }
        let k = try options.integer("-k", default: 10)
        let repeats = max(try options.integer("--repeat", default: 5), 1)
        let json = (options.string("--format") ?? "text") == "json"
        let syntaxName = options.string("--syntax") ?? "plain"
        guard let syntax = QuerySyntax(rawValue: syntaxName) else { throw BenchError.usage("--syntax must be plain or query") }
        let threads = max(try options.integer("--threads", default: 1), 1)

        let queries = try loadQueries(queriesPath)
        guard !queries.isEmpty else { throw BenchError.failed("no queries in \(queriesPath)") }
        let reader = try IndexReader(path: indexPath)
        let rm3 = options.flag("--rm3")
            ? RM3Parameters(feedbackDocuments: try options.integer("--fb-docs", default: 10), feedbackTerms: try options.integer("--fb-terms", default: 10))
            : nil
        let filter = try options.string("--filter").map(parseFilter)
        let searchOptions = SearchOptions(limit: k, syntax: syntax, exhaustive: options.flag("--exhaustive"), rm3: rm3, filter: filter)
        // One searcher per thread, all sharing the reader (and its length factors).
        let searchers = (0..<threads).map { _ in Searcher(reader: reader) }
        var work = SearchWork()
        for query in queries {  // warm-up, and what the queries read
            let results = try searchers[0].search(query.text, options: searchOptions)
            work.add(results.work)
        }
        let skipped = work.blocks == 0 ? 0 : 1 - Double(work.blocksDecoded) / Double(work.blocks)

        // Thread t runs runs t, t + threads, … of the whole set repeated `repeats` times.
        let runs = queries.count * repeats
        let perThread = searchers.map { ThreadResult(searcher: $0) }
        let samplesPath = options.string("--samples-out")
        let start = ContinuousClock.now
        if threads == 1 {
            try perThread[0].run(queries: queries, options: searchOptions, runs: stride(from: 0, to: runs, by: 1))
        } else {
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                do {
                    try perThread[thread].run(queries: queries, options: searchOptions,
                                              runs: stride(from: thread, to: runs, by: threads))
                } catch {
                    perThread[thread].error = error
                }
            }
        }
        let total = elapsedSeconds(since: start)
        if let failure = perThread.compactMap(\.error).first { throw failure }
        // Samples in run order (run i is query i mod the set's size), whatever thread ran them.
        var samples = [Double](repeating: 0, count: runs)
        for result in perThread { for (run, seconds) in zip(result.runs, result.samples) { samples[run] = seconds } }
        var checksum: UInt64 = 0
        var timedWork = SearchWork()
        for result in perThread {
            checksum = checksum &+ result.checksum
            timedWork.add(result.work)
        }
        if let samplesPath { try writeSamples(samples, of: queries, to: samplesPath) }
        let stats = SampleStatistics(samples.map { $0 * 1e6 })
        let qps = Double(samples.count) / total
        // Postings decoded (for exhaustive search: scored) per second of query time on one thread.
        let busy = samples.reduce(0, +)
        let postingsPerSecond = busy > 0 ? Double(timedWork.postingsDecoded) / busy : 0
        let mode = options.flag("--exhaustive") ? ", exhaustive" : ""
        if json {
            print("{\"benchmark\":\"search\",\"index\":\"\(indexPath)\",\"queries\":\(queries.count),\"repeat\":\(repeats),\"k\":\(k),\"threads\":\(threads),\"rm3\":\(rm3 != nil),\"documents\":\(reader.documentCount),\"p50_us\":\(stats.median),\"p90_us\":\(stats.percentile(90)),\"p99_us\":\(stats.percentile(99)),\"mean_us\":\(stats.mean),\"qps\":\(qps),\"postings_per_second_per_thread\":\(postingsPerSecond),\"postings_decoded_per_query\":\(work.postingsDecoded / queries.count),\"blocks_skipped_share\":\(skipped),\"checksum\":\(checksum)}")
        } else {
            print("search: \(indexPath) (\(reader.documentCount) documents), \(queries.count) queries × \(repeats), top \(k), \(threads == 1 ? "one thread" : "\(threads) threads")\(mode)\(rm3.map { ", RM3 (\($0.feedbackDocuments) documents, \($0.feedbackTerms) terms)" } ?? "")")
            print("  latency  p50 \(fixed(stats.median, 1)) µs   p90 \(fixed(stats.percentile(90), 1)) µs   p99 \(fixed(stats.percentile(99), 1)) µs   mean \(fixed(stats.mean, 1)) µs")
            print("  rate     \(fixed(qps, 0)) queries/s; \(fixed(postingsPerSecond / 1e6, 1)) M postings decoded/s per thread")
            print("  work     \(work.postingsDecoded / queries.count) postings decoded a query (of \(work.postings / queries.count) in the lists); \(fixed(skipped * 100, 1))% of blocks skipped")
            print("  checksum \(checksum)")
        }
    }

    /// One thread's searcher and what it measured (each is used by its thread alone).
    final class ThreadResult: @unchecked Sendable {
        let searcher: Searcher
        var samples: [Double] = []
        var runs: [Int] = []
        var checksum: UInt64 = 0
        var work = SearchWork()
        var error: (any Error)?

        init(searcher: Searcher) { self.searcher = searcher }

        func run(queries: [QueryFileEntry], options: SearchOptions, runs: StrideTo<Int>) throws {
            samples.reserveCapacity(runs.underestimatedCount)
            for run in runs {
                self.runs.append(run)
                let query = queries[run % queries.count]
                let queryStart = ContinuousClock.now
                let results = try searcher.search(query.text, options: options)
                samples.append(elapsedSeconds(since: queryStart))
                work.add(results.work)
                for hit in results.hits { checksum = checksum &* 31 &+ UInt64(hit.document) &+ UInt64(hit.score.bitPattern) }
            }
        }
    }

    /// One `id<TAB>µs` line per sample; sample i is query i mod the set's size.
    static func writeSamples(_ samples: [Double], of queries: [QueryFileEntry], to path: String) throws {
        guard let file = fopen(path, "w") else { throw BenchError.failed("cannot write \(path)") }
        defer { fclose(file) }
        for (index, seconds) in samples.enumerated() {
            fputs("\(queries[index % queries.count].id)\t\(fixed(seconds * 1e6, 3))\n", file)
        }
    }

    /// The query file at `path` (`id<TAB>query` lines, read as `sift search --queries` reads them).
    static func loadQueries(_ path: String) throws -> [QueryFileEntry] {
        guard let file = fopen(path, "r") else { throw BenchError.failed("cannot read \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        do {
            return try QueryFile.parse(bytes)
        } catch {
            throw BenchError.failed("\(path): \(error)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Dispatch

extension SearchWork {
    mutating func add(_ other: SearchWork) {
        blocks += other.blocks
        postings += other.postings
        blocksDecoded += other.blocksDecoded
        postingsDecoded += other.postingsDecoded
    }
}
