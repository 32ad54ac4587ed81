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
            throw .noInput("--stopwords: \(error)")
        }
        return AnalyzerConfiguration(stemmer: StemmerKind(rawValue: stemmerName)!, stopWords: stopWords)
    }
}

/// `sift stem`: one word per line in, one stem per line out, the vocabulary files' format.
enum StemCommand {
    static let spec = CommandSpec(
        name: "stem",
        overview: "Stem words read one per line from standard input, writing one stem per line.",
        usage: "sift stem [--stemmer porter|porter2]",
        options: [OptionSpec(names: ["--stemmer"], valueName: "porter|porter2", help: "Stemmer (default: porter).")],
        discussion: "Words are stemmed exactly as given (no folding), so `sift stem < voc.txt | diff - output.txt` checks a vocabulary.")

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard parsed.positionals.isEmpty else { throw spec.usageError("unexpected argument '\(parsed.positionals[0])'") }
        let name = try parsed.choice("--stemmer", default: "porter", among: ["porter", "porter2"], spec: spec)
        let stemmer = Stemmer(StemmerKind(rawValue: name)!)
        let input = readStandardInput()
        var word: [UInt8] = []
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var lineStart = 0
        for index in 0...input.count where index == input.count || input[index] == UInt8(ascii: "\n") {
            if index == input.count && lineStart == index { break }  // no final partial line
            var end = index
            if end > lineStart && input[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            word.removeAll(keepingCapacity: true)
            word.append(contentsOf: input[lineStart..<end])
            stemmer.stem(&word)
            output.append(contentsOf: word)
            output.append(UInt8(ascii: "\n"))
            lineStart = index + 1
        }
        Output.write(String(decoding: output, as: UTF8.self))
    }
}

/// All of standard input as bytes (a read error ends the input early).
func readStandardInput() -> [UInt8] {
    (try? readAll(fileDescriptor: 0)) ?? []
}

#if canImport(Glibc)
import Glibc
#endif

/// A whole file as bytes; the error is the errno text.
func readFile(_ path: String) throws(CLIFileError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw CLIFileError(code: errno) }
    defer { close(fd) }
    return try readAll(fileDescriptor: fd)
}

/// Everything left to read from `fd`, retrying on EINTR.
func readAll(fileDescriptor fd: Int32) throws(CLIFileError) -> [UInt8] {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if count < 0 && errno == EINTR { continue }
        if count < 0 { throw CLIFileError(code: errno) }
        if count == 0 { break }
        result.append(contentsOf: chunk[0..<count])
    }
    return result
}

/// An errno from reading a file, shown as its text.
struct CLIFileError: Error, CustomStringConvertible {
    var code: Int32
    var description: String { String(cString: strerror(code)) }
}
