import Sift

/// `sift eval`: runs a query set and scores the rankings against relevance judgments.
enum EvalCommand {
    static let spec = CommandSpec(
        name: "eval",
        overview: "Measure ranking quality: run queries and compute MAP, nDCG, P, recall, MRR against qrels.",
        usage: "sift eval --queries FILE.tsv --qrels QRELS [--index PATH] [--metrics map,ndcg@10,p@10,recall@100,mrr] [--per-query] [--format text|json] [-k N] [--mode any|all] [--k1 X] [--b X] [--syntax plain|query]",
        options: [
            OptionSpec(names: ["--queries"], valueName: "FILE.tsv", help: "Queries, one 'id<TAB>text' per line."),
            OptionSpec(names: ["--qrels"], valueName: "QRELS", help: "Relevance judgments, TREC format 'qid 0 docid relevance'; docids are ids without file extension."),
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
            OptionSpec(names: ["--metrics"], valueName: "LIST", help: "Comma-separated: map, ndcg@K, p@K, recall@K, mrr (default: map,ndcg@10,p@10,recall@100,mrr)."),
            OptionSpec(names: ["--per-query"], valueName: nil, help: "Also show each query's values."),
            OptionSpec(names: ["--format"], valueName: "text|json", help: "Output for people (default) or one JSON document."),
            OptionSpec(names: ["-k", "--top"], valueName: "N", help: "Ranking depth per query (default: 1000, as trec_eval runs)."),
            OptionSpec(names: ["--mode"], valueName: "any|all", help: "Bare words: any may match (default) or all are required."),
            OptionSpec(names: ["--k1"], valueName: "X", help: "BM25 k1 (default: 1.2)."),
            OptionSpec(names: ["--b"], valueName: "X", help: "BM25 b (default: 0.75)."),
            OptionSpec(names: ["--syntax"], valueName: "plain|query", help: "Queries as plain words (default: test queries are prose) or in the query language."),
        ],
        discussion: "Queries without any relevant judgment are left out of the means and counted. Ties in score keep Sift's order (ascending document number).")

    static func run(_ arguments: [String]) throws(CLIError) {
        var parsed = try spec.parse(arguments)
        guard parsed.positionals.isEmpty else { throw spec.usageError("unexpected argument '\(parsed.positionals[0])'") }
        guard let queriesPath = parsed.value("--queries") else { throw spec.usageError("missing --queries FILE.tsv") }
        guard let qrelsPath = parsed.value("--qrels") else { throw spec.usageError("missing --qrels QRELS") }
        if parsed.value("--top") == nil { parsed.values["--top"] = ["1000"] }
        let settings = try SearchCommand.settings(parsed, spec: spec, defaultSyntax: .plain)
        let format = try parsed.choice("--format", default: "text", among: ["text", "json"], spec: spec)
        var metrics: [EvaluationMetric] = []
        for name in (parsed.value("--metrics") ?? "map,ndcg@10,p@10,recall@100,mrr").split(separator: ",") {
            guard let metric = EvaluationMetric(name: name.trimmingSpaces) else {
                throw spec.usageError("unknown metric '\(name)' (use map, ndcg@K, p@K, recall@K, mrr)")
            }
            metrics.append(metric)
        }
        let queries = try QueryFileReader.read(queriesPath)
        let judgments: RelevanceJudgments
        do {
            judgments = try RelevanceJudgments(parsing: String(decoding: try readFile(qrelsPath), as: UTF8.self))
        } catch let error as CLIFileError {
            throw .noInput("cannot read qrels file '\(qrelsPath)': \(error)")
        } catch let error as EvaluationError {
            throw .data("\(qrelsPath): \(error)")
        } catch {
            throw .data("\(error)")
        }
        let searcher = try SearchCommand.openSearcher(parsed.value("--index") ?? "index-data")
        var rankings: [(id: String, ranking: [String])] = []
        for query in queries {
            do {
                let results = try searcher.search(query.text, options: settings.options)
                rankings.append((query.id, results.hits.map(\.trecDocumentID)))
            } catch {
                switch error {
                case .syntax(let syntax): throw .data("query \(query.id): \(syntax)")
                case .index(let index): throw mapIndexError(index)
                }
            }
        }
        let report = EvaluationReport(rankings: rankings, judgments: judgments, metrics: metrics)
        if format == "json" {
            var pairs: [(String, String)] = [
                ("queries", "\(queries.count)"), ("evaluated", "\(report.perQuery.count)"),
                ("unjudged", JSON.array(report.unjudged.map(JSON.string))),
                ("means", JSON.object(zip(metrics, report.means).map { ($0.description, JSON.number($1)) })),
            ]
            if parsed.flag("--per-query") {
                pairs.append(("perQuery", JSON.array(report.perQuery.map { entry in
                    JSON.object([("id", JSON.string(entry.id))] + zip(metrics, entry.values).map { ($0.description, JSON.number($1)) })
                })))
            }
            Output.line(JSON.object(pairs))
            return
        }
        if parsed.flag("--per-query") {
            Output.line((["query"] + metrics.map(\.description)).joined(separator: "\t"))
            for entry in report.perQuery {
                Output.line(([entry.id] + entry.values.map { Format.fixed($0, decimals: 4) }).joined(separator: "\t"))
            }
            Output.line("")
        }
        for (metric, mean) in zip(metrics, report.means) {
            Output.line("\(metric.description.padded(to: 12))\(Format.fixed(mean, decimals: 4))")
        }
        Output.line("queries: \(queries.count) run, \(report.perQuery.count) evaluated, \(report.unjudged.count) without relevant judgments (left out of the means)")
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
