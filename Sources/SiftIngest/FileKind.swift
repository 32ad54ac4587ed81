/// The kinds of file ingest understands, chosen by file extension.
///
/// The extension decides rather than the content because sniffing content is slow and
/// surprising: a `.txt` holding HTML is indexed as the text its author saved.
public enum FileKind: Sendable, Equatable, Hashable, CaseIterable {
    /// `.txt`: plain text; the title is the first non-blank line.
    case text
    /// `.md`: Markdown, indexed as written; the title is the first heading or non-blank line.
    case markdown
    /// `.html` or `.htm`: tags are removed, entities decoded, `<title>` is the title.
    case html
    /// `.jsonl`: one JSON object per line, each one document.
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
