/// Derives a title from a document's text when the format has no title field.
///
/// The first non-blank line is what a person would call the title of a text file or a news
/// article. A derived title is cut at `maximumDerivedBytes` (at a character boundary, with `…`)
/// because a file without line breaks would otherwise repeat its whole text as its title.
enum DocumentTitleFinder {
    /// The longest derived title kept, in UTF-8 bytes.
    static let maximumDerivedBytes = 200

    /// The first non-blank line, trimmed; empty if there is none.
    static func plainTextTitle(_ bytes: [UInt8]) -> String {
        for line in SourceLineScanner(bytes) {
            let range = IngestBytes.trimmed(bytes, line.start..<line.end)
            if !range.isEmpty { return derivedTitle(bytes, range) }
        }
        return ""
    }

    /// The first heading or non-blank line with its `#` marks removed, in a Markdown body
    /// (its front matter, and the `title` there, are `MarkdownFrontMatter`'s). A rule or a
    /// setext underline (`---`, `***`, `===`) has no words, so it is passed over.
    static func markdownTitle(_ bytes: [UInt8]) -> String {
        for line in SourceLineScanner(bytes) {
            var range = IngestBytes.trimmed(bytes, line.start..<line.end)
            if isRule(bytes, range) { continue }
            // An ATX heading: leading `#`s, then an optional closing run of `#`s.
            while range.lowerBound < range.upperBound && bytes[range.lowerBound] == UInt8(ascii: "#") {
                range = range.lowerBound + 1..<range.upperBound
            }
            range = IngestBytes.trimmed(bytes, range)
            var closing = range.upperBound
            while closing > range.lowerBound && bytes[closing - 1] == UInt8(ascii: "#") { closing -= 1 }
            if closing == range.lowerBound || IngestBytes.isWhitespace(bytes[closing - 1]) {
                range = IngestBytes.trimmed(bytes, range.lowerBound..<closing)
            }
            if !range.isEmpty { return derivedTitle(bytes, range) }
        }
        return ""
    }

    /// `bytes[range]` as a `String`, cut to `maximumDerivedBytes`.
    static func derivedTitle(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        guard range.count > maximumDerivedBytes else {
            return String(decoding: bytes[range], as: UTF8.self)
        }
        var end = range.lowerBound + maximumDerivedBytes
        // Back up over continuation bytes so no character is cut in half.
        while end > range.lowerBound && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        let kept = IngestBytes.trimmed(bytes, range.lowerBound..<end)
        return String(decoding: bytes[kept], as: UTF8.self) + "…"
    }

    /// Whether a non-empty trimmed line is only `-`, `*`, `_` or `=` marks (and spaces).
    private static func isRule(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        for index in range {
            switch bytes[index] {
            case UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "="), 0x20, 0x09: continue
            default: return false
            }
        }
        return true
    }
}
