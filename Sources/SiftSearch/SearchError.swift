@_spi(SiftInternal) import SiftIndex

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
