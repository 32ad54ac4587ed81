import Sift

/// `sift eval`: scores rankings against relevance judgments — Sift's own (searching an index
/// with a query file), any engine's (a TREC run file), or several runs against each other.
enum EvalCommand {
    static let spec = CommandSpec(
        name: "eval",
        overview: "Measure ranking quality: run queries and compute MAP, nDCG, P, recall, MRR against qrels; evaluate or compare TREC runs.",
        usage: """
            sift eval --queries FILE.tsv --qrels QRELS [--index PATH]... [--jobs N] [--run-out FILE] [--run-tag TAG] [-k N] [--mode any|all] [--k1 X] [--b X] [--syntax plain|query] \(SearchCommand.rm3Usage) [--metrics LIST] [--per-query] [--format text|json]
                   sift eval --run RUN --qrels QRELS [--metrics LIST] [--per-query] [--format text|json]
                   sift eval --compare RUN RUN [RUN...] --qrels QRELS [--permutations N] [--seed N] [--metrics LIST] [--per-query] [--format text|json]
            """,
        arguments: [("RUN", "With --compare: the TREC runs to compare; the first is the baseline.")],
        options: [
            OptionSpec(names: ["--queries"], valueName: "FILE.tsv", help: "Queries, one 'id<TAB>text' per line; ids must be unique."),
            OptionSpec(names: ["--qrels"], valueName: "QRELS", help: "Relevance judgments, TREC format 'qid 0 docid relevance'; docids are ids without file extension."),
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data); repeat it to evaluate several indexes searched as one.", repeatable: true),
            OptionSpec(names: ["--jobs"], valueName: "N", help: "With several --index: search them on N threads (default: the number of cores)."),
            OptionSpec(names: ["--run-out"], valueName: "FILE", help: "Also write the rankings as a TREC run 'qid Q0 docid rank score tag', ranked as evaluated."),
            OptionSpec(names: ["--run-tag"], valueName: "TAG", help: "Last column of the --run-out lines (default: sift); only with --run-out."),
            OptionSpec(names: ["--run"], valueName: "RUN", help: "Evaluate a TREC run file from any engine instead of searching an index."),
            OptionSpec(names: ["--compare"], valueName: nil, help: "Compare the RUN files: means, differences, paired t-test and randomization test against the first."),
            OptionSpec(names: ["--permutations"], valueName: "N", help: "With --compare: sign-flip permutations of the randomization test (default: \(RandomizationTest.defaultPermutations))."),
            OptionSpec(names: ["--seed"], valueName: "N", help: "With --compare: seed of the randomization test, 0 to 2^64-1 (default: \(RandomizationTest.defaultSeed))."),
            OptionSpec(names: ["--metrics"], valueName: "LIST", help: "Comma-separated: map, ndcg@K, p@K, recall@K, mrr (default: map,ndcg@10,p@10,recall@100,mrr)."),
            OptionSpec(names: ["--per-query"], valueName: nil, help: "Also show each query's values (with --compare: each query's differences, largest first)."),
            OptionSpec(names: ["--format"], valueName: "text|json", help: "Output for people (default) or one JSON document."),
            OptionSpec(names: ["-k", "--top"], valueName: "N", help: "Ranking depth per query, at least 1 (default: 1000, as trec_eval runs)."),
            OptionSpec(names: ["--mode"], valueName: "any|all", help: "Bare words: any may match (default) or all are required."),
            OptionSpec(names: ["--k1"], valueName: "X", help: "BM25 k1 (default: 1.2)."),
            OptionSpec(names: ["--b"], valueName: "X", help: "BM25 b (default: 0.75)."),
            OptionSpec(names: ["--syntax"], valueName: "plain|query", help: "Queries as plain words (default: test queries are prose) or in the query language."),
        ] + SearchCommand.rm3Options,
        discussion: """
            Every ranking is evaluated in trec_eval's order: score descending (as single-precision floats), \
            ties broken by document id descending, compared byte by byte. A run file's rank column is ignored, \
            as trec_eval ignores it; a document twice in one query is an error.
            Searching an index, the queries of FILE.tsv without any relevant judgment are left out of the means \
            and counted. With --run and --compare, the queries are those QRELS judges a document relevant for, \
            and a query missing from a run scores 0 (trec_eval -c).
            --compare: p-values are two-sided; the randomization test counts permutations whose |mean difference| \
            is at least the observed one, p = (count + 1)/(N + 1). With more than two runs, p-values are also \
            Holm-adjusted per metric, over the comparisons against the baseline.
            """)

    /// The options only one kind of evaluation takes, for the error that names them when
    /// given to another.
    private static let searchOnly = ["--queries", "--index", "--jobs", "--run-out", "--run-tag", "--top", "--mode", "--k1", "--b", "--syntax",
                                     "--fb-docs", "--fb-terms", "--original-weight"]
    private static let compareOnly = ["--permutations", "--seed"]

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        let compare = parsed.flag("--compare")
        let runPath = parsed.value("--run")
        if compare && runPath != nil { throw spec.usageError("give either --run RUN or --compare RUN RUN..., not both") }
        if compare || runPath != nil, let option = searchOnly.first(where: { parsed.values[$0] != nil }) {
            throw spec.usageError("\(option == "--top" ? "-k/--top" : option) is for searching an index, not with \(compare ? "--compare" : "--run")")
        }
        if compare || runPath != nil, parsed.flag("--rm3") {
            throw spec.usageError("--rm3 is for searching an index, not with \(compare ? "--compare" : "--run")")
        }
        if !compare, let option = compareOnly.first(where: { parsed.values[$0] != nil }) {
            throw spec.usageError("\(option) goes with --compare")
        }
        if !compare, let stray = parsed.positionals.first { throw spec.usageError("unexpected argument '\(stray)'") }
        if compare && parsed.positionals.count < 2 {
            throw spec.usageError("--compare needs at least two runs, not \(parsed.positionals.count)")
        }
        if !compare && runPath == nil && parsed.value("--queries") == nil { throw spec.usageError("missing --queries FILE.tsv") }
        guard let qrelsPath = parsed.value("--qrels") else { throw spec.usageError("missing --qrels QRELS") }
        let metrics = try metrics(parsed)
        let format = try parsed.choice("--format", default: "text", among: ["text", "json"], spec: spec)
        let perQuery = parsed.flag("--per-query")
        if compare {
            try compareRuns(parsed, qrelsPath: qrelsPath, metrics: metrics, format: format, perQuery: perQuery)
        } else if let runPath {
            try evaluateRun(runPath, qrelsPath: qrelsPath, metrics: metrics, format: format, perQuery: perQuery)
        } else {
            try evaluateIndex(parsed, qrelsPath: qrelsPath, metrics: metrics, format: format, perQuery: perQuery)
        }
    }

    /// Compares the run files given as arguments, the first being the baseline.
    private static func compareRuns(_ parsed: ParsedArguments, qrelsPath: String, metrics: [EvaluationMetric],
                                    format: String, perQuery: Bool) throws(CLIError) {
        let permutations = try parsed.integer("--permutations", default: RandomizationTest.defaultPermutations, range: 1...100_000_000, spec: spec)
        var seed = RandomizationTest.defaultSeed
        if let text = parsed.value("--seed") {
            guard let value = UInt64(text) else { throw spec.usageError("--seed must be a whole number from 0 to 2^64-1, not '\(text)'") }
            seed = value
        }
        let judgments = try readJudgments(qrelsPath)
        let runs = try parsed.positionals.map { path throws(CLIError) in try readRun(path) }
        let comparison: RunComparison
        do {
            comparison = try RunComparison(runs: runs, judgments: judgments, metrics: metrics, permutations: permutations, seed: seed)
        } catch {
            throw .data("\(qrelsPath): \(error)")
        }
        let printer = ComparisonPrinter(comparison: comparison, paths: parsed.positionals, perQuery: perQuery)
        Output.write(format == "json" ? printer.json() + "\n" : printer.text())
    }

    /// Evaluates a run file over the queries the judgments have a relevant document for.
    private static func evaluateRun(_ runPath: String, qrelsPath: String, metrics: [EvaluationMetric],
                                    format: String, perQuery: Bool) throws(CLIError) {
        let judgments = try readJudgments(qrelsPath)
        let run = try readRun(runPath)
        let report: EvaluationReport
        do {
            report = try EvaluationReport(run: run, judgments: judgments, metrics: metrics, queries: .judged)
        } catch {
            throw .data("\(qrelsPath): \(error)")
        }
        let counts = "queries: \(run.queries.count) in the run, \(report.perQuery.count) evaluated (\(report.missing.count) judged but missing from the run, scored 0), \(report.unjudged.count) without relevant judgments (left out of the means)"
        printReport(report, format: format, perQuery: perQuery, header: [("run", JSON.string(runPath)), ("queries", "\(run.queries.count)")],
                    counts: counts, extra: [("missing", JSON.array(report.missing.map(JSON.string)))])
    }

    /// Searches the index with every query of the query file and evaluates the rankings.
    private static func evaluateIndex(_ parsed: ParsedArguments, qrelsPath: String, metrics: [EvaluationMetric],
                                      format: String, perQuery: Bool) throws(CLIError) {
        var parsed = parsed
        let queriesPath = parsed.value("--queries")!
        // trec_eval runs are 1000 deep; a depth of 0 would score every query 0 without a word.
        let depth = try parsed.integer("--top", default: 1000, range: 1...1_000_000, spec: spec)
        parsed.values["--top"] = ["\(depth)"]
        let settings = try SearchCommand.settings(parsed, spec: spec, defaultSyntax: .plain)
        // The tag is the last column of the --run-out lines; without them it would do nothing.
        if parsed.value("--run-tag") != nil && parsed.value("--run-out") == nil {
            throw spec.usageError("--run-tag goes with --run-out FILE (it is the run file's last column)")
        }
        let queries = try QueryFileReader.read(queriesPath)
        guard !queries.isEmpty else { throw .data("\(queriesPath): no queries (expected 'id<TAB>query' lines)") }
        var seen = Set<String>()
        for query in queries where !seen.insert(query.id).inserted {
            throw .data("\(queriesPath): query id '\(query.id)' appears more than once")
        }
        let judgments = try readJudgments(qrelsPath)
        let paths = parsed.all("--index").isEmpty ? ["index-data"] : parsed.all("--index")
        // One index, or several searched as one (global statistics); each query's hits as
        // run entries (ids qualified by their index where two indexes share one).
        let rank: (String) throws(SearchError) -> [RunEntry]
        if paths.count > 1 {
            let jobs = try parsed.integer("--jobs", default: ProcessInfoLite.coreCount, range: 1...256, spec: spec)
            let multi = try SearchCommand.openMulti(paths, verify: false, jobs: jobs)
            rank = { (text: String) throws(SearchError) -> [RunEntry] in
                let results = try multi.search(text, options: settings.options)
                return zip(results.hits, SearchCommand.displayIDs(results.hits)).map { hit, id in
                    RunEntry(documentID: SearchHit.trecDocumentID(of: id), score: Double(hit.score))
                }
            }
        } else {
            let searcher = try SearchCommand.openSearcher(paths[0])
            rank = { (text: String) throws(SearchError) -> [RunEntry] in
                try searcher.search(text, options: settings.options).hits.map {
                    RunEntry(documentID: $0.trecDocumentID, score: Double($0.score))
                }
            }
        }
        var run = TrecRun()
        for query in queries {
            let entries: [RunEntry]
            do {
                entries = try rank(query.text)
            } catch {
                switch error {
                case .syntax(let syntax): throw .data("query \(query.id): \(syntax)")
                case .limit(let limit): throw .data("query \(query.id): \(limit)")
                case .statistics(let statistics): throw .data("query \(query.id): \(statistics)")
                case .index(let index): throw mapIndexError(index)
                }
            }
            // trec_eval ranks ties by document id, not by Sift's document number: re-rank so
            // the figures (and the written run) are what trec_eval gives for the same scores.
            // Sift's scores are floats, so they convert to Double and back exactly.
            do {
                try run.append(query: query.id, entries: entries)
            } catch {
                throw .data("\(error) (ids without file extension must differ to be evaluated)")
            }
        }
        let report: EvaluationReport
        do {
            report = try EvaluationReport(run: run, judgments: judgments, metrics: metrics, queries: .run)
        } catch {
            throw .data("none of the \(queries.count) queries of '\(queriesPath)' has a document judged relevant in '\(qrelsPath)'")
        }
        if let runOut = parsed.value("--run-out") {
            var text = ""
            for query in run.queries {
                for (index, entry) in query.entries.enumerated() {
                    text += "\(TRECField.escaped(query.id)) Q0 \(TRECField.escaped(entry.documentID)) \(index + 1) \(Float(entry.score)) \(settings.runTag)\n"
                }
            }
            do {
                try FileIO.writeAndSync(Array(text.utf8), to: runOut)
            } catch {
                throw .io("\(error)")
            }
        }
        let counts = "queries: \(queries.count) run, \(report.perQuery.count) evaluated, \(report.unjudged.count) without relevant judgments (left out of the means)"
        printReport(report, format: format, perQuery: perQuery, header: [("queries", "\(queries.count)")], counts: counts, extra: [])
    }

    /// The metrics of `--metrics`; an empty or repeated name is a usage error.
    private static func metrics(_ parsed: ParsedArguments) throws(CLIError) -> [EvaluationMetric] {
        let list = parsed.value("--metrics") ?? "map,ndcg@10,p@10,recall@100,mrr"
        guard list.contains(where: { $0 != " " && $0 != "," }) else {
            throw spec.usageError("--metrics needs at least one metric (map, ndcg@K, p@K, recall@K, mrr)")
        }
        var metrics: [EvaluationMetric] = []
        for name in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let metric = EvaluationMetric(name: name.trimmingSpaces) else {
                throw spec.usageError("unknown metric '\(name)' (use map, ndcg@K, p@K, recall@K, mrr)")
            }
            guard !metrics.contains(metric) else { throw spec.usageError("metric '\(metric)' is given twice") }
            metrics.append(metric)
        }
        return metrics
    }

    private static func readJudgments(_ path: String) throws(CLIError) -> RelevanceJudgments {
        try read(path, kind: "qrels") { bytes throws(EvaluationError) in try RelevanceJudgments(parsing: String(decoding: bytes, as: UTF8.self)) }
    }

    private static func readRun(_ path: String) throws(CLIError) -> TrecRun {
        try read(path, kind: "run") { bytes throws(EvaluationError) in try TrecRun(parsing: bytes) }
    }

    /// Reads and parses an input file: one that cannot be read is missing input (66), one
    /// that does not parse is bad data (65), named with the library's description.
    private static func read<T>(_ path: String, kind: String, parse: ([UInt8]) throws(EvaluationError) -> T) throws(CLIError) -> T {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            throw .noInput("cannot read \(kind) file '\(path)': \(error)")
        }
        do {
            return try parse(bytes)
        } catch {
            throw .data("\(path): \(error)")
        }
    }

    /// Means (and per-query values) as text or JSON; `header` and `extra` are the JSON keys
    /// before and after the evaluated and unjudged counts, `counts` the text's last line.
    private static func printReport(_ report: EvaluationReport, format: String, perQuery: Bool,
                                    header: [(String, String)], counts: String, extra: [(String, String)]) {
        let metrics = report.metrics
        if format == "json" {
            var pairs = header + [("evaluated", "\(report.perQuery.count)"), ("unjudged", JSON.array(report.unjudged.map(JSON.string)))] + extra
            pairs.append(("means", JSON.object(zip(metrics, report.means).map { ($0.description, JSON.number($1)) })))
            if perQuery {
                pairs.append(("perQuery", JSON.array(report.perQuery.map { entry in
                    JSON.object([("id", JSON.string(entry.id))] + zip(metrics, entry.values).map { ($0.description, JSON.number($1)) })
                })))
            }
            Output.line(JSON.object(pairs))
            return
        }
        if perQuery {
            Output.line((["query"] + metrics.map(\.description)).joined(separator: "\t"))
            for entry in report.perQuery {
                Output.line(([entry.id] + entry.values.map { Format.fixed($0, decimals: 4) }).joined(separator: "\t"))
            }
            Output.line("")
        }
        for (metric, mean) in zip(metrics, report.means) {
            Output.line("\(metric.description.padded(to: 12))\(Format.fixed(mean, decimals: 4))")
        }
        Output.line(counts)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    func padded(to width: Int) -> String {
        count >= width ? String(self) + " " : String(self) + String(repeating: " ", count: width - count)
    }
}
