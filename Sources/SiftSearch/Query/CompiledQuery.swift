@_spi(SiftInternal) import SiftIndex

/// A query resolved against one index: words analyzed, dictionary keys made, statistics and
/// BM25 weights computed once for all segments.
indirect enum CompiledQuery: Sendable {
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

    /// The analyzed terms that can add to a score, in query order.
    var scoringTerms: [String] {
        positiveLeaves.flatMap { leaf -> [String] in
            switch leaf {
            case .term(let weight): [weight.term]
            case .phrase(let weight): weight.terms
            default: []
            }
        }
    }
}

struct CompiledClause: Sendable {
    var occur: Occur
    var query: CompiledQuery
}

/// One term of one field: its statistics, its BM25 weight and where its postings are.
struct TermWeight: Sendable {
    /// The analyzed term, for display.
    var term: String
    /// The dictionary key (field prefix + term bytes).
    var key: [UInt8]
    var field: IndexField
    /// Live documents holding the term over the whole index.
    var documentFrequency: Int
    var bm25: BM25Weight
    /// The term's dictionary entry in each segment (nil where it does not occur), looked up once.
    var entries: [TermEntry?]
}

/// A phrase: its terms' keys and their offsets within the phrase (stop words keep their slot).
struct PhraseWeight: Sendable {
    var text: String
    var terms: [String]
    var keys: [[UInt8]]
    /// Per term, its entry in each segment.
    var entries: [[TermEntry?]]
    var offsets: [Int]
    var field: IndexField
    var slop: Int
    /// Its idf is the sum of the terms' idf: a phrase is as informative as its words together.
    var bm25: BM25Weight
}
