@_spi(SiftInternal) import SiftIndex
/// Why a document scored what it did: a tree whose leaves are BM25 clauses and whose inner
/// nodes are sums of their children (added in the same order as the score was, so every
/// node's value is exactly the sum of its children's).
///
/// Its `description` is the tree as text, one node a line, as Lucene's `Explanation` prints:
///
/// ```
/// 2.0863 = sum of:
///   1.3218 = term 'ghani' in text: idf 1.8718, tf 1, length 27 (average 33.2), k1 1.2, b 0.75
///   0.7645 = phrase 'fled the country' in text: idf 3.5871, tf 1, length 27 (average 33.2), k1 1.2, b 0.75, boost 0.5
/// ```
public struct Explanation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What a node is.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A sum of matching clauses.
        case sum
        /// One term's BM25.
        case term
        /// One phrase's BM25.
        case phrase
    }

    /// What the node is: a sum, or a term's or phrase's BM25.
    public var kind: Kind
    /// The node's contribution to the score.
    public var value: Float
    /// The clauses of a sum.
    public var details: [Explanation] = []
    /// For leaves: the term or phrase, analyzed.
    public var text: String = ""
    /// For leaves: the field searched.
    public var field: IndexField = .text
    /// For leaves: term (or phrase) frequency in the document.
    public var termFrequency = 0
    /// For term leaves: documents containing the term (phrases have none: their idf is the sum).
    public var documentFrequency: Int? = nil
    /// For leaves: live documents in the index (BM25's N).
    public var documentCount = 0
    /// For leaves: the inverse document frequency (for a phrase, its words' summed).
    public var idf = 0.0
    /// For leaves: the length of this document's field, in terms.
    public var documentLength = 0
    /// For leaves: the mean length of the field over the live documents.
    public var averageLength = 0.0
    /// For leaves: BM25's k1.
    public var k1 = 0.0
    /// For leaves: BM25's b.
    public var b = 0.0
    /// For leaves: the clause's boost.
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

extension Explanation {
    /// The tree as text: each node's value (4 decimals) and what it is, children indented.
    public var description: String {
        var lines: [String] = []
        describe(into: &lines, indent: "")
        return lines.joined(separator: "\n")
    }

    private func describe(into lines: inout [String], indent: String) {
        let value = Self.decimals(Double(self.value), 4)
        switch kind {
        case .sum:
            lines.append("\(indent)\(value) = sum of:")
            for detail in details { detail.describe(into: &lines, indent: indent + "  ") }
        case .term, .phrase:
            var parts = ["idf \(Self.decimals(idf, 4))", "tf \(termFrequency)",
                         "length \(documentLength) (average \(Self.decimals(averageLength, 1)))",
                         "k1 \(Self.decimals(k1, 2))", "b \(Self.decimals(b, 2))"]
            if let documentFrequency { parts.insert("df \(documentFrequency) of \(documentCount)", at: 1) }
            if kind == .phrase && slop > 0 { parts.append("slop \(slop)") }
            if boost != 1 { parts.append("boost \(Self.decimals(boost, 4))") }
            lines.append("\(indent)\(value) = \(kind.rawValue) '\(text)' in \(field.rawValue): " + parts.joined(separator: ", "))
        }
    }

    /// `value` with `places` decimals, trailing zeros dropped (`1.2`, `0.75`, `2`).
    private static func decimals(_ value: Double, _ places: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (abs(value) * scale).rounded()
        var text = String(Int64(rounded))
        if places > 0 {
            while text.count <= places { text = "0" + text }
            let split = text.index(text.endIndex, offsetBy: -places)
            var fraction = String(text[split...])
            while fraction.last == "0" { fraction.removeLast() }
            text = String(text[..<split]) + (fraction.isEmpty ? "" : "." + fraction)
        }
        return (value < 0 && rounded != 0 ? "-" : "") + text
    }
}
