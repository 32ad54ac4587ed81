@_spi(SiftInternal) import SiftIndex
/// A parsed query: what to match and how clauses combine, before analysis.
///
/// Words are kept as typed and analyzed at search time with the index's own analyzer, so the
/// same `Query` can run against indexes with different settings.
public indirect enum Query: Sendable, Equatable {
    /// A word as typed. Analysis may turn it into no term (a stop word), one, or several
    /// (`war-torn`), each then a clause of the same kind.
    case term(String, field: IndexField = .text, boost: Double = 1)
    /// Words at consecutive positions, or within `slop` moves of that (Lucene's meaning).
    case phrase(String, field: IndexField = .text, slop: Int = 0, boost: Double = 1)
    /// Every indexed term that starts with the folded (unstemmed) prefix.
    case prefix(String, field: IndexField = .text, boost: Double = 1)
    /// Clauses that must, should or must not match.
    case boolean([BooleanClause], boost: Double = 1)
    /// A condition on metadata (`category:tech`): it restricts the documents found and adds
    /// nothing to their scores. A filter stands at the top of the query, or as a top-level
    /// clause of a boolean (required or excluded; a `should` filter restricts too), or inside
    /// a group made only of filters; a search refuses one mixed into a group of words.
    case filter(MetadataFilter)
}

/// One clause of a boolean query.
public struct BooleanClause: Sendable, Equatable {
    /// How the clause takes part.
    public var occur: Occur
    /// What it matches.
    public var query: Query

    public init(_ occur: Occur, _ query: Query) {
        self.occur = occur
        self.query = query
    }
}

/// How a boolean clause takes part, as in Lucene: documents must match every `must` clause
/// (or, with none, at least one `should`), no `mustNot` clause, and score the sum of the
/// matching `must` and `should` clauses.
public enum Occur: String, Sendable, Equatable {
    case must, should, mustNot
}

/// How bare words combine when the query does not say.
public enum DefaultOperator: String, Sendable, Equatable {
    /// Any word may match (ranked by BM25): the default.
    case or
    /// Every bare word is required.
    case and
}

extension Query {
    /// The query with its boost multiplied by `factor`.
    func boosted(by factor: Double) -> Query {
        switch self {
        case .term(let text, let field, let boost): .term(text, field: field, boost: boost * factor)
        case .phrase(let text, let field, let slop, let boost): .phrase(text, field: field, slop: slop, boost: boost * factor)
        case .prefix(let text, let field, let boost): .prefix(text, field: field, boost: boost * factor)
        case .boolean(let clauses, let boost): .boolean(clauses, boost: boost * factor)
        case .filter: self
        }
    }
}
