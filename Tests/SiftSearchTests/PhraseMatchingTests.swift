import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@testable import SiftAnalysis
@_spi(SiftInternal) @testable import SiftIndex

/// Phrases with slop, checked against a brute force written from the definition in
/// `PhraseMatcher`'s documentation:
///
///   a phrase of terms t₀…tₙ at query offsets q₀…qₙ occurs at an anchor position p₀ of t₀
///   when distinct positions pᵢ of each tᵢ can be chosen so that every pᵢ − qᵢ lies within a
///   window of slop + 1 consecutive integers; the phrase frequency is the number of anchors.
///
/// Scores are BM25 with tf = phrase frequency and idf = the sum of the phrase terms' idf.
@Suite struct PhraseMatchingTests {
    // MARK: - Brute force

    /// The anchors by exhaustive search: every window start, every choice of distinct positions.
    static func bruteForceAnchors(positions: [[Int]], offsets: [Int], slop: Int) -> [Int] {
        guard let first = positions.first else { return [] }
        var anchors: [Int] = []
        for anchor in first {
            let value = anchor - offsets[0]
            var found = false
            for low in (value - slop)...value where !found {
                var used: Set<Int> = [anchor]
                found = choose(term: 1, positions: positions, offsets: offsets, low: low, high: low + slop, used: &used)
            }
            if found { anchors.append(anchor) }
        }
        return anchors
    }

    private static func choose(term: Int, positions: [[Int]], offsets: [Int], low: Int, high: Int, used: inout Set<Int>) -> Bool {
        if term == positions.count { return true }
        for position in positions[term] where !used.contains(position) {
            let value = position - offsets[term]
            guard value >= low && value <= high else { continue }
            used.insert(position)
            if choose(term: term + 1, positions: positions, offsets: offsets, low: low, high: high, used: &used) { return true }
            used.remove(position)
        }
        return false
    }

    /// The position lists of `phrase`'s words in `words` (one list per phrase word, repeats too).
    static func positions(of phrase: [String], in words: [String]) -> [[Int]] {
        phrase.map { word in words.indices.filter { words[$0] == word } }
    }

    // MARK: - PhraseMatcher.anchors, case by case

    struct AnchorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var positions: [[UInt32]]
        var offsets: [Int]
        var slop: Int
        var expected: [UInt32]
        var testDescription: String { name }
    }

    static let anchorCases: [AnchorCase] = [
        // "a b" in "a b x a x b": adjacent once.
        AnchorCase(name: "exact adjacency", positions: [[0, 3], [1, 5]], offsets: [0, 1], slop: 0, expected: [0]),
        AnchorCase(name: "adjacent twice", positions: [[0, 3], [1, 4]], offsets: [0, 1], slop: 0, expected: [0, 3]),
        AnchorCase(name: "one word between needs slop 1", positions: [[0], [2]], offsets: [0, 1], slop: 0, expected: []),
        AnchorCase(name: "one word between, slop 1", positions: [[0], [2]], offsets: [0, 1], slop: 1, expected: [0]),
        // "fled the country": the stop word keeps its slot, offsets 0 and 2.
        AnchorCase(name: "stop-word slot kept", positions: [[0], [2]], offsets: [0, 2], slop: 0, expected: [0]),
        AnchorCase(name: "stop-word slot missing", positions: [[0], [1]], offsets: [0, 2], slop: 0, expected: []),
        AnchorCase(name: "stop-word slot missing, slop 1", positions: [[0], [1]], offsets: [0, 2], slop: 1, expected: [0]),
        // "a b" against "b a": a at 1, b at 0 → values 1 and −1, a window of 3 → slop 2.
        AnchorCase(name: "reversed, slop 1 is not enough", positions: [[1], [0]], offsets: [0, 1], slop: 1, expected: []),
        AnchorCase(name: "reversed, slop 2", positions: [[1], [0]], offsets: [0, 1], slop: 2, expected: [1]),
        // "a b c" against "c b a": values 2, 0, −2 → slop 4.
        AnchorCase(name: "three reversed, slop 3", positions: [[2], [1], [0]], offsets: [0, 1, 2], slop: 3, expected: []),
        AnchorCase(name: "three reversed, slop 4", positions: [[2], [1], [0]], offsets: [0, 1, 2], slop: 4, expected: [2]),
        // "a a" against "a a a": anchors 0 and 1 (a third a would need position 3).
        AnchorCase(name: "repeated term", positions: [[0, 1, 2], [0, 1, 2]], offsets: [0, 1], slop: 0, expected: [0, 1]),
        // "a a" against "a": one position cannot serve both terms.
        AnchorCase(name: "repeated term, one occurrence", positions: [[3], [3]], offsets: [0, 1], slop: 5, expected: []),
        // "a a"~1 against "a x a": anchor 0 pairs with the a at 2; anchor 2 has only itself and 0 (value −1).
        AnchorCase(name: "repeated term with slop", positions: [[0, 2], [0, 2]], offsets: [0, 1], slop: 1, expected: [0]),
        // "a a"~2 against "a x a": anchor 2 (value 2) and the a at 0 (value −1) need a window of 4.
        AnchorCase(name: "repeated term, slop 2", positions: [[0, 2], [0, 2]], offsets: [0, 1], slop: 2, expected: [0]),
        AnchorCase(name: "repeated term, slop 3", positions: [[0, 2], [0, 2]], offsets: [0, 1], slop: 3, expected: [0, 2]),
        AnchorCase(name: "first term absent", positions: [[], [1]], offsets: [0, 1], slop: 3, expected: []),
        AnchorCase(name: "second term absent", positions: [[0], []], offsets: [0, 1], slop: 3, expected: []),
    ]

    @Test("PhraseMatcher.anchors on hand cases", arguments: anchorCases)
    func anchorCasesMatch(_ testCase: AnchorCase) {
        let anchors = PhraseMatcher.anchors(positions: testCase.positions, offsets: testCase.offsets, slop: testCase.slop)
        #expect(anchors == testCase.expected)
        // The brute force agrees with the hand answer (it is the reference for the random tests).
        let brute = Self.bruteForceAnchors(positions: testCase.positions.map { $0.map(Int.init) },
                                           offsets: testCase.offsets, slop: testCase.slop)
        #expect(brute == testCase.expected.map(Int.init))
    }

    @Test("PhraseMatcher.anchors equals the brute force on random word sequences (repeats, gaps, slop 0…4)")
    func anchorsAgainstBruteForce() {
        var random = TestRandom(seed: 0x9A7E_0001)
        let vocabulary = ["a", "b", "c", "d"]
        for _ in 0..<4000 {
            let words = (0..<random.int(in: 0...24)).map { _ in vocabulary[random.below(vocabulary.count)] }
            let phrase = (0..<random.int(in: 2...4)).map { _ in vocabulary[random.below(vocabulary.count)] }
            // Offsets grow by 1 or, now and then, 2 (a stop word's slot).
            var offsets = [0]
            for _ in 1..<phrase.count { offsets.append(offsets.last! + (random.below(4) == 0 ? 2 : 1)) }
            let slop = random.int(in: 0...4)
            let lists = Self.positions(of: phrase, in: words)
            let expected = Self.bruteForceAnchors(positions: lists, offsets: offsets, slop: slop)
            let actual = PhraseMatcher.anchors(positions: lists.map { $0.map { UInt32($0) } }, offsets: offsets, slop: slop)
            #expect(actual.map(Int.init) == expected, "\(phrase) offsets \(offsets) ~\(slop) in \(words)")
        }
    }

    // MARK: - Through the index

    @Test("random phrases over 200 random documents: same documents, frequencies and scores as the brute force")
    func searchAgainstBruteForce() throws {
        var random = TestRandom(seed: 0x9A7E_0002)
        let vocabulary = ["red", "green", "blue", "gold", "gray", "pink"]
        var documents: [[String]] = []
        for _ in 0..<200 {
            documents.append((0..<random.int(in: 5...60)).map { _ in vocabulary[random.below(vocabulary.count)] })
        }
        let corpus = documents.enumerated().map { IndexTestDocument(id: "d\($0.offset)", text: $0.element.joined(separator: " ")) }
        let n = Double(documents.count)
        let averageLength = Double(documents.reduce(0) { $0 + $1.count }) / n
        var idf: [String: Double] = [:]
        for word in vocabulary {
            idf[word] = BM25Parameters.idf(documentCount: documents.count, documentFrequency: documents.filter { $0.contains(word) }.count)
        }
        try IndexTestFolder.with { folder throws in
            try IndexTestKit.write(corpus, at: folder.path, configuration: AnalyzerConfiguration(stemmer: .none, stopWords: .none))
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            var sawFrequencyAboveOne = false
            for _ in 0..<150 {
                let phrase = (0..<random.int(in: 2...4)).map { _ in vocabulary[random.below(vocabulary.count)] }
                let slop = random.int(in: 0...3)
                let k1 = [1.2, 0.8, 2.0][random.below(3)]
                let b = [0.75, 0.3, 1.0][random.below(3)]
                let offsets = Array(0..<phrase.count)
                let phraseIDF = phrase.reduce(0.0) { $0 + idf[$1]! }
                var expected: [Int: Double] = [:]
                for (number, words) in documents.enumerated() {
                    let frequency = Self.bruteForceAnchors(positions: Self.positions(of: phrase, in: words), offsets: offsets, slop: slop).count
                    guard frequency > 0 else { continue }
                    if frequency > 1 { sawFrequencyAboveOne = true }
                    expected[number] = BM25Parameters(k1: k1, b: b).score(frequency: Double(frequency), idf: phraseIDF,
                                                                           length: words.count, averageLength: averageLength)
                }
                let results = try searcher.search(.phrase(phrase.joined(separator: " "), slop: slop),
                                                  options: SearchOptions(limit: 1000, bm25: BM25Parameters(k1: k1, b: b)))
                let label = "\"\(phrase.joined(separator: " "))\"~\(slop) k1=\(k1) b=\(b)"
                #expect(results.totalHits == expected.count, "\(label)")
                #expect(Set(results.hits.map(\.document)) == Set(expected.keys), "\(label)")
                for hit in results.hits {
                    guard let score = expected[hit.document] else { continue }
                    #expect(IndexTestKit.close(Double(hit.score), score), "\(label) doc \(hit.document): \(hit.score) vs \(score)")
                }
                // Best first, ties by document number.
                for (earlier, later) in zip(results.hits, results.hits.dropFirst()) {
                    #expect(earlier.score > later.score || (earlier.score == later.score && earlier.document < later.document))
                }
            }
            // The random phrases reached documents with several occurrences.
            #expect(sawFrequencyAboveOne)
        }
    }

    @Test("a rare word beside common ones: long documents, positions read for few documents per chunk, as the brute force")
    func sparseReadsAgainstBruteForce() throws {
        // Common words fill long documents (many chunks of positions per block, with
        // exceptions for each document's first position); the rare word makes the candidates
        // few and far apart, so most chunks are read once, for a few positions, and some at
        // their end.
        var random = TestRandom(seed: 0x9A7E_0003)
        let common = ["red", "green", "blue"]
        var documents: [[String]] = []
        for _ in 0..<400 {
            var words = (0..<random.int(in: 20...300)).map { _ in common[random.below(common.count)] }
            if random.unit() < 0.06 {
                for _ in 0..<random.int(in: 1...4) { words[random.below(words.count)] = "zinc" }
            }
            documents.append(words)
        }
        let corpus = documents.enumerated().map { IndexTestDocument(id: "d\($0.offset)", text: $0.element.joined(separator: " ")) }
        try IndexTestFolder.with { folder throws in
            try IndexTestKit.write(corpus, at: folder.path, configuration: AnalyzerConfiguration(stemmer: .none, stopWords: .none))
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            var matched = 0
            for phrase in [["zinc", "red"], ["red", "zinc"], ["blue", "zinc", "green"], ["zinc", "zinc"], ["red", "green", "blue"]] {
                var expected: Set<Int> = []
                for (number, words) in documents.enumerated()
                where !Self.bruteForceAnchors(positions: Self.positions(of: phrase, in: words), offsets: Array(0..<phrase.count), slop: 0).isEmpty {
                    expected.insert(number)
                }
                let results = try searcher.search(.phrase(phrase.joined(separator: " "), slop: 0), options: SearchOptions(limit: 1000))
                #expect(results.totalHits == expected.count, "\(phrase)")
                #expect(Set(results.hits.map(\.document)) == expected, "\(phrase)")
                matched += expected.count
            }
            #expect(matched > 0)
        }
    }

    @Test("the query string form of a sloppy phrase searches the same as the Query value")
    func queryStringForm() throws {
        let corpus = [
            IndexTestDocument(id: "0", text: "red green blue"),
            IndexTestDocument(id: "1", text: "green red blue"),
            IndexTestDocument(id: "2", text: "red blue green"),
            IndexTestDocument(id: "3", text: "red gold gold green"),
        ]
        try IndexTestFolder.with { folder throws in
            try IndexTestKit.write(corpus, at: folder.path)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            // slop 0: only doc 0; slop 1: + doc 2 (one word between); slop 2: + doc 1 (swapped), + doc 3 (two between).
            let expectations: [(Int, Set<String>)] = [(0, ["0"]), (1, ["0", "2"]), (2, ["0", "1", "2", "3"])]
            for (slop, ids) in expectations {
                let text = slop == 0 ? "\"red green\"" : "\"red green\"~\(slop)"
                let fromText = try searcher.search(text, options: SearchOptions(limit: 100))
                let fromValue = try searcher.search(Query.phrase("red green", slop: slop), options: SearchOptions(limit: 100))
                #expect(Set(fromText.hits.map(\.id)) == ids, "\(text)")
                #expect(fromText.hits == fromValue.hits)
            }
        }
    }

    @Test("English stop words keep their slot: \"fled the country\" matches 'fled the country', not 'fled country' (Lucene)")
    func stopWordSlots() throws {
        let corpus = [
            IndexTestDocument(id: "exact", text: "Ghani fled the country on Sunday."),
            IndexTestDocument(id: "missing", text: "Ghani fled country on Sunday."),
            IndexTestDocument(id: "reordered", text: "The country fled."),
            IndexTestDocument(id: "other-stop", text: "He fled a country."),
            IndexTestDocument(id: "far", text: "fled, then much later, the country"),
        ]
        let english = AnalyzerConfiguration(stemmer: .none, stopWords: .english)
        try IndexTestFolder.with { folder throws in
            try IndexTestKit.write(corpus, at: folder.path, configuration: english)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            let results = try searcher.search("\"fled the country\"", options: SearchOptions(limit: 100))
            // As in Lucene, the removed stop word leaves a slot of one position that any word
            // fills: "fled a country" matches as well.
            #expect(Set(results.hits.map(\.id)) == ["exact", "other-stop"])
            #expect(results.terms == ["fled", "country"])
            #expect(!results.hits.map(\.id).contains("missing"))
            // With slop 1 the missing slot is one move away.
            let sloppy = try searcher.search("\"fled the country\"~1", options: SearchOptions(limit: 100))
            #expect(Set(sloppy.hits.map(\.id)) == ["exact", "other-stop", "missing"])
            // Score: idf = idf(fled) + idf(country), tf 1, the length counted without stop words.
            let reader = searcher.reader
            let n = reader.documentCount
            let idf = BM25Parameters.idf(documentCount: n, documentFrequency: try reader.documentFrequency(of: "fled"))
                + BM25Parameters.idf(documentCount: n, documentFrequency: try reader.documentFrequency(of: "country"))
            let exact = try #require(results.hits.first { $0.id == "exact" })
            let expected = BM25Parameters().score(frequency: 1, idf: idf, length: try reader.length(of: exact.document),
                                                  averageLength: reader.averageDocumentLength)
            #expect(IndexTestKit.close(Double(exact.score), expected))
        }
    }

    @Test("a phrase with an unknown word matches nothing; a phrase of one word is that word")
    func degeneratePhrases() throws {
        let corpus = [
            IndexTestDocument(id: "0", text: "red green blue"),
            IndexTestDocument(id: "1", text: "green"),
        ]
        try IndexTestFolder.with { folder throws in
            try IndexTestKit.write(corpus, at: folder.path)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            #expect(try searcher.search("\"red violet\"").hits.isEmpty)
            #expect(try searcher.search("\"red violet\"~5").totalHits == 0)
            let one = try searcher.search("\"green\"")
            let bare = try searcher.search("green")
            #expect(one.hits == bare.hits)
            #expect(one.hits.count == 2)
        }
    }
}
