import Sift

/// `sift analyze`: shows the tokens the analyzer makes of a text.
enum AnalyzeCommand {
    static let spec = CommandSpec(
        name: "analyze",
        overview: "Show how text is split into index terms (tokenize, fold, stop words, stem).",
        usage: "sift analyze [--stemmer porter|porter2|none] [--stopwords english|none|FILE] [--format text|json] [TEXT ...]",
        arguments: [("TEXT", "Text to analyze; words are joined with spaces. Reads standard input when none is given.")],
        options: [
            OptionSpec(names: ["--stemmer"], valueName: "porter|porter2|none", help: "Stemmer (default: porter)."),
            OptionSpec(names: ["--stopwords"], valueName: "english|none|FILE", help: "Stop words: the English list (default), none, or a file with one word per line."),
            OptionSpec(names: ["--format"], valueName: "text|json", help: "text: term<TAB>position<TAB>start<TAB>end per line (default); json: an array of objects."),
        ])

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        let configuration = try analyzerConfiguration(parsed, spec: spec)
        let format = try parsed.choice("--format", default: "text", among: ["text", "json"], spec: spec)
        let bytes: [UInt8]
        if parsed.positionals.isEmpty {
            bytes = readStandardInput()
        } else {
            bytes = Array(parsed.positionals.joined(separator: " ").utf8)
        }
        let tokens = Analyzer(configuration: configuration).analyze(utf8: bytes)
        switch format {
        case "json":
            let items = tokens.map {
                JSON.object([("term", JSON.string($0.term)), ("position", "\($0.position)"),
                             ("start", "\($0.start)"), ("end", "\($0.end)")])
            }
            Output.line(JSON.array(items))
        default:
            for token in tokens { Output.line("\(token.term)\t\(token.position)\t\(token.start)\t\(token.end)") }
        }
    }

    /// `--stemmer` and `--stopwords`, shared by every command that analyzes.
    static func analyzerConfiguration(_ parsed: ParsedArguments, spec: CommandSpec) throws(CLIError) -> AnalyzerConfiguration {
        let stemmerName = try parsed.choice("--stemmer", default: "porter", among: StemmerKind.allCases.map(\.rawValue), spec: spec)
        let stopWords: StopWords
        do {
            stopWords = try StopWords.parse(parsed.value("--stopwords") ?? "english")
        } catch {
            switch error {
            case .unreadableStopWordFile: throw .noInput("--stopwords: \(error)")
            case .invalidStopWordFile: throw .data("--stopwords: \(error)")
            }
        }
        return AnalyzerConfiguration(stemmer: StemmerKind(rawValue: stemmerName)!, stopWords: stopWords)
    }
}
