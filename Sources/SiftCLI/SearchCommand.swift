import Sift

/// `sift search`: ranks the index's documents against a query with BM25.
enum SearchCommand {
    static let spec = CommandSpec(
        name: "search",
        overview: "Search the index: query terms are ORed and ranked with BM25.",
        usage: "sift search [--index PATH] [-k N] [--offset N] [--k1 X] [--b X] [--format text|json|trec] QUERY...",
        arguments: [("QUERY", "Query words (joined with spaces), analyzed exactly as the index's documents were.")],
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
            OptionSpec(names: ["-k", "--top"], valueName: "N", help: "Number of hits to show (default: 10)."),
            OptionSpec(names: ["--offset"], valueName: "N", help: "Skip the first N hits, for paging (default: 0)."),
            OptionSpec(names: ["--k1"], valueName: "X", help: "BM25 term-frequency saturation (default: 1.2)."),
            OptionSpec(names: ["--b"], valueName: "X", help: "BM25 length normalization, 0 to 1 (default: 0.75)."),
            OptionSpec(names: ["--format"], valueName: "text|json|trec", help: "Output for people (default), one JSON document, or a TREC run (qid Q0 docid rank score sift)."),
            OptionSpec(names: ["--snippet-length"], valueName: "N", help: "Longest snippet in bytes (default: 200)."),
        ])

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        let limit = try parsed.integer("--top", default: 10, range: 0...1_000_000, spec: spec)
        let offset = try parsed.integer("--offset", default: 0, range: 0...1_000_000, spec: spec)
        let k1 = try parsed.decimal("--k1", default: 1.2, range: 0...1000, spec: spec)
        let b = try parsed.decimal("--b", default: 0.75, range: 0...1, spec: spec)
        let format = try parsed.choice("--format", default: "text", among: ["text", "json", "trec"], spec: spec)
        let snippetLength = try parsed.integer("--snippet-length", default: 200, range: 20...100_000, spec: spec)
        let query = parsed.positionals.joined(separator: " ")
        guard query.contains(where: { !$0.isWhitespace }) else { throw spec.usageError("empty query") }
        let indexPath = parsed.value("--index") ?? "index-data"

        let reader: IndexReader
        do {
            reader = try IndexReader(path: indexPath)
        } catch {
            throw mapIndexError(error)
        }
        let searcher = Searcher(reader: reader)
        let clock = ContinuousClock()
        let started = clock.now
        let results: SearchResults
        do {
            results = try searcher.search(query, options: SearchOptions(limit: limit, offset: offset, bm25: BM25Parameters(k1: k1, b: b)))
        } catch {
            throw mapIndexError(error)
        }
        let micros = Int((seconds(since: started, clock: clock) * 1e6).rounded())
        if let note = results.note { Output.error("note: \(note)") }

        switch format {
        case "trec":
            for hit in results.hits {
                Output.line("1 Q0 \(hit.id) \(hit.rank) \(hit.score) sift")
            }
        case "json":
            var items: [String] = []
            for hit in results.hits {
                let snippet = try snippet(searcher, hit, results, snippetLength)
                items.append(JSON.object([
                    ("rank", "\(hit.rank)"), ("id", JSON.string(hit.id)), ("title", JSON.string(hit.title)),
                    ("score", JSON.number(hit.score)), ("snippet", JSON.string(snippet.text)),
                    ("highlights", JSON.array(snippet.highlights.map { JSON.object([("start", "\($0.lowerBound)"), ("end", "\($0.upperBound)")]) })),
                ]))
            }
            Output.line(JSON.object([
                ("query", JSON.string(query)), ("totalHits", "\(results.totalHits)"),
                ("tookMicroseconds", "\(micros)"), ("hits", JSON.array(items)),
            ]))
        default:
            let terminal = Output.stdoutIsTerminal
            for hit in results.hits {
                let snippet = try snippet(searcher, hit, results, snippetLength)
                Output.line("\(hit.rank). \(Format.fixed(Double(hit.score), decimals: 4))  \(hit.id)  \(hit.title)")
                let marked = terminal ? snippet.marked(open: "\u{1B}[1m", close: "\u{1B}[0m") : snippet.marked(open: "[", close: "]")
                Output.line("    \(marked)")
            }
            let shown = results.hits.isEmpty ? "No hits" : "Hits \(offset + 1)–\(offset + results.hits.count) of \(results.totalHits)"
            Output.line("\(shown) for '\(query)' (\(Format.fixed(Double(micros) / 1000, decimals: 2)) ms)")
        }
    }

    private static func snippet(_ searcher: Searcher, _ hit: SearchHit, _ results: SearchResults, _ length: Int) throws(CLIError) -> Snippet {
        do {
            return try searcher.snippet(for: hit, terms: results.terms, maxLength: length)
        } catch {
            throw mapIndexError(error)
        }
    }
}
