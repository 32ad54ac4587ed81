@_spi(SiftInternal) import SiftIndex
import SiftAnalysis

/// Ranks documents of an `IndexReader` against queries with BM25.
///
/// A query goes parse (`QueryParser`) → compile (`QueryCompiler`: analysis with the index's own
/// analyzer, dictionary lookups, idf) → score → top k → hits. A flat OR of terms (the common
/// query) is ranked by MaxScore over block bounds (`MaxScoreSearch`), or term-at-a-time when
/// every match must be counted or the OR is very wide (`TermAtATimeSearch`); a flat AND of
/// terms by a block-max conjunction (`ConjunctionSearch`); anything else runs
/// document-at-a-time through a tree of scorers (`ScorerFactory`), segment by segment, with
/// collection-wide statistics. Every path scores through `BM25Weight` and adds clause
/// contributions in clause order, so all give identical scores.
///
/// A searcher owns reusable scratch and an analyzer, so it is not thread-safe: use one per
/// thread or task (they may share one reader, which is `Sendable`), or let a `SearchIndex` lend
/// one per read. Results belong to the reader's `snapshot`: snippets and explanations of them
/// come from a searcher of a reader of the same snapshot.
public final class Searcher {
    /// The index searched.
    public let reader: IndexReader
    let analyzer: Analyzer
    private var tokens: [AnalyzedToken] = []
    /// Length factors for the BM25 parameters of the last search (their tables are the
    /// reader's, shared with every searcher of it).
    private var lengthFactors: LengthFactors?
    private let maxScoreScratch = MaxScoreSearch.Scratch()
    private let termAtATimeScratch: TermAtATimeSearch.Scratch
    /// Mean field lengths over the live documents.
    let averageLength: [IndexField: Double]
    /// ORs of more terms than this are scored term-at-a-time rather than with MaxScore.
    static let termAtATimeThreshold = 24
    /// Word forms the searcher's analyzer may remember (from queries and snippets) before it
    /// starts afresh: a long-lived searcher must not grow with every word it has seen.
    static let analyzerWordLimit = 1 << 16

    public init(reader: IndexReader) {
        self.reader = reader
        analyzer = Analyzer(configuration: reader.configuration)
        termAtATimeScratch = TermAtATimeSearch.Scratch()
        // Statistics of live documents only: a deleted document no longer counts anywhere.
        let count = Double(max(reader.documentCount, 1))
        averageLength = [.text: Double(reader.tokenCount) / count,
                         .title: Double(reader.titleTokenCount) / count]
    }

    /// Parses `query` in the query language (see `QueryParser`, or `syntax: .plain` for plain
    /// words) and ranks the index against it.
    /// - Throws: `SearchError.invalidArgument` for options out of range (see
    ///   `SearchOptions.validate()`); `.syntax` for text that is not a query; `.limit` for a
    ///   query past `options.limits`; `.index` when the index cannot be read.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws(SearchError) -> SearchResults {
        try search(query, options: options, statistics: nil)
    }

    /// Parses `query` and ranks the index against it with BM25's collection statistics taken
    /// from `statistics` (nil: the index's own) — how several indexes score as one.
    public func search(_ query: String, options: SearchOptions = SearchOptions(),
                       statistics: CollectionStatistics?) throws(SearchError) -> SearchResults {
        do {
            try options.validate()
        } catch {
            throw .invalidArgument(error)
        }
        let parsed = try parse(query, options: options)
        // A misplaced filter in text is a syntax error at its column.
        var results = try search(parsed, options: options, statistics: statistics) { error in
            let column = query.range(of: error.field + ":").map { query.distance(from: query.startIndex, to: $0.lowerBound) + 1 } ?? 1
            return .syntax(QuerySyntaxError(message: error.description, column: column))
        }
        results.notes = QueryTextSurvey(query).notes(adjusting: results.notes, terms: results.terms)
        return results
    }

    /// The query text as a `Query`, in the options' syntax.
    func parse(_ query: String, options: SearchOptions) throws(SearchError) -> Query {
        let bytes = query.utf8.count
        if bytes > options.limits.maxBytes { throw .limit(.tooLong(bytes: bytes, limit: options.limits.maxBytes)) }
        let parser = QueryParser(defaultOperator: options.defaultOperator, maxDepth: options.limits.maxDepth)
        let parsed: Query
        switch options.syntax {
        case .plain:
            parsed = parser.parsePlain(query)
        case .query:
            if let simple = SimpleQuery.parse(query, defaultOperator: options.defaultOperator) {
                parsed = simple
            } else {
                do {
                    parsed = try parser.parse(query)
                } catch {
                    throw .syntax(error)
                }
            }
        }
        return parsed
    }

    /// Ranks the index against a query built in code (or parsed). With `options.rm3` it
    /// searches twice, the second time with the query expanded by RM3 (`RM3Parameters`), and
    /// the results carry the `expansion`.
    /// - Complexity: O(postings of the query's terms + matches · log k); with RM3, that of both
    ///   searches plus the feedback documents' text.
    /// - Throws: `SearchError.invalidArgument` for options or clauses out of range (see
    ///   `SearchOptions.validate()` and `Query.validate()`); `.limit` for a query past
    ///   `options.limits` (too many clauses, or booleans nested deeper than 4 × `maxDepth`,
    ///   which no parsed query reaches); `.index` when the index cannot be read.
    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws(SearchError) -> SearchResults {
        try search(query, options: options, statistics: nil)
    }

    /// Ranks the index against a parsed query with BM25's collection statistics taken from
    /// `statistics` (nil: the index's own). With the sum of several indexes' statistics for this
    /// query (`statistics(for:options:)`), each index scores its documents exactly as one index
    /// over all of them would.
    /// - Throws: as `search(_:options:)`; `SearchError.statistics` when `statistics` lack a term
    ///   the query needs here, or with RM3, which reads feedback documents of one index only.
    public func search(_ query: Query, options: SearchOptions = SearchOptions(),
                       statistics: CollectionStatistics?) throws(SearchError) -> SearchResults {
        try search(query, options: options, statistics: statistics) { error in
            .invalidArgument(InvalidArgument(name: "query", value: "a filter on '\(error.field)' inside a group of words",
                                             requirement: "filters at the top level, or in groups of filters only"))
        }
    }

    /// `search(_:options:statistics:)`, a filter inside a group of words reported as
    /// `misplacedFilter` says (text and code report it differently).
    private func search(_ query: Query, options: SearchOptions, statistics: CollectionStatistics?,
                        misplacedFilter: (FilterPlacementError) -> SearchError) throws(SearchError) -> SearchResults {
        do {
            try options.validate()
        } catch {
            throw .invalidArgument(error)
        }
        let depthLimit = options.limits.maxDepth * 4
        if query.nestingDepth(stoppingAfter: depthLimit) > depthLimit { throw .limit(.tooDeep(limit: depthLimit)) }
        do {
            try query.validate()
            try query.validateWeights(k1: options.bm25.k1)
        } catch {
            throw .invalidArgument(error)
        }
        if statistics != nil && options.rm3 != nil { throw .statistics(.feedbackUnsupported) }
        // Filters restrict and do not score: they leave the query here and join the options'.
        let separated: (scoring: Query?, filter: MetadataFilter?)
        do {
            separated = try query.separatingFilters()
        } catch {
            throw misplacedFilter(error)
        }
        var options = options
        if let filter = separated.filter { options.filter = options.filter.map { $0.and(filter) } ?? filter }
        analyzer.forgetWords(ifMoreThan: Self.analyzerWordLimit)
        var compiler = QueryCompiler(reader: reader, analyzer: analyzer, options: options, averageLength: averageLength,
                                     statistics: statistics)
        let compiled: CompiledQuery
        do {
            compiled = try compiler.compile(separated.scoring ?? .boolean([]))
        } catch {
            throw .index(error)
        }
        if compiler.exceededClauseLimit { throw .limit(.tooManyClauses(limit: options.limits.maxClauses)) }
        if let missing = compiler.missingStatistics { throw .statistics(missing) }
        var notes = compiler.notes
        if case .dropped = compiled {
            notes.insert(SearchNote(kind: .onlyStopWords, message: "the query has only stop words, which are not indexed"), at: 0)
        }
        var results: SearchResults
        do {
            if let filter = options.filter {
                for field in reader.absentMetadataFields(filter.fields) {
                    notes.append(SearchNote(kind: .unknownMetadataField, message: "no document has the metadata field '\(field)'"))
                }
            }
            // RM3: a first search, then the expanded query (Feedback/Searcher+Feedback.swift).
            if let rm3 = options.rm3, let scoring = separated.scoring {
                results = try searchWithFeedback(scoring, compiled: compiled, notes: notes, parameters: rm3, options: options)
            } else {
                results = try rank(compiled, notes: notes, options: options, averageLength: compiler.averageLength,
                                   filterOnly: separated.scoring == nil)
            }
        } catch {
            throw .index(error)
        }
        results.documentCount = statistics?.documentCount
        return results
    }

    /// Ranks the index against a compiled query: the scoring path, top k and hits.
    /// `filterOnly`: the query is only a filter; every document that passes it is a hit, with
    /// score 0, in document order.
    func rank(_ compiled: CompiledQuery, notes: [SearchNote], options: SearchOptions,
              averageLength: [IndexField: Double]? = nil, filterOnly: Bool = false) throws(IndexError) -> SearchResults {
        let averageLength = averageLength ?? self.averageLength
        let factors = lengthFactors(for: options.bm25, averageLength: averageLength)
        // The filter's skipped documents (shared with the reader's other searchers), held
        // until the search ends.
        let skipped = try options.filter.map { filter throws(IndexError) in try reader.skippedDocuments(filter) }
        return try withExtendedLifetime(skipped) { () throws(IndexError) -> SearchResults in
            try rank(compiled, notes: notes, options: options, averageLength: averageLength, factors: factors,
                     skipped: skipped?.bits ?? reader.deletedBits, filterSkips: skipped?.bits, filterOnly: filterOnly)
        }
    }

    /// `filterSkips`: `skipped` when a filter made it, for the scorers to jump over its runs.
    private func rank(_ compiled: CompiledQuery, notes: [SearchNote], options: SearchOptions, averageLength: [IndexField: Double],
                      factors: LengthFactors, skipped: UnsafeMutablePointer<UInt64>?, filterSkips: UnsafeMutablePointer<UInt64>?,
                      filterOnly: Bool) throws(IndexError) -> SearchResults {

        // The heap never needs more room than there are documents (and `limit: .max` must not overflow).
        let wanted = options.offset.addingReportingOverflow(options.limit)
        var top = TopK(capacity: wanted.overflow ? reader.documentCount : min(max(wanted.partialValue, 0), reader.documentCount))
        var totalHits = 0
        var exact = true
        var work = SearchWork()
        if filterOnly {
            totalHits = Self.listPassing(maxDocument: reader.maxDocument, skipped: skipped, into: &top)
        } else if let flatTerms = Self.flatDisjunction(compiled) {
            if options.exhaustive || options.countTotalHits || flatTerms.isEmpty || top.capacity == 0
                || flatTerms.count > Self.termAtATimeThreshold
            {
                (totalHits, work) = try TermAtATimeSearch(reader: reader, lengthFactors: factors, skipped: skipped)
                    .run(flatTerms, into: &top, scratch: termAtATimeScratch)
            } else {
                let outcome = try MaxScoreSearch(reader: reader, lengthFactors: factors, skipped: skipped, filterSkips: filterSkips)
                    .run(flatTerms, into: &top, scratch: maxScoreScratch)
                totalHits = outcome.matched
                exact = outcome.exact
                work = outcome.work
            }
        } else if !(options.exhaustive || options.countTotalHits), top.capacity > 0,
                  let required = ConjunctionSearch.requiredTerms(compiled) {
            let outcome = try ConjunctionSearch(reader: reader, lengthFactors: factors, skipped: skipped, filterSkips: filterSkips)
                .run(required, into: &top, scratch: maxScoreScratch)
            totalHits = outcome.matched
            exact = outcome.exact
            work = outcome.work
        } else {
            let factory = ScorerFactory(reader: reader, lengthFactors: factors)
            for index in reader.segments.indices {
                guard let scorer = try factory.makeScorer(compiled, segment: index) else { continue }
                let base = UInt32(reader.segmentBases[index])
                // Scorers that can bound a document (a lone phrase) skip those that cannot reach
                // the top k; exhaustive and counting runs never pass the hint.
                let prune = !(options.exhaustive || options.countTotalHits)
                if prune, top.isFull { scorer.setMinimumCompetitiveScore(top.weakest!.score) }
                let deleted = skipped
                while scorer.document != PostingsCursor.exhausted {
                    let document = base + scorer.document
                    if !IndexReader.isLive(document, deleted) {
                        // Filtered: straight to the next document the filter lets through.
                        if let filter = filterSkips {
                            try scorer.advance(to: FilterSkip.nextPassing(filter, from: document, end: UInt32(reader.maxDocument)) - base)
                        } else {
                            try scorer.next()
                        }
                        continue
                    }
                    top.insert(ScoredDocument(score: scorer.score(), document: document))
                    totalHits += 1
                    if prune, top.isFull { scorer.setMinimumCompetitiveScore(top.weakest!.score) }
                    try scorer.next()
                }
                if scorer.mayHaveSkippedMatches { exact = false }
                work.clauseVisits += scorer.clauseVisits
            }
        }
        var hits: [SearchHit] = []
        for (rank, scored) in top.sorted().enumerated() where rank >= options.offset {
            let stored = try reader.documentHeaderAndMetadata(Int(scored.document))
            hits.append(SearchHit(rank: rank + 1, document: Int(scored.document), score: scored.score,
                                  id: stored.id, title: stored.title, metadata: stored.metadata, snapshot: reader.snapshot))
        }
        return SearchResults(snapshot: reader.snapshot, hits: hits, totalHits: totalHits, totalHitsIsExact: exact, terms: compiled.scoringTerms,
                             notes: notes, work: work, compiled: compiled, options: options, averageLength: averageLength)
    }

    /// The score of `hit` broken down by clause: a tree whose every sum is exactly its parts.
    /// - Throws: `SearchError.index(.snapshotMismatch)` when `hit` or `results` come from
    ///   another snapshot of the index than this searcher's reader (another commit, another
    ///   index): their document numbers would name other documents here;
    ///   `.index(.documentOutOfRange)` for a hit whose number is not one of this reader's;
    ///   `.index` when the index cannot be read.
    public func explain(_ hit: SearchHit, in results: SearchResults) throws(SearchError) -> Explanation {
        do {
            try requireOwnResults(hit, results)
            let factory = ScorerFactory(reader: reader, lengthFactors: lengthFactors(for: results.options.bm25,
                                                                                     averageLength: results.averageLength))
            let (segmentIndex, local) = reader.locate(hit.document)
            guard let scorer = try factory.makeScorer(results.compiled, segment: segmentIndex) else {
                return Explanation(kind: .sum, value: 0)
            }
            try scorer.advance(to: UInt32(local))
            guard scorer.document == UInt32(local) else { return Explanation(kind: .sum, value: 0) }
            let context = ExplainContext(documentCount: results.documentCount ?? reader.documentCount, averageLength: results.averageLength,
                                         parameters: results.options.bm25, segment: reader.segments[segmentIndex])
            let explanation = scorer.explain(context)
            // A lone clause is still shown as a sum, so every explanation has the same shape.
            return explanation.kind == .sum ? explanation : Explanation(kind: .sum, value: explanation.value, details: [explanation])
        } catch {
            throw .index(error)
        }
    }

    /// The snippet of a hit: the window of its stored text with the most matches of the query,
    /// taken after the first line when that line is the title (shown with the hit anyway).
    /// - Parameter maxLength: the snippet's length in UTF-8 bytes at most, ellipses included;
    ///   at least `Snippet.minimumLength` (20).
    /// - Throws: `SearchError.invalidArgument` for a `maxLength` under 20;
    ///   `.index(.snapshotMismatch)` when `hit` or `results` come from another snapshot of the
    ///   index than this searcher's reader; `.index` when the text cannot be read.
    public func snippet(for hit: SearchHit, in results: SearchResults, maxLength: Int = 200) throws(SearchError) -> Snippet {
        guard maxLength >= Snippet.minimumLength else {
            throw .invalidArgument(InvalidArgument(name: "maxLength", value: maxLength, requirement: "at least \(Snippet.minimumLength)"))
        }
        let stored: StoredDocument
        do {
            try requireOwnResults(hit, results)
            stored = try reader.document(at: hit.document)
        } catch {
            throw .index(error)
        }
        let text = Array(SnippetBuilder.body(of: stored.textBytes, title: stored.title))
        analyzer.forgetWords(ifMoreThan: Self.analyzerWordLimit)
        tokens.removeAll(keepingCapacity: true)
        text.withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
        let matched = Highlighter.matches(tokens: tokens, leaves: results.compiled.positiveLeaves, analyzer: analyzer)
        return SnippetBuilder.build(text: text, tokens: tokens, matched: matched, maxLength: maxLength)
    }

    /// Throws unless `hit` and `results` are of this searcher's reader's snapshot and `hit`
    /// names one of its documents.
    private func requireOwnResults(_ hit: SearchHit, _ results: SearchResults) throws(IndexError) {
        try reader.requireSnapshot(results.snapshot)
        try reader.requireSnapshot(hit.snapshot)
        guard hit.document >= 0, hit.document < reader.maxDocument else {
            throw .documentOutOfRange(hit.document, count: reader.maxDocument)
        }
    }

    /// Makes what searches with `parameters` need per document (each field's BM25 length
    /// factors, shared by every searcher of the reader) now rather than at the first search.
    /// - Complexity: O(documents) the first time for a reader and parameters; O(1) after.
    package func prepare(for parameters: BM25Parameters) {
        let factors = lengthFactors(for: parameters, averageLength: averageLength)
        for field in IndexField.allCases { _ = factors.factors(field) }
    }

    /// The length factors for `parameters` and mean lengths, computed when they change.
    private func lengthFactors(for parameters: BM25Parameters, averageLength: [IndexField: Double]) -> LengthFactors {
        if let current = lengthFactors, current.parameters == parameters, current.averageLength == averageLength { return current }
        let fresh = LengthFactors(reader: reader, parameters: parameters, averageLength: averageLength)
        lengthFactors = fresh
        return fresh
    }

    /// Every document not in `skipped`, score 0, into `top` (the first ones in document order
    /// fill it); returns how many there are.
    private static func listPassing(maxDocument: Int, skipped: UnsafeMutablePointer<UInt64>?, into top: inout TopK) -> Int {
        var count = 0
        for word in 0..<((maxDocument + 63) / 64) {
            var bits = ~(skipped?[word] ?? 0)
            if word == maxDocument / 64 { bits &= (1 << UInt64(maxDocument & 63)) &- 1 }
            count += bits.nonzeroBitCount
            while bits != 0, !top.isFull {
                top.insert(ScoredDocument(score: 0, document: UInt32(word << 6 | bits.trailingZeroBitCount)))
                bits &= bits &- 1
            }
        }
        return count
    }

    /// The terms of a query that is a plain OR of terms (or one term), if it is one.
    private static func flatDisjunction(_ query: CompiledQuery) -> [TermWeight]? {
        switch query {
        case .term(let weight):
            return [weight]
        case .boolean(let clauses):
            var weights: [TermWeight] = []
            for clause in clauses {
                guard clause.occur == .should, case .term(let weight) = clause.query else { return nil }
                weights.append(weight)
            }
            return weights
        case .nothing, .dropped:
            return []
        case .phrase:
            return nil
        }
    }
}
