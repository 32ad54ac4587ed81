/// One retrieved document of a run: what a TREC run line says that matters for evaluation.
///
/// The rank column of a run line is deliberately not kept: trec_eval ignores it and ranks by
/// score (see `TrecOrder`), and so does Sift.
public struct RunEntry: Sendable, Equatable {
    /// The document's id as the qrels name it (for Sift, `SearchHit.trecDocumentID`).
    public var documentID: String
    /// The retrieval score; higher is better.
    public var score: Double

    /// An entry; for Sift's own hits the score is the hit's `Float` score, which converts
    /// exactly.
    public init(documentID: String, score: Double) {
        self.documentID = documentID
        self.score = score
    }
}

/// The order trec_eval ranks a query's documents in, whatever order a run lists them.
///
/// trec_eval sorts each query's results by score, highest first, and breaks ties by document
/// id in *descending* byte order (`strcmp(docno2, docno1)` in its `comp_sim_docno`). It holds
/// scores as C `float`s, so two scores that round to the same single-precision value tie
/// even when the run file spells them differently. Evaluating in any other order changes a
/// metric whenever a relevant document ties with a non-relevant one — BM25 ties often.
public enum TrecOrder {
    /// Whether `first` ranks above `second`.
    public static func precedes(_ first: RunEntry, _ second: RunEntry) -> Bool {
        let firstScore = Float(first.score)
        let secondScore = Float(second.score)
        if firstScore != secondScore { return firstScore > secondScore }
        return second.documentID.utf8.lexicographicallyPrecedes(first.documentID.utf8)
    }

    /// `entries` ranked as trec_eval ranks them.
    ///
    /// - Complexity: O(n log n) comparisons of scores and ids.
    public static func sorted(_ entries: [RunEntry]) -> [RunEntry] {
        entries.sorted(by: precedes)
    }
}

/// One query's documents in a run, ranked in `TrecOrder`.
public struct RankedQuery: Sendable, Equatable {
    /// The query id, as the qrels name it.
    public var id: String
    /// The retrieved documents, best first by `TrecOrder`.
    public var entries: [RunEntry]

    /// The document ids, best first: what the metrics read.
    public var ranking: [String] { entries.map(\.documentID) }
}

/// A TREC run: for each query, the documents an engine retrieved and their scores.
///
/// The same value serves a run read from any engine's file and a run Sift makes itself, so
/// both are evaluated the same way: queries in the order they first appear, each query's
/// documents in `TrecOrder`, a document at most once per query.
public struct TrecRun: Sendable, Equatable {
    /// The queries, in the order they first appear.
    public private(set) var queries: [RankedQuery] = []
    private var positions: [String: Int] = [:]

    /// An empty run, to be filled with `append(query:entries:)`.
    public init() {}

    /// Parses run text: one `qid Q0 docid rank score tag` line per retrieved document, fields
    /// separated by spaces or tabs, blank lines skipped.
    ///
    /// Parsing is strict because a half-read run gives wrong figures without any sign: every
    /// line has exactly six fields, an integer rank and a finite numeric score, and a document
    /// appears at most once per query. A query's lines need not be contiguous. The second and
    /// sixth fields (`Q0`, the run tag) are not checked.
    public init(parsing text: String) throws(EvaluationError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Parses run text given as UTF-8 bytes, as `init(parsing:)` does a string; lines end with
    /// LF, CRLF or CR.
    ///
    /// - Complexity: O(bytes), then O(n log n) per query of n documents for the ranking.
    public init(parsing bytes: [UInt8]) throws(EvaluationError) {
        var pending: [PendingQuery] = []
        var pendingIndex: [String: Int] = [:]
        var lastQuery: (bytes: ArraySlice<UInt8>, index: Int)? = nil
        var fields: [Range<Int>] = []
        fields.reserveCapacity(7)
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        var number = 0
        var next = 0
        while next < bytes.count {
            let lineStart = next
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A && bytes[lineEnd] != 0x0D { lineEnd += 1 }
            next = lineEnd + 1
            if lineEnd < bytes.count && bytes[lineEnd] == 0x0D && next < bytes.count && bytes[next] == 0x0A { next += 1 }
            number += 1
            fields.removeAll(keepingCapacity: true)
            var position = lineStart
            while position < lineEnd && fields.count < 7 {
                while position < lineEnd && (bytes[position] == 0x20 || bytes[position] == 0x09) { position += 1 }
                let fieldStart = position
                while position < lineEnd && bytes[position] != 0x20 && bytes[position] != 0x09 { position += 1 }
                if position > fieldStart { fields.append(fieldStart..<position) }
            }
            if fields.isEmpty { continue }
            guard fields.count == 6 else { throw .malformedRunLine(line: number, text: text(lineStart..<lineEnd)) }
            guard Self.isInteger(bytes[fields[3]]) else { throw .runRankNotInteger(line: number, rank: text(fields[3])) }
            guard let score = Double(text(fields[4])), score.isFinite else {
                throw .runScoreNotNumber(line: number, score: text(fields[4]))
            }
            // Runs list a query's documents together: reuse the last query while its id repeats.
            let index: Int
            if let last = lastQuery, last.bytes.elementsEqual(bytes[fields[0]]) {
                index = last.index
            } else {
                let query = text(fields[0])
                if let known = pendingIndex[query] {
                    index = known
                } else {
                    index = pending.count
                    pendingIndex[query] = index
                    pending.append(PendingQuery(id: query))
                }
                lastQuery = (bytes[fields[0]], index)
            }
            let document = text(fields[2])
            if let first = pending[index].lines.updateValue(number, forKey: document) {
                throw .duplicateRunDocument(line: number, query: pending[index].id, document: document, firstLine: first)
            }
            pending[index].entries.append(RunEntry(documentID: document, score: score))
        }
        guard !pending.isEmpty else { throw .emptyRun }
        for query in pending {
            positions[query.id] = queries.count
            queries.append(RankedQuery(id: query.id, entries: TrecOrder.sorted(query.entries)))
        }
    }

    /// Whether `field` is a whole number as the rank column needs: an optional sign, then
    /// decimal digits that fit an `Int`.
    private static func isInteger(_ field: ArraySlice<UInt8>) -> Bool {
        var digits = field[...]
        if let sign = digits.first, sign == 0x2B || sign == 0x2D { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return digits.count < 19 || Int(String(decoding: field, as: UTF8.self)) != nil
    }

    /// Adds a query's documents (in any order; they are ranked in `TrecOrder`).
    ///
    /// A query may be added once, and may have no documents (it retrieved nothing).
    public mutating func append(query id: String, entries: [RunEntry]) throws(EvaluationError) {
        guard positions[id] == nil else { throw .duplicateRunQuery(id) }
        var seen = Set<String>()
        for entry in entries where !seen.insert(entry.documentID).inserted {
            throw .duplicateDocument(query: id, document: entry.documentID)
        }
        positions[id] = queries.count
        queries.append(RankedQuery(id: id, entries: TrecOrder.sorted(entries)))
    }

    /// A query being read: its documents in file order and the line each was on.
    private struct PendingQuery {
        var id: String
        var entries: [RunEntry] = []
        var lines: [String: Int] = [:]
    }

    /// A query's documents, best first, or nil when the run does not have the query.
    public func query(_ id: String) -> RankedQuery? {
        positions[id].map { queries[$0] }
    }
}
