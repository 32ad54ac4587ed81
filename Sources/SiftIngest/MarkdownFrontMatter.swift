/// The YAML front matter at the top of a Markdown file, as static site generators (Jekyll,
/// Hugo, Eleventy) and note-taking apps write it: the first line is exactly `---`, and the
/// first later line that is exactly `---` or `...` closes it. Without that closing line
/// there is no front matter, and the whole file is text.
///
/// Only the simple YAML people write there is read, by hand rather than by a YAML library
/// (Sift has no dependencies): `key: value` lines with plain, single- or double-quoted values
/// and ` # comments`, block lists (`- item` lines under a key with no value), flow lists
/// (`[a, "b"]`) and `|` / `>` blocks. Anything else (nested maps, lists of maps, multi-line
/// flow lists, lines that are not `key: value`) is passed over, never an error: the file is
/// still indexed, only that entry is missing.
struct MarkdownFrontMatter: Equatable {
    /// The `title` entry, when it is not empty; nil leaves the title to the body.
    var title: String?
    /// Every other entry: lists are stored as JSON arrays (`MetadataList`), as a JSON Lines
    /// array is, so that a filter such as `tags:swift` matches each item.
    var metadata: [String: String]
    /// Offset of the body: just past the closing line's end.
    var bodyStart: Int
    /// The file's number of the body's first line, so that passages cut from the body keep
    /// the line numbers an editor shows for the file.
    var bodyFirstLine: Int

    /// The front matter at the start of `bytes` (a byte order mark already removed), or nil
    /// when the file has none.
    ///
    /// - Complexity: O(n) in the size of the front matter, O(n) in the file when its first
    ///   line is `---` but no line closes it.
    static func parse(_ bytes: [UInt8]) -> MarkdownFrontMatter? {
        var lines = SourceLineScanner(bytes)
        guard let opener = lines.next(), isLine(bytes, opener, "---") else { return nil }
        var reader = FrontMatterReader(bytes: bytes)
        while let line = lines.next() {
            if isLine(bytes, line, "---") || isLine(bytes, line, "...") {
                reader.finishOpenEntry()
                // The body starts after the closing line's `\n` (a `\r` before it is not part of the line).
                var bodyStart = line.end
                while bodyStart < bytes.count && bytes[bodyStart] != 0x0A { bodyStart += 1 }
                return MarkdownFrontMatter(
                    title: reader.title, metadata: reader.metadata, bodyStart: min(bodyStart + 1, bytes.count),
                    bodyFirstLine: line.number + 1)
            }
            reader.read(line.start..<line.end)
        }
        return nil
    }

    /// Whether the line is exactly `text` (its line end aside).
    private static func isLine(_ bytes: [UInt8], _ line: SourceLine, _ text: StaticString) -> Bool {
        guard line.end - line.start == text.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
        return bytes[line.start..<line.end].elementsEqual(expected)
    }
}

/// Reads front matter one line at a time; an entry whose value is on the following lines (a
/// block list or a `|` / `>` block) stays open until a line that is not part of it.
private struct FrontMatterReader {
    let bytes: [UInt8]
    private(set) var metadata: [String: String] = [:]
    /// The last `title` entry's value, trimmed; nil when there is none or it is null.
    private var titleBytes: [UInt8]?

    /// A key whose value is on the lines below it.
    private struct OpenEntry {
        enum Style { case list, literal, folded }
        var key: [UInt8]
        /// `.list` for a key with no value: block list items may follow.
        var style: Style
        var items: [[UInt8]] = []
        var lines: [Range<Int>] = []
        /// A nested map or a list of maps came under the key; it is left out.
        var isNested = false
    }
    private var open: OpenEntry?

    /// What a value reads as.
    private enum Scalar {
        case value([UInt8])
        /// Empty, `~` or `null`: no value, as JSON's `null`.
        case null
        /// Not a value this reader understands (an unclosed quote or flow list): the entry is passed over.
        case invalid
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The title, when the front matter gave a non-empty one.
    var title: String? {
        guard let titleBytes, !titleBytes.isEmpty else { return nil }
        return DocumentTitleFinder.derivedTitle(titleBytes, 0..<titleBytes.count)
    }

    /// Reads one line between the fences, without its line end.
    mutating func read(_ line: Range<Int>) {
        let indented = !line.isEmpty && Self.isSpaceOrTab(bytes[line.lowerBound])
        if let entry = open, entry.style != .list {
            // A `|` or `>` block takes every indented or blank line, `#` included.
            if indented || IngestBytes.isBlank(bytes, line) {
                open?.lines.append(line)
                return
            }
            finishOpenEntry()
        }
        let content = IngestBytes.trimmed(bytes, line)
        if content.isEmpty || bytes[content.lowerBound] == UInt8(ascii: "#") { return }
        if indented || isListItem(content) {
            // YAML lets a block list under a key start at the key's own indentation.
            if open != nil { readUnderOpenEntry(content) }
            return
        }
        finishOpenEntry()
        readEntry(content)
    }

    /// Stores the entry still open, at the closing line or at the next entry.
    mutating func finishOpenEntry() {
        guard let entry = open else { return }
        open = nil
        switch entry.style {
        case .list:
            if entry.isNested { return }
            if entry.items.isEmpty {
                store(entry.key, nil)
            } else {
                store(entry.key, Array(MetadataList.encode(entry.items.map { String(decoding: $0, as: UTF8.self) }).utf8))
            }
        case .literal, .folded:
            store(entry.key, blockText(entry.lines, folded: entry.style == .folded))
        }
    }

    /// An unindented `key: value` line.
    private mutating func readEntry(_ content: Range<Int>) {
        guard let (key, rest) = splitEntry(content) else { return }
        let value = IngestBytes.trimmed(bytes, rest)
        if value.isEmpty || bytes[value.lowerBound] == UInt8(ascii: "#") {
            open = OpenEntry(key: key, style: .list)
            return
        }
        let first = bytes[value.lowerBound]
        if (first == UInt8(ascii: "|") || first == UInt8(ascii: ">")) && isBlockHeader(value) {
            open = OpenEntry(key: key, style: first == UInt8(ascii: "|") ? .literal : .folded)
            return
        }
        switch scalar(value) {
        case .value(let bytes): store(key, bytes)
        case .null: store(key, nil)
        case .invalid: return
        }
    }

    /// An indented or `- ` line under a key with no value: an item of its list, or a line of
    /// a nested map, which makes the key's value something metadata cannot hold.
    private mutating func readUnderOpenEntry(_ content: Range<Int>) {
        guard isListItem(content) else {
            open?.isNested = true
            return
        }
        let item = IngestBytes.trimmed(bytes, content.lowerBound + 1..<content.upperBound)
        if !item.isEmpty && !isQuoteOrBracket(bytes[item.lowerBound]) && separator(in: item) != nil {
            open?.isNested = true  // `- name: value`, an item of a list of maps
            return
        }
        switch scalar(item) {
        case .value(let value): if !value.isEmpty { open?.items.append(value) }
        case .null: break
        case .invalid: open?.isNested = true
        }
    }

    /// Stores `value` under `key` (a later entry replaces an earlier one; nil removes it).
    /// An empty key, a key over 256 bytes or a value over 64 KiB is passed over.
    private mutating func store(_ key: [UInt8], _ value: [UInt8]?) {
        if key.elementsEqual("title".utf8) {
            titleBytes = value.map { Array($0[IngestBytes.trimmed($0, 0..<$0.count)]) }
            return
        }
        let name = String(decoding: key, as: UTF8.self)
        guard !key.isEmpty && name.utf8.count <= SourceDocument.maximumMetadataKeyBytes else { return }
        guard let value else {
            metadata.removeValue(forKey: name)
            return
        }
        let text = String(decoding: value, as: UTF8.self)
        guard text.utf8.count <= SourceDocument.maximumMetadataValueBytes else { return }
        metadata[name] = text
    }

    // MARK: Parts of a line

    /// The key and the range after its `:`, or nil when the line is not `key: value`.
    private func splitEntry(_ content: Range<Int>) -> (key: [UInt8], rest: Range<Int>)? {
        let first = bytes[content.lowerBound]
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
            guard let (key, end) = quoted(from: content.lowerBound, to: content.upperBound) else { return nil }
            var colon = end
            while colon < content.upperBound && Self.isSpaceOrTab(bytes[colon]) { colon += 1 }
            guard colon < content.upperBound, bytes[colon] == UInt8(ascii: ":"),
                  colon + 1 == content.upperBound || Self.isSpaceOrTab(bytes[colon + 1]) else { return nil }
            return (key, colon + 1..<content.upperBound)
        }
        guard let colon = separator(in: content) else { return nil }
        let key = IngestBytes.trimmed(bytes, content.lowerBound..<colon)
        guard !key.isEmpty else { return nil }
        return (Array(bytes[key]), colon + 1..<content.upperBound)
    }

    /// The first `:` that ends a key: one followed by a space, a tab or the end, so that
    /// `og:title: x` has the key `og:title` and `url: http://x` the value `http://x`.
    private func separator(in range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == UInt8(ascii: ":")
                && (index + 1 == range.upperBound || Self.isSpaceOrTab(bytes[index + 1])) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// `- item` or a lone `-`.
    private func isListItem(_ content: Range<Int>) -> Bool {
        bytes[content.lowerBound] == UInt8(ascii: "-")
            && (content.count == 1 || Self.isSpaceOrTab(bytes[content.lowerBound + 1]))
    }

    /// `|` or `>` with YAML's optional chomping and indentation indicators, then at most a comment.
    private func isBlockHeader(_ value: Range<Int>) -> Bool {
        var index = value.lowerBound + 1
        while index < value.upperBound {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                    || (byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9")) else { break }
            index += 1
        }
        return isBlankOrComment(index..<value.upperBound)
    }

    /// Nothing but whitespace, or whitespace and then a `#` comment.
    private func isBlankOrComment(_ range: Range<Int>) -> Bool {
        let rest = IngestBytes.trimmed(bytes, range)
        return rest.isEmpty || (bytes[rest.lowerBound] == UInt8(ascii: "#") && rest.lowerBound > range.lowerBound)
    }

    // MARK: Values

    /// A value on the key's line: quoted, a flow list, or plain up to a ` #` comment.
    private func scalar(_ range: Range<Int>) -> Scalar {
        let text = IngestBytes.trimmed(bytes, range)
        guard !text.isEmpty else { return .null }
        switch bytes[text.lowerBound] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            guard let (value, end) = quoted(from: text.lowerBound, to: text.upperBound),
                  isBlankOrComment(end..<text.upperBound) else { return .invalid }
            return .value(value)
        case UInt8(ascii: "["):
            return flowList(text)
        default:
            var end = text.lowerBound + 1
            while end < text.upperBound
                && !(bytes[end] == UInt8(ascii: "#") && Self.isSpaceOrTab(bytes[end - 1])) {
                end += 1
            }
            let plain = IngestBytes.trimmed(bytes, text.lowerBound..<end)
            return isNull(plain) ? .null : .value(Array(bytes[plain]))
        }
    }

    /// `[a, "b, c", d]` as the JSON array `["a","b, c","d"]`; empty and null items are left out.
    private func flowList(_ text: Range<Int>) -> Scalar {
        var items: [String] = []
        var index = text.lowerBound + 1
        let end = text.upperBound
        while true {
            while index < end && Self.isSpaceOrTab(bytes[index]) { index += 1 }
            guard index < end else { return .invalid }
            if bytes[index] == UInt8(ascii: "]") { break }  // `[]`, or a comma before the end
            var item: [UInt8] = []
            if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                guard let (value, after) = quoted(from: index, to: end) else { return .invalid }
                item = value
                index = after
                while index < end && Self.isSpaceOrTab(bytes[index]) { index += 1 }
            } else {
                // Brackets inside an item (`[a, [b, c]]`) are its text, not the list's end.
                let start = index
                var depth = 0
                while index < end {
                    let byte = bytes[index]
                    if depth == 0 && (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")) { break }
                    if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                        depth += 1
                    } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                        depth -= 1
                    }
                    index += 1
                }
                let plain = IngestBytes.trimmed(bytes, start..<index)
                if !isNull(plain) { item = Array(bytes[plain]) }
            }
            guard index < end else { return .invalid }
            if !item.isEmpty { items.append(String(decoding: item, as: UTF8.self)) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { return .invalid }
            break
        }
        return isBlankOrComment(index + 1..<end) ? .value(Array(MetadataList.encode(items).utf8)) : .invalid
    }

    /// The quoted string starting at the quote at `start`, and the offset after its closing
    /// quote; nil when it does not close before `end`. In single quotes `''` is one quote; in
    /// double quotes `\"`, `\\`, `\/`, `\n`, `\t`, `\r` and `\x`, `\u`, `\U` hex escapes are
    /// decoded, and other backslashes are kept as written.
    private func quoted(from start: Int, to end: Int) -> (value: [UInt8], end: Int)? {
        var value: [UInt8] = []
        var index = start + 1
        if bytes[start] == UInt8(ascii: "'") {
            while index < end {
                if bytes[index] == UInt8(ascii: "'") {
                    guard index + 1 < end && bytes[index + 1] == UInt8(ascii: "'") else { return (value, index + 1) }
                    index += 1
                }
                value.append(bytes[index])
                index += 1
            }
            return nil
        }
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return (value, index + 1) }
            guard byte == UInt8(ascii: "\\") && index + 1 < end else {
                value.append(byte)
                index += 1
                continue
            }
            let replacement: UInt8
            switch bytes[index + 1] {
            case UInt8(ascii: "\""): replacement = 0x22
            case UInt8(ascii: "\\"): replacement = 0x5C
            case UInt8(ascii: "/"): replacement = 0x2F
            case UInt8(ascii: "n"): replacement = 0x0A
            case UInt8(ascii: "t"): replacement = 0x09
            case UInt8(ascii: "r"): replacement = 0x0D
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let digits = bytes[index + 1] == UInt8(ascii: "x") ? 2 : bytes[index + 1] == UInt8(ascii: "u") ? 4 : 8
                if let scalar = hexValue(from: index + 2, digits: digits, end: end) {
                    let valid = (0xD800...0xDFFF).contains(scalar) || scalar > 0x10FFFF ? 0xFFFD : scalar
                    IngestBytes.appendUTF8(valid, to: &value)
                    index += 2 + digits
                } else {
                    value.append(byte)
                    index += 1
                }
                continue
            default:
                value.append(byte)  // an escape this reader does not know stays as written
                index += 1
                continue
            }
            value.append(replacement)
            index += 2
        }
        return nil
    }

    /// The value of `digits` hex digits at `start`, or nil if they are not all there.
    private func hexValue(from start: Int, digits: Int, end: Int) -> UInt32? {
        guard start + digits <= end else { return nil }
        var value: UInt32 = 0
        for index in start..<start + digits {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The lines of a `|` block joined by line breaks, or of a `>` block by spaces (a blank
    /// line there is a line break), without the block's indentation or blank lines at its ends.
    private func blockText(_ lines: [Range<Int>], folded: Bool) -> [UInt8] {
        var first = 0
        var last = lines.count
        while first < last && IngestBytes.isBlank(bytes, lines[first]) { first += 1 }
        while last > first && IngestBytes.isBlank(bytes, lines[last - 1]) { last -= 1 }
        guard first < last else { return [] }
        var indent = 0
        while Self.isSpaceOrTab(bytes[lines[first].lowerBound + indent]) { indent += 1 }
        var text: [UInt8] = []
        var blankLines = 0
        for line in lines[first..<last] {
            if IngestBytes.isBlank(bytes, line) {
                blankLines += 1
                continue
            }
            var start = line.lowerBound
            while start < line.upperBound && start - line.lowerBound < indent && Self.isSpaceOrTab(bytes[start]) { start += 1 }
            if !text.isEmpty {
                if folded && blankLines == 0 {
                    text.append(0x20)
                } else {
                    text.append(contentsOf: repeatElement(0x0A, count: folded ? blankLines : blankLines + 1))
                }
            }
            blankLines = 0
            text.append(contentsOf: bytes[start..<line.upperBound])
        }
        return text
    }

    // MARK: Bytes

    /// `~` or `null` (in YAML's three spellings), which YAML reads as no value.
    private func isNull(_ range: Range<Int>) -> Bool {
        switch range.count {
        case 0: return true
        case 1: return bytes[range.lowerBound] == UInt8(ascii: "~")
        case 4:
            let word = bytes[range]
            return word.elementsEqual("null".utf8) || word.elementsEqual("Null".utf8) || word.elementsEqual("NULL".utf8)
        default: return false
        }
    }

    private func isQuoteOrBracket(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{")
    }

    private static func isSpaceOrTab(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09
    }
}
