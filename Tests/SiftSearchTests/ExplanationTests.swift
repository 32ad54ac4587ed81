import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@testable import SiftAnalysis

/// `Searcher.explain`: a tree of sums whose leaves are BM25 clauses. Every sum is the Float sum
/// of its children (added in order from 0), the root is the hit's score exactly, and each leaf
/// reports the statistics the index holds.
@Suite struct ExplanationTests {
    /// Checks every sum node; returns the leaves in order.
    static func checkSums(_ node: Explanation, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Explanation] {
        switch node.kind {
        case .sum:
            var total: Float = 0
            for detail in node.details { total += detail.value }
            #expect(total == node.value, "\(label): sum node \(node.value) ≠ Σ children \(total)", sourceLocation: sourceLocation)
            #expect(!node.details.isEmpty, "\(label): an empty sum", sourceLocation: sourceLocation)
            return node.details.flatMap { checkSums($0, label, sourceLocation: sourceLocation) }
        case .term, .phrase:
            #expect(node.details.isEmpty, sourceLocation: sourceLocation)
            return [node]
        }
    }

    /// BM25 of one leaf from the statistics it reports.
    static func formula(_ leaf: Explanation) -> Double {
        leaf.boost * BM25Parameters(k1: leaf.k1, b: leaf.b).score(frequency: Double(leaf.termFrequency), idf: leaf.idf,
                                                                   length: leaf.documentLength, averageLength: leaf.averageLength)
    }

    @Test("hand case: two terms, one boosted; every leaf field from the corpus")
    func handCase() throws {
        // QueryLanguageSearchTests.news: N 6, lengths 3 2 2 2 1 3 (mean 13/6); df taliban 2, kabul 3.
        try QueryTestKit.withSearcher(QueryLanguageSearchTests.news) { searcher throws in
            let options = SearchOptions(limit: 10, bm25: BM25Parameters(k1: 0.9, b: 0.4))
            let results = try searcher.search("taliban^2 kabul", options: options)
            let hit = try #require(results.hits.first { $0.id == "d0" })
            let explanation = try searcher.explain(hit, in: results)
            #expect(explanation.kind == .sum)
            #expect(explanation.value == hit.score)
            #expect(explanation.details.map(\.kind) == [.term, .term])
            #expect(explanation.details.map(\.text) == ["taliban", "kabul"])
            let average = 13.0 / 6
            for (leaf, (df, boost)) in zip(explanation.details, [(2, 2.0), (3, 1.0)]) {
                #expect(leaf.field == .text)
                #expect(leaf.termFrequency == 1)
                #expect(leaf.documentFrequency == df)
                #expect(leaf.documentCount == 6)
                #expect(leaf.idf == log(1 + (6 - Double(df) + 0.5) / (Double(df) + 0.5)))
                #expect(leaf.documentLength == 3)
                #expect(IndexTestKit.close(leaf.averageLength, average))
                #expect(leaf.k1 == 0.9 && leaf.b == 0.4)
                #expect(leaf.boost == boost)
                #expect(IndexTestKit.close(Double(leaf.value), boost * leaf.idf * 1.9 / (1 + 0.9 * (0.6 + 0.4 * 3 / average))))
            }
            // A lone term is still a sum of one leaf.
            let single = try searcher.search("kabul")
            let lone = try searcher.explain(single.hits[0], in: single)
            #expect(lone.kind == .sum && lone.details.count == 1 && lone.details[0].kind == .term)
            #expect(lone.value == single.hits[0].score)
        }
    }

    @Test("hand case: nested group, exclusion, phrase, prefix and title leaves")
    func structure() throws {
        let corpus = [
            IndexTestDocument(id: "a", title: "Kabul news", text: "taliban entered kabul as ghani fled the country"),
            IndexTestDocument(id: "b", title: "Washington", text: "biden spoke about the taliban"),
            IndexTestDocument(id: "c", title: "Dushanbe", text: "ghani reached tajikistan"),
        ]
        try QueryTestKit.withSearcher(corpus) { searcher throws in
            let results = try searcher.search("(taliban OR ghani) AND NOT biden \"fled the country\"^2 tajik* title:kabul")
            let a = try #require(results.hits.first { $0.id == "a" })
            let explanation = try searcher.explain(a, in: results)
            #expect(explanation.value == a.score)
            // Root: [group, phrase, title]; the group's sum holds taliban and ghani; biden is not shown.
            #expect(explanation.details.map(\.kind) == [.sum, .phrase, .term])
            let group = explanation.details[0]
            #expect(group.details.count == 1)
            #expect(group.details[0].details.map(\.text) == ["taliban", "ghani"])
            let phrase = explanation.details[1]
            #expect(phrase.text == "fled the country")
            #expect(phrase.documentFrequency == nil)
            #expect(phrase.boost == 2)
            #expect(phrase.termFrequency == 1)
            let n = 3
            // Plain analysis keeps "the": idf(fled, df 1) + idf(the, df 2) + idf(country, df 1).
            let phraseIDF = BM25Parameters.idf(documentCount: n, documentFrequency: 1)
                + BM25Parameters.idf(documentCount: n, documentFrequency: 2) + BM25Parameters.idf(documentCount: n, documentFrequency: 1)
            #expect(IndexTestKit.close(phrase.idf, phraseIDF))
            let title = explanation.details[2]
            #expect(title.field == .title)
            #expect(title.text == "kabul")
            #expect(title.documentLength == 2)
            #expect(IndexTestKit.close(title.averageLength, 4.0 / 3))
            #expect(Self.checkSums(explanation, "a").count == 4)
            // Document c matches through ghani and the prefix: tajikistan is a leaf of its own.
            let c = try #require(results.hits.first { $0.id == "c" })
            let leaves = Self.checkSums(try searcher.explain(c, in: results), "c")
            #expect(leaves.map(\.text) == ["ghani", "tajikistan"])
        }
    }

    /// A random query over `RandomCorpus`' vocabulary (w0…w39; titles hold "title" and the
    /// document number): terms,
    /// phrases with slop, prefixes, title terms, boosts, +/- and nested groups.
    static func randomQuery(_ random: inout TestRandom, depth: Int, slops: inout [String: Int]) -> String {
        var parts: [String] = []
        for _ in 0..<random.int(in: 1...4) {
            var clause: String
            switch random.below(depth > 0 ? 7 : 6) {
            case 0, 1:
                clause = "w\(random.below(16))"
            case 2, 3:
                let text = "w\(random.below(6)) w\(random.below(6))" + (random.below(3) == 0 ? " w\(random.below(6))" : "")
                let slop = slops[text] ?? random.int(in: 0...3)
                slops[text] = slop
                clause = "\"\(text)\"" + (slop > 0 ? "~\(slop)" : "")
            case 4:
                clause = "w\(random.int(in: 1...3))*"
            case 5:
                clause = ["title:title", "title:\(random.below(300))", "title:w\(random.below(3))"][random.below(3)]
            default:
                clause = "(" + randomQuery(&random, depth: depth - 1, slops: &slops) + ")"
            }
            if random.below(4) == 0 { clause += ["^2", "^0.5", "^1.5", "^3"][random.below(4)] }
            switch random.below(6) {
            case 0: parts.append("+" + clause)
            case 1: parts.append("-" + clause)
            default: parts.append(clause)
            }
        }
        return parts.joined(separator: " ")
    }

    /// Products of up to three of the boosts `randomQuery` writes (a leaf in two nested groups).
    static let possibleBoosts: Set<Double> = {
        let factors = [1, 2, 0.5, 1.5, 3]
        var products: Set<Double> = []
        for a in factors { for b in factors { for c in factors { products.insert(a * b * c) } } }
        return products
    }()

    @Test("random queries: sums add up exactly, the root is the score, leaves carry the index's statistics")
    func randomQueries() throws {
        let corpus = RandomCorpus.make(seed: 0xE8B1_0001, documentCount: 300)
        let analyzer = Analyzer(configuration: IndexTestKit.plain)
        let words = corpus.documents.map { analyzer.analyze(utf8: $0.text).map(\.term) }
        let titles = corpus.documents.map { analyzer.terms(of: $0.title) }
        let titleAverage = Double(titles.reduce(0) { $0 + $1.count }) / Double(titles.count)
        var random = TestRandom(seed: 0xE8B1_0002)
        let n = corpus.documentCount
        try QueryTestKit.withSearcher(corpus.documents) { searcher throws in
            var leavesChecked: [Explanation.Kind: Int] = [:]
            var titleLeaves = 0
            for _ in 0..<250 {
                var slops: [String: Int] = [:]
                let query = Self.randomQuery(&random, depth: 2, slops: &slops)
                let parameters = [BM25Parameters(), BM25Parameters(k1: 0.5, b: 0.3), BM25Parameters(k1: 2, b: 1)][random.below(3)]
                let results = try searcher.search(query, options: SearchOptions(limit: 15, bm25: parameters))
                for hit in results.hits {
                    let explanation = try searcher.explain(hit, in: results)
                    let label = "«\(query)» doc \(hit.document)"
                    #expect(explanation.kind == .sum, "\(label)")
                    #expect(explanation.value == hit.score, "\(label): \(explanation.value) vs \(hit.score)")
                    for leaf in Self.checkSums(explanation, label) {
                        leavesChecked[leaf.kind, default: 0] += 1
                        #expect(leaf.documentCount == n, "\(label)")
                        #expect(leaf.k1 == parameters.k1 && leaf.b == parameters.b, "\(label)")
                        #expect(Self.possibleBoosts.contains(leaf.boost), "\(label): boost \(leaf.boost)")
                        #expect(IndexTestKit.close(Double(leaf.value), Self.formula(leaf)), "\(label): \(leaf.text) \(leaf.value) vs \(Self.formula(leaf))")
                        switch (leaf.kind, leaf.field) {
                        case (.term, .text):
                            #expect(leaf.termFrequency == corpus.frequencies[hit.document][leaf.text], "\(label): \(leaf.text)")
                            #expect(leaf.documentFrequency == corpus.documentFrequency(leaf.text), "\(label): \(leaf.text)")
                            #expect(leaf.idf == BM25Parameters.idf(documentCount: n, documentFrequency: corpus.documentFrequency(leaf.text)))
                            #expect(leaf.documentLength == corpus.lengths[hit.document])
                            #expect(IndexTestKit.close(leaf.averageLength, corpus.averageLength))
                        case (.term, .title):
                            titleLeaves += 1
                            #expect(leaf.termFrequency == titles[hit.document].filter { $0 == leaf.text }.count, "\(label)")
                            #expect(leaf.documentFrequency == titles.filter { $0.contains(leaf.text) }.count, "\(label)")
                            #expect(leaf.documentLength == titles[hit.document].count)
                            #expect(IndexTestKit.close(leaf.averageLength, titleAverage))
                        case (.phrase, _):
                            let terms = analyzer.terms(of: leaf.text)
                            let slop = slops[leaf.text] ?? -1
                            let frequency = PhraseMatchingTests.bruteForceAnchors(
                                positions: PhraseMatchingTests.positions(of: terms, in: words[hit.document]),
                                offsets: Array(0..<terms.count), slop: slop).count
                            #expect(leaf.termFrequency == frequency, "\(label): \"\(leaf.text)\"~\(slop)")
                            #expect(leaf.documentFrequency == nil)
                            let idf = terms.reduce(0.0) { $0 + BM25Parameters.idf(documentCount: n, documentFrequency: corpus.documentFrequency($1)) }
                            #expect(IndexTestKit.close(leaf.idf, idf), "\(label)")
                            #expect(leaf.documentLength == corpus.lengths[hit.document])
                        case (.sum, _):
                            Issue.record("a sum among the leaves")
                        }
                    }
                }
            }
            // The random queries reached every kind of leaf.
            #expect(leavesChecked[.term, default: 0] > 500)
            #expect(leavesChecked[.phrase, default: 0] > 50)
            #expect(titleLeaves > 10)
        }
    }
}
