@_spi(SiftInternal) import SiftStorage
/// How text becomes terms. Stored in every index, so a searcher always analyzes queries the
/// way the documents were analyzed.
public struct AnalyzerConfiguration: Sendable, Hashable, Codable {
    /// The stemmer applied to folded, non-stop words.
    public var stemmer: StemmerKind
    /// The words dropped (they still take a position).
    public var stopWords: StopWords

    /// Porter stemming and the English stop words: the defaults.
    public init(stemmer: StemmerKind = .porter, stopWords: StopWords = .english) {
        self.stemmer = stemmer
        self.stopWords = stopWords
    }
}

extension AnalyzerConfiguration: CustomStringConvertible {
    /// `stemmer porter, stop words english` (a custom list is described by its size).
    public var description: String {
        "stemmer \(stemmer.rawValue), stop words \(stopWords.name)"
    }
}

extension StopWords {
    /// `english`, `none`, or `a list of N words`.
    public var name: String {
        switch self {
        case .english: "english"
        case .none: "none"
        case .custom(let list): "a list of \(list.count) words"
        }
    }
}

/// One analyzed word: its term and where it came from.
public struct Token: Sendable, Equatable, Hashable {
    /// The index term (folded and stemmed).
    public var term: String
    /// The word's ordinal in the text, counting removed stop words, so phrases stay exact.
    public var position: Int
    /// Byte offset of the word in the original UTF-8 text.
    public var start: Int
    /// Byte offset just past the word.
    public var end: Int

    public init(term: String, position: Int, start: Int, end: Int) {
        self.term = term
        self.position = position
        self.start = start
        self.end = end
    }
}

/// A token as the indexer sees it: an interned term id instead of a string, so the hot path
/// never builds a `String`. Ids are dense and belong to the analyzer that made them.
public struct AnalyzedToken: Sendable, Equatable {
    /// The term's id in its analyzer (`Analyzer.term(forID:)` gives the text).
    public var termID: Int32
    /// Word ordinal, stop words counted.
    public var position: UInt32
    /// Byte offset of the word in the analyzed text.
    public var start: UInt32
    /// Byte offset just past the word.
    public var end: UInt32

    public init(termID: Int32, position: UInt32, start: UInt32, end: UInt32) {
        self.termID = termID
        self.position = position
        self.start = start
        self.end = end
    }
}

/// Turns text into terms: tokenize, fold case and diacritics, drop stop words, stem.
///
/// The same analyzer serves documents and queries. It remembers the term of every surface
/// form it has seen, so folding and stemming run once per distinct word, and the indexer gets
/// dense term ids without hashing strings. An `Analyzer` is not thread-safe: give each thread
/// its own (they are cheap to make).
public final class Analyzer {
    /// The version of the analysis itself — tokenizer, folding, stop-word matching, stemmers —
    /// stored in every index. An index analyzed by another version would count and match terms
    /// differently, so updates refuse it and searches warn that it should be rebuilt.
    ///
    /// Bump it in the same change as anything that alters a term, a position or an offset the
    /// analyzer gives for some text (including a new Unicode table); `AnalyzerVersionTests`
    /// fails until the bump and the new expected terms are made together.
    public static let version: UInt32 = 1

    /// The settings this analyzer applies.
    public let configuration: AnalyzerConfiguration

    /// What the analyzer has learned: terms, and the term of every surface form seen.
    private var cache = AnalyzerCache()
    private let stopWordSet: ByteInterner
    private let stemmer: Stemmer
    /// Where the tokenizer writes tokens.
    private let tokenScratch = UnsafeMutablePointer<UInt8>.allocate(capacity: Tokenizer.scratchCapacity)

    /// Interned terms; `AnalyzedToken.termID` indexes into it.
    var terms: ByteInterner { cache.terms }

    static let stopWordMarker: Int32 = -1
    static let tooLongMarker: Int32 = -2

    /// Makes an analyzer for the given settings.
    public init(configuration: AnalyzerConfiguration = AnalyzerConfiguration()) {
        self.configuration = configuration
        stemmer = Stemmer(configuration.stemmer)
        // Stop words go through the tokenizer too, so `don’t` in a list matches `don't` in text.
        var set = ByteInterner(capacity: 64)
        for word in configuration.stopWords.words {
            let bytes = Array(word.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                Tokenizer.withScratch { scratch in
                    var tokenizer = Tokenizer(buffer, scratch: scratch)
                    while tokenizer.next() != nil {
                        let folded = Self.foldWord(tokenizer.buffer)
                        if !folded.isEmpty { _ = set.intern(folded) }
                    }
                }
            }
        }
        stopWordSet = set
    }

    deinit { tokenScratch.deallocate() }

    /// Analyzes a string.
    /// - Complexity: O(n) in the UTF-8 length of `text`.
    public func analyze(_ text: String) -> [Token] {
        analyze(utf8: Array(text.utf8))
    }

    /// Analyzes UTF-8 bytes; invalid sequences separate words.
    public func analyze(utf8 bytes: [UInt8]) -> [Token] {
        var analyzed: [AnalyzedToken] = []
        bytes.withUnsafeBufferPointer { _ = analyze($0, into: &analyzed) }
        return analyzed.map {
            Token(term: terms.string($0.termID), position: Int($0.position), start: Int($0.start), end: Int($0.end))
        }
    }

    /// The terms of a text, in order, without positions: what a query needs.
    public func terms(of text: String) -> [String] {
        analyze(text).map(\.term)
    }

    /// The term bytes of an id handed out by this analyzer.
    package func termBytes(_ id: Int32) -> ArraySlice<UInt8> { terms.bytes(id) }

    /// The folded but unstemmed form of the last word of `text`: what a prefix query matches
    /// against (stemming a prefix would cut it wrongly). Nil when `text` has no word.
    public func foldedPrefix(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> [UInt8]? in
            Tokenizer.withScratch { scratch -> [UInt8]? in
                var tokenizer = Tokenizer(buffer, scratch: scratch)
                var last: [UInt8]? = nil
                while tokenizer.next() != nil { last = tokenizer.buffer }
                guard let last else { return nil }
                let folded = Self.foldWord(last)
                return folded.isEmpty ? nil : folded
            }
        }
    }

    /// The id of an analyzed term, if this analyzer has handed one out.
    package func termID(of term: String) -> Int32? {
        terms.find(Array(term.utf8))
    }

    /// The text of a term id handed out by this analyzer.
    public func term(forID id: Int32) -> String { terms.string(id) }

    /// Distinct terms this analyzer has handed out ids for.
    public var termCount: Int { terms.count }

    /// Forgets every word learned once more than `limit` surface forms are remembered, so an
    /// analyzer that lives as long as a service (a searcher's, analyzing queries and snippets)
    /// does not grow without bound. Term ids handed out before are invalid afterwards: call it
    /// only between uses that keep no ids (never inside an indexing batch).
    package func forgetWords(ifMoreThan limit: Int) {
        if cache.surfaces.count > limit { cache = AnalyzerCache() }
    }

    /// The indexer's fast path: appends the tokens of `bytes` to `tokens` (which it does not
    /// clear), with positions counted from `firstPosition`. Returns the next free position.
    /// - Complexity: O(n) in the byte count; folding and stemming run once per distinct word.
    @discardableResult
    public func analyze(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: inout [AnalyzedToken], firstPosition: UInt32 = 0) -> UInt32 {
        // Work on a local copy of the cache (moved out and back, never copied), so the loop
        // makes no dynamic exclusivity checks on the class's properties per token.
        var cache = AnalyzerCache.placeholder
        swap(&cache, &self.cache)
        defer { swap(&cache, &self.cache) }
        var tokenizer = Tokenizer(bytes, scratch: tokenScratch)
        var position = firstPosition
        while let raw = tokenizer.next() {
            defer { position &+= 1 }
            if raw.isTooLong { continue }
            let surface = tokenizer.token
            let termID: Int32
            if let slot = cache.surfaces.find(surface) {
                termID = cache.surfaceTerm[Int(slot)]
            } else {
                termID = resolve(surface, cache: &cache)
            }
            if termID < 0 { continue }
            tokens.append(AnalyzedToken(termID: termID, position: position, start: UInt32(truncatingIfNeeded: raw.start),
                                        end: UInt32(truncatingIfNeeded: raw.end)))
        }
        return position
    }

    /// First sighting of a surface form: fold, check stop words, stem, and remember the result.
    @inline(never)
    private func resolve(_ surface: UnsafeBufferPointer<UInt8>, cache: inout AnalyzerCache) -> Int32 {
        let folded = Self.foldWord(Array(surface))
        var termID: Int32
        if folded.isEmpty {
            termID = Self.stopWordMarker
        } else if stopWordSet.find(folded) != nil {
            termID = Self.stopWordMarker
        } else if folded.count > Tokenizer.maximumTokenBytes {
            termID = Self.tooLongMarker  // compatibility folding can expand a word (U+FDFA)
        } else {
            var stemmed = folded
            stem(&stemmed)
            if stemmed.isEmpty { stemmed = folded }
            termID = cache.terms.intern(stemmed)
        }
        let slot = cache.surfaces.intern(surface)
        if Int(slot) == cache.surfaceTerm.count { cache.surfaceTerm.append(termID) } else { cache.surfaceTerm[Int(slot)] = termID }
        return termID
    }

    private func stem(_ word: inout [UInt8]) {
        // Stemmers know English suffixes only; a word still holding non-ASCII letters after
        // folding (Greek, Cyrillic, CJK…) is indexed as folded. Words of one or two letters
        // are kept as they are, as Porter's own C code and Lucene do: the published rules
        // would make `us` (and `U.S.`) `u`, and `s` nothing.
        guard word.count > 2 else { return }
        for byte in word where byte >= 0x80 { return }
        stemmer.stem(&word)
    }

    /// Folds a surface form: lowercase ASCII stays as it is, anything else goes through `Folding`.
    static func foldWord(_ surface: [UInt8]) -> [UInt8] {
        var ascii = true
        for byte in surface where byte >= 0x80 { ascii = false; break }
        if ascii {
            return surface.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
        }
        return Folding.fold(surface)
    }
}

/// An analyzer's memory: the terms it has handed out and the term of each surface form seen.
struct AnalyzerCache: Sendable {
    /// An empty cache shared by every swap: copying it only retains its (tiny) storage.
    static let placeholder = AnalyzerCache(terms: ByteInterner(capacity: 0), surfaces: ByteInterner(capacity: 0), surfaceTerm: [])

    /// Interned terms; `AnalyzedToken.termID` indexes into it.
    var terms = ByteInterner(capacity: 4096)
    /// Normalized surface forms; `surfaceTerm[id]` is the term id of surface `id`, or a marker.
    var surfaces = ByteInterner(capacity: 4096)
    var surfaceTerm: [Int32] = []
}
