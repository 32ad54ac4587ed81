@_spi(SiftInternal) import SiftIndex
import SiftAnalysis
/// How a search runs.
public struct SearchOptions: Sendable, Equatable {
    /// Hits to return.
    public var limit: Int
    /// Hits to skip first (for paging).
    public var offset: Int
    /// BM25's k1 and b.
    public var bm25: BM25Parameters
    /// How bare words combine: OR (ranked, the default) or AND (`--mode all`).
    public var defaultOperator: DefaultOperator
    /// The most terms a prefix query expands to (the most frequent ones are kept).
    public var maxExpansions: Int
    /// How query text is read: the query language, or plain words.
    public var syntax: QuerySyntax
    /// Score every matching document instead of pruning (for verification: the answer is
    /// the same, only slower).
    public var exhaustive: Bool
    /// Count every matching document, so `totalHits` is exact (pruned search otherwise
    /// reports a lower bound).
    public var countTotalHits: Bool

    public init(limit: Int = 10, offset: Int = 0, bm25: BM25Parameters = BM25Parameters(),
                defaultOperator: DefaultOperator = .or, maxExpansions: Int = 128, syntax: QuerySyntax = .query,
                exhaustive: Bool = false, countTotalHits: Bool = false) {
        self.limit = limit
        self.offset = offset
        self.bm25 = bm25
        self.defaultOperator = defaultOperator
        self.maxExpansions = maxExpansions
        self.syntax = syntax
        self.exhaustive = exhaustive
        self.countTotalHits = countTotalHits
    }
}

/// How query text is read.
public enum QuerySyntax: String, Sendable, Equatable, CaseIterable {
    /// The query language (`QueryParser`): operators, phrases, prefixes, fields, boosts.
    case query
    /// Every word a bare term; punctuation is just text (natural-language test queries).
    case plain
}

/// One ranked document.
public struct SearchHit: Sendable, Equatable {
    /// 1-based rank in the whole result list (offset included).
    public var rank: Int
    /// Global document number in the index.
    public var document: Int
    /// BM25 score.
    public var score: Float
    /// The document's stored id.
    public var id: String
    /// The document's title.
    public var title: String
}

/// The answer to one query.
public struct SearchResults: @unchecked Sendable {
    /// The hits, best first, after `offset`.
    public var hits: [SearchHit]
    /// Documents matching the query: exact when `totalHitsIsExact`, else a lower bound.
    public var totalHits: Int
    /// Whether `totalHits` counts every match (pruned search skips documents that cannot
    /// enter the top k without counting them; ask `countTotalHits` for an exact count).
    public var totalHitsIsExact: Bool
    /// The analyzed terms that can add to a score, in query order.
    public var terms: [String]
    /// Why there can be no hits, when the query itself explains it (e.g. only stop words).
    public var note: String?
    /// Things the user should know: a prefix cut at `maxExpansions`, …
    public var notes: [SearchNote]
    /// What ranking read of the postings (OR-of-terms queries; zero otherwise).
    public var work: SearchWork
    let compiled: CompiledQuery
    let options: SearchOptions
}

/// How much of the postings a search read: the measure of what pruning saved.
public struct SearchWork: Sendable, Equatable {
    /// Blocks and postings in the query terms' lists.
    public var blocks = 0
    public var postings = 0
    /// Blocks and postings actually decoded.
    public var blocksDecoded = 0
    public var postingsDecoded = 0

    public init() {}
}

/// Why a search failed: the query could not be parsed, or the index could not be read.
public enum SearchError: Error, Equatable, CustomStringConvertible {
    case syntax(QuerySyntaxError)
    case index(IndexError)

    public var description: String {
        switch self {
        case .syntax(let error): error.description
        case .index(let error): error.description
        }
    }
}

/// Ranks documents of an `IndexReader` against queries with BM25.
///
/// Queries are analyzed with the index's own analyzer. A flat OR of terms (the common query)
/// is scored term-at-a-time into a score per document; anything else runs document-at-a-time
/// through a tree of scorers, segment by segment, with collection-wide statistics. Both add
/// clause contributions in clause order, so they give identical scores. A searcher owns
/// reusable scratch and an analyzer, so it is not thread-safe: use one per thread.
public final class Searcher {
    /// The index searched.
    public let reader: IndexReader
    private let analyzer: Analyzer
    private var scores: [Float]
    private var touched: [UInt32] = []
    /// `k1·(1 − b + b·len/avgLen)` per document and field, for `lengthFactorParameters`.
    private var lengthFactors: [IndexField: UnsafeMutableBufferPointer<Float>] = [:]
    private var lengthFactorParameters: BM25Parameters? = nil
    private var tokens: [AnalyzedToken] = []
    private let maxScoreScratch = MaxScoreSearch.Scratch()
    private let blockDocuments = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
    private let blockFrequencies = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
    /// Mean field lengths over the index.
    let averageLength: [IndexField: Double]
    /// ORs of more terms than this are scored term-at-a-time rather than with MaxScore.
    static let termAtATimeThreshold = 24

    public init(reader: IndexReader) {
        self.reader = reader
        analyzer = Analyzer(configuration: reader.configuration)
        scores = [Float](repeating: 0, count: reader.maxDocument)
        // Statistics of live documents only: a deleted document no longer counts anywhere.
        let count = Double(max(reader.documentCount, 1))
        averageLength = [.text: Double(reader.tokenCount) / count,
                         .title: Double(reader.titleTokenCount) / count]
    }

    deinit {
        blockDocuments.deallocate()
        blockFrequencies.deallocate()
        for (_, factors) in lengthFactors { factors.deallocate() }
    }

    /// Parses `query` in the query language (see `QueryParser`) and ranks the index against it.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws(SearchError) -> SearchResults {
        let parser = QueryParser(defaultOperator: options.defaultOperator)
        let parsed: Query
        switch options.syntax {
        case .plain:
            parsed = parser.parsePlain(query)
        case .query:
            do {
                parsed = try parser.parse(query)
            } catch {
                throw .syntax(error)
            }
        }
        do {
            var results = try search(parsed, options: options)
            if results.terms.isEmpty && results.note == nil {
                let hasWords = !Array(query.utf8).withUnsafeBufferPointer { bytes in
                    Tokenizer.withScratch { scratch in
                        var tokenizer = Tokenizer(bytes, scratch: scratch)
                        return tokenizer.next() == nil
                    }
                }
                if !hasWords { results.note = "the query has no words" }
            }
            return results
        } catch {
            throw .index(error)
        }
    }

    /// Ranks the index against a parsed query.
    /// - Complexity: O(postings of the query's terms + matches · log k).
    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws(IndexError) -> SearchResults {
        var notes: [SearchNote] = []
        let compiled = try compile(query, options: options, notes: &notes)
        let terms = compiled.positiveLeaves.flatMap { leaf -> [String] in
            switch leaf {
            case .term(let weight): [weight.term]
            case .phrase(let weight): weight.terms
            default: []
            }
        }
        var note: String? = nil
        if case .dropped = compiled { note = "the query has only stop words, which are not indexed" }
        prepareLengthFactors(options.bm25)

        // The heap never needs more room than there are documents (and `limit: .max` must not overflow).
        let wanted = options.offset.addingReportingOverflow(options.limit)
        var top = TopK(capacity: wanted.overflow ? reader.documentCount : min(max(wanted.partialValue, 0), reader.documentCount))
        var totalHits = 0
        var exact = true
        var work = SearchWork()
        if let flatTerms = flatDisjunction(compiled) {
            // Many terms (prefix expansions): MaxScore's per-candidate loops over the terms cost
            // more than scoring every posting term-at-a-time; the answer is the same.
            if options.exhaustive || options.countTotalHits || flatTerms.isEmpty || top.capacity == 0
                || flatTerms.count > Self.termAtATimeThreshold
            {
                totalHits = try scoreTermAtATime(flatTerms, into: &top)
            } else {
                let search = MaxScoreSearch(reader: reader, parameters: options.bm25, averageLength: averageLength,
                                            lengthFactors: lengthFactors)
                let outcome = try search.run(flatTerms, into: &top, scratch: maxScoreScratch)
                totalHits = outcome.matched
                exact = outcome.exact
                work = outcome.work
            }
        } else {
            for index in reader.segments.indices {
                guard let scorer = try makeScorer(compiled, segment: index) else { continue }
                let base = UInt32(reader.segmentBases[index])
                // Scorers that can bound a document (a lone phrase) skip those that cannot reach
                // the top k; exhaustive and counting runs never pass the hint.
                let prune = !(options.exhaustive || options.countTotalHits)
                if prune, top.isFull { scorer.setMinimumCompetitiveScore(top.weakest!.score) }
                let deleted = reader.deletedBits
                while scorer.document != PostingsCursor.exhausted {
                    let document = base + scorer.document
                    if !IndexReader.isLive(document, deleted) {
                        try scorer.next()
                        continue
                    }
                    top.insert(ScoredDocument(score: scorer.score(), document: document))
                    totalHits += 1
                    if prune, top.isFull { scorer.setMinimumCompetitiveScore(top.weakest!.score) }
                    try scorer.next()
                }
                if scorer.mayHaveSkippedMatches { exact = false }
            }
        }
        var hits: [SearchHit] = []
        for (rank, scored) in top.sorted().enumerated() where rank >= options.offset {
            let stored = try reader.documentHeader(Int(scored.document))
            hits.append(SearchHit(rank: rank + 1, document: Int(scored.document), score: scored.score,
                                  id: stored.id, title: stored.title))
        }
        return SearchResults(hits: hits, totalHits: totalHits, totalHitsIsExact: exact, terms: terms, note: note,
                             notes: notes, work: work, compiled: compiled, options: options)
    }

    /// The score of `hit` broken down by clause.
    public func explain(_ hit: SearchHit, in results: SearchResults) throws(IndexError) -> Explanation {
        prepareLengthFactors(results.options.bm25)
        let (segmentIndex, local) = reader.locate(hit.document)
        guard let scorer = try makeScorer(results.compiled, segment: segmentIndex) else {
            return Explanation(kind: .sum, value: 0)
        }
        try scorer.advance(to: UInt32(local))
        guard scorer.document == UInt32(local) else { return Explanation(kind: .sum, value: 0) }
        let context = ExplainContext(documentCount: reader.documentCount, averageLength: averageLength,
                                     parameters: results.options.bm25, segment: reader.segments[segmentIndex])
        let explanation = scorer.explain(context)
        // A lone clause is still shown as a sum, so every explanation has the same shape.
        return explanation.kind == .sum ? explanation : Explanation(kind: .sum, value: explanation.value, details: [explanation])
    }

    /// The snippet of a hit: the window of its stored text with the most matches of the query.
    /// - Parameter maxLength: the window's length in bytes at most.
    public func snippet(for hit: SearchHit, in results: SearchResults, maxLength: Int = 200) throws(IndexError) -> Snippet {
        let stored = try reader.document(hit.document)
        tokens.removeAll(keepingCapacity: true)
        stored.text.withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
        let matched = Highlighter.matches(tokens: tokens, leaves: results.compiled.positiveLeaves, analyzer: analyzer)
        return SnippetBuilder.build(text: stored.text, tokens: tokens, matched: matched, maxLength: maxLength)
    }

    // MARK: - Compiling

    func compile(_ query: Query, options: SearchOptions, notes: inout [SearchNote]) throws(IndexError) -> CompiledQuery {
        let k1Plus1 = options.bm25.k1 + 1
        switch query {
        case .term(let word, let field, let boost):
            let terms = analyzer.analyze(word).map(\.term)
            if terms.isEmpty { return .dropped }
            if terms.count == 1 { return try termQuery(terms[0], field: field, boost: boost, k1Plus1: k1Plus1) }
            // A word the analyzer splits (`war-torn`) is its parts, each a clause of its own.
            var clauses: [CompiledClause] = []
            for term in terms {
                clauses.append(CompiledClause(occur: .should, query: try termQuery(term, field: field, boost: boost, k1Plus1: k1Plus1)))
            }
            return combine(clauses)

        case .phrase(let text, let field, let slop, let boost):
            let phraseTokens = analyzer.analyze(text)
            if phraseTokens.isEmpty { return .dropped }
            if phraseTokens.count == 1 { return try termQuery(phraseTokens[0].term, field: field, boost: boost, k1Plus1: k1Plus1) }
            var idf = 0.0
            var keys: [[UInt8]] = []
            var entries: [[TermEntry?]] = []
            for token in phraseTokens {
                let key = IndexFormat.key(Array(token.term.utf8), field: field)
                let (frequency, found) = try reader.lookUp(key)
                if frequency == 0 { return .nothing }
                idf += BM25Parameters.idf(documentCount: reader.documentCount, documentFrequency: frequency)
                keys.append(key)
                entries.append(found)
            }
            let first = phraseTokens[0].position
            return .phrase(PhraseWeight(text: text, terms: phraseTokens.map(\.term), keys: keys, entries: entries,
                                        offsets: phraseTokens.map { $0.position - first }, field: field, slop: slop,
                                        idf: idf, boost: boost, weight: Float(boost * idf * k1Plus1)))

        case .prefix(let word, let field, let boost):
            guard let prefix = analyzer.foldedPrefix(word) else { return .dropped }
            let expansions = try expand(prefix: prefix, field: field, limit: options.maxExpansions, notes: &notes, shown: word)
            if expansions.isEmpty { return .nothing }
            var clauses: [CompiledClause] = []
            for (key, frequency, entries) in expansions {
                let term = String(decoding: field == .title ? key.dropFirst() : key[...], as: UTF8.self)
                let idf = BM25Parameters.idf(documentCount: reader.documentCount, documentFrequency: frequency)
                clauses.append(CompiledClause(occur: .should, query: .term(TermWeight(
                    term: term, key: key, field: field, documentFrequency: frequency, idf: idf, boost: boost,
                    weight: Float(boost * idf * k1Plus1), entries: entries))))
            }
            return combine(clauses)

        case .boolean(let clauses, let boost):
            var compiled: [CompiledClause] = []
            var canMatchNothing = false
            for clause in clauses {
                let inner = try compile(boost == 1 ? clause.query : clause.query.boosted(by: boost), options: options, notes: &notes)
                switch inner {
                case .dropped:
                    continue
                case .nothing:
                    if clause.occur == .must { return .nothing }
                    canMatchNothing = true
                    continue
                case .boolean(let nested) where clause.occur == .should && nested.allSatisfy({ $0.occur == .should }):
                    // An OR inside an OR (a split word, a prefix, parentheses) is the same OR:
                    // flattening keeps the common query on the fast path.
                    compiled.append(contentsOf: nested)
                default:
                    compiled.append(CompiledClause(occur: clause.occur, query: inner))
                }
            }
            // Only stop words: the group imposes nothing. Unknown words: it matches nothing.
            if compiled.isEmpty { return canMatchNothing || clauses.isEmpty ? .nothing : .dropped }
            if !compiled.contains(where: { $0.occur != .mustNot }) { return .nothing }  // pure negation
            return combine(compiled)
        }
    }

    /// One clause stands for itself; otherwise a boolean.
    private func combine(_ clauses: [CompiledClause]) -> CompiledQuery {
        if clauses.count == 1 && clauses[0].occur != .mustNot { return clauses[0].query }
        return .boolean(clauses)
    }

    private func termQuery(_ term: String, field: IndexField, boost: Double, k1Plus1: Double) throws(IndexError) -> CompiledQuery {
        let key = IndexFormat.key(Array(term.utf8), field: field)
        let (frequency, entries) = try reader.lookUp(key)
        guard frequency > 0 else { return .nothing }
        let idf = BM25Parameters.idf(documentCount: reader.documentCount, documentFrequency: frequency)
        return .term(TermWeight(term: term, key: key, field: field, documentFrequency: frequency, idf: idf,
                                boost: boost, weight: Float(boost * idf * k1Plus1), entries: entries))
    }

    /// The dictionary keys of `field` starting with `prefix`, with their document frequencies;
    /// past `limit`, the most frequent (ties in term order), in term order.
    private func expand(prefix: [UInt8], field: IndexField, limit: Int, notes: inout [SearchNote],
                        shown: String) throws(IndexError) -> [(key: [UInt8], frequency: Int, entries: [TermEntry?])] {
        let start = IndexFormat.key(prefix, field: field)
        // Each expansion's entry in every segment is kept from the scan: no second lookup.
        var found: [[UInt8]: (frequency: Int, entries: [TermEntry?])] = [:]
        for (index, segment) in reader.segments.enumerated() {
            var terms = try segment.terms(from: start)
            while let (key, entry) = try terms.next() {
                if key.lexicographicallyPrecedes(start) { continue }
                guard key.starts(with: start) else { break }
                var current = found[key] ?? (0, [TermEntry?](repeating: nil, count: reader.segments.count))
                current.frequency += try segment.liveFrequency(key, entry)
                current.entries[index] = entry
                found[key] = current
            }
        }
        var expansions = found.filter { $0.value.frequency > 0 }.map { (key: $0.key, frequency: $0.value.frequency, entries: $0.value.entries) }
        if expansions.count > limit {
            expansions.sort { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.key.lexicographicallyPrecedes($1.key) }
            notes.append(SearchNote(message: "prefix '\(shown)*' matches \(expansions.count) terms; searched the \(limit) most frequent (raise --max-expansions for more)"))
            expansions.removeSubrange(limit...)
        }
        expansions.sort { $0.key.lexicographicallyPrecedes($1.key) }
        return expansions
    }

    // MARK: - Scoring

    /// The terms of a query that is a plain OR of terms (or one term), if it is one.
    private func flatDisjunction(_ query: CompiledQuery) -> [TermWeight]? {
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

    /// Term-at-a-time scoring of an OR of terms: contributions added per document in clause
    /// order, then the best k kept. Returns the number of matching documents.
    private func scoreTermAtATime(_ terms: [TermWeight], into top: inout TopK) throws(IndexError) -> Int {
        try scores.withUnsafeMutableBufferPointer { scores throws(IndexError) in
            try accumulate(terms, into: scores)
        }
        var matched = touched.count
        let deleted = reader.deletedBits
        for document in touched {
            if IndexReader.isLive(document, deleted) {
                top.insert(ScoredDocument(score: scores[Int(document)], document: document))
            } else {
                matched -= 1
            }
            scores[Int(document)] = 0
        }
        touched.removeAll(keepingCapacity: true)
        return matched
    }

    private func accumulate(_ terms: [TermWeight], into scores: UnsafeMutableBufferPointer<Float>) throws(IndexError) {
        let documents = blockDocuments.baseAddress!
        let frequencies = blockFrequencies.baseAddress!
        for term in terms {
            let factors = lengthFactors[term.field]!
            for (index, segment) in reader.segments.enumerated() {
                guard let found = term.entries[index] else { continue }
                let list = try segment.postings(found)
                let base = reader.segmentBases[index]
                for block in 0..<list.blockCount {
                    let count = try list.decode(block: block, documents: documents, frequencies: frequencies)
                    for slot in 0..<count {
                        let document = base + Int(documents[slot])
                        let frequency = Float(frequencies[slot])
                        let contribution = term.weight * frequency / (frequency + factors[document])
                        if scores[document] == 0 { touched.append(UInt32(document)) }
                        scores[document] += contribution
                    }
                }
            }
        }
    }

    /// The scorer tree of a compiled query over one segment; nil when it cannot match there.
    func makeScorer(_ query: CompiledQuery, segment index: Int) throws(IndexError) -> Scorer? {
        let segment = reader.segments[index]
        let base = reader.segmentBases[index]
        switch query {
        case .term(let weight):
            guard let found = weight.entries[index] else { return nil }
            return try TermScorer(list: segment.postings(found), term: weight,
                                  factors: UnsafePointer(lengthFactors[weight.field]!.baseAddress! + base))
        case .phrase(let weight):
            var lists: [PostingsList] = []
            for perSegment in weight.entries {
                guard let found = perSegment[index] else { return nil }
                lists.append(try segment.postings(found))
            }
            return try PhraseScorer(lists: lists, phrase: weight,
                                    factors: UnsafePointer(lengthFactors[weight.field]!.baseAddress! + base))
        case .boolean(let clauses):
            var scorers: [Scorer] = []
            var occurs: [Occur] = []
            for clause in clauses {
                guard let scorer = try makeScorer(clause.query, segment: index) else {
                    if clause.occur == .must { return nil }
                    continue
                }
                scorers.append(scorer)
                occurs.append(clause.occur)
            }
            guard occurs.contains(where: { $0 != .mustNot }) else { return nil }
            return try BooleanScorer(clauses: scorers, occurs: occurs)
        case .nothing, .dropped:
            return nil
        }
    }

    private func prepareLengthFactors(_ parameters: BM25Parameters) {
        guard lengthFactorParameters != parameters else { return }
        for field in IndexField.allCases {
            let factors = lengthFactors[field] ?? UnsafeMutableBufferPointer<Float>.allocate(capacity: max(reader.maxDocument, 1))
            let average = averageLength[field] ?? 0
            for (index, segment) in reader.segments.enumerated() {
                let base = reader.segmentBases[index]
                for local in 0..<segment.documentCount {
                    factors[base + local] = Float(parameters.lengthFactor(length: Int(segment.length(of: local, field: field)), averageLength: average))
                }
            }
            lengthFactors[field] = factors
        }
        lengthFactorParameters = parameters
    }
}
