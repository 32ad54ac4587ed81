import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex
@testable import SiftIngest

/// Pruned ranking (MaxScore with block bounds) must return exactly what exhaustive scoring
/// returns: the same documents, in the same order, with bit-identical scores.
@Suite struct PruningEquivalenceTests {
    /// Hits as comparable values: document, score bits, rank.
    static func signature(_ results: SearchResults) -> [String] {
        results.hits.map { "\($0.rank):\($0.document):\($0.score.bitPattern)" }
    }

    static func compare(_ searcher: Searcher, _ query: String, k: Int, syntax: QuerySyntax = .query,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let pruned = try searcher.search(query, options: SearchOptions(limit: k, syntax: syntax))
        let exhaustive = try searcher.search(query, options: SearchOptions(limit: k, syntax: syntax, exhaustive: true))
        #expect(signature(pruned) == signature(exhaustive), "query '\(query)' at k = \(k)", sourceLocation: sourceLocation)
        // A pruned count is a lower bound; when it says it is exact, it is.
        #expect(pruned.totalHits <= exhaustive.totalHits, "query '\(query)'", sourceLocation: sourceLocation)
        if pruned.totalHitsIsExact { #expect(pruned.totalHits == exhaustive.totalHits, sourceLocation: sourceLocation) }
    }

    @Test("random corpora, OR and phrase queries: pruned equals exhaustive at k = 1, 10, 100, 1000", arguments: 0..<6)
    func randomCorpora(seed: Int) throws {
        var random = TestRandom(seed: UInt64(1000 + seed))
        // Zipf-ish vocabulary, documents of varied length, enough postings for full blocks.
        let vocabulary = (0..<60).map { "w\($0)" }
        var documents: [IndexTestDocument] = []
        let documentCount = random.int(in: 600...2500)
        for number in 0..<documentCount {
            let length = random.int(in: 1...80)
            var words: [String] = []
            for _ in 0..<length {
                let rank = Int(Double(vocabulary.count) * pow(random.unit(), 2.5))
                words.append(vocabulary[min(rank, vocabulary.count - 1)])
            }
            documents.append(IndexTestDocument(id: "d\(number)", text: words.joined(separator: " ")))
        }
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(documents, at: folder.path)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            for _ in 0..<40 {
                let terms = (0..<random.int(in: 1...6)).map { _ in vocabulary[random.below(vocabulary.count)] }
                let query = terms.map { random.below(5) == 0 ? "\($0)^\(random.int(in: 2...4))" : $0 }.joined(separator: " ")
                for k in [1, 10, 100, 1000] { try Self.compare(searcher, query, k: k) }
            }
            // Lone phrases skip documents by their rarest word's frequency before reading positions.
            for _ in 0..<15 {
                let words = (0..<random.int(in: 2...3)).map { _ in vocabulary[random.below(12)] }
                let slop = random.below(3)
                let query = "\"\(words.joined(separator: " "))\"" + (slop > 0 ? "~\(slop)" : "")
                for k in [1, 10, 100, 1000] { try Self.compare(searcher, query, k: k) }
            }
        }
    }

    @Test("every Cranfield query: pruned equals exhaustive at k = 1, 10, 100, 1000", SharedData.needs("cranfield"))
    func cranfield() throws {
        try testCollection(name: "cranfield")
    }

    @Test("every CISI query: pruned equals exhaustive at k = 1, 10, 100, 1000", SharedData.needs("cisi"))
    func cisi() throws {
        try testCollection(name: "cisi")
    }

    private func testCollection(name: String) throws {
        try SharedCollection.withIndex(name) { searcher, queries in
            for query in queries {
                for k in [1, 10, 100, 1000] { try Self.compare(searcher, query.text, k: k, syntax: .plain) }
            }
        }
    }
}
