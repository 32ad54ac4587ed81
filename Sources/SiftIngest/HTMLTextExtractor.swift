#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns an HTML page into its title and the text a reader sees.
///
/// A single forward pass over the bytes, with no DOM and no regular expressions, so a page of
/// several megabytes takes milliseconds. It is deliberately forgiving, as browsers are: a stray
/// `<` is text, an unclosed comment or tag ends the page, and invalid UTF-8 passes through.
///
/// What comes out:
/// - `<script>`, `<style>` and comments are dropped with their contents;
/// - the first `<title>` becomes the title and is left out of the text (the title is indexed
///   and shown separately, so keeping it would count its words twice);
/// - character references are decoded (`HTMLEntityTable`);
/// - runs of whitespace collapse to one space, as browsers render them, except inside `<pre>`;
/// - block elements start new lines and paragraph elements leave a blank line between them
///   (`HTMLTagRole`), so paragraph and line units follow the page's own structure;
/// - no line starts or ends with a space, and there is never more than one blank line in a row.
struct HTMLTextExtractor: Sendable {
    init() {}

    /// The page's title (nil when it has no non-empty `<title>`) and its text as UTF-8.
    func extract(_ html: [UInt8]) -> (title: String?, text: [UInt8]) {
        html.withUnsafeBufferPointer { input in
            var scan = HTMLScan(input: input)
            scan.run()
            return (scan.title, scan.output)
        }
    }
}

/// The state of one pass over a page.
private struct HTMLScan {
    let input: UnsafeBufferPointer<UInt8>
    var index = 0
    var output: [UInt8] = []
    var title: String?
    /// Whitespace was seen since the last text byte; it becomes one space before the next one.
    var pendingSpace = false
    /// How many `\n` end `output`, so breaks can be merged instead of piling up.
    var trailingNewlines = 0
    /// Inside how many `<pre>` elements; whitespace is kept as written there.
    var preformattedDepth = 0

    init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        output.reserveCapacity(input.count / 2)
    }

    mutating func run() {
        let end = input.count
        while index < end {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "<"):
                readMarkup()
            case UInt8(ascii: "&"):
                if let decoded = HTMLEntityTable.decode(input, at: index, end: end) {
                    index += decoded.length
                    appendDecoded(decoded.scalar)
                } else {
                    appendText(byte)
                    index += 1
                }
            case 0x20, 0x09, 0x0A, 0x0C, 0x0D:
                appendWhitespace(byte)
                index += 1
            default:
                appendText(byte)
                index += 1
            }
        }
        output.removeLast(trailingNewlines)
    }

    // MARK: Output

    mutating func appendText(_ byte: UInt8) {
        if pendingSpace {
            if trailingNewlines == 0 && !output.isEmpty { output.append(0x20) }
            pendingSpace = false
        }
        output.append(byte)
        trailingNewlines = 0
    }

    mutating func appendWhitespace(_ byte: UInt8) {
        guard preformattedDepth > 0 else {
            pendingSpace = true
            return
        }
        switch byte {
        case 0x0A:
            output.append(0x0A)
            trailingNewlines += 1
            pendingSpace = false
        case 0x0D:
            break  // a CR inside <pre> is half of a CRLF; the LF makes the line break
        default:
            appendText(byte)
        }
    }

    mutating func appendDecoded(_ scalar: UInt32) {
        // A decoded space, control character or no-break space separates words like any space.
        if scalar <= 0x20 || scalar == 0xA0 || scalar == 0x7F {
            appendWhitespace(scalar == 0x0A ? 0x0A : 0x20)
            return
        }
        switch scalar {
        case 0..<0x80:
            appendText(UInt8(scalar))
        case 0x80..<0x800:
            appendText(UInt8(0xC0 | (scalar >> 6)))
            appendText(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            appendText(UInt8(0xE0 | (scalar >> 12)))
            appendText(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            appendText(UInt8(0x80 | (scalar & 0x3F)))
        default:
            appendText(UInt8(0xF0 | (scalar >> 18)))
            appendText(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            appendText(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            appendText(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Makes sure the text so far ends with at least `count` line breaks (none at the start).
    mutating func ensureLineBreaks(_ count: Int) {
        pendingSpace = false
        guard !output.isEmpty else { return }
        while trailingNewlines < count {
            output.append(0x0A)
            trailingNewlines += 1
        }
    }

    /// A `<br>`: one more line break, up to one blank line.
    mutating func appendForcedBreak() {
        pendingSpace = false
        guard !output.isEmpty, trailingNewlines < 2 else { return }
        output.append(0x0A)
        trailingNewlines += 1
    }

    // MARK: Markup

    /// Reads the markup starting with the `<` at `index`: a tag, comment or declaration, or
    /// a `<` that is just text.
    mutating func readMarkup() {
        let end = input.count
        let next = index + 1 < end ? input[index + 1] : 0
        if next == UInt8(ascii: "!") {
            if matches("<!--", at: index) {
                index = find("-->", from: index + 4).map { $0 + 3 } ?? end
            } else {
                index = endOfTag(from: index + 2).end  // <!DOCTYPE …>, <![CDATA[…]]>
            }
            return
        }
        if next == UInt8(ascii: "?") {
            index = endOfTag(from: index + 2).end  // <?xml …?>
            return
        }
        let isClosing = next == UInt8(ascii: "/")
        let nameStart = index + (isClosing ? 2 : 1)
        guard nameStart < end, Self.isASCIILetter(input[nameStart]) else {
            if isClosing && nameStart < end && input[nameStart] == UInt8(ascii: ">") {
                index = nameStart + 1  // `</>` is ignored by browsers
            } else {
                appendText(UInt8(ascii: "<"))
                index += 1
            }
            return
        }
        var nameEnd = nameStart
        while nameEnd < end && !Self.endsTagName(input[nameEnd]) { nameEnd += 1 }
        let name = lowercasedName(nameStart..<nameEnd)
        let (tagEnd, isSelfClosing) = endOfTag(from: nameEnd)
        index = tagEnd

        if !isClosing && !isSelfClosing {
            switch name {
            case "script", "style":
                index = skipRawText(until: name)
                pendingSpace = true
                return
            case "title":
                let contentStart = index
                let contentEnd = findClosingTag(name, from: index)
                index = endOfTag(from: contentEnd).end
                if title == nil { title = decodedTitle(contentStart..<contentEnd) }
                ensureLineBreaks(2)
                return
            default:
                break
            }
        }
        if name == "pre" {
            if isClosing {
                preformattedDepth = Swift.max(0, preformattedDepth - 1)
            } else if !isSelfClosing {
                ensureLineBreaks(2)
                preformattedDepth += 1
                // As in browsers, a line break right after <pre> is not part of its content.
                if index < end && input[index] == 0x0D { index += 1 }
                if index < end && input[index] == 0x0A { index += 1 }
                return
            }
        }
        switch HTMLTagRole.role(ofTag: name) {
        case .paragraphBreak: ensureLineBreaks(2)
        case .lineBreak: ensureLineBreaks(1)
        case .forcedBreak: appendForcedBreak()
        case .inline: break
        case .wordBreak: pendingSpace = true
        }
    }

    /// The tag name's bytes lowercased; names longer than any known tag give an unknown name.
    func lowercasedName(_ range: Range<Int>) -> String {
        guard range.count <= 15 else { return "" }  // 15 bytes fit a String without allocating
        return String(unsafeUninitializedCapacity: range.count) { buffer in
            for (offset, position) in range.enumerated() {
                let byte = input[position]
                buffer[offset] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            return range.count
        }
    }

    /// Where the tag whose attributes start at `start` ends (just past its `>`, or the end of
    /// the page), and whether it ends with `/>`. A `>` inside a quoted value does not end it.
    func endOfTag(from start: Int) -> (end: Int, isSelfClosing: Bool) {
        let end = input.count
        var position = start
        var previous: UInt8 = 0
        while position < end {
            let byte = input[position]
            if byte == UInt8(ascii: ">") {
                return (position + 1, previous == UInt8(ascii: "/"))
            }
            if (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")) && previous == UInt8(ascii: "=") {
                guard let close = findByte(byte, from: position + 1) else { return (end, false) }
                position = close + 1
                previous = byte
                continue
            }
            if !IngestBytes.isWhitespace(byte) { previous = byte }
            position += 1
        }
        return (end, false)
    }

    /// Skips the contents of a `<script>` or `<style>` (text up to its closing tag, with no
    /// markup inside) and the closing tag; returns the position after it.
    func skipRawText(until name: String) -> Int {
        let close = findClosingTag(name, from: index)
        return endOfTag(from: close).end
    }

    /// The position of `</name` (any case, followed by a space, `/`, `>` or the end) at or
    /// after `start`, or the end of the page.
    func findClosingTag(_ name: String, from start: Int) -> Int {
        let end = input.count
        var position = start
        while let open = findByte(UInt8(ascii: "<"), from: position) {
            if open + 1 < end && input[open + 1] == UInt8(ascii: "/") {
                var candidate = open + 2
                var matched = true
                for byte in name.utf8 {
                    guard candidate < end, input[candidate] | 0x20 == byte else {
                        matched = false
                        break
                    }
                    candidate += 1
                }
                if matched && (candidate == end || Self.endsTagName(input[candidate])) { return open }
            }
            position = open + 1
        }
        return end
    }

    /// A `<title>`'s text: references decoded, whitespace collapsed; nil if nothing is left.
    func decodedTitle(_ range: Range<Int>) -> String? {
        var bytes: [UInt8] = []
        var pendingSpace = false
        var position = range.lowerBound
        while position < range.upperBound {
            var scalar = UInt32(input[position])
            var length = 1
            if input[position] == UInt8(ascii: "&"),
               let decoded = HTMLEntityTable.decode(input, at: position, end: range.upperBound) {
                (scalar, length) = decoded
            }
            position += length
            if scalar <= 0x20 || scalar == 0xA0 || scalar == 0x7F {
                pendingSpace = true
                continue
            }
            if pendingSpace && !bytes.isEmpty { bytes.append(0x20) }
            pendingSpace = false
            if length == 1 {
                bytes.append(UInt8(truncatingIfNeeded: scalar))  // a raw byte, passed through
            } else {
                IngestBytes.appendUTF8(scalar, to: &bytes)
            }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Searching

    func matches(_ literal: StaticString, at position: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard position + count <= input.count else { return false }
        return memcmp(input.baseAddress! + position, literal.utf8Start, count) == 0
    }

    func findByte(_ byte: UInt8, from start: Int) -> Int? {
        guard start < input.count else { return nil }
        let base = UnsafeRawPointer(input.baseAddress!)
        guard let hit = memchr(base + start, Int32(byte), input.count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(hit))
    }

    func find(_ literal: StaticString, from start: Int) -> Int? {
        let first = literal.utf8Start.pointee
        var position = start
        while let candidate = findByte(first, from: position) {
            if matches(literal, at: candidate) { return candidate }
            position = candidate + 1
        }
        return nil
    }

    static func isASCIILetter(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }

    static func endsTagName(_ byte: UInt8) -> Bool {
        IngestBytes.isWhitespace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">")
    }
}
