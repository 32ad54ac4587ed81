@_spi(SiftInternal) import SiftIndex

/// Why a search (or a snippet or explanation of its results) failed: an option out of range,
/// a query that could not be parsed or asked for more than its limits, or an index that could
/// not be read — results of another snapshot included (`.index(.snapshotMismatch)`).
public enum SearchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An option or a clause of the query is out of range (see `SearchOptions.validate()` and
    /// `Query.validate()`): nothing was searched.
    case invalidArgument(InvalidArgument)
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
        case .invalidArgument(let error): error.description
        case .syntax(let error): error.description
        case .limit(let error): error.description
        case .index(let error): error.description
        case .statistics(let error): error.description
        }
    }
}
