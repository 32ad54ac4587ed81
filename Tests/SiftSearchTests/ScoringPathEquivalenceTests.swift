import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex
@testable import SiftIngest

/// Every fast ranking path (MaxScore for ORs, the block-max conjunction for ANDs, the lone
/// phrase with bounds, term-at-a-time for wide ORs and prefixes) against exhaustive scoring:
/// the same documents, order and bit-identical scores, on indexes of one segment and of
/// several segments with deleted documents.
@Suite struct ScoringPathEquivalenceTests {
    /// A Zipf-ish random corpus over `w0…w59` (and a few words sharing the prefix `pre`).
    static func corpus(_ random: inout TestRandom, count: Int, from first: Int = 0) -> [IndexTestDocument] {
        let vocabulary = (0..<60).map { "w\($0)" } + (0..<40).map { "pre\($0)" }
        return (first..<(first + count)).map { number in
            let length = random.int(in: 1...90)
            var words: [String] = []
            for _ in 0..<length {
                let rank = Int(Double(vocabulary.count) * pow(random.unit(), 2.5))
                words.append(vocabulary[min(rank, vocabulary.count - 1)])
            }
            return IndexTestDocument(id: "d\(number)", text: words.joined(separator: " "))
        }
    }

    /// Queries of every shape with a fast path, drawn from the vocabulary.
    static func queries(_ random: inout TestRandom) -> [String] {
        func word() -> String { "w\(Int(60 * pow(random.unit(), 1.5)))" }
        func boosted(_ text: String) -> String { random.below(4) == 0 ? "\(text)^\(random.int(in: 2...3))" : text }
        var queries: [String] = []
        for _ in 0..<12 {
            queries.append((0..<random.int(in: 2...3)).map { _ in "+" + boosted(word()) }.joined(separator: " "))
            queries.append((0..<random.int(in: 1...6)).map { _ in boosted(word()) }.joined(separator: " "))
            queries.append("\"\(word()) \(word())\"")
        }
        queries += ["pre*", "w1*", "+w0 +w1 +w2 +w3", "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9", "+w0 +pre1", "\"w0 w1 w2\"", "\"w1 w0\"~2"]
        return queries
    }

    static func check(_ searcher: Searcher, _ queries: [String], defaultOperator: DefaultOperator = .or) throws {
        for query in queries {
            for k in [1, 10, 100, 1000] {
                let pruned = try searcher.search(query, options: SearchOptions(limit: k, defaultOperator: defaultOperator))
                let exhaustive = try searcher.search(query, options: SearchOptions(limit: k, defaultOperator: defaultOperator, exhaustive: true))
                #expect(PruningEquivalenceTests.signature(pruned) == PruningEquivalenceTests.signature(exhaustive), "query '\(query)' at k = \(k)")
                #expect(pruned.totalHits <= exhaustive.totalHits, "query '\(query)' at k = \(k)")
                if pruned.totalHitsIsExact { #expect(pruned.totalHits == exhaustive.totalHits, "query '\(query)' at k = \(k)") }
                let counted = try searcher.search(query, options: SearchOptions(limit: k, defaultOperator: defaultOperator, countTotalHits: true))
                #expect(counted.totalHits == exhaustive.totalHits && counted.totalHitsIsExact, "query '\(query)' at k = \(k)")
            }
        }
    }

    @Test("one segment: every fast path equals exhaustive scoring at k = 1, 10, 100, 1000", arguments: 0..<4)
    func oneSegment(seed: Int) throws {
        var random = TestRandom(seed: UInt64(7000 + seed))
        let documents = Self.corpus(&random, count: random.int(in: 500...2000))
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(documents, at: folder.path)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            try Self.check(searcher, Self.queries(&random))
            try Self.check(searcher, ["w0 w1", "w3 w9 w20"], defaultOperator: .and)
        }
    }

    @Test("several segments with deleted documents: every fast path equals exhaustive scoring", arguments: 0..<3)
    func severalSegments(seed: Int) throws {
        var random = TestRandom(seed: UInt64(8000 + seed))
        try IndexTestFolder.with { folder in
            var first = 0
            for round in 0..<3 {
                let count = random.int(in: 300...900)
                let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: round == 0 ? .replace : .openOrCreate)
                writer.mergePolicy = MergePolicy(mergeFactor: 100, maxDeletedShare: 1)
                for document in Self.corpus(&random, count: count, from: first) {
                    try writer.add(id: document.id, title: document.title, text: document.text)
                }
                // Delete a few documents of the earlier rounds.
                for _ in 0..<(round == 0 ? 0 : 40) { _ = try writer.deleteDocuments(withID: "d\(random.below(first))") }
                try writer.commit()
                writer.close()
                first += count
            }
            let reader = try IndexReader(path: folder.path)
            #expect(reader.segmentCount == 3 && reader.deletedCount > 0)
            let searcher = Searcher(reader: reader)
            try Self.check(searcher, Self.queries(&random))
        }
    }

    @Test("every Cranfield and CISI query as an AND: the block-max conjunction equals exhaustive scoring",
          arguments: ["cranfield", "cisi"])
    func testCollectionsConjunctive(name: String) throws {
        try SharedCollection.withIndex(name) { searcher, queries in
            for query in queries {
                // The query's first three words, required: long ANDs rarely match anything.
                let words = query.text.split(separator: " ").prefix(3).map { "+" + $0.filter { $0.isLetter } }.filter { $0.count > 1 }
                guard words.count >= 2 else { continue }
                for k in [1, 10, 100, 1000] {
                    try PruningEquivalenceTests.compare(searcher, words.joined(separator: " "), k: k)
                }
            }
        }
    }
}
