@_spi(SiftInternal) import SiftIndex

/// One ranked document.
///
/// A hit belongs to the snapshot of the index it was found in: its `document` number means
/// that document only to readers of `snapshot`. `Searcher.snippet(for:in:)`,
/// `Searcher.explain(_:in:)` and `IndexReader.document(for:)` refuse a hit of another snapshot
/// (`IndexError.snapshotMismatch`); its `id` is what stays true across commits.
public struct SearchHit: Sendable, Hashable, Codable, Identifiable {
    /// 1-based rank in the whole result list (offset included).
    public let rank: Int
    /// The document's number in `snapshot` (not stable across commits: use `id` to keep a
    /// reference to a document).
    public let document: Int
    /// BM25 score.
    public let score: Float
    /// The document's stored id.
    public let id: String
    /// The document's title.
    public let title: String
    /// The document's metadata (empty when it has none): what filters match.
    public let metadata: [String: String]
    /// The commit of the index the hit was found in.
    public let snapshot: IndexSnapshot

    package init(rank: Int, document: Int, score: Float, id: String, title: String, metadata: [String: String] = [:],
                 snapshot: IndexSnapshot) {
        self.rank = rank
        self.document = document
        self.score = score
        self.id = id
        self.title = title
        self.metadata = metadata
        self.snapshot = snapshot
    }
}
