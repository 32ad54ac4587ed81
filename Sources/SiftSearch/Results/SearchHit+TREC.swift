extension SearchHit {
    /// The document's name as TREC runs and qrels use it: the id with the file extension
    /// (`.txt`, `.md`, `.html`, `.htm`) of its path removed, so `docs/184.txt` is `docs/184`,
    /// `184.txt` is `184` and a line unit `a.txt#L3` is `a#L3`.
    public var trecDocumentID: String { Self.trecDocumentID(of: id) }

    /// The TREC name of a document id (see `trecDocumentID`).
    public static func trecDocumentID(of id: String) -> String {
        let path: Substring
        let unit: Substring
        if let hash = id.range(of: "#L", options: .backwards) {
            path = id[..<hash.lowerBound]
            unit = id[hash.lowerBound...]
        } else {
            path = id[...]
            unit = ""
        }
        for suffix in [".txt", ".md", ".html", ".htm"] where path.hasSuffix(suffix) && path.count > suffix.count {
            return String(path.dropLast(suffix.count)) + unit
        }
        return id
    }
}
