@_spi(SiftInternal) import SiftIndex

/// One term of a feedback document and its frequency there.
struct TermFrequency: Sendable, Equatable {
    /// The analyzed term's bytes.
    var term: ArraySlice<UInt8>
    var frequency: Int
}

/// A term and a weight: a relevance-model or query-vector entry.
struct WeightedTerm: Sendable, Equatable {
    var term: [UInt8]
    var weight: Double
}

/// One feedback document as the relevance model sees it: its kept terms and its weight (the
/// first search's score).
struct FeedbackDocumentVector: Sendable, Equatable {
    /// The document's kept terms, most frequent first.
    var terms: [TermFrequency]
    /// The document's first-search BM25 score.
    var score: Double
}

/// RM3's arithmetic, free of any index: which terms a document keeps, the relevance model, and
/// the interpolation with the query. Each step follows Anserini's `Rm3Reranker` and
/// `FeatureVector` (read, not copied), in `Double`, with ties broken by term bytes where
/// Anserini's hash order leaves them open.
enum RelevanceModel {
    /// Whether `term` may be an expansion term by its form: 2 to 20 UTF-16 units, as Java
    /// counts a `String`'s length, and, with `asciiOnly`, only `a`–`z` and `0`–`9`.
    static func hasEligibleForm(_ term: ArraySlice<UInt8>, asciiOnly: Bool) -> Bool {
        if asciiOnly {
            guard term.count >= 2, term.count <= 20 else { return false }
            for byte in term {
                let letter = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
                let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
                if !letter && !digit { return false }
            }
            return true
        }
        let length = String(decoding: term, as: UTF8.self).utf16.count
        return length >= 2 && length <= 20
    }

    /// Whether `a` ranks before `b`: larger weight first, then the term whose bytes sort first.
    static func precedes(weight a: Double, _ termA: ArraySlice<UInt8>, weight b: Double, _ termB: ArraySlice<UInt8>) -> Bool {
        a != b ? a > b : termA.lexicographicallyPrecedes(termB)
    }

    /// A document's term vector: its `limit` most frequent terms that `admits` accepts (ties to
    /// the smaller bytes), most frequent first. Anserini filters every term of the document and
    /// then prunes the vector to `fbTerms`; walking the terms in order and stopping at `limit`
    /// kept gives the same vector while asking `admits` (a dictionary lookup) far less often.
    static func documentVector(_ counts: [TermFrequency], limit: Int,
                               admits: (ArraySlice<UInt8>) throws(IndexError) -> Bool) throws(IndexError) -> [TermFrequency] {
        guard limit > 0 else { return [] }
        // Sorted as plain integers: frequency, then the first 8 bytes (big-endian, zero-padded,
        // so a prefix sorts first); the whole bytes only when those tie.
        var order = counts.indices.map { OrderKey(frequency: counts[$0].frequency, leading: leadingBytes(counts[$0].term), index: $0) }
        order.sort { a, b in
            if a.frequency != b.frequency { return a.frequency > b.frequency }
            if a.leading != b.leading { return a.leading < b.leading }
            return counts[a.index].term.lexicographicallyPrecedes(counts[b.index].term)
        }
        var kept: [TermFrequency] = []
        for key in order {
            let candidate = counts[key.index]
            guard try admits(candidate.term) else { continue }
            kept.append(candidate)
            if kept.count == limit { break }
        }
        return kept
    }

    /// A term's place in `documentVector`'s order.
    private struct OrderKey {
        var frequency: Int
        var leading: UInt64
        var index: Int
    }

    /// The first 8 bytes of `term` as a big-endian integer, zero-padded: integers compare as
    /// the bytes do (terms hold no zero byte).
    static func leadingBytes(_ term: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 56
        for byte in term.prefix(8) {
            value |= UInt64(byte) << shift
            shift &-= 8
        }
        return value
    }

    /// The relevance model of the feedback documents, its `limit` best terms scaled to sum to 1,
    /// best first (ties to the smaller bytes):
    /// `P(t|R) ∝ Σ_D tf(t, D) / |D| · score(D)`, where |D| is the sum of the frequencies D kept.
    /// A document that kept no term adds nothing. Anserini weighs each document by its raw
    /// first-search score; scaling the model to sum 1 at the end makes any normalization of
    /// the scores beforehand unnecessary (a common factor cancels).
    static func estimate(_ documents: [FeedbackDocumentVector], limit: Int) -> [WeightedTerm] {
        guard limit > 0 else { return [] }
        var weights: [[UInt8]: Double] = [:]
        // Each term's sum runs over the documents in rank order, as Anserini's loop does.
        for document in documents {
            let norm = document.terms.reduce(0) { $0 + $1.frequency }
            guard norm > 0 else { continue }
            for entry in document.terms {
                weights[Array(entry.term), default: 0] += Double(entry.frequency) / Double(norm) * document.score
            }
        }
        var model = weights.map { WeightedTerm(term: $0.key, weight: $0.value) }
        model.sort { precedes(weight: $0.weight, $0.term[...], weight: $1.weight, $1.term[...]) }
        if model.count > limit { model.removeSubrange(limit...) }
        let total = model.reduce(0) { $0 + abs($1.weight) }
        guard total > 0 else { return [] }
        return model.map { WeightedTerm(term: $0.term, weight: $0.weight / total) }
    }

    /// The query vector of a bag of words: each term's share of the words' total weight
    /// `queryWeight` (its boosts summed, divided by the total), in order of first occurrence.
    /// Anserini counts each query token once (`c(t, Q) / |Q|`); a boost counts as that many.
    static func queryVector(_ terms: [(term: [UInt8], boost: Double)], queryWeight: Double) -> [WeightedTerm] {
        var vector: [WeightedTerm] = []
        var slot: [[UInt8]: Int] = [:]
        for (term, boost) in terms {
            if let index = slot[term] {
                vector[index].weight += boost
            } else {
                slot[term] = vector.count
                vector.append(WeightedTerm(term: term, weight: boost))
            }
        }
        return vector.map { WeightedTerm(term: $0.term, weight: $0.weight / queryWeight) }
    }

    /// `originalWeight · q(t) + (1 − originalWeight) · P(t|R)` for every term of either vector:
    /// the query's terms first, in their order, then the model's other terms in theirs. Terms
    /// whose weight comes out 0 (a model term at `originalWeight` 1) are left out.
    static func interpolate(query: [WeightedTerm], model: [WeightedTerm], originalWeight: Double) -> [WeightedTerm] {
        var probability: [[UInt8]: Double] = [:]
        for entry in model { probability[entry.term] = entry.weight }
        var inQuery = Set<[UInt8]>()
        var result: [WeightedTerm] = []
        for entry in query {
            inQuery.insert(entry.term)
            let weight = originalWeight * entry.weight + (1 - originalWeight) * (probability[entry.term] ?? 0)
            if weight > 0 { result.append(WeightedTerm(term: entry.term, weight: weight)) }
        }
        for entry in model where !inQuery.contains(entry.term) {
            let weight = (1 - originalWeight) * entry.weight
            if weight > 0 { result.append(WeightedTerm(term: entry.term, weight: weight)) }
        }
        return result
    }
}
