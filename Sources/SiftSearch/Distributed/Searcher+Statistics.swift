@_spi(SiftInternal) import SiftIndex

extension Searcher {
    /// This index's share of the collection statistics `query` needs: N, the fields' token
    /// counts, and the document frequency of every term it names — words, phrase words and
    /// every expansion of its prefixes (all of them: which are searched is decided on the sum).
    /// Sum the shares of several indexes with `+` and pass the sum to
    /// `search(_:options:statistics:)` on each.
    /// - Complexity: a dictionary lookup per term, a dictionary scan per prefix.
    public func statistics(for query: Query, options: SearchOptions = SearchOptions()) throws(SearchError) -> CollectionStatistics {
        let depthLimit = options.limits.maxDepth * 4
        if query.nestingDepth(stoppingAfter: depthLimit) > depthLimit { throw .limit(.tooDeep(limit: depthLimit)) }
        var statistics = CollectionStatistics(documentCount: reader.documentCount, tokenCount: reader.tokenCount,
                                              titleTokenCount: reader.titleTokenCount)
        do {
            try gather(query, into: &statistics)
        } catch {
            throw .index(error)
        }
        return statistics
    }

    /// The same for query text, read in the options' syntax.
    public func statistics(for query: String, options: SearchOptions = SearchOptions()) throws(SearchError) -> CollectionStatistics {
        try statistics(for: try parse(query, options: options), options: options)
    }

    private func gather(_ query: Query, into statistics: inout CollectionStatistics) throws(IndexError) {
        switch query {
        case .term(let text, let field, _), .phrase(let text, let field, _, _):
            for token in analyzer.analyze(text) {
                let key = IndexFormat.key(Array(token.term.utf8), field: field)
                statistics.record(token.term, in: field, frequency: try reader.lookUp(key).frequency)
            }
        case .prefix(let word, let field, _):
            guard let prefix = analyzer.foldedPrefix(word) else { return }
            let start = IndexFormat.key(prefix, field: field)
            var frequencies: [[UInt8]: Int] = [:]
            for segment in reader.segments {
                var terms = try segment.terms(from: start)
                while let (key, entry) = try terms.next() {
                    if key.lexicographicallyPrecedes(start) { continue }
                    guard key.starts(with: start) else { break }
                    frequencies[key, default: 0] += try segment.liveFrequency(key, entry)
                }
            }
            for (key, frequency) in frequencies where frequency > 0 {
                let term = String(decoding: field == .title ? key.dropFirst() : key[...], as: UTF8.self)
                statistics.record(term, in: field, frequency: frequency)
            }
        case .boolean(let clauses, _):
            for clause in clauses { try gather(clause.query, into: &statistics) }
        case .filter:
            // Filters do not score: they need no statistics.
            return
        }
    }
}
