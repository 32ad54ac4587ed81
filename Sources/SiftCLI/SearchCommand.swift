import Sift

/// `sift search`: ranks the index's documents against a query (or a file of queries).
enum SearchCommand {
    static let spec = CommandSpec(
        name: "search",
        overview: "Search the index with the query language, ranked by BM25.",
        usage: "sift search [--index PATH]... [--global-stats FILE]... [-k N] [--offset N] [--mode any|all] [--k1 X] [--b X] [--format text|json|trec] [--explain] [--count] [--exhaustive] [--verify] [--queries FILE.tsv|-] [--jobs N] [--run-tag TAG] [--max-expansions N] [--max-clauses N] [--syntax query|plain] [--filter FILTER] [--snippet-length N] " + rm3Usage + " [QUERY...]",
        arguments: [("QUERY", "The query (words joined with spaces): terms, +required, -excluded, AND/OR/NOT, ( ), \"phrases\"~N, prefix*, title:…, term^boost, and metadata filters name:value, name:from..to, name:prefix*.")],
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data); repeat it to search several indexes as one, with statistics summed over all of them.", repeatable: true),
            OptionSpec(names: ["--global-stats"], valueName: "FILE", help: "Score with collection statistics from FILE (written by 'sift stats --terms' for several indexes; repeatable, summed) instead of the index's own.", repeatable: true),
            OptionSpec(names: ["-k", "--top"], valueName: "N", help: "Number of hits to show (default: 10)."),
            OptionSpec(names: ["--offset"], valueName: "N", help: "Skip the first N hits, for paging (default: 0)."),
            OptionSpec(names: ["--mode"], valueName: "any|all", help: "Bare words: any may match (OR, default) or all are required (AND)."),
            OptionSpec(names: ["--k1"], valueName: "X", help: "BM25 term-frequency saturation (default: 1.2)."),
            OptionSpec(names: ["--b"], valueName: "X", help: "BM25 length normalization, 0 to 1 (default: 0.75)."),
            OptionSpec(names: ["--format"], valueName: "text|json|trec", help: "Output for people (default), one JSON document, or a TREC run (qid Q0 docid rank score tag; docid is the id without its file extension; white space in a field is written %XX)."),
            OptionSpec(names: ["--explain"], valueName: nil, help: "Show each hit's score broken down by clause (tf, df, N, idf, lengths, k1, b, boost); text and json only."),
            OptionSpec(names: ["--queries"], valueName: "FILE.tsv|-", help: "Run every line 'id<TAB>query' of FILE ('-': standard input) instead of QUERY; a query that fails is reported and the others still run."),
            OptionSpec(names: ["--jobs"], valueName: "N", help: "With --queries: rank queries on N threads (default: 1); the output is the same, and a last line on stderr gives the queries per second. With several --index: search the indexes on N threads (default: the number of cores)."),
            OptionSpec(names: ["--run-tag"], valueName: "TAG", help: "Last column of TREC output (default: sift); --format trec only."),
            OptionSpec(names: ["--max-expansions"], valueName: "N", help: "Most terms a prefix expands to (default: 128; the most frequent are kept)."),
            OptionSpec(names: ["--max-clauses"], valueName: "N", help: "Most clauses a query may have: terms, phrase words and prefix expansions together (default: \(QueryLimits.defaultMaxClauses))."),
            OptionSpec(names: ["--count"], valueName: nil, help: "Count every match, so the total is exact (by default ranking skips documents that cannot make the top k, and the total is a lower bound)."),
            OptionSpec(names: ["--exhaustive"], valueName: nil, help: "Score every matching document (no pruning), to verify that pruning changes nothing."),
            OptionSpec(names: ["--verify"], valueName: nil, help: "Check every byte of the index against its checksums before searching (as sift check does)."),
            OptionSpec(names: ["--syntax"], valueName: "query|plain", help: "Read queries in the query language (default for QUERY) or as plain words (default for --queries)."),
            OptionSpec(names: ["--filter"], valueName: "FILTER", help: "Only documents whose metadata passes FILTER (filters of the query language: category:tech, date:2005-01..2005-06, tag:sw*, combined with AND/OR/NOT); with --queries, for every query. Scores do not change."),
            OptionSpec(names: ["--snippet-length"], valueName: "N", help: "Longest snippet in bytes, ellipses included (default: 200); text and json only. An index built with --store none has no snippets: its hits print without them, and this option is an error (exit 64)."),
        ] + rm3Options,
        discussion: """
            Limits: a query of at most \(QueryLimits.defaultMaxBytes) bytes, \(QueryLimits.defaultMaxClauses) clauses (--max-clauses) \
            and \(QueryLimits.defaultMaxDepth) levels of nesting (groups, NOTs, field prefixes); past them, exit 64 naming the limit.
            Passages (an index built with --unit line or paragraph) are shown under their article: one heading per run of \
            hits from the same article, then each passage's rank, score, line and text.
            """)

    /// Settings shared by every query of one run.
    struct Settings {
        var options: SearchOptions
        var format: String
        var explain: Bool
        var runTag: String
        var snippetLength: Int
    }

    /// One query of the run: its id (the file's first column, or "1") and its text.
    typealias QueryLine = (id: String, text: String)

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        let batch = parsed.value("--queries") != nil
        // Query files are usually prose (test collections): plain words unless told otherwise.
        let settings = try settings(parsed, spec: spec, defaultSyntax: batch ? .plain : .query)
        try checkApplicable(parsed, format: settings.format)
        let indexPath = parsed.value("--index") ?? "index-data"
        let queries: [QueryLine]
        if let file = parsed.value("--queries") {
            guard parsed.positionals.isEmpty else { throw spec.usageError("give either --queries FILE or a QUERY, not both") }
            queries = try QueryFileReader.read(file)
        } else {
            let query = parsed.positionals.joined(separator: " ")
            guard query.contains(where: { !$0.isWhitespace }) else { throw spec.usageError("empty query") }
            queries = [("1", query)]
        }
        if parsed.all("--index").count > 1 {
            guard parsed.value("--global-stats") == nil else {
                throw spec.usageError("--global-stats is for one index; several --index already share their statistics")
            }
            try runMulti(parsed, queries: queries, settings: settings, batch: batch)
            return
        }
        let statistics = parsed.value("--global-stats") == nil ? nil : try readStatistics(parsed.all("--global-stats"))
        let jobs = try parsed.integer("--jobs", default: 1, range: 1...256, spec: spec)
        let searcher = try openSearcher(indexPath, verify: parsed.flag("--verify"))
        // Without stored text, hits print without snippets; asking for them is an error.
        if searcher.reader.storage == .none && parsed.value("--snippet-length") != nil {
            throw mapIndexError(.noStoredText(path: indexPath))
        }
        let parallel = parsed.value("--jobs") == nil ? nil
            : rankInParallel(queries, reader: searcher.reader, options: settings.options, statistics: statistics, jobs: jobs)
        var jsonResults: [String] = []
        var failed: [String] = []
        for (number, query) in queries.enumerated() {
            let clock = ContinuousClock()
            let started = clock.now
            let results: SearchResults
            do {
                if let parallel {
                    results = try parallel.ranked[number].outcome.get()
                } else {
                    results = try searcher.search(query.text, options: settings.options, statistics: statistics)
                }
            } catch {
                let failure = try describe(error)
                guard batch else { throw .query(failure) }
                // One bad query of a file: say which, and run the others.
                Output.error("Error: query \(TerminalText.escaped(query.id)): \(TerminalText.escaped(failure))")
                failed.append(query.id)
                if settings.format == "json" {
                    jsonResults.append(JSON.object([("id", JSON.string(query.id)), ("query", JSON.string(query.text)),
                                                    ("error", JSON.string(failure))]))
                }
                continue
            }
            let micros = parallel?.ranked[number].micros ?? Int((seconds(since: started, clock: clock) * 1e6).rounded())
            for note in results.notes {
                Output.note("\(batch ? "query \(TerminalText.escaped(query.id)): " : "")\(TerminalText.escaped(noteText(note)))")
            }
            switch settings.format {
            case "trec":
                let queryID = TRECField.escaped(query.id)
                for hit in results.hits {
                    Output.line("\(queryID) Q0 \(TRECField.escaped(hit.trecDocumentID)) \(hit.rank) \(hit.score) \(settings.runTag)")
                }
            case "json":
                jsonResults.append(try json(query: query, results: results, micros: micros, searcher: searcher, settings: settings, batch: batch))
            default:
                try printText(query: query, results: results, micros: micros, searcher: searcher, settings: settings, batch: batch)
            }
        }
        if settings.format == "json" {
            Output.line(batch ? JSON.object([("results", JSON.array(jsonResults))]) : jsonResults[0])
        }
        if let parallel {
            let rate = parallel.seconds > 0 ? Double(queries.count) / parallel.seconds : 0
            Output.error("searched \(queries.count) queries in \((parallel.seconds * 1000).rounded() / 1000) s with \(jobs) jobs: \(Int(rate.rounded())) queries/s")
        }
        if !failed.isEmpty {
            let ids = failed.prefix(10).map { TerminalText.escaped($0) }.joined(separator: ", ") + (failed.count > 10 ? ", …" : "")
            let ran = queries.count - failed.count
            throw .data("\(failed.count) of \(Format.count(queries.count, "query", "queries")) failed: \(ids)" + (ran > 0 ? "; the other \(ran) ran" : ""))
        }
    }

    /// What went wrong with one query, as the user should read it; a damaged index ends the run.
    static func describe(_ error: SearchError) throws(CLIError) -> String {
        switch error {
        case .syntax(let syntax):
            return syntax.description
        case .limit(let limit):
            switch limit {
            case .tooManyClauses: return limit.description + "; raise --max-clauses or lower --max-expansions"
            case .tooLong, .tooDeep: return limit.description
            }
        case .index(let index):
            throw mapIndexError(index)
        case .invalidArgument(let argument):
            throw spec.usageError(argument.description)
        case .statistics(let statistics):
            return statistics.description
        }
    }

    /// Options that mean nothing for the chosen output are an error, not silently ignored.
    private static func checkApplicable(_ parsed: ParsedArguments, format: String) throws(CLIError) {
        if format == "trec" {
            if parsed.flag("--explain") { throw spec.usageError("--explain does not apply to --format trec (use text or json)") }
            if parsed.value("--snippet-length") != nil { throw spec.usageError("--snippet-length does not apply to --format trec, which has no snippets") }
        } else if parsed.value("--run-tag") != nil {
            throw spec.usageError("--run-tag applies to --format trec only")
        }
    }

    static func settings(_ parsed: ParsedArguments, spec: CommandSpec, defaultSyntax: QuerySyntax = .query) throws(CLIError) -> Settings {
        let limit = try parsed.integer("--top", default: 10, range: 0...1_000_000, spec: spec)
        let offset = try parsed.integer("--offset", default: 0, range: 0...1_000_000, spec: spec)
        let k1 = try parsed.decimal("--k1", default: 1.2, range: 0...1000, spec: spec)
        let b = try parsed.decimal("--b", default: 0.75, range: 0...1, spec: spec)
        let mode = try parsed.choice("--mode", default: "any", among: ["any", "all"], spec: spec)
        let maxExpansions = try parsed.integer("--max-expansions", default: 128, range: 1...1_000_000, spec: spec)
        let maxClauses = try parsed.integer("--max-clauses", default: QueryLimits.defaultMaxClauses, range: 1...1_000_000, spec: spec)
        let format = try parsed.choice("--format", default: "text", among: ["text", "json", "trec"], spec: spec)
        let snippetLength = try parsed.integer("--snippet-length", default: 200, range: 20...100_000, spec: spec)
        let syntax = try parsed.choice("--syntax", default: defaultSyntax.rawValue, among: QuerySyntax.allCases.map(\.rawValue), spec: spec)
        let runTag = parsed.value("--run-tag") ?? "sift"
        guard !runTag.isEmpty, TRECField.escaped(runTag) == runTag else {
            throw spec.usageError("--run-tag must be one word, not '\(runTag)'")
        }
        var filter: MetadataFilter?
        if let text = parsed.value("--filter") {
            do {
                filter = try QueryParser().parseFilter(text)
            } catch {
                throw spec.usageError("--filter '\(text)': \(error.message)")
            }
        }
        let options = SearchOptions(limit: limit, offset: offset, bm25: BM25Parameters(k1: k1, b: b),
                                    defaultOperator: mode == "all" ? .and : .or, maxExpansions: maxExpansions,
                                    syntax: QuerySyntax(rawValue: syntax)!, exhaustive: parsed.flag("--exhaustive"),
                                    countTotalHits: parsed.flag("--count"), limits: QueryLimits(maxClauses: maxClauses),
                                    rm3: try rm3Parameters(parsed, spec: spec), filter: filter)
        return Settings(options: options, format: format, explain: parsed.flag("--explain"), runTag: runTag, snippetLength: snippetLength)
    }

    static func openSearcher(_ indexPath: String, verify: Bool = false) throws(CLIError) -> Searcher {
        do {
            // Opening checks sizes, headers and trailers, and every read is bounds-checked, so
            // damage gives a clear error, never a trap; reading every byte for its checksum
            // (O(index size)) is left to `sift check` and `--verify`.
            let reader = try IndexReader(path: indexPath, verifyChecksums: verify)
            warnIfAnalyzedByAnotherVersion(reader)
            return Searcher(reader: reader)
        } catch {
            throw mapIndexError(error)
        }
    }

    /// A note as the CLI says it: the library's message, with the flag that changes it.
    static func noteText(_ note: SearchNote) -> String {
        switch note.kind {
        case .expansionsLimited: note.message + " (raise --max-expansions for more)"
        case .noWords, .onlyStopWords, .wordTooLong, .invalidUTF8, .unknownMetadataField: note.message
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

    /// Runs a searcher's snippet or explanation, mapping its errors to exit statuses.
    static func call<T>(_ body: () throws(SearchError) -> T) throws(CLIError) -> T {
        do {
            return try body()
        } catch {
            switch error {
            case .index(let index): throw mapIndexError(index)
            case .invalidArgument(let argument): throw spec.usageError(argument.description)
            case .syntax(let syntax): throw .query(syntax.description)
            case .limit(let limit): throw .query(limit.description)
            case .statistics(let statistics): throw .query(statistics.description)
            }
        }
    }
}

/// Reads query files for `--queries` (the format is the library's `QueryFile`).
enum QueryFileReader {
    /// The queries of `path`, or of standard input for `-`.
    static func read(_ path: String) throws(CLIError) -> [SearchCommand.QueryLine] {
        let bytes: [UInt8]
        if path == "-" {
            bytes = readStandardInput()
        } else {
            do {
                bytes = try readFile(path)
            } catch {
                throw .noInput("cannot read queries file '\(path)': \(error)")
            }
        }
        let name = path == "-" ? "standard input" : path
        do {
            return try QueryFile.parse(bytes).map { ($0.id, $0.text) }
        } catch {
            throw .data("\(name):\(error.description.dropFirst("line ".count))")
        }
    }
}
