/// One query of a query file: its id and its text.
public struct QueryFileEntry: Sendable, Equatable {
    /// The query's id (the first column; TREC runs and qrels use it).
    public var id: String
    /// The query as written.
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}

/// Query files: `id<TAB>query` per line, the layout of the test collections' `queries.tsv`,
/// read the same way by `sift search --queries`, `sift eval` and `sift-bench search`.
///
/// Lines end with LF, CRLF or CR; blank lines are skipped; the query is everything after the
/// first tab. Invalid UTF-8 is repaired (U+FFFD), as everywhere else queries are read.
public enum QueryFile {
    /// Parses a query file's bytes.
    public static func parse(_ bytes: [UInt8]) throws(QueryFileError) -> [QueryFileEntry] {
        var queries: [QueryFileEntry] = []
        // `isNewline` also splits CRLF ("\r\n" is one Character) and lone CR.
        let text = String(decoding: bytes, as: UTF8.self)
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { throw .malformedLine(number + 1) }
            queries.append(QueryFileEntry(id: String(parts[0]), text: String(parts[1])))
        }
        return queries
    }
}

/// Why a query file could not be read.
public enum QueryFileError: Error, Equatable, CustomStringConvertible {
    /// A line (1-based) that is not `id<TAB>query`.
    case malformedLine(Int)

    public var description: String {
        switch self {
        case .malformedLine(let line): "line \(line): expected 'id<TAB>query'"
        }
    }
}
