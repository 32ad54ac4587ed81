/// A stemmer chosen by kind, for callers outside the analyzer (the `sift stem` command, tests).
public struct Stemmer: Sendable {
    /// The algorithm applied.
    public let kind: StemmerKind
    private let porter = PorterStemmer()
    private let porter2 = Porter2Stemmer()

    public init(_ kind: StemmerKind) { self.kind = kind }

    /// Stems one lowercase word exactly as the algorithm defines it. Unlike the analyzer, an
    /// empty stem is returned as empty (the published vocabularies stem `s` to nothing).
    public func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        stem(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Stems UTF-8 bytes in place.
    public func stem(_ bytes: inout [UInt8]) {
        switch kind {
        case .porter: porter.stem(&bytes)
        case .porter2: porter2.stem(&bytes)
        case .none: break
        }
    }
}
