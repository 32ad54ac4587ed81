import SiftIndex
/// How a search runs.
public struct SearchOptions: Sendable, Equatable {
    /// Hits to return.
    public var limit: Int
    /// Hits to skip first (for paging).
    public var offset: Int
    /// BM25's k1 and b.
    public var bm25: BM25Parameters
    /// How bare words combine: OR (ranked, the default) or AND (every bare word required).
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
    /// The most a query may ask for (bytes, clauses, nesting); past them a search throws
    /// `SearchError.limit`.
    public var limits: QueryLimits
    /// RM3 pseudo-relevance feedback: when set, the query is expanded with terms of its first
    /// search's top documents and searched again (`RM3Parameters`); nil (the default) searches once.
    public var rm3: RM3Parameters?
    /// Only documents whose metadata passes this are returned; their scores are those of an
    /// unfiltered search (BM25's statistics stay the whole index's). Combined with AND with
    /// any filter written in the query text (`category:tech`). Nil (the default): no filter.
    public var filter: MetadataFilter?

    public init(limit: Int = 10, offset: Int = 0, bm25: BM25Parameters = BM25Parameters(),
                defaultOperator: DefaultOperator = .or, maxExpansions: Int = 128, syntax: QuerySyntax = .query,
                exhaustive: Bool = false, countTotalHits: Bool = false, limits: QueryLimits = QueryLimits(),
                rm3: RM3Parameters? = nil, filter: MetadataFilter? = nil) {
        self.limit = limit
        self.offset = offset
        self.bm25 = bm25
        self.defaultOperator = defaultOperator
        self.maxExpansions = maxExpansions
        self.syntax = syntax
        self.exhaustive = exhaustive
        self.countTotalHits = countTotalHits
        self.limits = limits
        self.rm3 = rm3
        self.filter = filter
    }
}

/// How query text is read.
public enum QuerySyntax: String, Sendable, Equatable, CaseIterable {
    /// The query language (`QueryParser`): operators, phrases, prefixes, fields, boosts.
    case query
    /// Every word a bare term; punctuation is just text (natural-language test queries).
    case plain
}
