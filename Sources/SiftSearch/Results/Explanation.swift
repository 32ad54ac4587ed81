@_spi(SiftInternal) import SiftIndex
/// Why a document scored what it did: a tree whose leaves are BM25 clauses and whose inner
/// nodes are sums of their children (added in the same order as the score was, so every
/// node's value is exactly the sum of its children's).
public struct Explanation: Sendable, Equatable {
    /// What a node is.
    public enum Kind: String, Sendable, Equatable {
        /// A sum of matching clauses.
        case sum
        /// One term's BM25.
        case term
        /// One phrase's BM25.
        case phrase
    }

    public var kind: Kind
    /// The node's contribution to the score.
    public var value: Float
    /// The clauses of a sum.
    public var details: [Explanation] = []
    /// For leaves: the term or phrase and its field.
    public var text: String = ""
    public var field: IndexField = .text
    /// For leaves: term (or phrase) frequency in the document.
    public var termFrequency = 0
    /// For term leaves: documents containing the term (phrases have none: their idf is the sum).
    public var documentFrequency: Int? = nil
    /// For leaves: documents in the index.
    public var documentCount = 0
    public var idf = 0.0
    /// For leaves: the field length of this document, and the mean over the index.
    public var documentLength = 0
    public var averageLength = 0.0
    public var k1 = 0.0
    public var b = 0.0
    public var boost = 1.0
    /// For phrase leaves: the slop (moves allowed).
    public var slop = 0

    static func leaf(kind: Kind, text: String, field: IndexField, frequency: Int, documentFrequency: Int?, idf: Double,
                     boost: Double, length: Int, context: ExplainContext, value: Float) -> Explanation {
        Explanation(kind: kind, value: value, text: text, field: field, termFrequency: frequency,
                    documentFrequency: documentFrequency, documentCount: context.documentCount, idf: idf,
                    documentLength: length, averageLength: context.averageLength[field] ?? 0,
                    k1: context.parameters.k1, b: context.parameters.b, boost: boost)
    }
}
