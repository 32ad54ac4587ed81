import Sift

/// `sift stats`: what an index holds.
enum StatsCommand {
    static let spec = CommandSpec(
        name: "stats",
        overview: "Show an index's documents, terms, postings, sizes and analyzer settings.",
        usage: "sift stats [--index PATH] [--format text|json]",
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
            OptionSpec(names: ["--format"], valueName: "text|json", help: "Output for people (default) or one JSON document."),
        ])

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard parsed.positionals.isEmpty else { throw spec.usageError("unexpected argument '\(parsed.positionals[0])'") }
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
        Output.line("bytes:            \(totalBytes)")
        for file in stats.files { Output.line("  \(file.name)  \(file.byteCount)") }
    }
}
