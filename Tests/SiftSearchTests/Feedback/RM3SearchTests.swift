import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex
import SiftAnalysis

/// RM3 through `Searcher.search` on small indexes: the model and the second search's scores
/// against hand-worked figures, determinism, few or empty feedback documents, stop words, and
/// queries beyond a bag of words.
@Suite struct RM3SearchTests {
    /// Plain analysis (no stemming, no stop words), N = 30:
    ///   d0 "apple banana banana cherry" (length 4)   d1 "apple cherry date" (length 3)
    ///   d2…d29 "fillerN otherN" (length 2, every word once in the index)
    /// avgLen = (4 + 3 + 28·2)/30 = 2.1. No word is in more than 10% of the documents (apple
    /// and cherry are in 2 of 30), so every word is eligible.
    static let fruit: [IndexTestDocument] = [
        IndexTestDocument(id: "d0", text: "apple banana banana cherry"),
        IndexTestDocument(id: "d1", text: "apple cherry date"),
    ] + (2..<30).map { IndexTestDocument(id: "d\($0)", text: "filler\($0) other\($0)") }

    static func withIndex<R>(_ documents: [IndexTestDocument], configuration: AnalyzerConfiguration = IndexTestKit.plain,
                             _ body: (Searcher) throws -> R) throws -> R {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(documents, at: folder.path, configuration: configuration)
            return try body(Searcher(reader: try IndexReader(path: folder.path)))
        }
    }

    static func signature(_ results: SearchResults) -> [String] {
        results.hits.map { "\($0.rank):\($0.document):\($0.score.bitPattern)" }
    }

    static func rm3(limit: Int = 10, _ parameters: RM3Parameters = RM3Parameters()) -> SearchOptions {
        SearchOptions(limit: limit, rm3: parameters)
    }

    @Test("the model and the second search of 'apple', worked by hand")
    func handWorked() throws {
        try Self.withIndex(Self.fruit) { searcher in
            let bm25 = BM25Parameters()
            func score(_ tf: Int, df: Int, length: Int) -> Double {
                bm25.score(termFrequency: tf, documentFrequency: df, documentCount: 30, length: length, averageLength: 2.1)
            }
            let results = try searcher.search("apple", options: Self.rm3())
            let expansion = try #require(results.expansion)
            // First search: apple (df 2) in d1 (length 3) and d0 (length 4): d1 first, the shorter.
            // Only two documents match, fewer than the 10 asked for.
            #expect(expansion.feedbackDocuments.map(\.id) == ["d1", "d0"])
            let s1 = score(1, df: 2, length: 3), s0 = score(1, df: 2, length: 4)
            #expect(IndexTestKit.close(Double(expansion.feedbackDocuments[0].score), s1))
            #expect(IndexTestKit.close(Double(expansion.feedbackDocuments[1].score), s0))
            // d0 keeps banana 2, apple 1, cherry 1 (|d0| = 4); d1 apple, cherry, date 1 each (|d1| = 3).
            //   apple = cherry = s1/3 + s0/4,  banana = 2·s0/4,  date = s1/3.
            // idf = ln(1 + 28.5/2.5) = 2.5177; s1 = 2.5177·2.2/(1 + 1.2·(0.25 + 0.75·3/2.1)) ≈ 2.1420,
            // s0 = 2.5177·2.2/(1 + 1.2·(0.25 + 0.75·4/2.1)) ≈ 1.8376: apple = cherry ≈ 1.1734 (a tie,
            // in byte order), banana ≈ 0.9188, date ≈ 0.7140; total = s1 + s0 ≈ 3.9796, so
            // P ≈ 0.2949, 0.2949, 0.2309, 0.1794.
            let total = s1 + s0
            let expected: [(String, Double)] = [("apple", (s1 / 3 + s0 / 4) / total), ("cherry", (s1 / 3 + s0 / 4) / total),
                                                ("banana", (s0 / 2) / total), ("date", (s1 / 3) / total)]
            #expect(expansion.terms.map(\.term) == expected.map(\.0))
            for (term, (_, probability)) in zip(expansion.terms, expected) {
                #expect(IndexTestKit.close(term.probability, probability), "\(term.term)")
                #expect(IndexTestKit.close(term.weight, 0.5 * probability), "\(term.term)")
            }
            #expect(expansion.originalBoost == 0.5)  // weight 0.5 over one word
            // Second search: apple 0.5·1 + 0.5·P(apple); banana, cherry, date 0.5·P(t).
            let p = Dictionary(uniqueKeysWithValues: expected)
            let apple = 0.5 + 0.5 * p["apple"]!
            let d0 = apple * score(1, df: 2, length: 4) + 0.5 * p["banana"]! * score(2, df: 1, length: 4)
                + 0.5 * p["cherry"]! * score(1, df: 2, length: 4)
            let d1 = apple * score(1, df: 2, length: 3) + 0.5 * p["cherry"]! * score(1, df: 2, length: 3)
                + 0.5 * p["date"]! * score(1, df: 1, length: 3)
            let problem = SearchOracle.mismatch(results, expected: [0: d0, 1: d1], limit: 10, context: "apple with RM3")
            #expect(problem == nil, "\(problem ?? "")")
        }
    }

    @Test("the same query gives the same expansion and hits, whatever the searcher analyzed before")
    func deterministic() throws {
        try IndexTestFolder.with { folder in
            var random = TestRandom(seed: 7)
            let words = (0..<400).map { "w\($0)" }
            let documents = (0..<300).map { number in
                IndexTestDocument(id: "d\(number)", text: (0..<random.int(in: 5...40)).map { _ in random.pick(words) }.joined(separator: " "))
            }
            try IndexTestKit.write(documents, at: folder.path)
            let fresh = Searcher(reader: try IndexReader(path: folder.path))
            let warmed = Searcher(reader: try IndexReader(path: folder.path))
            // Other searches first: the warmed searcher's analyzer hands out other term ids.
            for query in ["w399 w398", "w5 w77 w123", "w250"] { _ = try warmed.search(query, options: Self.rm3()) }
            for query in ["w1 w2", "w10", "w300 w17 w42"] {
                let a = try fresh.search(query, options: Self.rm3(limit: 50))
                let b = try warmed.search(query, options: Self.rm3(limit: 50))
                #expect(a.expansion == b.expansion, "\(query)")
                #expect(!(a.expansion?.terms.isEmpty ?? true), "\(query) expands")
                #expect(Self.signature(a) == Self.signature(b), "\(query)")
                // Equal weights are listed in byte order.
                let terms = try #require(a.expansion?.terms)
                for (x, y) in zip(terms, terms.dropFirst()) {
                    #expect(x.probability > y.probability || (x.probability == y.probability && Array(x.term.utf8).lexicographicallyPrecedes(Array(y.term.utf8))))
                }
            }
        }
    }

    @Test("feedback documents without an eligible term: no expansion, and the plain search's hits")
    func emptyFeedback() throws {
        // One-letter words are never expansion terms; ss, tt and uu are in 2 of 10 documents (> 10%);
        // e has only a title, so no text to read terms from.
        let documents = [
            IndexTestDocument(id: "a", text: "x y z"), IndexTestDocument(id: "b", text: "x x y"),
            IndexTestDocument(id: "c", text: "ss tt uu"), IndexTestDocument(id: "d", text: "ss tt uu"),
            IndexTestDocument(id: "e", title: "orbit", text: ""),
        ] + (0..<5).map { IndexTestDocument(id: "f\($0)", text: "q") }
        try Self.withIndex(documents) { searcher in
            for query in ["x", "y z", "ss", "title:orbit"] {
                let plain = try searcher.search(query, options: SearchOptions(limit: 10))
                let expanded = try searcher.search(query, options: Self.rm3())
                let expansion = try #require(expanded.expansion)
                #expect(!expansion.feedbackDocuments.isEmpty, "\(query)")
                #expect(expansion.terms.isEmpty, "\(query)")
                #expect(expansion.originalBoost == 1)
                #expect(Self.signature(expanded) == Self.signature(plain), "\(query)")
            }
            // A query that matches nothing has no feedback documents at all.
            let none = try searcher.search("zebra", options: Self.rm3())
            #expect(none.hits.isEmpty)
            #expect(none.expansion?.feedbackDocuments.isEmpty == true)
            #expect(none.expansion?.terms.isEmpty == true)
        }
    }

    @Test("stop words are never expansion terms, nor are words in more than 10% of the documents")
    func stopWords() throws {
        // "the" is in every document and the most frequent word of the best one.
        let documents = [IndexTestDocument(id: "best", text: "The wing and the flow: the wing, the plane, the drag.")]
            + (0..<29).map { IndexTestDocument(id: "f\($0)", text: "the filler\($0) and other\($0)") }
        for configuration in [AnalyzerConfiguration(), AnalyzerConfiguration(stemmer: .porter, stopWords: .none)] {
            try Self.withIndex(documents, configuration: configuration) { searcher in
                let results = try searcher.search("wing", options: Self.rm3())
                let terms = try #require(results.expansion?.terms).map(\.term)
                #expect(Set(terms) == ["wing", "flow", "plane", "drag"], "\(configuration)")
                #expect(!terms.contains("the") && !terms.contains("and"))
            }
        }
    }

    @Test("fewer documents match than fb-docs: the model is built from those that do")
    func fewerDocuments() throws {
        try Self.withIndex(Self.fruit) { searcher in
            let one = try searcher.search("banana", options: Self.rm3(RM3Parameters(feedbackDocuments: 5)))
            let expansion = try #require(one.expansion)
            #expect(expansion.feedbackDocuments.map(\.id) == ["d0"])
            // d0 alone: banana 2/4, apple 1/4, cherry 1/4.
            #expect(expansion.terms.map(\.term) == ["banana", "apple", "cherry"])
            #expect(expansion.terms.map(\.probability) == [0.5, 0.25, 0.25])
            // fb-docs 1 uses only the best of the two apple documents (d1).
            let best = try searcher.search("apple", options: Self.rm3(RM3Parameters(feedbackDocuments: 1)))
            #expect(best.expansion?.feedbackDocuments.map(\.id) == ["d1"])
            #expect(best.expansion?.terms.map(\.term) == ["apple", "cherry", "date"])
        }
    }

    @Test("fb-terms caps the model and each document's vector")
    func termLimit() throws {
        try Self.withIndex(Self.fruit) { searcher in
            // fb-terms 1: d1 keeps apple (first of three equals), d0 banana; apple = s1 > banana = s0.
            let results = try searcher.search("apple", options: Self.rm3(RM3Parameters(feedbackTerms: 1)))
            #expect(results.expansion?.terms.map(\.term) == ["apple"])
            #expect(results.expansion?.terms.first?.probability == 1)
        }
    }

    @Test("required and excluded clauses keep their meaning; the original query is scaled by originalWeight / L")
    func structuredQuery() throws {
        let documents = Self.fruit + [IndexTestDocument(id: "d30", text: "apple grape banana"), IndexTestDocument(id: "d31", text: "cherry grape")]
        try Self.withIndex(documents) { searcher in
            let query = "+apple -date banana"
            let plain = try searcher.search(query, options: SearchOptions(limit: 100))
            let results = try searcher.search(query, options: Self.rm3(limit: 100))
            let expansion = try #require(results.expansion)
            #expect(expansion.terms.map(\.term).contains("cherry"))
            // Every hit still has apple and lacks date, though cherry and grape were added.
            #expect(Set(results.hits.map(\.id)) == ["d0", "d30"])
            // L = 2 (apple, banana; the excluded word does not count).
            #expect(expansion.originalBoost == 0.25)
            // Each hit scores originalBoost · (its plain score) + Σ weight(t) · BM25(t).
            let reader = searcher.reader
            let plainScores = Dictionary(uniqueKeysWithValues: plain.hits.map { ($0.document, Double($0.score)) })
            var expected: [Int: Double] = [:]
            for hit in results.hits {
                let words = Array(try reader.document(at: hit.document).textBytes).split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
                var total = expansion.originalBoost * plainScores[hit.document]!
                for term in expansion.terms {
                    let tf = words.filter { $0 == term.term }.count
                    guard tf > 0 else { continue }
                    total += term.weight * BM25Parameters().score(termFrequency: tf, documentFrequency: try reader.documentFrequency(of: term.term),
                                                                  documentCount: reader.documentCount, length: words.count,
                                                                  averageLength: reader.averageDocumentLength)
                }
                expected[hit.document] = total
            }
            let problem = SearchOracle.mismatch(results, expected: expected, limit: 100, context: query)
            #expect(problem == nil, "\(problem ?? "")")
        }
    }

    @Test("phrases, --mode all and title terms run with RM3 and keep their constraints")
    func otherSyntax() throws {
        try Self.withIndex(Self.fruit + [IndexTestDocument(id: "t", title: "apple", text: "banana split")]) { searcher in
            let phrase = try searcher.search("\"banana cherry\"", options: Self.rm3(limit: 100))
            #expect(phrase.expansion?.feedbackDocuments.map(\.id) == ["d0"])
            #expect(phrase.hits.first?.id == "d0")
            // Expansion terms are optional: documents with only banana or apple now match too.
            #expect(phrase.hits.count > 1)

            var all = Self.rm3(limit: 100)
            all.defaultOperator = .and
            let both = try searcher.search("apple cherry", options: all)
            #expect(Set(both.hits.map(\.id)) == ["d0", "d1"], "bare words stay required")

            let title = try searcher.search("title:apple", options: Self.rm3(limit: 100))
            #expect(title.expansion?.feedbackDocuments.map(\.id) == ["t"])
            #expect(title.expansion?.terms.map(\.term) == ["banana", "split"])
            #expect(title.hits.first?.id == "t")
        }
    }

    @Test("originalWeight 1 ranks as the plain search; explanations show the expansion clauses' boosts")
    func weightsAndExplanations() throws {
        try Self.withIndex(Self.fruit) { searcher in
            let plain = try searcher.search("apple", options: SearchOptions(limit: 10))
            let kept = try searcher.search("apple", options: Self.rm3(RM3Parameters(originalWeight: 1)))
            #expect(kept.hits.map(\.document) == plain.hits.map(\.document))
            #expect(kept.expansion?.terms.allSatisfy { $0.weight == 0 } == true)

            let results = try searcher.search("apple", options: Self.rm3())
            let expansion = try #require(results.expansion)
            let explanation = try searcher.explain(try #require(results.hits.first), in: results)
            #expect(explanation.value == results.hits[0].score)
            let boosts = Dictionary(uniqueKeysWithValues: explanation.details.map { ($0.text, $0.boost) })
            let p = Dictionary(uniqueKeysWithValues: expansion.terms.map { ($0.term, $0.probability) })
            #expect(IndexTestKit.close(boosts["apple"]!, 0.5 + 0.5 * p["apple"]!))
            #expect(IndexTestKit.close(boosts["cherry"]!, 0.5 * p["cherry"]!))
        }
    }
}
