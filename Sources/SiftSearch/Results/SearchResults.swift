import SiftIndex

/// The answer to one query.
///
/// Results hold the compiled query they were ranked by, which is what snippets and
/// explanations of their hits need; like their hits, they belong to the `snapshot` of the
/// index they were found in.
public struct SearchResults: Sendable {
    /// The commit of the index the results were found in: their hits' document numbers are
    /// those of readers of this snapshot.
    public let snapshot: IndexSnapshot
    /// The hits, best first, after `offset`.
    public var hits: [SearchHit]
    /// Documents matching the query: exact when `totalHitsIsExact`, else a lower bound.
    public var totalHits: Int
    /// Whether `totalHits` counts every match (pruned search skips documents that cannot
    /// enter the top k without counting them; ask `countTotalHits` for an exact count).
    public var totalHitsIsExact: Bool
    /// The analyzed terms that can add to a score, in query order.
    public var terms: [String]
    /// What the user should know about how the query was read: it had only stop words, a
    /// prefix was cut at `maxExpansions`, …
    public var notes: [SearchNote]
    /// What ranking read of the postings (OR-of-terms queries; zero otherwise).
    public var work: SearchWork
    /// What RM3 did, when `SearchOptions.rm3` asked for it: the feedback documents and the
    /// weighted expansion terms; nil for a plain search.
    public var expansion: QueryExpansion? = nil
    let compiled: CompiledQuery
    /// The options the search ran with.
    public let options: SearchOptions
    /// The mean field lengths the scores used (the index's, or a collection's).
    var averageLength: [IndexField: Double] = [:]
    /// The N the scores used, when it was not the index's own.
    var documentCount: Int? = nil
}

/// How much of the postings a search read: the measure of what pruning saved.
public struct SearchWork: Sendable, Hashable, Codable {
    /// Blocks and postings in the query terms' lists.
    public var blocks = 0
    public var postings = 0
    /// Blocks and postings actually decoded.
    public var blocksDecoded = 0
    public var postingsDecoded = 0
    /// Clauses looked at by boolean queries scored document at a time (phrases, required and
    /// excluded clauses): for each document considered, every clause of each boolean. The
    /// cost that grows with a query's size, bounded by `QueryLimits.maxClauses`.
    public var clauseVisits = 0

    public init() {}
}

/// Something about how a query was read that the user should be told.
public struct SearchNote: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of note it is, for programs that act on notes.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The query has no words at all (only punctuation or operators).
        case noWords
        /// A word of the query is longer than the analyzer keeps (255 bytes), so it was left out.
        case wordTooLong
        /// The query held invalid UTF-8 (seen as U+FFFD), which separates words.
        case invalidUTF8
        /// Every word of the query is a stop word, which is not indexed.
        case onlyStopWords
        /// A prefix matched more terms than `maxExpansions`; the most frequent were kept.
        case expansionsLimited
        /// A filter names a metadata field that no document of the index has (a misspelling?).
        case unknownMetadataField
    }

    public var kind: Kind
    /// The note for people (also its `description`).
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
