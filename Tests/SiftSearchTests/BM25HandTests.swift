import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex
@testable import SiftAnalysis

/// BM25 on a corpus small enough to score by hand, from the formula in DESIGN.md:
/// idf = ln(1 + (N − df + 0.5)/(df + 0.5)), tf·(k1+1)/(tf + k1·(1 − b + b·len/avgLen)).
///
/// The corpus (plain analysis: no stemming, no stop words):
///   doc 0  "apple banana apple"         len 3   apple 2, banana 1
///   doc 1  "banana cherry"              len 2   banana 1, cherry 1
///   doc 2  "apple cherry cherry date"   len 4   apple 1, cherry 2, date 1
/// N = 3, avgLen = (3 + 2 + 4) / 3 = 3; df: apple 2, banana 2, cherry 2, date 1.
@Suite struct BM25HandTests {
    static let corpus = [
        IndexTestDocument(id: "a.txt", title: "First", text: "apple banana apple"),
        IndexTestDocument(id: "b.txt", title: "Second", text: "banana cherry"),
        IndexTestDocument(id: "c.txt", title: "Third", text: "apple cherry cherry date"),
    ]

    // idf of a term in 2 of 3 documents: ln(1 + (3 − 2 + 0.5)/(2 + 0.5)) = ln(1.6).
    static let idf2 = log(1 + (3.0 - 2 + 0.5) / (2 + 0.5))
    // idf of a term in 1 of 3 documents: ln(1 + (3 − 1 + 0.5)/(1 + 0.5)) = ln(8/3).
    static let idf1 = log(1 + (3.0 - 1 + 0.5) / (1 + 0.5))

    /// Runs `body` with a searcher over the hand corpus, freshly written and reopened.
    static func withSearcher<R>(_ documents: [IndexTestDocument] = corpus, _ body: (Searcher) throws -> R) throws -> R {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(documents, at: folder.path)
            let reader = try IndexReader(path: folder.path)
            return try body(Searcher(reader: reader))
        }
    }

    static func expectScores(_ results: SearchResults, _ expected: [(Int, Double)],
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(results.hits.map(\.document) == expected.map(\.0), sourceLocation: sourceLocation)
        for (hit, (document, score)) in zip(results.hits, expected) {
            #expect(IndexTestKit.close(Double(hit.score), score),
                    "doc \(document): got \(hit.score), expected \(score)", sourceLocation: sourceLocation)
        }
    }

    @Test("the index holds the hand corpus' statistics")
    func statistics() throws {
        try Self.withSearcher { searcher throws in
            let reader = searcher.reader
            #expect(reader.documentCount == 3)
            #expect(reader.tokenCount == 9)
            #expect(reader.averageDocumentLength == 3)
            #expect(try (0..<3).map { try reader.length(of: $0) } == [3, 2, 4])
            #expect(try reader.documentFrequency(of: "apple") == 2)
            #expect(try reader.documentFrequency(of: "date") == 1)
            #expect(try reader.documentFrequency(of: "elderberry") == 0)
            #expect(reader.configuration == IndexTestKit.plain)
        }
    }

    @Test("one term: scores from the formula by hand")
    func singleTerm() throws {
        try Self.withSearcher { searcher throws in
            let results = try searcher.search("apple")
            // doc 0: tf 2, len 3: 2·2.2 / (2 + 1.2·(0.25 + 0.75·3/3)) = 4.4 / 3.2
            // doc 2: tf 1, len 4: 1·2.2 / (1 + 1.2·(0.25 + 0.75·4/3)) = 2.2 / 2.5
            Self.expectScores(results, [
                (0, Self.idf2 * (2 * 2.2) / (2 + 1.2 * (0.25 + 0.75 * 3 / 3))),
                (2, Self.idf2 * (1 * 2.2) / (1 + 1.2 * (0.25 + 0.75 * 4 / 3))),
            ])
            #expect(results.totalHits == 2)
            #expect(results.terms == ["apple"])
            #expect(results.notes.isEmpty)
            #expect(results.hits.map(\.id) == ["a.txt", "c.txt"])
            #expect(results.hits.map(\.title) == ["First", "Third"])
            #expect(results.hits.map(\.rank) == [1, 2])
        }
    }

    @Test("two terms add up; the rarer term weighs more")
    func twoTerms() throws {
        try Self.withSearcher { searcher throws in
            let results = try searcher.search("date cherry")
            // doc 2: date tf 1 (idf ln(8/3)) + cherry tf 2 (idf ln 1.6), len 4: norm 1.2·(0.25 + 1) = 1.5
            let doc2 = Self.idf1 * (1 * 2.2) / (1 + 1.5) + Self.idf2 * (2 * 2.2) / (2 + 1.5)
            // doc 1: cherry tf 1, len 2: norm 1.2·(0.25 + 0.75·2/3) = 0.9
            let doc1 = Self.idf2 * (1 * 2.2) / (1 + 0.9)
            Self.expectScores(results, [(2, doc2), (1, doc1)])
            #expect(results.totalHits == 2)
        }
    }

    @Test("every document for an all-terms query, in score order")
    func allTerms() throws {
        try Self.withSearcher { searcher throws in
            let results = try searcher.search("banana apple cherry")
            let doc0 = Self.idf2 * 4.4 / 3.2 + Self.idf2 * 2.2 / (1 + 1.2)
            let doc1 = Self.idf2 * 2.2 / 1.9 + Self.idf2 * 2.2 / 1.9
            let doc2 = Self.idf2 * 2.2 / 2.5 + Self.idf2 * 4.4 / 3.5
            let expected = [(0, doc0), (1, doc1), (2, doc2)].sorted { $0.1 > $1.1 }
            Self.expectScores(results, expected)
            #expect(results.totalHits == 3)
        }
    }

    @Test("a query term repeated counts twice (and three times)")
    func repeatedTerm() throws {
        try Self.withSearcher { searcher throws in
            let once = try searcher.search("apple")
            let twice = try searcher.search("apple apple")
            let thrice = try searcher.search("APPLE apple Apple")
            #expect(twice.terms == ["apple", "apple"])
            #expect(twice.hits.map(\.document) == once.hits.map(\.document))
            for (single, double) in zip(once.hits, twice.hits) {
                #expect(IndexTestKit.close(Double(double.score), 2 * Double(single.score)))
            }
            for (single, triple) in zip(once.hits, thrice.hits) {
                #expect(IndexTestKit.close(Double(triple.score), 3 * Double(single.score)))
            }
            // A repeat changes the balance between terms: "date date cherry" vs "date cherry".
            let mixed = try searcher.search("cherry cherry date")
            let doc2 = 2 * Self.idf2 * 4.4 / 3.5 + Self.idf1 * 2.2 / 2.5
            let doc1 = 2 * Self.idf2 * 2.2 / 1.9
            Self.expectScores(mixed, [(2, doc2), (1, doc1)])
            #expect(mixed.totalHits == 2, "a repeat does not count a document twice")
        }
    }

    @Test("custom k1 and b", arguments: [(2.0, 0.0), (0.5, 1.0), (1.2, 0.3), (0.0, 0.75), (10.0, 0.5)])
    func customParameters(k1: Double, b: Double) throws {
        try Self.withSearcher { searcher throws in
            let options = SearchOptions(limit: 10, bm25: BM25Parameters(k1: k1, b: b))
            let results = try searcher.search("apple date", options: options)
            func part(_ idf: Double, tf: Double, len: Double) -> Double {
                idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / 3))
            }
            let doc0 = part(Self.idf2, tf: 2, len: 3)
            let doc2 = part(Self.idf2, tf: 1, len: 4) + part(Self.idf1, tf: 1, len: 4)
            var expected = [(0, doc0), (2, doc2)]
            expected.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            Self.expectScores(results, expected)
        }
    }

    @Test("b = 0 ignores length: the same tf scores the same in a long and a short document")
    func noLengthNormalization() throws {
        try Self.withSearcher { searcher throws in
            let options = SearchOptions(bm25: BM25Parameters(k1: 1.2, b: 0))
            let results = try searcher.search("banana", options: options)
            // doc 0 (len 3) and doc 1 (len 2) both have banana once: a tie, broken by id.
            #expect(results.hits.map(\.document) == [0, 1])
            #expect(results.hits[0].score == results.hits[1].score)
            #expect(IndexTestKit.close(Double(results.hits[0].score), Self.idf2 * 2.2 / (1 + 1.2)))
            // With the default b the shorter document wins.
            #expect(try searcher.search("banana").hits.map(\.document) == [1, 0])
        }
    }

    @Test("ties are broken by ascending document id, across pages")
    func tiesByDocumentId() throws {
        // 300 identical documents (more than two posting blocks), plus two different ones.
        var documents = (0..<300).map { IndexTestDocument(id: "same-\($0)", text: "tie breaker words") }
        documents.insert(IndexTestDocument(id: "strong", text: "tie tie tie"), at: 150)
        documents.append(IndexTestDocument(id: "other", text: "nothing here"))
        try Self.withSearcher(documents) { searcher throws in
            let all = try searcher.search("tie", options: SearchOptions(limit: 1000))
            #expect(all.totalHits == 301)
            #expect(all.hits.count == 301)
            #expect(all.hits.first?.id == "strong")
            let expectedOrder = [150] + (0..<150).map { $0 } + (151..<301).map { $0 }
            #expect(all.hits.map(\.document) == expectedOrder)
            #expect(Set(all.hits.dropFirst().map(\.score)).count == 1, "identical documents score identically")
            // Small k must pick the lowest ids among the tied, whatever order the heap saw them.
            let top5 = try searcher.search("tie", options: SearchOptions(limit: 5))
            #expect(top5.hits.map(\.document) == [150, 0, 1, 2, 3])
            let page = try searcher.search("tie", options: SearchOptions(limit: 4, offset: 200))
            #expect(page.hits.map(\.document) == Array(expectedOrder[200..<204]))
            #expect(page.hits.map(\.rank) == [201, 202, 203, 204])
        }
    }

    @Test("offset and limit page through the full ranking")
    func paging() throws {
        var random = TestRandom(seed: 99)
        let corpus = RandomCorpus.make(seed: 99, documentCount: 250)
        try Self.withSearcher(corpus.documents) { searcher throws in
            for _ in 0..<10 {
                let query = corpus.randomQuery(&random).joined(separator: " ")
                let full = try searcher.search(query, options: SearchOptions(limit: 10_000, countTotalHits: true))
                #expect(full.totalHitsIsExact)
                #expect(full.hits.count == full.totalHits)
                #expect(full.hits.map(\.rank) == Array(1..<(full.hits.count + 1)))
                for limit in [1, 3, 10, 64] {
                    var collected: [SearchHit] = []
                    var offset = 0
                    while offset < full.totalHits + limit {
                        let page = try searcher.search(query, options: SearchOptions(limit: limit, offset: offset, countTotalHits: true))
                        #expect(page.totalHits == full.totalHits, "totalHits does not depend on paging")
                        // Without counting, pruning may report a lower bound, never more.
                        let pruned = try searcher.search(query, options: SearchOptions(limit: limit, offset: offset))
                        #expect(pruned.hits == page.hits)
                        #expect(pruned.totalHits <= full.totalHits && (pruned.totalHits == full.totalHits || !pruned.totalHitsIsExact))
                        #expect(page.hits.count == max(0, min(limit, full.totalHits - offset)))
                        collected += page.hits
                        offset += limit
                    }
                    #expect(collected == full.hits, "query '\(query)' pages of \(limit)")
                }
            }
        }
    }

    @Test("limit 0 returns no hits but still counts them; an offset past the end returns none")
    func emptyPages() throws {
        try Self.withSearcher { searcher throws in
            let none = try searcher.search("apple", options: SearchOptions(limit: 0))
            #expect(none.hits.isEmpty)
            #expect(none.totalHits == 2)
            let past = try searcher.search("apple", options: SearchOptions(limit: 10, offset: 5))
            #expect(past.hits.isEmpty)
            #expect(past.totalHits == 2)
        }
    }

    @Test("a limit of Int.max (\"everything\") with an offset does not trap")
    func hugeLimitWithOffset() throws {
        try Self.withSearcher { searcher throws in
            let everything = try searcher.search("apple", options: SearchOptions(limit: .max))
            #expect(everything.hits.map(\.document) == [0, 2])
            let rest = try searcher.search("apple", options: SearchOptions(limit: .max, offset: 1))
            #expect(rest.hits.map(\.document) == [2])
        }
    }

    @Test("totalHits counts documents with any query term")
    func totalHits() throws {
        try Self.withSearcher { searcher throws in
            #expect(try searcher.search("date").totalHits == 1)
            #expect(try searcher.search("banana").totalHits == 2)
            #expect(try searcher.search("date banana").totalHits == 3)
            #expect(try searcher.search("date date banana banana").totalHits == 3)
            #expect(try searcher.search("elderberry").totalHits == 0)
            #expect(try searcher.search("elderberry").hits.isEmpty)
            #expect(try searcher.search("elderberry date").totalHits == 1)
        }
    }

    @Test("the query is analyzed with the index's analyzer: case folds, stop words drop")
    func queryAnalysis() throws {
        let documents = [
            IndexTestDocument(id: "1", text: "The running of the bulls"),
            IndexTestDocument(id: "2", text: "Runners run a race"),
        ]
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(documents, at: folder.path, configuration: AnalyzerConfiguration())
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            let results = try searcher.search("RUNS")
            #expect(results.terms == ["run"])
            #expect(results.hits.map(\.id) == ["1", "2"] || results.hits.map(\.id) == ["2", "1"])
            #expect(results.totalHits == 2)
            // Only stop words: no hits and a note saying why.
            let stop = try searcher.search("the of and")
            #expect(stop.hits.isEmpty)
            #expect(stop.totalHits == 0)
            #expect(stop.notes.first?.message.contains("stop words") == true)
            let nothing = try searcher.search("  !!  ")
            #expect(nothing.hits.isEmpty)
            #expect(!nothing.notes.isEmpty)
        }
    }

    @Test("BM25Parameters computes the same formula")
    func parameterHelpers() {
        #expect(IndexTestKit.close(BM25Parameters.idf(documentCount: 3, documentFrequency: 2), Self.idf2))
        #expect(IndexTestKit.close(BM25Parameters.idf(documentCount: 3, documentFrequency: 1), Self.idf1))
        #expect(BM25Parameters.idf(documentCount: 10, documentFrequency: 10) > 0, "idf is always positive")
        let parameters = BM25Parameters()
        #expect(parameters.k1 == 1.2 && parameters.b == 0.75)
        #expect(IndexTestKit.close(parameters.score(termFrequency: 2, documentFrequency: 2, documentCount: 3, length: 3, averageLength: 3),
                                   Self.idf2 * 4.4 / 3.2))
    }
}
