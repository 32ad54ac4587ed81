/// Bounds on what one query may cost, in the manner of Lucene's maximum clause count: a query
/// past any of them is refused with a `QueryLimitError` (or, for nesting found while parsing,
/// a `QuerySyntaxError` with its column) before any posting is read.
///
/// Within the limits, parsing and compiling are linear in the query's size and ranking reads
/// each clause's postings once, plus one visit per clause of a boolean query for each document
/// it considers.
public struct QueryLimits: Sendable, Equatable {
    /// The default for `maxBytes`: 64 KiB, ten times the longest query of the test
    /// collections, far more than anyone types.
    public static let defaultMaxBytes = 65_536
    /// The default for `maxClauses`: Lucene's maximum clause count.
    public static let defaultMaxClauses = 1024
    /// The default for `maxDepth`: deeper than any query written by hand, and shallow enough
    /// that parsing, compiling, scoring and explaining a query never come near a thread's stack.
    public static let defaultMaxDepth = 100
    /// The most moves a phrase's `~N` allows.
    public static let maxSlop = 1_000_000
    /// How deep a `MetadataFilter` built in code may nest (`all`, `any`, `not` inside one
    /// another): filters are evaluated recursively.
    public static let maxFilterDepth = 400

    /// The longest query text, in UTF-8 bytes.
    public var maxBytes: Int
    /// The most clauses after analysis and expansion: every term, every word of a phrase and
    /// every term a prefix expands to counts as one.
    public var maxClauses: Int
    /// The deepest nesting of groups, `NOT`s and field prefixes (of a parsed query) or of
    /// boolean queries (of a `Query` built in code).
    public var maxDepth: Int

    public init(maxBytes: Int = QueryLimits.defaultMaxBytes, maxClauses: Int = QueryLimits.defaultMaxClauses,
                maxDepth: Int = QueryLimits.defaultMaxDepth) {
        self.maxBytes = maxBytes
        self.maxClauses = maxClauses
        self.maxDepth = maxDepth
    }
}

/// A query beyond one of its `QueryLimits`; each case carries the limit it passed.
public enum QueryLimitError: Error, Equatable, CustomStringConvertible {
    /// The query text has `bytes` bytes, more than `limit`.
    case tooLong(bytes: Int, limit: Int)
    /// Terms, phrase words and prefix expansions together are more than `limit`.
    case tooManyClauses(limit: Int)
    /// Boolean queries nest deeper than `limit` (a `Query` built in code; the parser reports
    /// the same as a syntax error with its column).
    case tooDeep(limit: Int)

    public var description: String {
        switch self {
        case .tooLong(let bytes, let limit): "query of \(bytes) bytes is longer than the limit of \(limit) bytes"
        case .tooManyClauses(let limit): "query has more than \(limit) clauses (terms, phrase words and prefix expansions together)"
        case .tooDeep(let limit): "query nesting deeper than \(limit)"
        }
    }
}

extension Query {
    /// How deeply boolean queries nest (a leaf is 0), found without recursion so that any
    /// tree, however deep, can be measured; stops counting past `limit`.
    func nestingDepth(stoppingAfter limit: Int) -> Int {
        var deepest = 0
        var pending: [(Query, Int)] = [(self, 0)]
        while let (query, depth) = pending.popLast() {
            guard case .boolean(let clauses, _) = query else { continue }
            let inner = depth + 1
            deepest = max(deepest, inner)
            if deepest > limit { return deepest }
            for clause in clauses { pending.append((clause.query, inner)) }
        }
        return deepest
    }
}
