import Sift

/// Analysis throughput: the whole chain (tokenize, fold, stop words, stem) over a corpus held
/// in memory, so only analysis is timed.
enum AnalyzeBenchmark {
    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: ["--json"], values: ["--stemmer", "--iterations", "--warmup", "--corpus"])
        let stemmerName = options.string("--stemmer") ?? "porter"
        guard let stemmer = StemmerKind(rawValue: stemmerName) else { throw BenchError.usage("unknown stemmer '\(stemmerName)'") }
        let iterations = try options.integer("--iterations", default: 20)
        let warmup = try options.integer("--warmup", default: 3)
        let corpusPath = options.string("--corpus") ?? "../shared/data/bbc"

        var documents = loadTextFiles(under: corpusPath)
        var source = corpusPath
        if documents.isEmpty {
            documents = generatedText(documents: 2000, seed: 42)
            source = "generated text (\(corpusPath) is absent)"
        }
        let totalBytes = documents.reduce(0) { $0 + $1.count }

        let analyzer = Analyzer(configuration: AnalyzerConfiguration(stemmer: stemmer, stopWords: .english))
        var tokens: [AnalyzedToken] = []
        tokens.reserveCapacity(1 << 16)
        var checksum: UInt64 = 0
        var tokenCount = 0
        var samples: [Double] = []
        for iteration in 0..<(warmup + iterations) {
            let start = ContinuousClock.now
            var count = 0
            for document in documents {
                tokens.removeAll(keepingCapacity: true)
                document.withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
                count += tokens.count
                for token in tokens { checksum = checksum &* 31 &+ UInt64(UInt32(bitPattern: token.termID)) }
            }
            let seconds = elapsedSeconds(since: start)
            if iteration >= warmup { samples.append(seconds) }
            tokenCount = count
        }
        let stats = SampleStatistics(samples)
        let megabytes = Double(totalBytes) / 1_000_000
        if options.flag("--json") {
            print("{\"benchmark\":\"analyze\",\"corpus\":\"\(source)\",\"stemmer\":\"\(stemmerName)\",\"documents\":\(documents.count),\"bytes\":\(totalBytes),\"tokens\":\(tokenCount),\"iterations\":\(iterations),\"p50_ms\":\(stats.median * 1000),\"p90_ms\":\(stats.percentile(90) * 1000),\"p99_ms\":\(stats.percentile(99) * 1000),\"mb_per_s\":\(megabytes / stats.median),\"tokens_per_s\":\(Double(tokenCount) / stats.median),\"checksum\":\(checksum)}")
        } else {
            print("analyze: \(source), stemmer \(stemmerName)")
            print("  \(documents.count) documents, \(fixed(megabytes, 2)) MB, \(tokenCount) tokens per pass; \(warmup) warm-up + \(iterations) timed passes")
            print("  pass time  p50 \(fixed(stats.median * 1000, 2)) ms   p90 \(fixed(stats.percentile(90) * 1000, 2)) ms   p99 \(fixed(stats.percentile(99) * 1000, 2)) ms")
            print("  throughput \(fixed(megabytes / stats.median, 1)) MB/s   \(fixed(Double(tokenCount) / stats.median / 1e6, 2)) M tokens/s  (at the median pass)")
            print("  checksum   \(checksum)")
        }
    }

    /// Every `.txt` file under `path`, in sorted order (bytes as they are).
    static func loadTextFiles(under path: String) -> [[UInt8]] {
        guard let walk = try? CorpusWalker(roots: [path], options: IngestOptions()).candidates() else { return [] }
        let extractor = DocumentExtractor(options: IngestOptions())
        return walk.flatMap { extractor.extract($0).documents.map(\.text) }
    }

    /// Deterministic English-like text for machines without the shared data.
    static func generatedText(documents: Int, seed: UInt64) -> [[UInt8]] {
        let words = ["the", "government", "said", "running", "markets", "Taliban", "President", "country's", "U.S.",
                     "5,000", "troops", "announced", "café", "reports", "increasingly", "of", "and", "national", "players", "won"]
        var state = seed
        var result: [[UInt8]] = []
        for _ in 0..<documents {
            var text: [UInt8] = []
            for index in 0..<400 {
                state = state &+ 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                text.append(contentsOf: words[Int(z % UInt64(words.count))].utf8)
                text.append(index % 17 == 16 ? UInt8(ascii: "\n") : UInt8(ascii: " "))
            }
            result.append(text)
        }
        return result
    }
}
