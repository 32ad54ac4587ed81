import Sift

/// `sift search`: ranks the index's documents against a query (or a file of queries).
enum SearchCommand {
    static let spec = CommandSpec(
        name: "search",
        overview: "Search the index with the query language, ranked by BM25.",
        usage: "sift search [--index PATH] [-k N] [--offset N] [--mode any|all] [--k1 X] [--b X] [--format text|json|trec] [--explain] [--count] [--exhaustive] [--queries FILE.tsv] [--run-tag TAG] [--max-expansions N] [--syntax query|plain] " + rm3Usage + " [QUERY...]",
        arguments: [("QUERY", "The query (words joined with spaces): terms, +required, -excluded, AND/OR/NOT, ( ), \"phrases\"~N, prefix*, title:…, term^boost.")],
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
            OptionSpec(names: ["-k", "--top"], valueName: "N", help: "Number of hits to show (default: 10)."),
            OptionSpec(names: ["--offset"], valueName: "N", help: "Skip the first N hits, for paging (default: 0)."),
            OptionSpec(names: ["--mode"], valueName: "any|all", help: "Bare words: any may match (OR, default) or all are required (AND)."),
            OptionSpec(names: ["--k1"], valueName: "X", help: "BM25 term-frequency saturation (default: 1.2)."),
            OptionSpec(names: ["--b"], valueName: "X", help: "BM25 length normalization, 0 to 1 (default: 0.75)."),
            OptionSpec(names: ["--format"], valueName: "text|json|trec", help: "Output for people (default), one JSON document, or a TREC run (qid Q0 docid rank score tag; docid is the id without its file extension)."),
            OptionSpec(names: ["--explain"], valueName: nil, help: "Show each hit's score broken down by clause (tf, df, N, idf, lengths, k1, b, boost)."),
            OptionSpec(names: ["--queries"], valueName: "FILE.tsv", help: "Run every line 'id<TAB>query' of FILE instead of QUERY."),
            OptionSpec(names: ["--run-tag"], valueName: "TAG", help: "Last column of TREC output (default: sift)."),
            OptionSpec(names: ["--max-expansions"], valueName: "N", help: "Most terms a prefix expands to (default: 128; the most frequent are kept)."),
            OptionSpec(names: ["--count"], valueName: nil, help: "Count every match, so the total is exact (by default ranking skips documents that cannot make the top k, and the total is a lower bound)."),
            OptionSpec(names: ["--exhaustive"], valueName: nil, help: "Score every matching document (no pruning), to verify that pruning changes nothing."),
            OptionSpec(names: ["--syntax"], valueName: "query|plain", help: "Read queries in the query language (default for QUERY) or as plain words (default for --queries)."),
            OptionSpec(names: ["--snippet-length"], valueName: "N", help: "Longest snippet in bytes (default: 200)."),
        ] + rm3Options)

    /// Settings shared by every query of one run.
    struct Settings {
        var options: SearchOptions
        var format: String
        var explain: Bool
        var runTag: String
        var snippetLength: Int
    }

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        // Query files are usually prose (test collections): plain words unless told otherwise.
        let settings = try settings(parsed, spec: spec, defaultSyntax: parsed.value("--queries") != nil ? .plain : .query)
        let indexPath = parsed.value("--index") ?? "index-data"
        let queries: [(id: String, text: String)]
        if let file = parsed.value("--queries") {
            guard parsed.positionals.isEmpty else { throw spec.usageError("give either --queries FILE or a QUERY, not both") }
            queries = try QueryFileReader.read(file)
        } else {
            let query = parsed.positionals.joined(separator: " ")
            guard query.contains(where: { !$0.isWhitespace }) else { throw spec.usageError("empty query") }
            queries = [("1", query)]
        }
        let batch = parsed.value("--queries") != nil
        if batch && settings.options.syntax == .query {
            // Check every query before printing any result, so a bad line leaves no half run.
            let parser = QueryParser(defaultOperator: settings.options.defaultOperator)
            for query in queries {
                do {
                    _ = try parser.parse(query.text)
                } catch {
                    throw .data("query \(query.id): \(error)")
                }
            }
        }
        let searcher = try openSearcher(indexPath)
        var jsonResults: [String] = []
        for query in queries {
            let clock = ContinuousClock()
            let started = clock.now
            let results: SearchResults
            do {
                results = try searcher.search(query.text, options: settings.options)
            } catch {
                switch error {
                case .syntax(let syntax):
                    if batch { throw .data("query \(query.id): \(syntax)") }
                    throw spec.usageError(syntax.description)
                case .index(let index):
                    throw mapIndexError(index)
                }
            }
            let micros = Int((seconds(since: started, clock: clock) * 1e6).rounded())
            for note in results.notes { Output.error("note: \(batch ? "query \(query.id): " : "")\(noteText(note))") }
            switch settings.format {
            case "trec":
                for hit in results.hits { Output.line("\(query.id) Q0 \(hit.trecDocumentID) \(hit.rank) \(hit.score) \(settings.runTag)") }
            case "json":
                jsonResults.append(try json(query: query, results: results, micros: micros, searcher: searcher, settings: settings, batch: batch))
            default:
                try printText(query: query, results: results, micros: micros, searcher: searcher, settings: settings, batch: batch)
            }
        }
        if settings.format == "json" {
            Output.line(batch ? JSON.object([("results", JSON.array(jsonResults))]) : jsonResults[0])
        }
    }

    static func settings(_ parsed: ParsedArguments, spec: CommandSpec, defaultSyntax: QuerySyntax = .query) throws(CLIError) -> Settings {
        let limit = try parsed.integer("--top", default: 10, range: 0...1_000_000, spec: spec)
        let offset = try parsed.integer("--offset", default: 0, range: 0...1_000_000, spec: spec)
        let k1 = try parsed.decimal("--k1", default: 1.2, range: 0...1000, spec: spec)
        let b = try parsed.decimal("--b", default: 0.75, range: 0...1, spec: spec)
        let mode = try parsed.choice("--mode", default: "any", among: ["any", "all"], spec: spec)
        let maxExpansions = try parsed.integer("--max-expansions", default: 128, range: 1...1_000_000, spec: spec)
        let format = try parsed.choice("--format", default: "text", among: ["text", "json", "trec"], spec: spec)
        let snippetLength = try parsed.integer("--snippet-length", default: 200, range: 20...100_000, spec: spec)
        let syntax = try parsed.choice("--syntax", default: defaultSyntax.rawValue, among: QuerySyntax.allCases.map(\.rawValue), spec: spec)
        let runTag = parsed.value("--run-tag") ?? "sift"
        guard !runTag.isEmpty, !runTag.contains(where: { $0.isWhitespace }) else {
            throw spec.usageError("--run-tag must be one word, not '\(runTag)'")
        }
        let options = SearchOptions(limit: limit, offset: offset, bm25: BM25Parameters(k1: k1, b: b),
                                    defaultOperator: mode == "all" ? .and : .or, maxExpansions: maxExpansions,
                                    syntax: QuerySyntax(rawValue: syntax)!, exhaustive: parsed.flag("--exhaustive"),
                                    countTotalHits: parsed.flag("--count"), rm3: try rm3Parameters(parsed, spec: spec))
        return Settings(options: options, format: format, explain: parsed.flag("--explain"), runTag: runTag, snippetLength: snippetLength)
    }

    static func openSearcher(_ indexPath: String) throws(CLIError) -> Searcher {
        do {
            // One process per query: checking every checksum first costs little here and turns
            // any damage into a clear error instead of a wrong answer.
            let reader = try IndexReader(path: indexPath, verifyChecksums: true)
            warnIfAnalyzedByAnotherVersion(reader)
            return Searcher(reader: reader)
        } catch {
            throw mapIndexError(error)
        }
    }

    private static func printText(query: (id: String, text: String), results: SearchResults, micros: Int,
                                  searcher: Searcher, settings: Settings, batch: Bool) throws(CLIError) {
        if batch { Output.line("Query \(query.id): \(query.text)") }
        if settings.explain, let expansion = results.expansion { printExpansion(expansion) }
        let terminal = Output.stdoutIsTerminal
        for hit in results.hits {
            let snippet = try call { () throws(IndexError) in try searcher.snippet(for: hit, in: results, maxLength: settings.snippetLength) }
            Output.line("\(hit.rank). \(Format.fixed(Double(hit.score), decimals: 4))  \(hit.id)  \(hit.title)")
            let marked = terminal ? snippet.marked(open: "\u{1B}[1m", close: "\u{1B}[0m") : snippet.marked(open: "[", close: "]")
            Output.line("    \(marked)")
            if settings.explain {
                let explanation = try call { () throws(IndexError) in try searcher.explain(hit, in: results) }
                printExplanation(explanation, indent: "    ")
            }
        }
        let offset = settings.options.offset
        let total = results.totalHitsIsExact ? "\(results.totalHits)" : "at least \(results.totalHits)"
        let shown = results.hits.isEmpty ? "No hits" : "Hits \(offset + 1)–\(offset + results.hits.count) of \(total)"
        Output.line("\(shown) for '\(query.text)' (\(Format.fixed(Double(micros) / 1000, decimals: 2)) ms)")
        if batch { Output.line("") }
    }

    static func printExplanation(_ node: Explanation, indent: String) {
        switch node.kind {
        case .sum:
            Output.line("\(indent)\(node.value) = sum of:")
            for detail in node.details { printExplanation(detail, indent: indent + "  ") }
        case .term, .phrase:
            let df = node.documentFrequency.map { "df=\($0) " } ?? ""
            let name = node.kind == .phrase ? "\"\(node.text)\"" + (node.slop > 0 ? "~\(node.slop)" : "") : node.text
            let field = node.field == .text ? "" : "\(node.field.rawValue):"
            Output.line("\(indent)\(node.value)  \(field)\(name)  tf=\(node.termFrequency) \(df)N=\(node.documentCount) idf=\(Format.fixed(node.idf, decimals: 4)) len=\(node.documentLength) avgLen=\(Format.fixed(node.averageLength, decimals: 2)) k1=\(node.k1) b=\(node.b) boost=\(node.boost)")
        }
    }

    static func explanationJSON(_ node: Explanation) -> String {
        switch node.kind {
        case .sum:
            return JSON.object([("type", JSON.string("sum")), ("value", JSON.number(node.value)),
                                ("clauses", JSON.array(node.details.map(explanationJSON)))])
        case .term, .phrase:
            var pairs: [(String, String)] = [
                ("type", JSON.string(node.kind.rawValue)), ("field", JSON.string(node.field.rawValue)),
                ("text", JSON.string(node.text)), ("value", JSON.number(node.value)), ("tf", "\(node.termFrequency)"),
            ]
            if let df = node.documentFrequency { pairs.append(("df", "\(df)")) }
            if node.kind == .phrase { pairs.append(("slop", "\(node.slop)")) }
            pairs += [("N", "\(node.documentCount)"), ("idf", JSON.number(node.idf)), ("length", "\(node.documentLength)"),
                      ("averageLength", JSON.number(node.averageLength)), ("k1", JSON.number(node.k1)),
                      ("b", JSON.number(node.b)), ("boost", JSON.number(node.boost))]
            return JSON.object(pairs)
        }
    }

    private static func json(query: (id: String, text: String), results: SearchResults, micros: Int,
                             searcher: Searcher, settings: Settings, batch: Bool) throws(CLIError) -> String {
        var items: [String] = []
        for hit in results.hits {
            let snippet = try call { () throws(IndexError) in try searcher.snippet(for: hit, in: results, maxLength: settings.snippetLength) }
            var pairs: [(String, String)] = [
                ("rank", "\(hit.rank)"), ("id", JSON.string(hit.id)), ("title", JSON.string(hit.title)),
                ("score", JSON.number(hit.score)), ("snippet", JSON.string(snippet.text)),
                ("highlights", JSON.array(snippet.highlights.map { JSON.object([("start", "\($0.lowerBound)"), ("end", "\($0.upperBound)")]) })),
            ]
            if settings.explain {
                let explanation = try call { () throws(IndexError) in try searcher.explain(hit, in: results) }
                pairs.append(("explanation", explanationJSON(explanation)))
            }
            items.append(JSON.object(pairs))
        }
        var pairs: [(String, String)] = []
        if batch { pairs.append(("id", JSON.string(query.id))) }
        pairs += [("query", JSON.string(query.text)), ("totalHits", "\(results.totalHits)"),
                  ("totalHitsExact", results.totalHitsIsExact ? "true" : "false"),
                  ("tookMicroseconds", "\(micros)"), ("hits", JSON.array(items))]
        if let expansion = results.expansion { pairs.append(("expansion", expansionJSON(expansion))) }
        if !results.notes.isEmpty { pairs.append(("notes", JSON.array(results.notes.map { JSON.string(noteText($0)) }))) }
        return JSON.object(pairs)
    }

    /// A note as the CLI says it: the library's message, with the flag that changes it.
    static func noteText(_ note: SearchNote) -> String {
        switch note.kind {
        case .expansionsLimited: note.message + " (raise --max-expansions for more)"
        case .noWords, .onlyStopWords: note.message
        }
    }

    /// Runs a library call, mapping its error to an exit status.
    static func call<T>(_ body: () throws(IndexError) -> T) throws(CLIError) -> T {
        do {
            return try body()
        } catch {
            throw mapIndexError(error)
        }
    }
}

/// Reads query files for `--queries` (the format is the library's `QueryFile`).
enum QueryFileReader {
    static func read(_ path: String) throws(CLIError) -> [(id: String, text: String)] {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            throw .noInput("cannot read queries file '\(path)': \(error)")
        }
        do {
            return try QueryFile.parse(bytes).map { ($0.id, $0.text) }
        } catch {
            throw .data("\(path):\(error.description.dropFirst("line ".count))")
        }
    }
}
