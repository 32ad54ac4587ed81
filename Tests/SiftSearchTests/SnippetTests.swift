import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@testable import SiftAnalysis

/// Snippets: the window with the most matches, cut at word boundaries, `…` only where text
/// was cut, highlights that point exactly at the matched words.
@Suite struct SnippetTests {
    static let english = AnalyzerConfiguration(stemmer: .none, stopWords: .english)

    /// The snippet of the first hit of `query` over one document.
    static func snippet(text: String, query: String, maxLength: Int = 200,
                        configuration: AnalyzerConfiguration = IndexTestKit.plain) throws -> Snippet? {
        try QueryTestKit.withSearcher([IndexTestDocument(id: "doc", title: "A title", text: text)], configuration: configuration) { searcher throws in
            let results = try searcher.search(query)
            guard let hit = results.hits.first else { return nil }
            return try searcher.snippet(for: hit, in: results, maxLength: maxLength)
        }
    }

    /// `text` with white-space runs collapsed to one space and the ends trimmed.
    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    /// The snippet without the ellipses it added.
    static func core(_ snippet: Snippet) -> (core: String, cutBefore: Bool, cutAfter: Bool, offset: Int) {
        var text = snippet.text
        var offset = 0
        let cutBefore = text.hasPrefix("… ")
        if cutBefore {
            text.removeFirst(2)
            offset = "… ".utf8.count
        }
        let cutAfter = text.hasSuffix(" …")
        if cutAfter { text.removeLast(2) }
        return (text, cutBefore, cutAfter, offset)
    }

    static func isWordCharacter(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character.isNumber
    }

    // MARK: - Hand cases

    @Test("a short text is shown whole, white space collapsed, matched words marked")
    func wholeText() throws {
        let snippet = try #require(try Self.snippet(text: "Kabul\n\n   fell   to the\tTaliban.", query: "kabul taliban"))
        #expect(snippet.text == "Kabul fell to the Taliban.")
        #expect(snippet.marked(open: "[", close: "]") == "[Kabul] fell to the [Taliban].")
        #expect(snippet.utf8Highlights == [0..<5, 18..<25])
    }

    @Test("leading white space is not shown")
    func leadingWhiteSpace() throws {
        // Expected "Kabul fell."; actual " Kabul fell." (the collapsed leading run is kept).
        let snippet = try #require(try Self.snippet(text: "   Kabul fell.", query: "kabul"))
        #expect(snippet.text == "Kabul fell.")
        #expect(snippet.marked(open: "[", close: "]") == "[Kabul] fell.")
    }

    @Test("the window holds the densest cluster of matches, not the first match")
    func densestCluster() throws {
        let filler = (0..<30).map { "word\($0)" }.joined(separator: " ")
        let text = "cat " + filler + " cat dog cat bird cat " + filler + " cat"
        let snippet = try #require(try Self.snippet(text: text, query: "cat", maxLength: 60))
        #expect(snippet.utf8Highlights.count == 3, "\(snippet.text)")
        #expect(snippet.marked(open: "[", close: "]").contains("[cat] dog [cat] bird [cat]"))
        #expect(snippet.text.hasPrefix("… ") && snippet.text.hasSuffix(" …"))
    }

    @Test("the lead-in context never pushes a match of the best window out")
    func leadInKeepsCluster() throws {
        // The two "cat"s span 38 bytes, within a window of maxLength 50 − 12 (the room kept for
        // ellipses and punctuation), so the window holds both; a lead-in of a quarter of the
        // window must not push the second one out.
        let text = "one two three four five six seven cat alpha beta gamma delta epsilon cat"
        let snippet = try #require(try Self.snippet(text: text, query: "cat", maxLength: 50))
        #expect(snippet.utf8Highlights.count == 2, "\(snippet.text)")
        #expect(snippet.text.utf8.count <= 50)
    }

    @Test("a hyphenated word is not cut after its hyphen")
    func hyphenatedCut() throws {
        // Expected: the cut before "war-torn" ("… delta …") or after it; actual at maxLength 32:
        // "kabul alpha beta gamma delta war- …".
        let text = "kabul alpha beta gamma delta war-torn country and more words follow here"
        let snippet = try #require(try Self.snippet(text: text, query: "kabul", maxLength: 32))
        #expect(!snippet.text.contains("war- "), "\(snippet.text)")
    }

    @Test("a phrase is highlighted only where it occurs; its stop word is not")
    func phraseHighlights() throws {
        let text = "The country fled. Ghani fled the country, and the country mourned."
        let phrase = try #require(try Self.snippet(text: text, query: "\"fled the country\"", configuration: Self.english))
        #expect(phrase.marked(open: "[", close: "]") == "The country fled. Ghani [fled] the [country], and the country mourned.")
        let withTerm = try #require(try Self.snippet(text: text, query: "\"fled the country\" ghani", configuration: Self.english))
        #expect(withTerm.marked(open: "[", close: "]") == "The country fled. [Ghani] [fled] the [country], and the country mourned.")
        // A bare term is highlighted everywhere.
        let bare = try #require(try Self.snippet(text: text, query: "country", configuration: Self.english))
        #expect(bare.highlights.count == 3)
    }

    @Test("prefix expansions are highlighted; so are stemmed forms of the query word")
    func expansionsAndStems() throws {
        let prefix = try #require(try Self.snippet(text: "Tajikistan and Tajiks, not Kabul.", query: "tajik*"))
        #expect(prefix.marked(open: "[", close: "]") == "[Tajikistan] and [Tajiks], not Kabul.")
        let porter = AnalyzerConfiguration(stemmer: .porter, stopWords: .english)
        let stemmed = try #require(try Self.snippet(text: "He fled; they flee; fleeing crowds.", query: "flee", configuration: porter))
        #expect(stemmed.marked(open: "[", close: "]") == "He fled; they [flee]; [fleeing] crowds.")
    }

    @Test("excluded and title-only clauses highlight nothing in the text")
    func nothingToHighlight() throws {
        let text = "Biden spoke about Kabul."
        let excluded = try #require(try Self.snippet(text: text, query: "kabul -taliban"))
        #expect(excluded.marked(open: "[", close: "]") == "Biden spoke about [Kabul].")
        let title = try #require(try Self.snippet(text: text, query: "title:title"))
        #expect(title.text == text)
        #expect(title.highlights.isEmpty)
    }

    @Test("marked(open:close:) wraps each highlight, multi-byte text included")
    func marked() {
        let snippet = Snippet(text: "Ghani fled to Tajikistan", utf8Highlights: [0..<5, 14..<24])
        #expect(snippet.marked(open: "<b>", close: "</b>") == "<b>Ghani</b> fled to <b>Tajikistan</b>")
        #expect(snippet.marked(open: "\u{1B}[1m", close: "\u{1B}[0m") == "\u{1B}[1mGhani\u{1B}[0m fled to \u{1B}[1mTajikistan\u{1B}[0m")
        // "café" is 5 bytes (é is two).
        #expect(Snippet(text: "le café noir", utf8Highlights: [3..<8]).marked(open: "[", close: "]") == "le [café] noir")
        #expect(Snippet(text: "日本語", utf8Highlights: [3..<6]).marked(open: "«", close: "»") == "日«本»語")
        #expect(Snippet(text: "plain", utf8Highlights: []).marked(open: "[", close: "]") == "plain")
    }

    @Test("--snippet-length is a hard bound: ellipses, punctuation and long words included", arguments: [20, 21, 33, 50, 64, 200])
    func hardBound(maxLength: Int) throws {
        let texts = [
            "filler " + String(repeating: "alpha beta, gamma; delta! ", count: 20) + "kabul!!!!!!!!!!!!!!!!!!!!!!!!!!!!” " + String(repeating: "omega ", count: 20),
            String(repeating: "x", count: 250) + " kabul " + String(repeating: "y", count: 250),
            "«««««««««««««««««««««««««««««««««««««««« kabul »»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»»",
            "Kabul — " + String(repeating: "naïve café ", count: 40),
        ]
        for text in texts {
            let snippet = try #require(try Self.snippet(text: text, query: "kabul", maxLength: maxLength))
            #expect(snippet.text.utf8.count <= maxLength, "\(maxLength): «\(snippet.text)» is \(snippet.text.utf8.count) bytes")
            #expect(snippet.utf8Highlights.allSatisfy { $0.upperBound <= snippet.text.utf8.count })
        }
    }

    @Test("a first line that repeats the title is not shown again in the snippet, unless it is all there is")
    func titleLineSkipped() throws {
        func snippet(_ text: String, title: String) throws -> String? {
            try QueryTestKit.withSearcher([IndexTestDocument(id: "d", title: title, text: text)]) { searcher throws in
                let results = try searcher.search("kabul OR title:kabul")
                guard let hit = results.hits.first else { return nil }
                return try searcher.snippet(for: hit, in: results).text
            }
        }
        #expect(try snippet("Kabul falls\nThe Taliban entered Kabul.", title: "Kabul falls") == "The Taliban entered Kabul.")
        #expect(try snippet("# Kabul falls\n\nThe Taliban entered Kabul.", title: "Kabul falls") == "The Taliban entered Kabul.")
        #expect(try snippet("  Kabul falls  \r\nThe Taliban entered Kabul.", title: "Kabul falls") == "The Taliban entered Kabul.")
        // A passage that is the headline itself, or a first line that is not the title, stays.
        #expect(try snippet("Kabul falls", title: "Kabul falls") == "Kabul falls")
        #expect(try snippet("Kabul falls today\nMore.", title: "Kabul falls") == "Kabul falls today More.")
    }

    @Test("an empty text gives an empty snippet")
    func emptyText() throws {
        try QueryTestKit.withSearcher([IndexTestDocument(id: "e", title: "kabul", text: "")]) { searcher throws in
            let results = try searcher.search("title:kabul")
            let hit = try #require(results.hits.first)
            #expect(try searcher.snippet(for: hit, in: results) == Snippet(text: "", utf8Highlights: []))
        }
    }

    @Test("highlight ranges point at the matched words of non-ASCII text")
    func nonASCII() throws {
        let snippet = try #require(try Self.snippet(text: "Le café de Ñandú — CAFÉ noir.", query: "cafe nandu"))
        #expect(snippet.marked(open: "[", close: "]") == "Le [café] de [Ñandú] — [CAFÉ] noir.")
    }

    // MARK: - Properties on random texts

    @Test("random texts: most matches, word boundaries, ellipses only where cut, exact highlights")
    func randomProperties() throws {
        var random = TestRandom(seed: 0x5419_0001)
        let vocabulary = ["cat", "dog", "elephant", "kabul", "taliban", "x", "president", "café", "naïve", "Ghani",
                          "5,000", "3.14", "entered", "a", "capital"]
        let separators = [" ", " ", " ", "  ", "\n", ", ", ". ", " — ", "; ", "\t"]
        let analyzer = Analyzer(configuration: IndexTestKit.plain)
        var documents: [IndexTestDocument] = []
        for number in 0..<150 {
            var text = ""
            for index in 0..<random.int(in: 1...70) {
                if index > 0 { text += separators[random.below(separators.count)] }
                text += vocabulary[random.below(vocabulary.count)]
            }
            if random.below(2) == 0 { text += "." }
            documents.append(IndexTestDocument(id: "r\(number)", text: text))
        }
        try QueryTestKit.withSearcher(documents) { searcher throws in
            var checked = 0
            for _ in 0..<200 {
                let words = (0..<random.int(in: 1...2)).map { _ in vocabulary[random.below(vocabulary.count)] }
                let queryTerms = Set(words.flatMap { analyzer.terms(of: $0) })
                let maxLength = random.int(in: 20...120)
                let results = try searcher.search(words.map { "\"\($0)\"" }.joined(separator: " "), options: SearchOptions(limit: 5))
                for hit in results.hits {
                    let snippet = try searcher.snippet(for: hit, in: results, maxLength: maxLength)
                    let text = String(decoding: documents[hit.document].text, as: UTF8.self)
                    let label = "\(words) max \(maxLength) in «\(text)» → «\(snippet.text)»"
                    let (core, cutBefore, cutAfter, offset) = Self.core(snippet)
                    let whole = Self.collapsed(text)
                    checked += 1

                    // The core is a piece of the (collapsed) text cut at word boundaries.
                    let occurrences = whole.ranges(of: core)
                    let atBoundaries = occurrences.contains { range in
                        let before = range.lowerBound == whole.startIndex ? nil : whole[whole.index(before: range.lowerBound)]
                        let after = range.upperBound == whole.endIndex ? nil : whole[range.upperBound]
                        return !Self.isWordCharacter(before) && !Self.isWordCharacter(after)
                            && (range.lowerBound == whole.startIndex) == !cutBefore
                            && (range.upperBound == whole.endIndex) == !cutAfter
                    }
                    #expect(atBoundaries, "\(label)")

                    // Length: at most maxLength bytes, ellipses and punctuation included.
                    #expect(snippet.text.utf8.count <= maxLength, "\(label)")

                    // Highlights: sorted, disjoint, each exactly one query term; every query term
                    // of the core is highlighted.
                    let bytes = Array(snippet.text.utf8)
                    var previousEnd = 0
                    for range in snippet.utf8Highlights {
                        #expect(range.lowerBound >= previousEnd && range.upperBound <= bytes.count, "\(label)")
                        previousEnd = range.upperBound
                        guard range.upperBound <= bytes.count, range.lowerBound < range.upperBound else { continue }
                        let slice = analyzer.analyze(utf8: Array(bytes[range]))
                        #expect(slice.count == 1 && slice[0].start == 0 && slice[0].end == range.count, "\(label) \(range)")
                        #expect(slice.allSatisfy { queryTerms.contains($0.term) }, "\(label) \(range)")
                    }
                    let expectedRanges = analyzer.analyze(core).filter { queryTerms.contains($0.term) }
                        .map { (offset + $0.start)..<(offset + $0.end) }
                    #expect(snippet.utf8Highlights == expectedRanges, "\(label)")

                    // A hit's snippet shows at least one match.
                    #expect(!snippet.utf8Highlights.isEmpty, "\(label)")
                }
            }
            #expect(checked > 300)
        }
    }

    @Test("random texts: the snippet holds the most matches any window of maxLength − 12 bytes holds (room for ellipses and punctuation)")
    func randomMostMatches() throws {
        var random = TestRandom(seed: 0x5419_0002)
        let vocabulary = ["cat", "dog", "elephant", "kabul", "president", "a", "entered"]
        let analyzer = Analyzer(configuration: IndexTestKit.plain)
        var documents: [IndexTestDocument] = []
        for number in 0..<100 {
            documents.append(IndexTestDocument(id: "m\(number)", text: (0..<random.int(in: 5...80)).map { _ in
                vocabulary[random.below(vocabulary.count)] }.joined(separator: " ")))
        }
        try QueryTestKit.withSearcher(documents) { searcher throws in
            for word in ["cat", "kabul", "a"] {
                let results = try searcher.search(word, options: SearchOptions(limit: 100))
                for hit in results.hits {
                    let maxLength = random.int(in: 20...100)
                    let snippet = try searcher.snippet(for: hit, in: results, maxLength: maxLength)
                    let text = String(decoding: documents[hit.document].text, as: UTF8.self)
                    let matches = analyzer.analyze(text).filter { $0.term == word }
                    var best = 0
                    for (first, match) in matches.enumerated() {
                        best = max(best, matches[first...].prefix { $0.end - match.start <= maxLength - 12 }.count)
                    }
                    #expect(snippet.utf8Highlights.count >= best, "\(word) max \(maxLength): «\(snippet.text)»")
                    #expect(snippet.text.utf8.count <= maxLength, "\(word) max \(maxLength): «\(snippet.text)»")
                }
            }
        }
    }
}
