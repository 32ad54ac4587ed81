import Foundation
import Sift

/// `sift stats`: what an index holds.
enum StatsCommand {
    static let spec = CommandSpec(
        name: "stats",
        overview: "Show an index's documents, terms, postings, sizes and analyzer settings.",
        usage: "sift stats [--index PATH] [--format text|json]\n       sift stats --terms [--index PATH]... WORD...",
        arguments: [("WORD", "With --terms: the words (or prefix*) whose statistics a search needs, read as query terms.")],
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data); with --terms, repeatable.", repeatable: true),
            OptionSpec(names: ["--format"], valueName: "text|json", help: "Output for people (default) or one JSON document."),
            OptionSpec(names: ["--terms"], valueName: nil, help: "Write, as JSON, each index's N, token counts and the document frequency of each WORD (every expansion of a prefix*): the statistics 'sift search --global-stats' sums."),
        ],
        discussion: """
            The statistics exchange of a search over indexes on several machines: run 'sift stats --terms' on each index \
            for the query's words, gather the files, then 'sift search --index I --global-stats F1 --global-stats F2 … QUERY' \
            on each index and merge the hits by score: the scores are those of one index over all the documents.
            """)

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        if parsed.flag("--terms") {
            try writeTermStatistics(parsed)
            return
        }
        guard parsed.positionals.isEmpty else { throw spec.usageError("unexpected argument '\(parsed.positionals[0])'") }
        guard parsed.all("--index").count <= 1 else { throw spec.usageError("--index is given once, except with --terms") }
        let format = try parsed.choice("--format", default: "text", among: ["text", "json"], spec: spec)
        let indexPath = parsed.value("--index") ?? "index-data"
        let stats: IndexStatistics
        do {
            stats = try IndexReader(path: indexPath, verifyChecksums: true).statistics()
        } catch {
            throw mapIndexError(error)
        }
        let stopWords: String
        switch stats.configuration.stopWords {
        case .english: stopWords = "english"
        case .none: stopWords = "none"
        case .custom(let words): stopWords = "custom (\(words.count) words)"
        }
        let totalBytes = stats.files.reduce(0) { $0 + $1.byteCount }
        if format == "json" {
            Output.line(JSON.object([
                ("index", JSON.string(indexPath)), ("documents", "\(stats.documentCount)"), ("terms", "\(stats.termCount)"),
                ("titleTerms", "\(stats.titleTermCount)"), ("postings", "\(stats.postingCount)"), ("tokens", "\(stats.tokenCount)"),
                ("titleTokens", "\(stats.titleTokenCount)"),
                ("averageDocumentLength", JSON.number(stats.averageDocumentLength)), ("segments", "\(stats.segmentCount)"),
                ("deletedDocuments", "\(stats.deletedCount)"), ("generation", "\(stats.generation)"),
                ("bytes", "\(totalBytes)"),
                ("files", JSON.array(stats.files.map { JSON.object([("name", JSON.string($0.name)), ("bytes", "\($0.byteCount)")]) })),
                ("analyzer", JSON.object([("stemmer", JSON.string(stats.configuration.stemmer.rawValue)), ("stopwords", JSON.string(stopWords))])),
                ("analyzerVersion", "\(stats.analyzerVersion)"),
                ("metadata", JSON.array(stats.metadataFields.map {
                    JSON.object([("name", JSON.string($0.name)), ("documents", "\($0.documentCount)"), ("distinctValues", "\($0.distinctValues)")])
                })),
            ]))
            return
        }
        Output.line("index:            \(indexPath)")
        Output.line("documents:        \(stats.documentCount)")
        Output.line("unique terms:     \(stats.termCount)")
        Output.line("title terms:      \(stats.titleTermCount)")
        Output.line("postings:         \(stats.postingCount)")
        Output.line("tokens:           \(stats.tokenCount)")
        Output.line("title tokens:     \(stats.titleTokenCount)")
        Output.line("average length:   \(Format.fixed(stats.averageDocumentLength, decimals: 2)) tokens")
        Output.line("segments:         \(stats.segmentCount)")
        Output.line("deleted:          \(Format.count(stats.deletedCount, "document")) (kept until their segment is merged)")
        Output.line("generation:       \(stats.generation)")
        Output.line("analyzer:         stemmer \(stats.configuration.stemmer.rawValue), stop words \(stopWords), version \(stats.analyzerVersion)")
        if !stats.metadataFields.isEmpty {
            Output.line("metadata:         " + stats.metadataFields.map {
                "\(TerminalText.escaped($0.name)) (\(Format.count($0.documentCount, "document")), \(Format.count($0.distinctValues, "value")))"
            }.joined(separator: ", "))
        }
        Output.line("bytes:            \(totalBytes)")
        for file in stats.files { Output.line("  \(file.name)  \(file.byteCount)") }
    }

    /// `--terms`: each index's share of the statistics a query of WORDs needs, as one JSON
    /// document `{"indexes": [{"index": PATH, "statistics": {...}}]}`.
    private static func writeTermStatistics(_ parsed: ParsedArguments) throws(CLIError) {
        guard !parsed.positionals.isEmpty else { throw spec.usageError("--terms needs at least one WORD") }
        if parsed.value("--format") != nil { throw spec.usageError("--terms always writes JSON; --format does not apply") }
        let query = Query.boolean(parsed.positionals.flatMap { text in
            text.split(separator: " ").map { word in
                word.hasSuffix("*") && word.count > 1
                    ? BooleanClause(.should, .prefix(String(word.dropLast())))
                    : BooleanClause(.should, .term(String(word)))
            }
        })
        var shares: [StatisticsFile.Share] = []
        for path in parsed.all("--index").isEmpty ? ["index-data"] : parsed.all("--index") {
            let searcher = try SearchCommand.openSearcher(path)
            do {
                shares.append(StatisticsFile.Share(index: path, statistics: try searcher.statistics(for: query)))
            } catch {
                throw .data(try SearchCommand.describe(error))
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            Output.line(String(decoding: try encoder.encode(StatisticsFile(indexes: shares)), as: UTF8.self))
        } catch {
            throw .io("cannot write the statistics: \(error)")
        }
    }
}
