import Sift

/// Query latency: each query of a TSV file timed on its own, one thread, in-process, after a
/// warm-up pass, the whole set repeated `--repeat` times. `--samples-out FILE` also writes
/// every timed query's latency, one `id<TAB>µs` line per sample in the order run, so that a
/// harness running Sift beside other engines can pool the samples of several runs. `--rm3`
/// times RM3 pseudo-relevance feedback: both searches and the feedback documents' terms
/// (`--fb-docs N`, `--fb-terms N` as in `sift search`).
enum SearchBenchmark {
    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: ["--exhaustive", "--rm3"],
                                       values: ["--index", "--queries", "-k", "--repeat", "--format", "--syntax", "--samples-out",
                                                "--fb-docs", "--fb-terms"])
        guard let indexPath = options.string("--index") else { throw BenchError.usage("search needs --index PATH") }
        guard let queriesPath = options.string("--queries") else { throw BenchError.usage("search needs --queries FILE.tsv") }
        let k = try options.integer("-k", default: 10)
        let repeats = max(try options.integer("--repeat", default: 5), 1)
        let json = (options.string("--format") ?? "text") == "json"
        let syntaxName = options.string("--syntax") ?? "plain"
        guard let syntax = QuerySyntax(rawValue: syntaxName) else { throw BenchError.usage("--syntax must be plain or query") }

        let queries = try loadQueries(queriesPath)
        guard !queries.isEmpty else { throw BenchError.failed("no queries in \(queriesPath)") }
        let reader = try IndexReader(path: indexPath)
        let searcher = Searcher(reader: reader)
        let rm3 = options.flag("--rm3")
            ? RM3Parameters(feedbackDocuments: try options.integer("--fb-docs", default: 10), feedbackTerms: try options.integer("--fb-terms", default: 10))
            : nil
        let searchOptions = SearchOptions(limit: k, syntax: syntax, exhaustive: options.flag("--exhaustive"), rm3: rm3)
        var checksum: UInt64 = 0
        var work = SearchWork()
        for query in queries {  // warm-up, and what the queries read
            let results = try searcher.search(query.text, options: searchOptions)
            work.blocks += results.work.blocks
            work.postings += results.work.postings
            work.blocksDecoded += results.work.blocksDecoded
            work.postingsDecoded += results.work.postingsDecoded
        }
        let skipped = work.blocks == 0 ? 0 : 1 - Double(work.blocksDecoded) / Double(work.blocks)
        let samplesPath = options.string("--samples-out")
        var samples: [Double] = []
        samples.reserveCapacity(queries.count * repeats)
        let start = ContinuousClock.now
        for _ in 0..<repeats {
            for query in queries {
                let queryStart = ContinuousClock.now
                let results = try searcher.search(query.text, options: searchOptions)
                samples.append(elapsedSeconds(since: queryStart))
                for hit in results.hits { checksum = checksum &* 31 &+ UInt64(hit.document) &+ UInt64(hit.score.bitPattern) }
            }
        }
        let total = elapsedSeconds(since: start)
        if let samplesPath { try writeSamples(samples, of: queries, to: samplesPath) }
        let stats = SampleStatistics(samples.map { $0 * 1e6 })
        let qps = Double(samples.count) / total
        if json {
            print("{\"benchmark\":\"search\",\"index\":\"\(indexPath)\",\"queries\":\(queries.count),\"repeat\":\(repeats),\"k\":\(k),\"rm3\":\(rm3 != nil),\"documents\":\(reader.documentCount),\"p50_us\":\(stats.median),\"p90_us\":\(stats.percentile(90)),\"p99_us\":\(stats.percentile(99)),\"mean_us\":\(stats.mean),\"qps\":\(qps),\"postings_decoded_per_query\":\(work.postingsDecoded / queries.count),\"blocks_skipped_share\":\(skipped),\"checksum\":\(checksum)}")
        } else {
            print("search: \(indexPath) (\(reader.documentCount) documents), \(queries.count) queries × \(repeats), top \(k), one thread\(options.flag("--exhaustive") ? ", exhaustive" : "")\(rm3.map { ", RM3 (\($0.feedbackDocuments) documents, \($0.feedbackTerms) terms)" } ?? "")")
            print("  latency  p50 \(fixed(stats.median, 1)) µs   p90 \(fixed(stats.percentile(90), 1)) µs   p99 \(fixed(stats.percentile(99), 1)) µs   mean \(fixed(stats.mean, 1)) µs")
            print("  rate     \(fixed(qps, 0)) queries/s")
            print("  work     \(work.postingsDecoded / queries.count) postings decoded a query (of \(work.postings / queries.count) in the lists); \(fixed(skipped * 100, 1))% of blocks skipped")
            print("  checksum \(checksum)")
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
