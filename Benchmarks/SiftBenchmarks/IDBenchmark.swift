import Sift

/// `sift-bench ids`: what ids as keys and a searcher per task cost on an existing index — the
/// first id lookup (which makes each segment's id table), then per call `deleteDocuments(withID:)`
/// and `updateDocument(id:…)` of random live ids (never committed: the index is unchanged),
/// and a search by a new `Searcher` against one reused.
enum IDBenchmark {
    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: ["--json"], values: ["--index", "--count", "--seed"])
        guard let indexPath = options.string("--index") else { throw BenchError.usage("ids needs --index PATH") }
        let count = max(1, try options.integer("--count", default: 1000))
        var random = SplitMix64(seed: UInt64(try options.integer("--seed", default: 1)))

        let reader = try IndexReader(path: indexPath)
        guard reader.documentCount > 0 else { throw BenchError.failed("\(indexPath) holds no documents") }
        var picked: [StoredDocument] = []
        for _ in 0..<count {
            let number = Int(random.next() % UInt64(reader.maxDocument))
            if try reader.isDeleted(number) { continue }
            picked.append(try reader.document(at: number))
        }

        let writer = try IndexWriter(path: indexPath, mode: .open)
        defer { writer.close() }  // nothing is committed
        var start = ContinuousClock.now
        _ = try writer.containsDocument(withID: picked[0].id)
        let firstLookup = elapsedSeconds(since: start) * 1e6
        var deletes: [Double] = []
        for document in picked {
            start = ContinuousClock.now
            _ = try writer.deleteDocuments(withID: document.id)
            deletes.append(elapsedSeconds(since: start) * 1e6)
        }
        var updates: [Double] = []
        for document in picked {
            start = ContinuousClock.now
            try writer.updateDocument(id: document.id, title: document.title, text: document.title)
            updates.append(elapsedSeconds(since: start) * 1e6)
        }

        // A query per picked document: its title's words, any of them.
        let queries = picked.map { $0.title }
        let reused = Searcher(reader: reader)
        for query in queries.prefix(50) { _ = try reused.search(query, options: SearchOptions(syntax: .plain)) }
        var reusedSamples: [Double] = []
        var freshSamples: [Double] = []
        for query in queries {
            start = ContinuousClock.now
            _ = try reused.search(query, options: SearchOptions(syntax: .plain))
            reusedSamples.append(elapsedSeconds(since: start) * 1e6)
            start = ContinuousClock.now
            _ = try Searcher(reader: reader).search(query, options: SearchOptions(syntax: .plain))
            freshSamples.append(elapsedSeconds(since: start) * 1e6)
        }
        let rows = [("delete", SampleStatistics(deletes)), ("update", SampleStatistics(updates)),
                    ("search, reused searcher", SampleStatistics(reusedSamples)), ("search, new searcher", SampleStatistics(freshSamples))]
        if options.flag("--json") {
            let fields = rows.map { "\"\($0.0)\":{\"p50_us\":\($0.1.median),\"p99_us\":\($0.1.percentile(99))}" }.joined(separator: ",")
            print("{\"benchmark\":\"ids\",\"index\":\"\(indexPath)\",\"documents\":\(reader.documentCount),\"first_lookup_us\":\(firstLookup),\(fields)}")
        } else {
            print("ids: \(indexPath) (\(reader.documentCount) documents), \(picked.count) random live ids")
            print("  first lookup (makes the id tables)  \(fixed(firstLookup, 1)) µs")
            for (name, stats) in rows {
                print("  \(name.padding(toLength: 24, withPad: " ", startingAt: 0))  p50 \(fixed(stats.median, 1)) µs   p99 \(fixed(stats.percentile(99), 1)) µs")
            }
        }
    }
}
