/// One ranked document.
public struct SearchHit: Sendable, Equatable {
    /// 1-based rank in the whole result list (offset included).
    public var rank: Int
    /// Global document number in the index.
    public var document: Int
    /// BM25 score.
    public var score: Float
    /// The document's stored id.
    public var id: String
    /// The document's title.
    public var title: String
}
