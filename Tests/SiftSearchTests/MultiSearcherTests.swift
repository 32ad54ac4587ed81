import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
@testable import SiftSearch
import SiftAnalysis
import SiftTestSupport

/// Several indexes searched as one must answer exactly as one index built over the union of
/// their documents: the same hits, in the same order, with bit-identical scores.
@Suite struct MultiSearcherTests {
    /// Queries of every shape over the random corpus's vocabulary (w0 … w39).
    static func randomQuery(_ random: inout TestRandom) -> Query {
        func word() -> String { random.below(10) == 0 ? "absent\(random.below(2))" : "w\(random.below(40))" }
        switch random.below(7) {
        case 0: return .term(word())
        case 1: return .boolean((0..<random.int(in: 2...5)).map { _ in BooleanClause(.should, .term(word())) })
        case 2: return .boolean([BooleanClause(.must, .term(word())), BooleanClause(.must, .term(word()))])
        case 3: return .phrase("\(word()) \(word())", slop: random.below(3))
        case 4: return .prefix("w\(random.below(4))")
        case 5: return .boolean([BooleanClause(.should, .term(word(), field: .title)), BooleanClause(.should, .term(word()))])
        default:
            return .boolean([BooleanClause(.must, .term(word())), BooleanClause(.should, .phrase("\(word()) \(word())")),
                             BooleanClause(.mustNot, .term(word()))])
        }
    }

    /// Hits as (id, score bits), in order.
    static func signature(_ hits: [SearchHit]) -> [String] { hits.map { "\($0.id) \($0.score.bitPattern)" } }
    static func signature(_ hits: [MultiSearchHit]) -> [String] { hits.map { "\($0.id) \($0.score.bitPattern)" } }

    @Test("random corpora split at random into 2–5 indexes answer as their union", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func unionEquivalence(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        let corpus = RandomCorpus.make(seed: seed, documentCount: 400 + random.below(400))
        let parts = 2 + random.below(4)
        var cuts = Set<Int>()
        while cuts.count < parts - 1 { cuts.insert(1 + random.below(corpus.documentCount - 1)) }
        let bounds = [0] + cuts.sorted() + [corpus.documentCount]
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(corpus.documents, at: folder.sub("union"))
            var readers: [IndexReader] = []
            for part in 0..<parts {
                try IndexTestKit.write(Array(corpus.documents[bounds[part]..<bounds[part + 1]]), at: folder.sub("part\(part)"))
                readers.append(try IndexReader(path: folder.sub("part\(part)")))
            }
            let union = Searcher(reader: try IndexReader(path: folder.sub("union")))
            let multi = try MultiSearcher(readers: readers, jobs: 1 + random.below(3))
            for _ in 0..<60 {
                let query = Self.randomQuery(&random)
                let k = [1, 10, 100, 1000][random.below(4)]
                let offset = random.below(3) == 0 ? random.below(20) : 0
                let options = SearchOptions(limit: k, offset: offset, maxExpansions: 1 + random.below(6))
                let expected = try union.search(query, options: options)
                let found = try multi.search(query, options: options)
                #expect(Self.signature(found.hits) == Self.signature(expected.hits), "\(query) k \(k) offset \(offset)")
                #expect(found.hits.map(\.rank) == expected.hits.map(\.rank))
                let counted = SearchOptions(limit: k, offset: offset, maxExpansions: options.maxExpansions, countTotalHits: true)
                #expect(try multi.search(query, options: counted).totalHits == union.search(query, options: counted).totalHits)
            }
        }
    }

    @Test("statistics gathered per index, summed and sent as JSON, score one index as the multi-searcher does")
    func suppliedStatistics() throws {
        let corpus = RandomCorpus.make(seed: 77, documentCount: 300)
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Array(corpus.documents[0..<120]), at: folder.sub("a"))
            try IndexTestKit.write(Array(corpus.documents[120...]), at: folder.sub("b"))
            let a = Searcher(reader: try IndexReader(path: folder.sub("a")))
            let b = Searcher(reader: try IndexReader(path: folder.sub("b")))
            let multi = try MultiSearcher(readers: [a.reader, b.reader])
            for text in ["w1 w5 w9", "+w2 +w3", "\"w1 w2\"", "w1*", "title:w4 w7"] {
                let sum = try a.statistics(for: text) + b.statistics(for: text)
                // Across machines: the statistics travel as JSON.
                let wire = try JSONDecoder().decode(CollectionStatistics.self, from: JSONEncoder().encode(sum))
                #expect(wire == sum)
                let alone = try b.search(text, options: SearchOptions(limit: 1000), statistics: wire)
                let together = try multi.search(text, options: SearchOptions(limit: 1000))
                let fromB = together.hits.filter { $0.index == 1 }.map(\.hit)
                #expect(Self.signature(alone.hits) == Self.signature(fromB), "\(text)")
            }
            // Statistics for another query lack this one's terms: a clear error, not wrong scores.
            let other = try a.statistics(for: "w1")
            #expect(throws: SearchError.statistics(.missingTerm("w2", field: .text))) {
                try a.search("w2", statistics: other)
            }
        }
    }

    @Test("deleted documents count nowhere: a shard with deletions answers as the union of the live documents")
    func deletionsInAShard() throws {
        let corpus = RandomCorpus.make(seed: 5, documentCount: 200)
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Array(corpus.documents[0..<100]), at: folder.sub("a"))
            try IndexTestKit.write(Array(corpus.documents[100...]), at: folder.sub("b"))
            let deleted = Set(stride(from: 0, to: 100, by: 7).map { corpus.documents[$0].id })
            let writer = try IndexWriter(path: folder.sub("a"), configuration: IndexTestKit.plain, mode: .update)
            for id in deleted { try writer.deleteDocuments(withID: id) }
            try writer.commit()
            writer.close()
            try IndexTestKit.write(corpus.documents.filter { !deleted.contains($0.id) }, at: folder.sub("union"))
            let union = Searcher(reader: try IndexReader(path: folder.sub("union")))
            let multi = try MultiSearcher(readers: [try IndexReader(path: folder.sub("a")), try IndexReader(path: folder.sub("b"))])
            var random = TestRandom(seed: 9)
            for _ in 0..<40 {
                let query = Self.randomQuery(&random)
                let options = SearchOptions(limit: 50)
                #expect(Self.signature(try multi.search(query, options: options).hits)
                        == Self.signature(try union.search(query, options: options).hits), "\(query)")
            }
        }
    }

    @Test("indexes analysed differently are refused, naming both; RM3 over several indexes is refused")
    func mismatches() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write([IndexTestDocument(id: "a", text: "running")], at: folder.sub("a"))
            try IndexTestKit.write([IndexTestDocument(id: "b", text: "running")], at: folder.sub("b"),
                                   configuration: AnalyzerConfiguration(stemmer: .porter, stopWords: .none))
            let a = try IndexReader(path: folder.sub("a")), b = try IndexReader(path: folder.sub("b"))
            do {
                _ = try MultiSearcher(readers: [a, b], names: ["A", "B"])
                Issue.record("different analyzers were accepted")
            } catch {
                #expect("\(error)".contains("'A' and 'B' are analysed differently"))
            }
            let same = try MultiSearcher(readers: [a, a])
            #expect(throws: SearchError.statistics(.feedbackUnsupported)) {
                try same.search("running", options: SearchOptions(rm3: RM3Parameters()))
            }
        }
    }
}
