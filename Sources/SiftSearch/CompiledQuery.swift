@_spi(SiftInternal) import SiftIndex
/// A query resolved against one index: words analyzed, dictionary keys made, statistics and
/// BM25 weights computed once for all segments.
indirect enum CompiledQuery {
    case term(TermWeight)
    case phrase(PhraseWeight)
    case boolean([CompiledClause])
    /// Can match nothing (an unknown term, a pure negation).
    case nothing
    /// Imposes nothing (a stop word): dropped from the clause that held it.
    case dropped

    /// The leaves that add to a score (everything but excluded clauses), in clause order.
    var positiveLeaves: [CompiledQuery] {
        switch self {
        case .term, .phrase: [self]
        case .boolean(let clauses): clauses.filter { $0.occur != .mustNot }.flatMap(\.query.positiveLeaves)
        case .nothing, .dropped: []
        }
    }
}

struct CompiledClause {
    var occur: Occur
    var query: CompiledQuery
}

/// One term of one field, with BM25's idf and the query-side weight `boost · idf · (k1 + 1)`.
struct TermWeight {
    /// The analyzed term, for display.
    var term: String
    /// The dictionary key (field prefix + term bytes).
    var key: [UInt8]
    var field: IndexField
    var documentFrequency: Int
    var idf: Double
    var boost: Double
    var weight: Float
    /// The term's dictionary entry in each segment (nil where it does not occur), looked up once.
    var entries: [TermEntry?]
}

/// A phrase: its terms' keys and their offsets within the phrase (stop words keep their slot).
struct PhraseWeight {
    var text: String
    var terms: [String]
    var keys: [[UInt8]]
    /// Per term, its entry in each segment.
    var entries: [[TermEntry?]]
    var offsets: [Int]
    var field: IndexField
    var slop: Int
    /// The sum of the terms' idf: a phrase is as informative as its words together.
    var idf: Double
    var boost: Double
    var weight: Float
}

/// What a query expansion or analysis decided that the user should be told.
public struct SearchNote: Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
