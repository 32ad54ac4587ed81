@_spi(SiftInternal) import SiftIndex
import SiftAnalysis

/// RM3 pseudo-relevance feedback (`SearchOptions.rm3`; the method is described on
/// `RM3Parameters`): a first search for the feedback documents, their terms read from the
/// index, the relevance model, and the second search with the expanded query.
extension Searcher {
    /// Runs `query` (already compiled as `compiled`) with RM3: the results of the second search,
    /// with `expansion` saying what was added. When nothing can be added (no feedback document,
    /// no eligible term), the results are those of a plain search.
    func searchWithFeedback(_ query: Query, compiled: CompiledQuery, notes: [SearchNote], parameters: RM3Parameters,
                            options: SearchOptions) throws(IndexError) -> SearchResults {
        var plain = options
        plain.rm3 = nil
        let originalWeight = min(max(parameters.originalWeight, 0), 1)
        let queryWeight = Self.wordWeight(of: query, analyzer: analyzer)
        var expansion = QueryExpansion(parameters: parameters, feedbackDocuments: [], terms: [], originalBoost: 1)
        guard parameters.feedbackDocuments > 0, parameters.feedbackTerms > 0, queryWeight > 0 else {
            var results = try rank(compiled, notes: notes, options: plain)
            results.expansion = expansion
            return results
        }

        var firstOptions = plain
        firstOptions.limit = parameters.feedbackDocuments
        firstOptions.offset = 0
        firstOptions.countTotalHits = false
        let first = try rank(compiled, notes: notes, options: firstOptions)
        expansion.feedbackDocuments = first.hits

        var lookups = TermLookups()
        var vectors: [FeedbackDocumentVector] = []
        var tokens: [AnalyzedToken] = []
        if reader.storage == .text {
            // Read together: feedback documents that share a compressed block decompress it once.
            let texts = try reader.texts(of: first.hits.map(\.document))
            for (hit, text) in zip(first.hits, texts) {
                let counts = textTermCounts(of: text, tokens: &tokens)
                let terms = try feedbackTerms(counts, parameters: parameters, lookups: &lookups)
                vectors.append(FeedbackDocumentVector(terms: terms, score: Double(hit.score)))
            }
        } else {
            // No stored text: the forward index holds each document's terms and counts as
            // indexed, the same as analyzing the text again.
            for hit in first.hits {
                let counts = (try reader.termCounts(of: hit.document, field: .text) ?? [])
                    .map { TermFrequency(term: ArraySlice($0.term), frequency: $0.frequency) }
                let terms = try feedbackTerms(counts, parameters: parameters, lookups: &lookups)
                vectors.append(FeedbackDocumentVector(terms: terms, score: Double(hit.score)))
            }
        }
        let model = RelevanceModel.estimate(vectors, limit: parameters.feedbackTerms)
        var results: SearchResults
        if model.isEmpty {
            results = try rank(compiled, notes: notes, options: plain)
        } else {
            expansion.originalBoost = originalWeight / queryWeight
            expansion.terms = model.map {
                ExpansionTerm(term: String(decoding: $0.term, as: UTF8.self), probability: $0.weight,
                              weight: (1 - originalWeight) * $0.weight)
            }
            let expanded = try expandedQuery(compiled, model: model, originalWeight: originalWeight, queryWeight: queryWeight,
                                             lookups: &lookups, options: plain)
            results = try rank(expanded, notes: notes, options: plain)
        }
        results.work.add(first.work)
        results.expansion = expansion
        return results
    }

    /// The terms of a feedback document's stored text with their frequencies: the text
    /// analyzed again with the index's analyzer (the terms its text field was indexed with).
    private func textTermCounts(of text: [UInt8], tokens: inout [AnalyzedToken]) -> [TermFrequency] {
        tokens.removeAll(keepingCapacity: true)
        text.withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
        // Count by term id: sort the ids, then count the runs.
        var ids = tokens.map(\.termID)
        ids.sort()
        var counts: [TermFrequency] = []
        var start = 0
        while start < ids.count {
            var end = start + 1
            while end < ids.count && ids[end] == ids[start] { end += 1 }
            counts.append(TermFrequency(term: analyzer.termBytes(ids[start]), frequency: end - start))
            start = end
        }
        return counts
    }

    /// The eligible terms of a feedback document (`counts`: its terms and their frequencies),
    /// pruned to the `feedbackTerms` most frequent.
    private func feedbackTerms(_ counts: [TermFrequency], parameters: RM3Parameters,
                               lookups: inout TermLookups) throws(IndexError) -> [TermFrequency] {
        let documentCount = Float(reader.documentCount)
        let maximumRatio = Float(parameters.maximumDocumentFrequencyRatio)
        return try RelevanceModel.documentVector(counts, limit: parameters.feedbackTerms) { term throws(IndexError) in
            guard RelevanceModel.hasEligibleForm(term, asciiOnly: parameters.asciiTermsOnly) else { return false }
            // Anserini's test, in single precision as it makes it: df / N > ratio is too common.
            let frequency = try lookups.entry(Array(term), in: reader).frequency
            return !(Float(frequency) / documentCount > maximumRatio)
        }
    }

    /// The second search's query. A bag of words (an OR of terms) becomes Anserini's weighted
    /// bag: one clause per term, boosted by the interpolation of its query share and P(t|R).
    /// Any other query is kept as written, its boosts scaled by `originalWeight / queryWeight`,
    /// beside one optional text-field clause per expansion term (its required and excluded
    /// clauses keep their meaning).
    private func expandedQuery(_ compiled: CompiledQuery, model: [WeightedTerm], originalWeight: Double, queryWeight: Double,
                               lookups: inout TermLookups, options: SearchOptions) throws(IndexError) -> CompiledQuery {
        var clauses: [CompiledClause] = []
        if let bag = Self.bagOfWords(compiled) {
            var original: [[UInt8]: TermWeight] = [:]
            for weight in bag where original[weight.key] == nil { original[weight.key] = weight }
            let queryVector = RelevanceModel.queryVector(bag.map { ($0.key, $0.bm25.boost) }, queryWeight: queryWeight)
            for entry in RelevanceModel.interpolate(query: queryVector, model: model, originalWeight: originalWeight) {
                let weight: TermWeight?
                if let known = original[entry.term] {
                    weight = reweighted(known, boost: entry.weight, options: options)
                } else {
                    weight = try expansionTerm(entry.term, boost: entry.weight, lookups: &lookups, options: options)
                }
                if let weight { clauses.append(CompiledClause(occur: .should, query: .term(weight))) }
            }
            if clauses.count == 1 { return clauses[0].query }
            return .boolean(clauses)
        }
        let kept = scaled(compiled, by: originalWeight / queryWeight, options: options)
        if case .boolean(let originalClauses) = kept {
            clauses = originalClauses
        } else {
            clauses = [CompiledClause(occur: .should, query: kept)]
        }
        for entry in model where (1 - originalWeight) * entry.weight > 0 {
            if let weight = try expansionTerm(entry.term, boost: (1 - originalWeight) * entry.weight, lookups: &lookups, options: options) {
                clauses.append(CompiledClause(occur: .should, query: .term(weight)))
            }
        }
        return .boolean(clauses)
    }

    /// An expansion term's text-field clause, or nil if no live document holds it.
    private func expansionTerm(_ term: [UInt8], boost: Double, lookups: inout TermLookups,
                               options: SearchOptions) throws(IndexError) -> TermWeight? {
        let found = try lookups.entry(term, in: reader)
        guard found.frequency > 0 else { return nil }
        let idf = BM25Parameters.idf(documentCount: reader.documentCount, documentFrequency: found.frequency)
        return TermWeight(term: String(decoding: term, as: UTF8.self), key: IndexFormat.key(term, field: .text), field: .text,
                          documentFrequency: found.frequency,
                          bm25: BM25Weight(idf: idf, boost: boost, parameters: options.bm25, averageLength: averageLength[.text] ?? 0),
                          entries: found.entries)
    }

    /// `weight` with its boost replaced.
    private func reweighted(_ weight: TermWeight, boost: Double, options: SearchOptions) -> TermWeight {
        var copy = weight
        copy.bm25 = BM25Weight(idf: weight.bm25.idf, boost: boost, parameters: options.bm25, averageLength: averageLength[weight.field] ?? 0)
        return copy
    }

    /// `query` with every boost multiplied by `factor`.
    private func scaled(_ query: CompiledQuery, by factor: Double, options: SearchOptions) -> CompiledQuery {
        switch query {
        case .term(let weight):
            return .term(reweighted(weight, boost: weight.bm25.boost * factor, options: options))
        case .phrase(var phrase):
            phrase.bm25 = BM25Weight(idf: phrase.bm25.idf, boost: phrase.bm25.boost * factor, parameters: options.bm25,
                                     averageLength: averageLength[phrase.field] ?? 0)
            return .phrase(phrase)
        case .boolean(let clauses):
            return .boolean(clauses.map { CompiledClause(occur: $0.occur, query: scaled($0.query, by: factor, options: options)) })
        case .nothing, .dropped:
            return query
        }
    }

    /// The terms of a query that is an OR of terms (or one term), if it is one. Like the
    /// searcher's choice of a scoring path, but a query that matches nothing is no bag here, and
    /// the two may change apart: this one decides what RM3 merges, that one how a query runs.
    static func bagOfWords(_ query: CompiledQuery) -> [TermWeight]? {
        switch query {
        case .term(let weight):
            return [weight]
        case .boolean(let clauses):
            var terms: [TermWeight] = []
            for clause in clauses {
                guard clause.occur == .should, case .term(let weight) = clause.query else { return nil }
                terms.append(weight)
            }
            return terms
        case .phrase, .nothing, .dropped:
            return nil
        }
    }

    /// L, the weight of a query's words: each analyzed term counts its boost, and so does each
    /// phrase and prefix (once); excluded clauses count nothing. Unknown terms count, as in
    /// Anserini, where every query token has its share. For a bag of plain words, L is the
    /// number of its (non-stop) terms.
    static func wordWeight(of query: Query, analyzer: Analyzer) -> Double {
        switch query {
        case .term(let word, _, let boost):
            return boost * Double(analyzer.analyze(word).count)
        case .phrase(let text, _, _, let boost):
            return analyzer.analyze(text).isEmpty ? 0 : boost
        case .prefix(let word, _, let boost):
            return analyzer.foldedPrefix(word) == nil ? 0 : boost
        case .boolean(let clauses, let boost):
            var total = 0.0
            for clause in clauses where clause.occur != .mustNot { total += wordWeight(of: clause.query, analyzer: analyzer) }
            return boost * total
        case .filter:
            return 0
        }
    }
}

/// Dictionary lookups of one feedback run, each made once: a term's live documents and its
/// entry in every segment (the document-frequency test and the expansion clause both need it).
struct TermLookups {
    private var found: [[UInt8]: (frequency: Int, entries: [TermEntry?])] = [:]

    mutating func entry(_ term: [UInt8], in reader: IndexReader) throws(IndexError) -> (frequency: Int, entries: [TermEntry?]) {
        if let known = found[term] { return known }
        let looked = try reader.lookUp(IndexFormat.key(term, field: .text))
        found[term] = looked
        return looked
    }
}

extension SearchWork {
    /// Adds another search's work (RM3's first search to its second).
    mutating func add(_ other: SearchWork) {
        blocks += other.blocks
        postings += other.postings
        blocksDecoded += other.blocksDecoded
        postingsDecoded += other.postingsDecoded
    }
}
