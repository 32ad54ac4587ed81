/// The kinds of file ingest understands, chosen by file extension.
///
/// The extension decides rather than the content because sniffing content is slow and
/// surprising: a `.txt` holding HTML is indexed as the text its author saved.
public enum FileKind: Sendable, Equatable, Hashable, CaseIterable {
    /// `.txt`: plain text; the title is the first non-blank line.
    case text
    /// `.md`: Markdown, indexed as written; the title is the first heading or non-blank line.
    /// YAML front matter (a first line `---`, closed by a later `---` or `...` line) is not
    /// text: its `title` is the title, and its other `key: value` entries are the document's
    /// metadata (lists as JSON arrays, `MetadataList`), given to every passage of the file as well.
    case markdown
    /// `.html` or `.htm`: tags are removed, entities decoded, `<title>` is the title.
    case html
    /// `.jsonl`: one JSON object per line, each one document: `id` (a string or a number),
    /// `title`, and the body from `text`, `contents` or `body`. Every other field that is not
    /// `null` is the document's metadata: a string decoded, a number or `true`/`false` as
    /// written, an array or object as compact JSON; a field name must be 1 to 256 bytes and a
    /// value at most 65,536, or the line is skipped as bad.
    case jsonl

    /// The kind of a file from its name's extension, compared case-insensitively; nil when
    /// the file is not one ingest reads.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "txt": self = .text
        case "md": self = .markdown
        case "html", "htm": self = .html
        case "jsonl": self = .jsonl
        default: return nil
        }
    }
}
