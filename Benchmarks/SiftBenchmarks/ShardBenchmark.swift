import Sift

/// Latency of several indexes searched as one (`MultiSearcher`: statistics summed per query,
/// each index's top k on `--jobs` threads, merged), each query timed alone after a warm-up.
/// Compare with `sift-bench search` on one index of the same documents.
enum ShardBenchmark {
    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: [], values: ["--indexes", "--queries", "-k", "--repeat", "--jobs", "--syntax", "--format"])
        guard let list = options.string("--indexes") else { throw BenchError.usage("shards needs --indexes A,B,…") }
        guard let queriesPath = options.string("--queries") else { throw BenchError.usage("shards needs --queries FILE.tsv") }
        let paths = list.split(separator: ",").map(String.init)
        let k = try options.integer("-k", default: 10)
        let repeats = max(try options.integer("--repeat", default: 3), 1)
        let jobs = max(try options.integer("--jobs", default: 1), 1)
        guard let syntax = QuerySyntax(rawValue: options.string("--syntax") ?? "plain") else {
            throw BenchError.usage("--syntax must be plain or query")
        }
        let queries = try SearchBenchmark.loadQueries(queriesPath)
        guard !queries.isEmpty else { throw BenchError.failed("no queries in \(queriesPath)") }
        let multi = try MultiSearcher(readers: try paths.map { try IndexReader(path: $0) }, jobs: jobs)
        let searchOptions = SearchOptions(limit: k, syntax: syntax)
        for query in queries { _ = try multi.search(query.text, options: searchOptions) }  // warm-up
        var samples: [Double] = []
        var checksum: UInt64 = 0
        let start = ContinuousClock.now
        for _ in 0..<repeats {
            for query in queries {
                let queryStart = ContinuousClock.now
                let results = try multi.search(query.text, options: searchOptions)
                samples.append(elapsedSeconds(since: queryStart))
                for hit in results.hits { checksum = checksum &* 31 &+ UInt64(hit.score.bitPattern) &+ UInt64(hit.index) }
            }
        }
        let total = elapsedSeconds(since: start)
        let stats = SampleStatistics(samples.map { $0 * 1e6 })
        let documents = multi.readers.reduce(0) { $0 + $1.documentCount }
        if options.string("--format") == "json" {
            print("{\"benchmark\":\"shards\",\"indexes\":\(paths.count),\"jobs\":\(jobs),\"documents\":\(documents),\"queries\":\(queries.count),\"repeat\":\(repeats),\"k\":\(k),\"p50_us\":\(stats.median),\"p90_us\":\(stats.percentile(90)),\"p99_us\":\(stats.percentile(99)),\"qps\":\(Double(samples.count) / total),\"checksum\":\(checksum)}")
        } else {
            print("shards: \(paths.count) indexes (\(documents) documents), \(queries.count) queries × \(repeats), top \(k), \(jobs) \(jobs == 1 ? "thread" : "threads")")
            print("  latency  p50 \(fixed(stats.median, 1)) µs   p90 \(fixed(stats.percentile(90), 1)) µs   p99 \(fixed(stats.percentile(99), 1)) µs")
            print("  rate     \(fixed(Double(samples.count) / total, 0)) queries/s")
            print("  checksum \(checksum)")
        }
    }
}
