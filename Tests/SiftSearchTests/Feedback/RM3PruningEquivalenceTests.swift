import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex
@testable import SiftIngest

/// Pruning stays exact with RM3: the first search's feedback documents, the expansion and the
/// second search's hits (documents, order, bit-identical scores) are the same pruned and
/// exhaustive.
@Suite struct RM3PruningEquivalenceTests {
    static func compare(_ searcher: Searcher, _ query: String, k: Int, rm3: RM3Parameters = RM3Parameters(),
                        syntax: QuerySyntax = .query, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let pruned = try searcher.search(query, options: SearchOptions(limit: k, syntax: syntax, rm3: rm3))
        let exhaustive = try searcher.search(query, options: SearchOptions(limit: k, syntax: syntax, exhaustive: true, rm3: rm3))
        #expect(pruned.expansion == exhaustive.expansion, "query '\(query)' at k = \(k)", sourceLocation: sourceLocation)
        #expect(PruningEquivalenceTests.signature(pruned) == PruningEquivalenceTests.signature(exhaustive),
                "query '\(query)' at k = \(k)", sourceLocation: sourceLocation)
        #expect(pruned.totalHits <= exhaustive.totalHits, "query '\(query)'", sourceLocation: sourceLocation)
        if pruned.totalHitsIsExact { #expect(pruned.totalHits == exhaustive.totalHits, sourceLocation: sourceLocation) }
        return !(pruned.expansion?.terms.isEmpty ?? true)
    }

    @Test("random corpora, bags of words and structured queries with RM3: pruned equals exhaustive at k = 1, 10, 100, 1000",
          arguments: 0..<4)
    func randomCorpora(seed: Int) throws {
        var random = TestRandom(seed: UInt64(7000 + seed))
        // A Zipf-ish vocabulary wide enough that most words are under RM3's 10% document
        // frequency limit, and documents long enough for full blocks of the common words.
        let vocabulary = (0..<1500).map { "w\($0)" }
        func word() -> String { vocabulary[min(Int(Double(vocabulary.count) * pow(random.unit(), 2.2)), vocabulary.count - 1)] }
        var documents: [IndexTestDocument] = []
        for number in 0..<random.int(in: 600...1500) {
            documents.append(IndexTestDocument(id: "d\(number)", text: (0..<random.int(in: 1...90)).map { _ in word() }.joined(separator: " ")))
        }
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(documents, at: folder.path)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            var expanded = 0
            for round in 0..<24 {
                let terms = (0..<random.int(in: 1...5)).map { _ in word() }
                var query = terms.map { random.below(5) == 0 ? "\($0)^\(random.int(in: 2...4))" : $0 }.joined(separator: " ")
                switch round % 5 {
                case 3: query = "+\(terms[0]) " + query  // a required clause: the document-at-a-time path
                case 4: query = "\"\(terms[0]) \(word())\" " + query  // a phrase
                default: break
                }
                let rm3 = RM3Parameters(feedbackDocuments: random.int(in: 1...20), feedbackTerms: random.int(in: 1...30),
                                        originalWeight: [0, 0.3, 0.5, 0.9][random.below(4)])
                for k in [1, 10, 100, 1000] {
                    if try Self.compare(searcher, query, k: k, rm3: rm3) { expanded += 1 }
                }
            }
            #expect(expanded >= 48, "most queries should expand (\(expanded) of 96)")
        }
    }

    // One k for the real queries (the random corpora try four): each RM3 search reads and
    // analyses ten documents, which a debug build does slowly.
    @Test("every Cranfield query with RM3: pruned equals exhaustive at k = 10", SharedData.needs("cranfield"))
    func cranfield() throws {
        try testCollection(name: "cranfield")
    }

    @Test("every CISI query with RM3: pruned equals exhaustive at k = 10", SharedData.needs("cisi"))
    func cisi() throws {
        try testCollection(name: "cisi")
    }

    private func testCollection(name: String) throws {
        try SharedCollection.withIndex(name) { searcher, queries in
            for query in queries {
                _ = try Self.compare(searcher, query.text, k: 10, syntax: .plain)
            }
        }
    }
}
