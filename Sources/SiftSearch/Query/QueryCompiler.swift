@_spi(SiftInternal) import SiftIndex
import SiftAnalysis

/// Turns a parsed `Query` into a `CompiledQuery` for one index: words analyzed with the
/// index's analyzer, terms looked up in every segment once, idf and BM25 weights computed from
/// the statistics of the live documents, prefixes expanded, and clauses that cannot matter
/// (stop words, unknown terms) folded away.
struct QueryCompiler {
    let reader: IndexReader
    let analyzer: Analyzer
    let options: SearchOptions
    /// Mean field lengths over the index (BM25's avgLen).
    let averageLength: [IndexField: Double]
    /// Notes for the user, collected while compiling (a prefix cut at `maxExpansions`, …).
    private(set) var notes: [SearchNote] = []
    /// Clauses made so far: terms, phrase words and prefix expansions.
    private(set) var clauseCount = 0
    /// Set once `clauseCount` passes `options.limits.maxClauses`: compiling stops there and
    /// the searcher refuses the query (`QueryLimitError.tooManyClauses`).
    private(set) var exceededClauseLimit = false
    /// Statistics from outside (several indexes searched as one): N and document frequencies
    /// are taken from them instead of the index. Nil: the index's own.
    let statistics: CollectionStatistics?
    /// Set when `statistics` lack a term the index holds: the searcher refuses the query.
    private(set) var missingStatistics: StatisticsError?

    init(reader: IndexReader, analyzer: Analyzer, options: SearchOptions, averageLength: [IndexField: Double],
         statistics: CollectionStatistics? = nil) {
        self.reader = reader
        self.analyzer = analyzer
        self.options = options
        self.averageLength = statistics?.averageLength ?? averageLength
        self.statistics = statistics
    }

    /// BM25's N: the index's live documents, or the supplied statistics'.
    private var documentCount: Int { statistics?.documentCount ?? reader.documentCount }

    /// The document frequency BM25 uses for `term`: the index's (`local`), or the supplied
    /// statistics'. A term the index holds but the statistics lack is an error.
    private mutating func frequency(of term: String, in field: IndexField, local: Int) -> Int {
        guard let statistics else { return local }
        if let global = statistics.documentFrequency(of: term, in: field) { return global }
        if local > 0, missingStatistics == nil { missingStatistics = .missingTerm(term, field: field) }
        return local
    }

    mutating func compile(_ query: Query) throws(IndexError) -> CompiledQuery {
        if exceededClauseLimit { return .nothing }
        switch query {
        case .term(let word, let field, let boost):
            let terms = analyzer.analyze(word).map(\.term)
            if terms.isEmpty { return .dropped }
            if !countClauses(terms.count) { return .nothing }
            if terms.count == 1 { return try termQuery(terms[0], field: field, boost: boost) }
            // A word the analyzer splits (`war-torn`) is its parts, each a clause of its own.
            var clauses: [CompiledClause] = []
            for term in terms {
                clauses.append(CompiledClause(occur: .should, query: try termQuery(term, field: field, boost: boost)))
            }
            return combine(clauses)

        case .phrase(let text, let field, let slop, let boost):
            let phraseTokens = analyzer.analyze(text)
            if phraseTokens.isEmpty { return .dropped }
            if !countClauses(phraseTokens.count) { return .nothing }
            if phraseTokens.count == 1 { return try termQuery(phraseTokens[0].term, field: field, boost: boost) }
            // Imported postings have frequencies only: answering without positions would be
            // answering another query.
            guard reader.hasPositions else { throw .noPositions(reader.path) }
            var idf = 0.0
            var keys: [[UInt8]] = []
            var entries: [[TermEntry?]] = []
            for token in phraseTokens {
                let key = IndexFormat.key(Array(token.term.utf8), field: field)
                let (local, found) = try reader.lookUp(key)
                // A phrase word absent here: no document of this index holds the phrase.
                if local == 0 { return .nothing }
                let frequency = frequency(of: token.term, in: field, local: local)
                idf += BM25Parameters.idf(documentCount: documentCount, documentFrequency: frequency)
                keys.append(key)
                entries.append(found)
            }
            let first = phraseTokens[0].position
            return .phrase(PhraseWeight(text: text, terms: phraseTokens.map(\.term), keys: keys, entries: entries,
                                        offsets: phraseTokens.map { $0.position - first }, field: field, slop: slop,
                                        bm25: weight(idf: idf, boost: boost, field: field)))

        case .prefix(let word, let field, let boost):
            guard let prefix = analyzer.foldedPrefix(word) else { return .dropped }
            let expansions = try expand(prefix: prefix, field: field, shown: word)
            if expansions.isEmpty { return .nothing }
            if !countClauses(expansions.count) { return .nothing }
            var clauses: [CompiledClause] = []
            for expansion in expansions {
                let term = String(decoding: field == .title ? expansion.key.dropFirst() : expansion.key[...], as: UTF8.self)
                let idf = BM25Parameters.idf(documentCount: documentCount, documentFrequency: expansion.frequency)
                clauses.append(CompiledClause(occur: .should, query: .term(TermWeight(
                    term: term, key: expansion.key, field: field, documentFrequency: expansion.frequency,
                    bm25: weight(idf: idf, boost: boost, field: field), entries: expansion.entries))))
            }
            return combine(clauses)

        case .boolean(let clauses, let boost):
            var compiled: [CompiledClause] = []
            var canMatchNothing = false
            for clause in clauses {
                let inner = try compile(boost == 1 ? clause.query : clause.query.boosted(by: boost))
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

        case .filter:
            // The searcher takes filters out before compiling (`Query.separatingFilters`);
            // a filter left here restricts nothing and scores nothing.
            return .dropped
        }
    }

    /// Adds `count` clauses; false (and compiling stops) once they pass the limit.
    private mutating func countClauses(_ count: Int) -> Bool {
        clauseCount += count
        if clauseCount > options.limits.maxClauses { exceededClauseLimit = true }
        return !exceededClauseLimit
    }

    /// One clause stands for itself; otherwise a boolean.
    private func combine(_ clauses: [CompiledClause]) -> CompiledQuery {
        if clauses.count == 1 && clauses[0].occur != .mustNot { return clauses[0].query }
        return .boolean(clauses)
    }

    private func weight(idf: Double, boost: Double, field: IndexField) -> BM25Weight {
        BM25Weight(idf: idf, boost: boost, parameters: options.bm25, averageLength: averageLength[field] ?? 0)
    }

    private mutating func termQuery(_ term: String, field: IndexField, boost: Double) throws(IndexError) -> CompiledQuery {
        let key = IndexFormat.key(Array(term.utf8), field: field)
        let (local, entries) = try reader.lookUp(key)
        guard local > 0 else { return .nothing }
        let frequency = frequency(of: term, in: field, local: local)
        let idf = BM25Parameters.idf(documentCount: documentCount, documentFrequency: frequency)
        return .term(TermWeight(term: term, key: key, field: field, documentFrequency: frequency,
                                bm25: weight(idf: idf, boost: boost, field: field), entries: entries))
    }

    /// One term a prefix expands to: its dictionary key, live documents, and entry per segment.
    private struct Expansion {
        var key: [UInt8]
        var frequency: Int
        var entries: [TermEntry?]
    }

    /// The dictionary keys of `field` starting with `prefix`, with their document frequencies;
    /// past `maxExpansions`, the most frequent (ties in term order), in term order.
    private mutating func expand(prefix: [UInt8], field: IndexField, shown: String) throws(IndexError) -> [Expansion] {
        let start = IndexFormat.key(prefix, field: field)
        let limit = options.maxExpansions
        // Each expansion's entry in every segment is kept from the scan: no second lookup.
        var found: [[UInt8]: Expansion] = [:]
        for (index, segment) in reader.segments.enumerated() {
            var terms = try segment.terms(from: start)
            while let (key, entry) = try terms.next() {
                if key.lexicographicallyPrecedes(start) { continue }
                guard key.starts(with: start) else { break }
                var current = found[key] ?? Expansion(key: key, frequency: 0,
                                                      entries: [TermEntry?](repeating: nil, count: reader.segments.count))
                current.frequency += try segment.liveFrequency(key, entry)
                current.entries[index] = entry
                found[key] = current
            }
        }
        var expansions = found.values.filter { $0.frequency > 0 }
        if let statistics {
            // Which expansions are searched is decided by the whole collection's frequencies:
            // terms other indexes hold count too (with no postings here).
            let prefixText = String(decoding: prefix, as: UTF8.self)
            var global: [Expansion] = []
            var seen = Set<[UInt8]>()
            for expansion in expansions {
                let term = String(decoding: field == .title ? expansion.key.dropFirst() : expansion.key[...], as: UTF8.self)
                var copy = expansion
                copy.frequency = frequency(of: term, in: field, local: expansion.frequency)
                global.append(copy)
                seen.insert(expansion.key)
            }
            for term in statistics.terms(of: field, startingWith: prefixText) {
                let key = IndexFormat.key(Array(term.utf8), field: field)
                guard !seen.contains(key), let frequency = statistics.documentFrequency(of: term, in: field), frequency > 0 else { continue }
                global.append(Expansion(key: key, frequency: frequency, entries: [TermEntry?](repeating: nil, count: reader.segments.count)))
            }
            expansions = global
        }
        if expansions.count > limit {
            expansions.sort { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.key.lexicographicallyPrecedes($1.key) }
            notes.append(SearchNote(kind: .expansionsLimited,
                                    message: "prefix '\(shown)*' matches \(expansions.count) terms; searched the \(limit) most frequent"))
            expansions.removeSubrange(limit...)
        }
        expansions.sort { $0.key.lexicographicallyPrecedes($1.key) }
        return expansions
    }
}
