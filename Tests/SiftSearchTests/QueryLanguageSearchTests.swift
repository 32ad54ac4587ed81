import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@testable import SiftAnalysis
@_spi(SiftInternal) @testable import SiftIndex

/// Building a searcher over a few documents, for the query-language, snippet and explanation tests.
enum QueryTestKit {
    /// Runs `body` with a searcher over `documents`, written to a fresh folder and reopened.
    static func withSearcher<R>(_ documents: [IndexTestDocument], configuration: AnalyzerConfiguration = IndexTestKit.plain,
                                _ body: (Searcher) throws -> R) throws -> R {
        try IndexTestFolder.with { folder throws in
            try IndexTestKit.write(documents, at: folder.path, configuration: configuration)
            return try body(Searcher(reader: try IndexReader(path: folder.path)))
        }
    }

    /// Document number → score of every hit (limit 1000).
    static func scores(_ searcher: Searcher, _ query: String, _ options: SearchOptions = SearchOptions(limit: 1000)) throws -> [Int: Float] {
        var scores: [Int: Float] = [:]
        for hit in try searcher.search(query, options: options).hits { scores[hit.document] = hit.score }
        return scores
    }
}

/// What the query language means on small corpora: which documents match, and how clauses
/// add up, with BM25 from DESIGN.md computed in the test.
@Suite struct QueryLanguageSearchTests {
    /// Plain analysis (words are terms). df: taliban 2, kabul 3, ghani 2, biden 2, tajikistan 2,
    /// tajik 1, tajiks 1.
    static let news = [
        IndexTestDocument(id: "d0", text: "taliban kabul ghani"),
        IndexTestDocument(id: "d1", text: "taliban biden"),
        IndexTestDocument(id: "d2", text: "ghani tajikistan"),
        IndexTestDocument(id: "d3", text: "biden kabul"),
        IndexTestDocument(id: "d4", text: "kabul"),
        IndexTestDocument(id: "d5", text: "tajik tajiks tajikistan"),
    ]

    struct MatchCase: Sendable, CustomTestStringConvertible {
        var query: String
        var expected: Set<String>
        var testDescription: String { "«\(query)»" }
        init(_ query: String, _ expected: Set<String>) {
            self.query = query
            self.expected = expected
        }
    }

    static let matchCases: [MatchCase] = [
        MatchCase("taliban", ["d0", "d1"]),
        MatchCase("taliban ghani", ["d0", "d1", "d2"]),
        MatchCase("+taliban +kabul", ["d0"]),
        MatchCase("+kabul -taliban", ["d3", "d4"]),
        MatchCase("kabul -biden", ["d0", "d4"]),
        MatchCase("+kabul ghani", ["d0", "d3", "d4"]),
        MatchCase("taliban AND kabul", ["d0"]),
        MatchCase("taliban OR ghani", ["d0", "d1", "d2"]),
        MatchCase("taliban AND kabul AND ghani", ["d0"]),
        MatchCase("(taliban OR ghani) AND NOT biden", ["d0", "d2"]),
        MatchCase("(taliban OR biden) AND NOT ghani", ["d1", "d3"]),
        MatchCase("kabul AND NOT (taliban OR biden)", ["d4"]),
        MatchCase("kabul OR tajikistan -ghani", ["d3", "d4", "d5"]),
        MatchCase("+(kabul tajik) -(taliban biden)", ["d4", "d5"]),
        // Pure negations match nothing (as in Lucene).
        MatchCase("NOT biden", []),
        MatchCase("-kabul -biden", []),
        MatchCase("NOT biden AND NOT kabul", []),
        // An unknown word: nothing when required, nothing added when optional.
        MatchCase("+zzz kabul", []),
        MatchCase("kabul AND zzz", []),
        MatchCase("kabul zzz", ["d0", "d3", "d4"]),
        MatchCase("kabul -zzz", ["d0", "d3", "d4"]),
        // Phrases and prefixes as clauses.
        MatchCase("\"taliban kabul\"", ["d0"]),
        MatchCase("\"kabul taliban\"", []),
        MatchCase("\"kabul taliban\"~2", ["d0"]),
        MatchCase("\"taliban kabul\" OR biden", ["d0", "d1", "d3"]),
        MatchCase("+kabul -\"taliban kabul\"", ["d3", "d4"]),
        MatchCase("tajik*", ["d2", "d5"]),
        MatchCase("TAJIK*", ["d2", "d5"]),
        MatchCase("tajiks*", ["d5"]),
        MatchCase("zz*", []),
        MatchCase("+tajik* -ghani", ["d5"]),
        // Lower-case operator words are words (none of them is in this corpus).
        MatchCase("kabul and taliban", ["d0", "d1", "d3", "d4"]),
    ]

    @Test("which documents each construct matches", arguments: matchCases)
    func matches(_ testCase: MatchCase) throws {
        try QueryTestKit.withSearcher(Self.news) { searcher throws in
            let results = try searcher.search(testCase.query, options: SearchOptions(limit: 100))
            #expect(Set(results.hits.map(\.id)) == testCase.expected)
            #expect(results.totalHits == testCase.expected.count)
        }
    }

    @Test("a required group of unknown words matches nothing")
    func requiredUnknownGroup() throws {
        try QueryTestKit.withSearcher(Self.news) { searcher throws in
            // Expected: no hits — the required group can match no document.
            // Actual: d0, d3, d4 (every document with kabul).
            #expect(try searcher.search("+(zzz yyy) kabul").hits.isEmpty)
            #expect(try searcher.search("(zzz OR yyy) AND kabul").hits.isEmpty)
            #expect(try searcher.search("kabul AND (zzz OR yyy)").hits.isEmpty)
            #expect(try searcher.search("+(zzz yyy) +kabul").hits.isEmpty)
        }
    }

    @Test("unknown words are not reported as stop words")
    func unknownWordsNote() throws {
        try QueryTestKit.withSearcher(Self.news) { searcher throws in
            // One unknown word: no note (correct today).
            #expect(try searcher.search("xyzzy").notes.isEmpty)
            // Expected: no note (or one about unknown words); actual: the stop-word note.
            #expect(try searcher.search("xyzzy plugh").notes.isEmpty)
            #expect(try searcher.search("NOT xyzzy").notes.isEmpty)
        }
    }

    @Test("the terms that can add to a score are listed, excluded ones left out")
    func terms() throws {
        try QueryTestKit.withSearcher(Self.news) { searcher throws in
            #expect(try searcher.search("kabul -biden").terms == ["kabul"])
            #expect(try searcher.search("(taliban OR ghani) AND NOT biden").terms == ["taliban", "ghani"])
            #expect(try searcher.search("\"taliban kabul\" tajik*").terms == ["taliban", "kabul", "tajik", "tajikistan", "tajiks"])
            #expect(try searcher.search("NOT biden").terms == [])
        }
    }

    @Test("a stop word in a required clause is ignored; a query of stop words says so")
    func stopWordInMust() throws {
        let english = AnalyzerConfiguration(stemmer: .none, stopWords: .english)
        try QueryTestKit.withSearcher(Self.news, configuration: english) { searcher throws in
            let kabul = try searcher.search("kabul").hits
            #expect(kabul.count == 3)
            for query in ["+the kabul", "+the +kabul", "kabul AND the", "the AND kabul", "+kabul -the", "\"the\" kabul"] {
                #expect(try searcher.search(query).hits == kabul, "\(query)")
            }
            #expect(try searcher.search("kabul the", options: SearchOptions(defaultOperator: .and)).hits == kabul)
            let only = try searcher.search("+the AND of")
            #expect(only.hits.isEmpty)
            #expect(only.notes.map(\.message) == ["the query has only stop words, which are not indexed"])
            #expect(only.notes.first?.kind == .onlyStopWords)
        }
    }

    @Test("--mode all requires every bare word; explicit operators keep their meaning")
    func modeAll() throws {
        let all = SearchOptions(limit: 100, defaultOperator: .and)
        try QueryTestKit.withSearcher(Self.news) { searcher throws in
            func ids(_ query: String, _ options: SearchOptions) throws -> Set<String> {
                Set(try searcher.search(query, options: options).hits.map(\.id))
            }
            #expect(try ids("taliban kabul", all) == ["d0"])
            #expect(try ids("taliban kabul", SearchOptions(limit: 100)) == ["d0", "d1", "d3", "d4"])
            #expect(try ids("kabul biden", all) == ["d3"])
            #expect(try ids("taliban kabul ghani", all) == ["d0"])
            #expect(try ids("kabul zzz", all) == [])
            #expect(try ids("kabul OR taliban", all) == ["d0", "d1", "d3", "d4"])
            #expect(try ids("kabul -biden", all) == ["d0", "d4"])
            #expect(try ids("tajik* ghani", all) == ["d2"])
            // The same documents score the same in both modes (must and should add alike).
            let any = try QueryTestKit.scores(searcher, "taliban kabul")
            let both = try QueryTestKit.scores(searcher, "taliban kabul", SearchOptions(limit: 1000, defaultOperator: .and))
            #expect(both == [0: any[0]!])
        }
    }

    @Test("clauses add up: a required and an optional clause score the sum of their terms")
    func clausesAdd() throws {
        try QueryTestKit.withSearcher(Self.news) { searcher throws in
            let kabul = try QueryTestKit.scores(searcher, "kabul")
            let ghani = try QueryTestKit.scores(searcher, "ghani")
            let taliban = try QueryTestKit.scores(searcher, "taliban")
            // "+kabul ghani": documents with kabul, plus ghani's share where present, added in clause order.
            let required = try QueryTestKit.scores(searcher, "+kabul ghani")
            #expect(Set(required.keys) == Set(kabul.keys))
            for (document, score) in required {
                #expect(score == kabul[document]! + (ghani[document] ?? 0), "doc \(document)")
            }
            // "taliban AND kabul" is the sum of both.
            let and = try QueryTestKit.scores(searcher, "taliban AND kabul")
            #expect(and == [0: taliban[0]! + kabul[0]!])
            // An excluded clause adds nothing.
            let excluded = try QueryTestKit.scores(searcher, "kabul -biden")
            #expect(excluded == [0: kabul[0]!, 4: kabul[4]!])
        }
    }

    @Test("boosts multiply the clause's contribution")
    func boosts() throws {
        try QueryTestKit.withSearcher(Self.news) { searcher throws in
            let kabul = try QueryTestKit.scores(searcher, "kabul")
            let taliban = try QueryTestKit.scores(searcher, "taliban")
            // Powers of two scale a Float exactly.
            #expect(try QueryTestKit.scores(searcher, "kabul^2") == kabul.mapValues { 2 * $0 })
            #expect(try QueryTestKit.scores(searcher, "kabul^0.5") == kabul.mapValues { 0.5 * $0 })
            let three = try QueryTestKit.scores(searcher, "kabul^3")
            for (document, score) in kabul {
                #expect(IndexTestKit.close(Double(three[document]!), 3 * Double(score)))
            }
            // Only the boosted clause is scaled.
            let mixed = try QueryTestKit.scores(searcher, "taliban^2 kabul")
            #expect(Set(mixed.keys) == Set(taliban.keys).union(kabul.keys))
            for (document, score) in mixed {
                #expect(score == 2 * (taliban[document] ?? 0) + (kabul[document] ?? 0), "doc \(document)")
            }
            // A group's boost multiplies into its clauses.
            #expect(try QueryTestKit.scores(searcher, "(taliban kabul)^3") == (try QueryTestKit.scores(searcher, "taliban^3 kabul^3")))
            #expect(try QueryTestKit.scores(searcher, "(taliban^2 kabul)^3") == (try QueryTestKit.scores(searcher, "taliban^6 kabul^3")))
            #expect(try QueryTestKit.scores(searcher, "+(kabul)^2 taliban") == (try QueryTestKit.scores(searcher, "+kabul^2 taliban")))
            // Phrases and prefixes too.
            let phrase = try QueryTestKit.scores(searcher, "\"taliban kabul\"")
            #expect(try QueryTestKit.scores(searcher, "\"taliban kabul\"^2") == phrase.mapValues { 2 * $0 })
            let prefix = try QueryTestKit.scores(searcher, "tajik*")
            #expect(try QueryTestKit.scores(searcher, "tajik*^2") == prefix.mapValues { 2 * $0 })
        }
    }

    /// df: tajikistan 4, tajik 3, tajikistani 2, tajiks 1.
    static let prefixCorpus = [
        IndexTestDocument(id: "p0", text: "tajikistan"),
        IndexTestDocument(id: "p1", text: "tajikistan tajik"),
        IndexTestDocument(id: "p2", text: "tajikistan tajik tajikistani"),
        IndexTestDocument(id: "p3", text: "tajikistan tajikistani"),
        IndexTestDocument(id: "p4", text: "tajik tajiks"),
        IndexTestDocument(id: "p5", text: "kabul"),
    ]

    @Test("a prefix is the OR of its expansions; past maxExpansions the most frequent are kept, with a note",
          arguments: [(128, ["tajik", "tajikistan", "tajikistani", "tajiks"]), (4, ["tajik", "tajikistan", "tajikistani", "tajiks"]),
                      (3, ["tajik", "tajikistan", "tajikistani"]), (2, ["tajik", "tajikistan"]), (1, ["tajikistan"])])
    func prefixExpansion(limit: Int, kept: [String]) throws {
        try QueryTestKit.withSearcher(Self.prefixCorpus) { searcher throws in
            let options = SearchOptions(limit: 1000, maxExpansions: limit)
            let results = try searcher.search("tajik*", options: options)
            #expect(results.terms == kept)
            // The same ranking and scores as the kept terms typed out (in term order).
            let typed = try searcher.search(kept.joined(separator: " "), options: options)
            #expect(results.hits == typed.hits)
            #expect(results.totalHits == typed.totalHits)
            if limit < 4 {
                #expect(results.notes.count == 1)
                let message = results.notes.first?.message ?? ""
                #expect(message.contains("tajik*"), "\(message)")
                #expect(message.contains("4 terms"), "\(message)")
                #expect(message.contains("\(limit) most frequent"), "\(message)")
            } else {
                #expect(results.notes.isEmpty)
            }
        }
    }

    @Test("a prefix matches the folded, unstemmed prefix of indexed terms")
    func prefixAgainstStems() throws {
        let porter = AnalyzerConfiguration(stemmer: .porter, stopWords: .english)
        let corpus = [
            IndexTestDocument(id: "a", text: "Café society"),
            IndexTestDocument(id: "b", text: "cafeteria"),
            IndexTestDocument(id: "c", text: "caf"),
        ]
        try QueryTestKit.withSearcher(corpus, configuration: porter) { searcher throws in
            // "CAFÉ*" folds to "cafe": matches café and cafeteria (stored as its stem), not caf.
            #expect(Set(try searcher.search("CAFÉ*").hits.map(\.id)) == ["a", "b"])
            #expect(Set(try searcher.search("caf*").hits.map(\.id)) == ["a", "b", "c"])
        }
    }

    /// Titles and texts; title lengths 2, 2, 2, 0 (mean 1.5).
    static let titled = [
        IndexTestDocument(id: "t0", title: "Kabul falls", text: "taliban enter the city"),
        IndexTestDocument(id: "t1", title: "Biden speaks", text: "kabul airport evacuation"),
        IndexTestDocument(id: "t2", title: "Kabul airport", text: "kabul flights kabul"),
        IndexTestDocument(id: "t3", title: "", text: "ghani leaves"),
    ]

    @Test("title:… matches and scores the title field only")
    func titleField() throws {
        try QueryTestKit.withSearcher(Self.titled) { searcher throws in
            #expect(Set(try searcher.search("title:kabul").hits.map(\.id)) == ["t0", "t2"])
            #expect(Set(try searcher.search("kabul").hits.map(\.id)) == ["t1", "t2"])
            #expect(Set(try searcher.search("title:\"kabul airport\"").hits.map(\.id)) == ["t2"])
            #expect(Set(try searcher.search("title:(biden airport)").hits.map(\.id)) == ["t1", "t2"])
            #expect(Set(try searcher.search("title:taliban").hits.map(\.id)) == [])
            #expect(Set(try searcher.search("title:kab*").hits.map(\.id)) == ["t0", "t2"])
            #expect(Set(try searcher.search("+kabul -title:kabul").hits.map(\.id)) == ["t1"])
            // BM25 over titles: N 4, df(kabul in titles) 2 → idf ln(1 + 2.5/2.5) = ln 2; tf 1,
            // length 2, mean title length 6/4 = 1.5 → norm 1.2·(0.25 + 0.75·2/1.5) = 1.5.
            let expected = log(2.0) * 2.2 / (1 + 1.5)
            let hits = try searcher.search("title:kabul").hits
            #expect(hits.map(\.id) == ["t0", "t2"], "equal scores: ties by document number")
            for hit in hits { #expect(IndexTestKit.close(Double(hit.score), expected)) }
            #expect(try QueryTestKit.scores(searcher, "title:kabul^2") == (try QueryTestKit.scores(searcher, "title:kabul")).mapValues { 2 * $0 })
            // A title clause and a text clause add up.
            let text = try QueryTestKit.scores(searcher, "kabul")
            let title = try QueryTestKit.scores(searcher, "title:kabul")
            let both = try QueryTestKit.scores(searcher, "kabul title:kabul")
            #expect(Set(both.keys) == [0, 1, 2])
            for (document, score) in both { #expect(score == (text[document] ?? 0) + (title[document] ?? 0)) }
        }
    }

    @Test("bare words search the text only: titles change no score of a text query")
    func titlesDoNotChangeTextScores() throws {
        let untitled = Self.titled.map { IndexTestDocument(id: $0.id, title: "", bytes: $0.text) }
        let queries = ["kabul", "kabul airport", "taliban OR ghani", "+kabul -flights", "\"kabul airport\"", "kab*", "airport^2 kabul"]
        let withTitles = try QueryTestKit.withSearcher(Self.titled) { searcher throws in
            try queries.map { try searcher.search($0, options: SearchOptions(limit: 100)).hits.map { [$0.id, "\($0.score)"] } }
        }
        let withoutTitles = try QueryTestKit.withSearcher(untitled) { searcher throws in
            try queries.map { try searcher.search($0, options: SearchOptions(limit: 100)).hits.map { [$0.id, "\($0.score)"] } }
        }
        #expect(withTitles == withoutTitles)
        #expect(withTitles[0].count == 2)
    }

    @Test("an OR of terms scores the same on every path: pruned (MaxScore), term-at-a-time, scorer tree")
    func pathsAgree() throws {
        // "q" takes the pruned flat path, "q" with exhaustive: true the term-at-a-time loop, and
        // "q -x" the scorer tree. Where x is absent all three add the same contributions in the
        // same order, so the scores must be identical, not just close.
        let corpus = RandomCorpus.make(seed: 0x51F7_0002, documentCount: 300)
        var random = TestRandom(seed: 0x51F7_0003)
        try QueryTestKit.withSearcher(corpus.documents) { searcher throws in
            var compared = 0
            for _ in 0..<60 {
                let query = corpus.randomQuery(&random)
                let excluded = corpus.vocabulary[random.int(in: 20...39)]
                guard !query.contains(excluded), corpus.documentFrequency(excluded) > 0 else { continue }
                let text = query.joined(separator: " ")
                let pruned = try QueryTestKit.scores(searcher, text)
                let exhaustive = try QueryTestKit.scores(searcher, text, SearchOptions(limit: 1000, exhaustive: true))
                let tree = try QueryTestKit.scores(searcher, text + " -" + excluded)
                #expect(pruned == exhaustive, "\(query)")
                let expected = exhaustive.filter { corpus.frequencies[$0.key][excluded] == nil }
                #expect(tree == expected, "\(query) -\(excluded)")
                compared += expected.count
            }
            #expect(compared > 1000)
        }
    }

    @Test("top-k pruning keeps the exhaustive ranking at every depth")
    func prunedTopK() throws {
        let corpus = RandomCorpus.make(seed: 0x51F7_0007, documentCount: 400)
        var random = TestRandom(seed: 0x51F7_0008)
        try QueryTestKit.withSearcher(corpus.documents) { searcher throws in
            for _ in 0..<40 {
                let text = corpus.randomQuery(&random).joined(separator: " ")
                let limit = [1, 3, 10, 50][random.below(4)]
                let pruned = try searcher.search(text, options: SearchOptions(limit: limit)).hits
                let exhaustive = try searcher.search(text, options: SearchOptions(limit: limit, exhaustive: true)).hits
                #expect(pruned == exhaustive, "\(text) k=\(limit)")
            }
        }
    }

    @Test("nested OR groups (scorer tree) score the BM25 of DESIGN.md")
    func nestedGroupsAgainstFormula() throws {
        let corpus = RandomCorpus.make(seed: 0x51F7_0004, documentCount: 300)
        var random = TestRandom(seed: 0x51F7_0005)
        try QueryTestKit.withSearcher(corpus.documents) { searcher throws in
            for _ in 0..<60 {
                var query = corpus.randomQuery(&random)
                while query.count < 3 { query.append(corpus.vocabulary[random.below(corpus.vocabulary.count)]) }
                let k1 = [1.2, 0.5, 2.0][random.below(3)]
                let b = [0.75, 0.0, 1.0][random.below(3)]
                // "w1 (w2 w3 …)" and "(w1 w2) (w3 …)": same meaning, different trees.
                let texts = ["\(query[0]) (\(query.dropFirst().joined(separator: " ")))",
                             "(\(query[0]) \(query[1])) (\(query.dropFirst(2).joined(separator: " ")) \(query[0])^0.5 \(query[0])^0.5)"]
                var expected = corpus.expectedScores(query, k1: k1, b: b)
                for (index, text) in texts.enumerated() {
                    if index == 1 {
                        // The second form adds w1 once more, as two halves.
                        let extra = corpus.expectedScores([query[0]], k1: k1, b: b)
                        expected = corpus.expectedScores(query, k1: k1, b: b).merging(extra) { $0 + $1 }
                    }
                    let results = try searcher.search(text, options: SearchOptions(limit: 1000, bm25: BM25Parameters(k1: k1, b: b)))
                    #expect(results.totalHits == expected.count, "\(text)")
                    #expect(Set(results.hits.map(\.document)) == Set(expected.keys), "\(text)")
                    for hit in results.hits {
                        let want = expected[hit.document] ?? .nan
                        #expect(IndexTestKit.close(Double(hit.score), want), "\(text) doc \(hit.document): \(hit.score) vs \(want)")
                    }
                }
            }
        }
    }

    @Test("paging through a scorer-tree result gives the same hits as one long page")
    func paging() throws {
        let corpus = RandomCorpus.make(seed: 0x51F7_0006, documentCount: 200)
        try QueryTestKit.withSearcher(corpus.documents) { searcher throws in
            let query = "(w1 OR w2 OR w5) AND NOT w3 \"w0 w1\"~2"
            let all = try searcher.search(query, options: SearchOptions(limit: 1000)).hits
            #expect(all.count > 20)
            var paged: [SearchHit] = []
            var offset = 0
            while offset < all.count {
                let page = try searcher.search(query, options: SearchOptions(limit: 7, offset: offset))
                #expect(page.totalHits == all.count)
                paged += page.hits
                offset += 7
            }
            #expect(paged == all)
            #expect(all.map(\.rank) == Array(1...all.count))
        }
    }
}
