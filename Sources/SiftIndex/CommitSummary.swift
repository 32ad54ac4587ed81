/// One file of an index folder and its size.
public struct IndexFile: Sendable, Hashable, Codable {
    /// The file's name within the index folder.
    public var name: String
    /// Its size in bytes.
    public var byteCount: Int

    public init(name: String, byteCount: Int) {
        self.name = name
        self.byteCount = byteCount
    }
}

/// What a commit wrote.
public struct CommitSummary: Sendable, Hashable, Codable {
    /// Live documents in the committed index.
    public var documentCount = 0
    /// Documents the commit's new segment holds (those added since the last commit).
    public var addedDocumentCount = 0
    /// Deleted documents the index still holds (until merges drop them).
    public var deletedCount = 0
    /// Distinct terms of the text field in the commit's new segment.
    public var termCount = 0
    /// Term–document pairs of the text field in the commit's new segment.
    public var postingCount = 0
    /// Indexed tokens of the live documents.
    public var tokenCount: UInt64 = 0
    /// Segments of the committed index.
    public var segmentCount = 0
    /// Segments the commit merged into others.
    public var mergedSegmentCount = 0
    /// The committed generation.
    public var generation: UInt64 = 0
    /// Each file of the committed index, with its size in bytes.
    public var files: [IndexFile] = []

    /// Total bytes of the index files.
    public var byteCount: Int { files.reduce(0) { $0 + $1.byteCount } }
}
