/// One document as ingest hands it to the index writer: an id, a title and the text to analyze.
///
/// The text is UTF-8 bytes rather than a `String` so that a file is never decoded twice and so
/// that invalid UTF-8 survives as it is (the tokenizer treats such bytes as separators).
/// Byte offsets found by the analyzer (for snippets and highlighting) index into `text`.
public struct SourceDocument: Sendable, Equatable {
    /// Unique within one indexing run: the relative path, `path#L<n>` for paragraph and line
    /// units, or the `id` field of a JSON Lines record.
    public var id: String
    /// Shown with a hit; for paragraph and line units it is the title of the whole file, so a
    /// hit still says which article it came from. May be empty.
    public var title: String
    /// The text to index, as UTF-8 bytes.
    public var text: [UInt8]
    /// Facts about the document that are not searched as words but stored with it, returned
    /// with its hits and matched exactly by filters (`category:tech`, `date:2005-01..2005-06`):
    /// a JSON Lines record's other fields, a Markdown file's front matter, or what a program
    /// passes. Keys are case-sensitive.
    public var metadata: [String: String]

    /// A document with the given parts.
    public init(id: String, title: String, text: [UInt8], metadata: [String: String] = [:]) {
        self.id = id
        self.title = title
        self.text = text
        self.metadata = metadata
    }
}
