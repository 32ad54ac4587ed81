/// One live document's id and title, without its text: what a listing shows.
public struct DocumentSummary: Sendable, Hashable, Codable, Identifiable {
    /// The document's number in the reader that listed it (what `IndexReader.document(at:)`
    /// takes); numbers change from one commit to the next.
    public var number: Int
    /// The document's stored id.
    public var id: String
    /// The document's title.
    public var title: String

    public init(number: Int, id: String, title: String) {
        self.number = number
        self.id = id
        self.title = title
    }
}

extension IndexReader {
    /// The live documents whose id is `id`, in document order: one, or none. (Only an index
    /// written before ids were kept unique, or a JSON Lines id repeated across files, can hold
    /// more.) Numbers are this reader's: look a document up again after a reopen.
    /// - Complexity: O(segments × log documents), after each segment's first lookup, which
    ///   reads its stored ids once (the table is kept with the segment and shared by reopened
    ///   readers).
    public func documentNumbers(withID id: String) throws(IndexError) -> [Int] {
        var found: [Int] = []
        for (index, segment) in segments.enumerated() {
            for local in try segment.documents(withID: id) {
                let number = segmentBases[index] + local
                if Self.isLive(UInt32(number), deletedBits) { found.append(number) }
            }
        }
        return found
    }

    /// The stored id, title and text of the live document whose id is `id`; nil when there is
    /// none. The same cost as `documentNumbers(withID:)`.
    public func document(withID id: String) throws(IndexError) -> StoredDocument? {
        guard let number = try documentNumbers(withID: id).first else { return nil }
        return try document(at: number)
    }

    /// The live documents whose id starts with `prefix`, in document order: the passages of
    /// one file are those whose ids start with its id and `#`.
    /// - Complexity: O(documents), a scan of the stored ids.
    public func documentNumbers(withIDPrefix prefix: String) throws(IndexError) -> [Int] {
        try liveDocuments { $0.hasPrefix(prefix) }
    }

    /// Up to `limit` live documents' ids and titles, skipping the first `offset` live ones,
    /// in document order.
    /// - Throws: `IndexError.invalidArgument` for a negative `offset` or `limit`.
    /// - Complexity: O(offset + limit) stored records read, plus the deletion bits skipped.
    public func documentSummaries(offset: Int, limit: Int) throws(IndexError) -> [DocumentSummary] {
        guard offset >= 0 else { throw .invalidArgument(InvalidArgument(name: "offset", value: offset, requirement: "at least 0")) }
        guard limit >= 0 else { throw .invalidArgument(InvalidArgument(name: "limit", value: limit, requirement: "at least 0")) }
        var summaries: [DocumentSummary] = []
        var skipped = 0
        var number = 0
        while number < maxDocument && summaries.count < limit {
            defer { number += 1 }
            guard Self.isLive(UInt32(number), deletedBits) else { continue }
            if skipped < offset {
                skipped += 1
                continue
            }
            let header = try documentHeader(number)
            summaries.append(DocumentSummary(number: number, id: header.id, title: header.title))
        }
        return summaries
    }

    private func liveDocuments(matching accepts: (String) -> Bool) throws(IndexError) -> [Int] {
        var found: [Int] = []
        for number in 0..<maxDocument where Self.isLive(UInt32(number), deletedBits) {
            if accepts(try documentHeader(number).id) { found.append(number) }
        }
        return found
    }
}
