import Testing
@testable import SiftSearch
@_spi(SiftInternal) import SiftIndex

/// RM3's arithmetic on hand-made term vectors: which terms a document keeps, the relevance
/// model, the query vector and the interpolation, each against figures worked out by hand.
@Suite struct RelevanceModelTests {
    static func counts(_ pairs: [(String, Int)]) -> [TermFrequency] {
        pairs.map { TermFrequency(term: ArraySlice($0.0.utf8), frequency: $0.1) }
    }

    static func names(_ terms: [TermFrequency]) -> [String] {
        terms.map { String(decoding: $0.term, as: UTF8.self) }
    }

    static func model(_ terms: [WeightedTerm]) -> [(String, Double)] {
        terms.map { (String(decoding: $0.term, as: UTF8.self), $0.weight) }
    }

    static func expect(_ actual: [WeightedTerm], _ expected: [(String, Double)], sourceLocation: SourceLocation = #_sourceLocation) {
        let got = model(actual)
        #expect(got.map(\.0) == expected.map(\.0), sourceLocation: sourceLocation)
        for ((term, weight), (_, want)) in zip(got, expected) {
            #expect(abs(weight - want) < 1e-12, "\(term): \(weight), expected \(want)", sourceLocation: sourceLocation)
        }
    }

    static func admitAll(_ term: ArraySlice<UInt8>) throws(IndexError) -> Bool { true }

    @Test("a document keeps its most frequent terms, equal frequencies in byte order")
    func documentVectorOrder() throws {
        // b and a both occur 3 times: a sorts first; then c (2); d and e (1) are cut at 3 terms.
        let kept = try RelevanceModel.documentVector(Self.counts([("b", 3), ("e", 1), ("a", 3), ("c", 2), ("d", 1)]),
                                                     limit: 3, admits: Self.admitAll)
        #expect(Self.names(kept) == ["a", "b", "c"])
        #expect(kept.map(\.frequency) == [3, 3, 2])
    }

    @Test("equal frequencies sort by whole bytes, past the first eight and for prefixes")
    func documentVectorLongTerms() throws {
        let terms = ["internationalization", "internationalisation", "internat", "internation", "intern", "zz", "b"]
        let kept = try RelevanceModel.documentVector(Self.counts(terms.map { ($0, 1) }), limit: 10, admits: Self.admitAll)
        #expect(Self.names(kept) == terms.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(Self.names(kept) == ["b", "intern", "internat", "internation", "internationalisation", "internationalization", "zz"])
    }

    @Test("the filter applies before the cut, and is asked only until the vector is full")
    func documentVectorFilterFirst() throws {
        var asked: [String] = []
        let kept = try RelevanceModel.documentVector(Self.counts([("a", 5), ("b", 4), ("c", 3), ("d", 2), ("e", 1)]), limit: 2) {
            term throws(IndexError) in
            asked.append(String(decoding: term, as: UTF8.self))
            return term.first != UInt8(ascii: "a")  // "a" is too common
        }
        // Anserini filters first and prunes after: b and c, not a and b.
        #expect(Self.names(kept) == ["b", "c"])
        #expect(asked == ["a", "b", "c"])
        #expect(try RelevanceModel.documentVector(Self.counts([("a", 1)]), limit: 0, admits: Self.admitAll).isEmpty)
    }

    @Test("the relevance model weighs P(t|D) by each document's score, keeps the best and sums to 1")
    func estimateByHand() {
        // D1 (score 2): wing 3, flow 1 → |D1| = 4: P(wing|D1) = 3/4, P(flow|D1) = 1/4.
        // D2 (score 1): flow 2, heat 2 → |D2| = 4: P(flow|D2) = 1/2, P(heat|D2) = 1/2.
        // wing = 3/4·2 = 1.5; flow = 1/4·2 + 1/2·1 = 1.0; heat = 1/2·1 = 0.5; total 3.
        let documents = [
            FeedbackDocumentVector(terms: Self.counts([("wing", 3), ("flow", 1)]), score: 2),
            FeedbackDocumentVector(terms: Self.counts([("flow", 2), ("heat", 2)]), score: 1),
        ]
        Self.expect(RelevanceModel.estimate(documents, limit: 10), [("wing", 0.5), ("flow", 1.0 / 3), ("heat", 1.0 / 6)])
        // Two terms: wing 1.5 and flow 1.0, total 2.5 → 0.6 and 0.4.
        Self.expect(RelevanceModel.estimate(documents, limit: 2), [("wing", 0.6), ("flow", 0.4)])
    }

    @Test("the scores' scale does not matter: the model is normalized at the end")
    func scoreScaleCancels() {
        let documents = [
            FeedbackDocumentVector(terms: Self.counts([("wing", 3), ("flow", 1)]), score: 2),
            FeedbackDocumentVector(terms: Self.counts([("flow", 2), ("heat", 2)]), score: 1),
        ]
        let scaled = documents.map { FeedbackDocumentVector(terms: $0.terms, score: $0.score * 7.5) }
        Self.expect(RelevanceModel.estimate(scaled, limit: 10), Self.model(RelevanceModel.estimate(documents, limit: 10)))
    }

    @Test("equal weights are ordered, and cut, by term bytes")
    func estimateTies() {
        // One document, score 1: zeta, alpha, mid 1 each → 1/3 each; the cut at 2 keeps alpha, mid.
        let documents = [FeedbackDocumentVector(terms: Self.counts([("zeta", 1), ("alpha", 1), ("mid", 1)]), score: 1)]
        Self.expect(RelevanceModel.estimate(documents, limit: 3), [("alpha", 1.0 / 3), ("mid", 1.0 / 3), ("zeta", 1.0 / 3)])
        Self.expect(RelevanceModel.estimate(documents, limit: 2), [("alpha", 0.5), ("mid", 0.5)])
    }

    @Test("documents without terms add nothing; no terms at all is an empty model")
    func emptyDocuments() {
        let empty = FeedbackDocumentVector(terms: [], score: 3)
        #expect(RelevanceModel.estimate([], limit: 10).isEmpty)
        #expect(RelevanceModel.estimate([empty, empty], limit: 10).isEmpty)
        // An empty document beside one with terms leaves that one's model as it is.
        let one = FeedbackDocumentVector(terms: Self.counts([("lift", 1), ("drag", 3)]), score: 2)
        Self.expect(RelevanceModel.estimate([empty, one], limit: 10), [("drag", 0.75), ("lift", 0.25)])
    }

    @Test("the query vector: boosts summed per term over the query's words, first occurrence first")
    func queryVector() {
        // "wing lift wing" plus a word the index lacks: L = 4 → wing 2/4, lift 1/4.
        let terms: [(term: [UInt8], boost: Double)] = [(Array("wing".utf8), 1), (Array("lift".utf8), 1), (Array("wing".utf8), 1)]
        Self.expect(RelevanceModel.queryVector(terms, queryWeight: 4), [("wing", 0.5), ("lift", 0.25)])
        // "wing^3 lift": L = 4 → wing 3/4, lift 1/4.
        Self.expect(RelevanceModel.queryVector([(Array("wing".utf8), 3), (Array("lift".utf8), 1)], queryWeight: 4),
                    [("wing", 0.75), ("lift", 0.25)])
    }

    @Test("interpolation: originalWeight·q(t) + (1 − originalWeight)·P(t|R), query terms first")
    func interpolation() {
        let query = [WeightedTerm(term: Array("wing".utf8), weight: 0.5), WeightedTerm(term: Array("lift".utf8), weight: 0.5)]
        let model = [WeightedTerm(term: Array("wing".utf8), weight: 0.6), WeightedTerm(term: Array("flow".utf8), weight: 0.4)]
        // wing 0.5·0.5 + 0.5·0.6 = 0.55; lift 0.5·0.5 = 0.25; flow 0.5·0.4 = 0.2.
        Self.expect(RelevanceModel.interpolate(query: query, model: model, originalWeight: 0.5),
                    [("wing", 0.55), ("lift", 0.25), ("flow", 0.2)])
        // 0.3: wing 0.3·0.5 + 0.7·0.6 = 0.57; lift 0.15; flow 0.28.
        Self.expect(RelevanceModel.interpolate(query: query, model: model, originalWeight: 0.3),
                    [("wing", 0.57), ("lift", 0.15), ("flow", 0.28)])
        // The ends: 1 is the query alone, 0 the model alone (zero weights are left out).
        Self.expect(RelevanceModel.interpolate(query: query, model: model, originalWeight: 1), [("wing", 0.5), ("lift", 0.5)])
        Self.expect(RelevanceModel.interpolate(query: query, model: model, originalWeight: 0), [("wing", 0.6), ("flow", 0.4)])
    }

    @Test("eligible forms: 2 to 20 UTF-16 units, a–z and 0–9 unless the filter is off",
          arguments: [
              ("ab", true, true), ("a", false, false), ("b747", true, true),
              (String(repeating: "x", count: 20), true, true), (String(repeating: "x", count: 21), false, false),
              ("café", false, true), ("日本", false, true), ("日", false, false),
              ("𝒳", false, true),  // one scalar, two UTF-16 units: Java's length 2
              ("naïve", false, true), ("x_y", false, true),
          ])
    func eligibleForms(term: String, ascii: Bool, unfiltered: Bool) {
        #expect(RelevanceModel.hasEligibleForm(ArraySlice(term.utf8), asciiOnly: true) == ascii)
        #expect(RelevanceModel.hasEligibleForm(ArraySlice(term.utf8), asciiOnly: false) == unfiltered)
    }
}
