#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(SiftInternal) import SiftStorage

/// Which words the analyzer drops. Stored in the index, so the words themselves are kept,
/// never a path to a file that may change.
public enum StopWords: Sendable, Hashable, Codable {
    /// Lucene's classic English list of 33 words.
    case english
    /// Keep every word.
    case none
    /// A custom list (folded like any other word before comparison).
    case custom([String])

    /// The 33 words of the default English list.
    public static let englishWords: [String] = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
        "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
        "these", "they", "this", "to", "was", "will", "with",
    ]

    /// The words of this setting.
    public var words: [String] {
        switch self {
        case .english: Self.englishWords
        case .none: []
        case .custom(let words): words
        }
    }

    /// Reads a stop-word file: one word per line; blank lines and lines starting with `#`
    /// are ignored, surrounding white space is trimmed. Any readable file will do — a pipe,
    /// `/dev/stdin`; an empty one (`/dev/null`) is an empty list.
    public static func load(contentsOf path: String) throws(AnalysisError) -> StopWords {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.readAll(path)
        } catch {
            throw .unreadableStopWordFile(path, reason: String(cString: strerror(error.code)))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidStopWordFile(path, "not valid UTF-8")
        }
        var words: [String] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let word = String(line.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
            if word.isEmpty || word.hasPrefix("#") { continue }
            words.append(word)
        }
        return .custom(words)
    }

    /// Parses a command-line value: `english`, `none`, or a path to a word file.
    public static func parse(_ value: String) throws(AnalysisError) -> StopWords {
        switch value {
        case "english": return .english
        case "none": return .none
        default: return try load(contentsOf: value)
        }
    }
}

/// Which stemmer the analyzer applies after folding and stop words.
public enum StemmerKind: String, Sendable, CaseIterable, Hashable, Codable {
    /// Martin Porter's published 1980 algorithm (Snowball's `porter`): the default.
    case porter
    /// Snowball English ("Porter2"), current rules.
    case porter2
    /// No stemming: terms are folded words.
    case none
}

/// Problems with analyzer settings.
public enum AnalysisError: Error, Equatable, CustomStringConvertible {
    /// The stop-word file could not be read: its path and the system's reason.
    case unreadableStopWordFile(String, reason: String)
    /// The stop-word file is not a word list.
    case invalidStopWordFile(String, String)

    public var description: String {
        switch self {
        case .unreadableStopWordFile(let path, let reason): "cannot read stop-word file '\(path)': \(reason)"
        case .invalidStopWordFile(let path, let why): "stop-word file '\(path)' is \(why)"
        }
    }
}
