import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex
@testable import SiftAnalysis

/// Random corpora written to disk and searched: every score and the ranking must equal a
/// straightforward computation of the formula in the test (Double), within 1e-5 relative.
@Suite struct BM25PropertyTests {
    /// Writes `corpus`, reopens it, and checks `queries` random queries against the formula.
    static func check(_ corpus: RandomCorpus, seed: UInt64, queries: Int) throws {
        try IndexTestFolder.with { folder in
            let summary = try IndexTestKit.write(corpus.documents, at: folder.path)
            #expect(summary.documentCount == corpus.documentCount)
            #expect(summary.tokenCount == UInt64(corpus.lengths.reduce(0, +)))
            let reader = try IndexReader(path: folder.path)
            #expect(reader.documentCount == corpus.documentCount)
            #expect(IndexTestKit.close(reader.averageDocumentLength, corpus.averageLength, relative: 1e-12))
            let lengths = try (0..<reader.documentCount).map { try reader.length(of: $0) }
            #expect(lengths == corpus.lengths, "document lengths are stored exactly")
            for term in corpus.vocabulary {
                #expect(try reader.documentFrequency(of: term) == corpus.documentFrequency(term), "df of \(term)")
            }
            let searcher = Searcher(reader: reader)
            var random = TestRandom(seed: seed ^ 0x5EED)
            for number in 0..<queries {
                let terms = corpus.randomQuery(&random)
                let query = terms.joined(separator: " ")
                var parameters = BM25Parameters()
                if random.below(3) == 0 {
                    parameters = BM25Parameters(k1: 0.3 + random.unit() * 2.5, b: random.unit())
                }
                let expected = corpus.expectedScores(terms, k1: parameters.k1, b: parameters.b)
                let context = "seed \(seed) query \(number) '\(query)' k1 \(parameters.k1) b \(parameters.b)"
                // Everything, then a random top k, then a random page.
                let all = try searcher.search(query, options: SearchOptions(limit: corpus.documentCount + 1, bm25: parameters))
                #expect(all.terms == terms.filter { corpus.documentFrequency($0) > 0 }, "query terms that can score, \(context)")
                #expect(SearchOracle.mismatch(all, expected: expected, limit: corpus.documentCount + 1, context: context) == nil)
                let k = random.int(in: 1...20)
                let top = try searcher.search(query, options: SearchOptions(limit: k, bm25: parameters))
                #expect(SearchOracle.mismatch(top, expected: expected, limit: k, context: context + " k \(k)") == nil)
                #expect(top.hits == Array(all.hits.prefix(k)), "top \(k) is the head of the full ranking, \(context)")
                // Pruned search returns exactly what exhaustive scoring returns: same documents,
                // same order, same scores (bit for bit); counting gives the exact total.
                let exhaustive = try searcher.search(query, options: SearchOptions(limit: k, bm25: parameters, exhaustive: true))
                #expect(top.hits == exhaustive.hits, "pruned top \(k) equals exhaustive, \(context)")
                #expect(exhaustive.totalHitsIsExact && exhaustive.totalHits == expected.count, "exhaustive totalHits, \(context)")
                let counted = try searcher.search(query, options: SearchOptions(limit: k, bm25: parameters, countTotalHits: true))
                #expect(counted.hits == top.hits, "counting does not change the hits, \(context)")
                #expect(counted.totalHitsIsExact && counted.totalHits == expected.count, "counted totalHits, \(context)")
                let offset = random.below(max(1, expected.count))
                let page = try searcher.search(query, options: SearchOptions(limit: k, offset: offset, bm25: parameters))
                #expect(SearchOracle.mismatch(page, expected: expected, limit: k, offset: offset, context: context + " offset \(offset)") == nil)
                #expect(page.hits == Array(all.hits.dropFirst(offset).prefix(k)), "page at \(offset), \(context)")
            }
        }
    }

    @Test("random corpora of 50–300 documents score exactly as the formula", arguments: 0..<20)
    func randomCorpora(seed: Int) throws {
        var random = TestRandom(seed: UInt64(seed) &* 7919)
        let count = seed == 0 ? 300 : random.int(in: 50...300)
        let corpus = RandomCorpus.make(seed: UInt64(seed), documentCount: count,
                                       exponent: 0.8 + Double(seed % 4) * 0.2)
        // The corpus' words are the analyzer's terms (so the in-test counts are the index's).
        let analyzer = Analyzer(configuration: IndexTestKit.plain)
        for (index, document) in corpus.documents.prefix(20).enumerated() {
            let words = analyzer.analyze(utf8: document.text).map(\.term)
            var counts: [String: Int] = [:]
            for word in words { counts[word, default: 0] += 1 }
            #expect(counts == corpus.frequencies[index])
        }
        if seed == 0 {
            // At least one term fills more than one whole block of 128.
            #expect(corpus.vocabulary.contains { corpus.documentFrequency($0) > 128 })
        }
        try Self.check(corpus, seed: UInt64(seed), queries: 25)
    }

    @Test("a corpus where one term is in over 1000 documents")
    func largeCorpus() throws {
        let corpus = RandomCorpus.make(seed: 4242, documentCount: 1600, lengthRange: 5...50)
        #expect(corpus.documentFrequency("w0") >= 1000)
        #expect(corpus.vocabulary.filter { corpus.documentFrequency($0) > 256 }.count >= 5)
        try Self.check(corpus, seed: 4242, queries: 30)
    }

    @Test("a large skewed corpus: pruned top k equals exhaustive scoring")
    func skewedCorpus() throws {
        // Common terms in nearly every document and rare ones in a few: MaxScore and block-max
        // skipping have the most to skip here.
        let corpus = RandomCorpus.make(seed: 8080, documentCount: 5000, vocabularySize: 300, exponent: 1.3, lengthRange: 1...30)
        #expect(corpus.documentFrequency("w0") > 2000)
        try Self.check(corpus, seed: 8080, queries: 40)
    }

    @Test("tiny corpora: one document, all documents empty but one, one term everywhere")
    func tinyCorpora() throws {
        let single = RandomCorpus(vocabulary: ["w0"], documents: [IndexTestDocument(id: "only", text: "w0 w0")],
                                  frequencies: [["w0": 2]], lengths: [2])
        try Self.check(single, seed: 1, queries: 3)
        var sparse = RandomCorpus(vocabulary: ["w0", "w1"])
        for number in 0..<130 {
            let words = number == 129 ? ["w1", "w0", "w1"] : []
            sparse.documents.append(IndexTestDocument(id: "\(number)", text: words.joined(separator: " ")))
            var counts: [String: Int] = [:]
            for word in words { counts[word, default: 0] += 1 }
            sparse.frequencies.append(counts)
            sparse.lengths.append(words.count)
        }
        try Self.check(sparse, seed: 2, queries: 5)
    }
}
