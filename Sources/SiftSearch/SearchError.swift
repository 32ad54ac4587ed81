@_spi(SiftInternal) import SiftIndex

/// Why a search failed: the query could not be parsed, asked for more than its limits, or
/// the index could not be read.
public enum SearchError: Error, Equatable, CustomStringConvertible {
    /// The query text is not valid query syntax (nesting past the limit included).
    case syntax(QuerySyntaxError)
    /// The query is longer, or has more clauses, than `SearchOptions.limits` allows.
    case limit(QueryLimitError)
    /// The index could not be read.
    case index(IndexError)
    /// Supplied statistics do not fit the query, or indexes searched as one do not fit together.
    case statistics(StatisticsError)

    public var description: String {
        switch self {
        case .syntax(let error): error.description
        case .limit(let error): error.description
        case .index(let error): error.description
        case .statistics(let error): error.description
        }
    }
}
