import Dispatch
@_spi(SiftInternal) import SiftIndex

/// Several indexes searched as one — collections on one machine, or shards of one collection.
///
/// BM25 takes **global** statistics: for each query, every index's share (N, token counts, the
/// document frequency of each term, `Searcher.statistics(for:)`) is summed, and every index
/// ranks its documents with the sum. Each index's pruned top k is exact under those statistics,
/// so merging them gives exactly the hits, order and scores of one index built over the union
/// of the documents, in the order the indexes are given (ties go to the earlier index, then to
/// the lower document number, as they would in that union). The indexes must share the
/// analyzer. They are searched in parallel on `jobs` threads, one `Searcher` each.
///
/// Like a `Searcher`, a multi-searcher is used by one thread at a time.
public final class MultiSearcher {
    /// The indexes, in the order their ties rank.
    public let readers: [IndexReader]
    /// The names hits are told apart by (by default the indexes' paths).
    public let names: [String]
    /// Indexes searched at once.
    public let jobs: Int
    private let searchers: [Searcher]

    /// - Throws: `SearchError.statistics(.analyzerMismatch)` naming two indexes that are
    ///   analysed differently (settings or analyzer version).
    public init(readers: [IndexReader], names: [String]? = nil, jobs: Int = 1) throws(SearchError) {
        precondition(!readers.isEmpty, "a multi-searcher needs at least one index")
        self.readers = readers
        self.names = names ?? readers.map(\.path)
        precondition(self.names.count == readers.count, "one name per index")
        self.jobs = max(1, min(jobs, readers.count))
        for (index, reader) in readers.enumerated().dropFirst()
        where reader.configuration != readers[0].configuration || reader.analyzerVersion != readers[0].analyzerVersion {
            throw .statistics(.analyzerMismatch(first: self.names[0], second: self.names[index],
                                                firstAnalyzer: "\(readers[0].configuration), analyzer version \(readers[0].analyzerVersion)",
                                                secondAnalyzer: "\(reader.configuration), analyzer version \(reader.analyzerVersion)"))
        }
        searchers = readers.map { Searcher(reader: $0) }
    }

    /// Parses `query` and ranks every index against it with the indexes' summed statistics.
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws(SearchError) -> MultiSearchResults {
        try search(try searchers[0].parse(query, options: options), options: options)
    }

    /// Ranks every index against `query` with the indexes' summed statistics.
    /// - Complexity: that of each index's search, on `jobs` threads, plus a merge of their top k.
    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws(SearchError) -> MultiSearchResults {
        if options.rm3 != nil { throw .statistics(.feedbackUnsupported) }
        var statistics = CollectionStatistics()
        for searcher in searchers { statistics = statistics + (try searcher.statistics(for: query, options: options)) }
        // Each index's best offset + limit: the merged page can come from any of them.
        var perIndex = options
        perIndex.offset = 0
        let wanted = options.offset.addingReportingOverflow(options.limit)
        perIndex.limit = wanted.overflow ? Int.max : wanted.partialValue
        var outcomes = [Result<SearchResults, SearchError>?](repeating: nil, count: searchers.count)
        // Each thread uses its own indexes' searchers only (a searcher is used by one thread).
        nonisolated(unsafe) let searchers = self.searchers
        let indexes = searchers.count
        let threads = jobs
        let shardOptions = perIndex
        let summed = statistics
        outcomes.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                var index = thread
                while index < indexes {
                    do throws(SearchError) {
                        slots[index] = .success(try searchers[index].search(query, options: shardOptions, statistics: summed))
                    } catch {
                        slots[index] = .failure(error)
                    }
                    index += threads
                }
            }
        }
        var results: [SearchResults] = []
        for outcome in outcomes {
            switch outcome! {
            case .success(let found): results.append(found)
            case .failure(let error): throw error
            }
        }
        // Merge: score descending, then index order, then document number — the union's order.
        var merged: [MultiSearchHit] = []
        for (index, found) in results.enumerated() {
            for hit in found.hits { merged.append(MultiSearchHit(rank: 0, index: index, name: names[index], hit: hit)) }
        }
        merged.sort { left, right in
            if left.score != right.score { return left.score > right.score }
            if left.index != right.index { return left.index < right.index }
            return left.hit.document < right.hit.document
        }
        var page: [MultiSearchHit] = []
        for (position, hit) in merged.enumerated() where position >= options.offset && page.count < options.limit {
            var ranked = hit
            ranked.rank = position + 1
            page.append(ranked)
        }
        return MultiSearchResults(hits: page, totalHits: results.reduce(0) { $0 + $1.totalHits },
                                  totalHitsIsExact: results.allSatisfy(\.totalHitsIsExact), terms: results[0].terms,
                                  notes: results[0].notes, statistics: statistics, perIndex: results)
    }

    /// The snippet of a hit, from its index's stored text.
    public func snippet(for hit: MultiSearchHit, in results: MultiSearchResults, maxLength: Int = 200) throws(IndexError) -> Snippet {
        try searchers[hit.index].snippet(for: hit.hit, in: results.perIndex[hit.index], maxLength: maxLength)
    }

    /// The score of a hit broken down by clause, with the global statistics it was scored with.
    public func explain(_ hit: MultiSearchHit, in results: MultiSearchResults) throws(IndexError) -> Explanation {
        try searchers[hit.index].explain(hit.hit, in: results.perIndex[hit.index])
    }
}

/// One hit of a search over several indexes.
public struct MultiSearchHit: Sendable, Equatable {
    /// 1-based rank in the merged list (offset included).
    public var rank: Int
    /// The position of the hit's index among the searched indexes.
    public var index: Int
    /// The name of the hit's index.
    public var name: String
    /// The hit as its own index ranked it (its `rank` is within that index).
    public var hit: SearchHit

    public var score: Float { hit.score }
    public var id: String { hit.id }
    public var title: String { hit.title }
}

/// The answer to one query over several indexes.
public struct MultiSearchResults: Sendable {
    /// The merged hits, best first, after `offset`.
    public var hits: [MultiSearchHit]
    /// Matches over every index: exact when `totalHitsIsExact`, else a lower bound.
    public var totalHits: Int
    public var totalHitsIsExact: Bool
    /// The analyzed terms that can add to a score.
    public var terms: [String]
    public var notes: [SearchNote]
    /// The summed statistics every index ranked with.
    public var statistics: CollectionStatistics
    /// Each index's own results (its best offset + limit), in index order.
    public var perIndex: [SearchResults]
}
