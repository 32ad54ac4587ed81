@_spi(SiftInternal) import SiftIndex

/// The collection statistics BM25 reads: N, each field's total tokens (for avgLen), and the
/// document frequency of each term a query needs.
///
/// A searcher normally takes them from its own index. Summed over several indexes and handed
/// to each of them, they make every index score its documents exactly as one index built over
/// the union would — the distributed-frequency step Elasticsearch calls `dfs_query_then_fetch`.
/// `Searcher.statistics(for:)` gives one index's share for a query, `+` sums shares, and
/// `Searcher.search(_:options:statistics:)` ranks with the sum. The value is small and
/// `Codable`, so the exchange can cross machines (`sift stats --terms`, `sift search
/// --global-stats`).
public struct CollectionStatistics: Sendable, Equatable, Hashable, Codable {
    /// Live documents (BM25's N).
    public var documentCount: Int
    /// Tokens of the text field over the live documents.
    public var tokenCount: UInt64
    /// Tokens of the title field over the live documents.
    public var titleTokenCount: UInt64
    /// Live documents holding each analyzed term, by field name (`text`, `title`) then term.
    public var documentFrequencies: [String: [String: Int]]

    public init(documentCount: Int = 0, tokenCount: UInt64 = 0, titleTokenCount: UInt64 = 0,
                documentFrequencies: [String: [String: Int]] = [:]) {
        self.documentCount = documentCount
        self.tokenCount = tokenCount
        self.titleTokenCount = titleTokenCount
        self.documentFrequencies = documentFrequencies
    }

    /// The statistics of the union of two collections (their documents are disjoint).
    public static func + (left: CollectionStatistics, right: CollectionStatistics) -> CollectionStatistics {
        var sum = left
        sum.documentCount += right.documentCount
        sum.tokenCount += right.tokenCount
        sum.titleTokenCount += right.titleTokenCount
        for (field, terms) in right.documentFrequencies {
            for (term, frequency) in terms { sum.documentFrequencies[field, default: [:]][term, default: 0] += frequency }
        }
        return sum
    }

    /// The documents holding `term` in `field`, if these statistics know the term.
    public func documentFrequency(of term: String, in field: IndexField) -> Int? {
        documentFrequencies[field.rawValue]?[term]
    }

    /// Mean field lengths, computed exactly as a searcher computes its own index's.
    var averageLength: [IndexField: Double] {
        let count = Double(max(documentCount, 1))
        return [.text: Double(tokenCount) / count, .title: Double(titleTokenCount) / count]
    }

    /// The terms of `field` these statistics know that start with `prefix` (a prefix query's
    /// expansions in other indexes).
    func terms(of field: IndexField, startingWith prefix: String) -> [String] {
        (documentFrequencies[field.rawValue] ?? [:]).keys.filter { $0.hasPrefix(prefix) }
    }

    mutating func record(_ term: String, in field: IndexField, frequency: Int) {
        documentFrequencies[field.rawValue, default: [:]][term] = frequency
    }
}

/// Why a search with supplied statistics, or over several indexes, could not run.
public enum StatisticsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A term the query needs that the statistics do not give (they were made for another query).
    case missingTerm(String, field: IndexField)
    /// RM3 reads feedback documents of one index; it cannot run with outside statistics.
    case feedbackUnsupported
    /// Indexes searched as one must analyse alike: these two differ.
    case analyzerMismatch(first: String, second: String, firstAnalyzer: String, secondAnalyzer: String)

    public var description: String {
        switch self {
        case .missingTerm(let term, let field):
            "the collection statistics do not give the document frequency of \(field == .title ? "title:" : "")'\(term)'; gather them for this query"
        case .feedbackUnsupported:
            "RM3 feedback cannot run over several indexes or with supplied statistics"
        case .analyzerMismatch(let first, let second, let firstAnalyzer, let secondAnalyzer):
            "'\(first)' and '\(second)' are analysed differently (\(firstAnalyzer); \(secondAnalyzer)): indexes searched as one must share the analyzer"
        }
    }
}
