import Testing
@_spi(SiftInternal) @testable import SiftIndex
@testable import SiftSearch
@testable import SiftAnalysis
import SiftTestSupport

/// The scoring pieces on their own, below `Searcher`: a query compiled by hand, then one
/// scorer or one top-k algorithm run on it directly.
struct ScoringFixture {
    let reader: IndexReader
    let searcher: Searcher
    let factors: LengthFactors

    init(path: String) throws {
        reader = try IndexReader(path: path)
        searcher = Searcher(reader: reader)
        factors = LengthFactors(reader: reader, parameters: BM25Parameters(), averageLength: searcher.averageLength)
    }

    func compile(_ query: Query) throws -> CompiledQuery {
        var compiler = QueryCompiler(reader: reader, analyzer: Analyzer(configuration: reader.configuration), options: SearchOptions(),
                                     averageLength: searcher.averageLength)
        return try compiler.compile(query)
    }

    /// The terms of a compiled OR of terms.
    func terms(_ words: [String]) throws -> [TermWeight] {
        try words.map { word in
            guard case .term(let weight) = try compile(.term(word)) else { throw IndexTestFailure("\(word) is not a term") }
            return weight
        }
    }

    /// The scorer of `query` over segment 0.
    func scorer(_ query: Query) throws -> Scorer? {
        try ScorerFactory(reader: reader, lengthFactors: factors).makeScorer(try compile(query), segment: 0)
    }

    /// Every document a scorer visits, with its score.
    static func drain(_ scorer: Scorer) throws -> [(UInt32, Float)] {
        var visited: [(UInt32, Float)] = []
        while scorer.document != PostingsCursor.exhausted {
            visited.append((scorer.document, scorer.score()))
            try scorer.next()
        }
        return visited
    }
}

@Suite struct MaxScoreSearchTests {
    /// 3,000 documents: `common` in every other one (lists of many blocks), `rare` in every
    /// 97th, `mid` in every 7th; a few documents repeat `rare` so the top k settle early.
    static let corpus: [IndexTestDocument] = (0..<3_000).map { number in
        var words: [String] = ["filler\(number % 13)"]
        if number % 2 == 0 { words.append("common") }
        if number % 7 == 0 { words.append("mid") }
        if number % 97 == 0 { words += Array(repeating: "rare", count: number % 3 + 1) }
        return IndexTestDocument(id: "d\(number)", text: words.joined(separator: " "))
    }

    static func topK(_ fixture: ScoringFixture, _ terms: [TermWeight], k: Int, maxScore: Bool) throws
        -> (hits: [ScoredDocument], matched: Int, exact: Bool, work: SearchWork)
    {
        var top = TopK(capacity: k)
        if maxScore {
            let outcome = try MaxScoreSearch(reader: fixture.reader, lengthFactors: fixture.factors, skipped: fixture.reader.deletedBits)
                .run(terms, into: &top, scratch: MaxScoreSearch.Scratch())
            return (top.sorted(), outcome.matched, outcome.exact, outcome.work)
        }
        let (matched, work) = try TermAtATimeSearch(reader: fixture.reader, lengthFactors: fixture.factors, skipped: fixture.reader.deletedBits)
            .run(terms, into: &top, scratch: TermAtATimeSearch.Scratch())
        return (top.sorted(), matched, true, work)
    }

    @Test("MaxScore returns term-at-a-time's top k exactly, and skips work when k is small", arguments: [1, 5, 10, 100])
    func equalsExhaustive(k: Int) throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Self.corpus, at: folder.path)
            let fixture = try ScoringFixture(path: folder.path)
            for words in [["common", "rare"], ["rare", "mid"], ["common", "mid", "rare"], ["common"]] {
                let terms = try fixture.terms(words)
                let pruned = try Self.topK(fixture, terms, k: k, maxScore: true)
                let exhaustive = try Self.topK(fixture, terms, k: k, maxScore: false)
                #expect(pruned.hits == exhaustive.hits, "\(words) k \(k)")
                #expect(pruned.matched <= exhaustive.matched)
                // Pruning has something to skip when a frequent term meets a rarer, heavier one.
                if k <= 10 && words.contains("common") && words.count > 1 {
                    #expect(!pruned.exact, "\(words) k \(k): pruning skipped matches")
                    #expect(pruned.work.postingsDecoded < pruned.work.postings, "\(words) k \(k): not every posting decoded")
                }
            }
        }
    }

    @Test("with k past the matches nothing is pruned: the count is exact and complete")
    func largeKIsExact() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Self.corpus, at: folder.path)
            let fixture = try ScoringFixture(path: folder.path)
            let terms = try fixture.terms(["rare", "mid"])
            let pruned = try Self.topK(fixture, terms, k: 3_000, maxScore: true)
            let matching = Self.corpus.indices.filter { $0 % 97 == 0 || $0 % 7 == 0 }.count
            #expect(pruned.exact)
            #expect(pruned.matched == matching)
            #expect(pruned.hits.count == matching)
        }
    }
}

@Suite struct ScorerTests {
    @Test("a term scorer visits its postings in order, across blocks, and advance lands on the first at or past the target")
    func termScorer() throws {
        let documents = (0..<700).map { IndexTestDocument(id: "d\($0)", text: $0 % 3 == 0 ? "x x" : "y") }
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(documents, at: folder.path)
            let fixture = try ScoringFixture(path: folder.path)
            let expected = (0..<700).filter { $0 % 3 == 0 }.map(UInt32.init)
            let visited = try ScoringFixture.drain(try #require(try fixture.scorer(.term("x"))))
            #expect(visited.map(\.0) == expected)
            // Every document has tf 2 and length 2: one score for all.
            #expect(Set(visited.map(\.1)).count == 1)
            guard case .term(let weight) = try fixture.compile(.term("x")) else { Issue.record("not a term"); return }
            #expect(visited[0].1 == weight.bm25.score(frequency: 2, lengthFactor: fixture.factors.factors(.text)[0]))
            let scorer = try #require(try fixture.scorer(.term("x")))
            for target: UInt32 in [0, 1, 2, 3, 385, 386, 600] {
                try scorer.advance(to: target)
                #expect(scorer.document == expected.first { $0 >= target }!, "advance to \(target)")
            }
            try scorer.advance(to: 699)
            #expect(scorer.document == 699)
            try scorer.next()
            #expect(scorer.document == PostingsCursor.exhausted)
        }
    }

    @Test("a phrase scorer finds exactly the documents where the words are adjacent, with their phrase frequency")
    func phraseScorer() throws {
        let texts = ["fled the country", "country fled", "fled country fled country", "fled", "the country fled the country",
                     "fled x country"]
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(texts.enumerated().map { IndexTestDocument(id: "d\($0.offset)", text: $0.element) },
                                   at: folder.path)
            let fixture = try ScoringFixture(path: folder.path)
            // "fled country" (no stop words in the plain test analysis: "the" is a word).
            var visited = try ScoringFixture.drain(try #require(try fixture.scorer(.phrase("fled country"))))
            #expect(visited.map(\.0) == [2])
            visited = try ScoringFixture.drain(try #require(try fixture.scorer(.phrase("the country"))))
            #expect(visited.map(\.0) == [0, 4])
            // Twice in document 4: a higher score than once in document 0 of equal length? Lengths
            // differ (3 and 5), so compare frequency through the scorer itself.
            let scorer = try #require(try fixture.scorer(.phrase("the country"))) as! PhraseScorer
            try scorer.advance(to: 4)
            #expect(scorer.frequency == 2)
            // With one move allowed, one word may sit between them; the reverse order needs two.
            visited = try ScoringFixture.drain(try #require(try fixture.scorer(.phrase("fled country", slop: 1))))
            #expect(visited.map(\.0) == [0, 2, 4, 5])
            visited = try ScoringFixture.drain(try #require(try fixture.scorer(.phrase("fled country", slop: 2))))
            #expect(visited.map(\.0).contains(1))
        }
    }

    @Test("a boolean scorer: every must, no mustNot, should adds; the score is the clauses' sum in clause order")
    func booleanScorer() throws {
        let texts = ["a", "a b", "a c", "a b c", "b", "b c", "c", ""]
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(texts.enumerated().map { IndexTestDocument(id: "d\($0.offset)", text: $0.element) },
                                   at: folder.path)
            let fixture = try ScoringFixture(path: folder.path)
            let query = Query.boolean([BooleanClause(.must, .term("a")), BooleanClause(.should, .term("b")),
                                       BooleanClause(.mustNot, .term("c"))])
            let visited = try ScoringFixture.drain(try #require(try fixture.scorer(query)))
            #expect(visited.map(\.0) == [0, 1])
            let a = try fixture.terms(["a"])[0].bm25, b = try fixture.terms(["b"])[0].bm25
            let table = fixture.factors.factors(.text)
            // Document 1 ("a b"): a's contribution, then b's, added in that order.
            let expected = a.score(frequency: 1, lengthFactor: table[1]) + b.score(frequency: 1, lengthFactor: table[1])
            #expect(visited[1].1 == expected)
            // Only should clauses: any of them.
            let either = Query.boolean([BooleanClause(.should, .term("a")), BooleanClause(.should, .term("c"))])
            #expect(try ScoringFixture.drain(try #require(try fixture.scorer(either))).map(\.0) == [0, 1, 2, 3, 5, 6])
            // Only an excluded clause left: no scorer at all.
            #expect(try fixture.scorer(.boolean([BooleanClause(.mustNot, .term("a"))])) == nil)
        }
    }
}
