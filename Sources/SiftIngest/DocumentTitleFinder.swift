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

    /// The first heading or non-blank line with its `#` marks removed. YAML front matter
    /// (between `---` lines at the top, as static site generators write) is not a title, but
    /// its `title:` entry is, when it has one.
    static func markdownTitle(_ bytes: [UInt8]) -> String {
        var inFrontMatter = false
        for line in SourceLineScanner(bytes) {
            var range = IngestBytes.trimmed(bytes, line.start..<line.end)
            if line.number == 1 && isFence(bytes, range, "---") {
                inFrontMatter = true
                continue
            }
            if inFrontMatter {
                if isFence(bytes, range, "---") || isFence(bytes, range, "...") {
                    inFrontMatter = false
                } else if let value = frontMatterTitle(bytes, range) {
                    return value
                }
                continue
            }
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

    private static func isFence(_ bytes: [UInt8], _ range: Range<Int>, _ fence: StaticString) -> Bool {
        guard range.count == fence.utf8CodeUnitCount else { return false }
        let fenceBytes = UnsafeBufferPointer(start: fence.utf8Start, count: fence.utf8CodeUnitCount)
        return bytes[range].elementsEqual(fenceBytes)
    }

    /// The value of a `title:` line of front matter, without quotes; nil for any other line.
    private static func frontMatterTitle(_ bytes: [UInt8], _ range: Range<Int>) -> String? {
        let key = Array("title:".utf8)
        guard range.count > key.count, bytes[range.lowerBound..<range.lowerBound + key.count].elementsEqual(key) else {
            return nil
        }
        var value = IngestBytes.trimmed(bytes, range.lowerBound + key.count..<range.upperBound)
        if value.count >= 2 {
            let first = bytes[value.lowerBound]
            let last = bytes[value.upperBound - 1]
            if first == last && (first == UInt8(ascii: "\"") || first == UInt8(ascii: "'")) {
                value = value.lowerBound + 1..<value.upperBound - 1
            }
        }
        return value.isEmpty ? nil : derivedTitle(bytes, value)
    }
}
