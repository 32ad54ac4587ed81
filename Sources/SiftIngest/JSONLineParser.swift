/// The fields ingest takes from one JSON Lines record.
struct JSONLineRecord: Equatable {
    /// The `id`: a string's contents, or a number exactly as written (`42`, `1e3`).
    var id: String
    /// The `title`, when it is a string.
    var title: String?
    /// The first of `text`, `contents` and `body` that is a string, as UTF-8.
    var body: [UInt8]
    /// Every other field that is not `null`: a string decoded, a number or `true`/`false` as
    /// written, an array or object as its compact JSON text. Empty (so not allocated) for a
    /// record with only the fields above, which is most of them in large corpora.
    var metadata: [String: String] = [:]
}

/// Why a line is not a usable record; the text goes into a warning.
struct JSONLineFailure: Error, Equatable, CustomStringConvertible {
    var description: String
}

/// A strict JSON reader for one line of a JSON Lines file, decoding only the fields ingest needs.
///
/// A hand-written reader instead of `JSONSerialization`: corpora in JSON Lines run to millions
/// of lines, and this one decodes the body straight into `[UInt8]` without building a
/// dictionary, an `NSString` or a `String` per line. It also keeps numbers exactly as written
/// (`JSONSerialization` would turn `007` into an error and `1.0` into `1`), which matters for
/// ids and for metadata that filters match exactly (`year:2005`). The whole line is still
/// validated, so a truncated or malformed line is reported, not half-indexed. Invalid UTF-8
/// inside strings is kept as it is in the body, as for every other kind of file.
struct JSONLineParser {
    /// Deeper nesting is refused, so a hostile line cannot exhaust the stack.
    static let maximumNestingDepth = 256

    private let input: UnsafeBufferPointer<UInt8>
    private var index = 0

    /// The fields of interest in one record.
    private enum Field {
        case id, title, text, contents, body
    }

    /// A field's value, kept only as far as ingest can use it.
    private enum Value {
        case string([UInt8])
        case number(String)
        case other
    }

    private init(input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    /// Reads one line (without its line end) as a record.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Result<JSONLineRecord, JSONLineFailure> {
        var parser = JSONLineParser(input: line)
        do {
            return .success(try parser.readRecord())
        } catch {
            return .failure(error)
        }
    }

    private mutating func readRecord() throws(JSONLineFailure) -> JSONLineRecord {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else {
            if index == input.count { throw JSONLineFailure(description: "not a JSON object (the line is empty)") }
            try skipValue(depth: 0)
            skipWhitespace()
            guard index == input.count else { throw invalid("unexpected text after the value") }
            throw JSONLineFailure(description: "not a JSON object")
        }
        index += 1
        // One slot per field of interest (a dictionary per line would allocate).
        var id: Value?, title: Value?, text: Value?, contents: Value?, body: Value?
        // Other fields; an empty dictionary does not allocate, so plain records cost nothing.
        var metadata: [String: String] = [:]
        // The first field out of bounds; reported only once the line is known to be JSON.
        var metadataFailure: JSONLineFailure?
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw invalid("expected a string key") }
                let key = try readString(keeping: true)
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw invalid("expected ':'") }
                index += 1
                skipWhitespace()
                // A repeated key: the last one counts, as in most JSON readers.
                switch Self.field(named: key) {
                case .id?: id = try readValue()
                case .title?: title = try readValue()
                case .text?: text = try readValue()
                case .contents?: contents = try readValue()
                case .body?: body = try readValue()
                case nil:
                    if metadataFailure == nil {
                        metadataFailure = try readMetadata(named: key, into: &metadata)
                    } else {
                        try skipValue(depth: 1)
                    }
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard peek() == UInt8(ascii: "}") else { throw invalid("expected ',' or '}'") }
                index += 1
                break
            }
        }
        skipWhitespace()
        guard index == input.count else { throw invalid("unexpected text after the object") }

        let identifier: String
        switch id {
        case .string(let bytes)?:
            guard !bytes.isEmpty else { throw JSONLineFailure(description: "\"id\" is empty") }
            identifier = String(decoding: bytes, as: UTF8.self)
        case .number(let literal)?:
            identifier = literal
        case .other?, nil:
            throw JSONLineFailure(description: "no \"id\" (a string or a number)")
        }
        let bodyText: [UInt8]
        if case .string(let bytes)? = text {
            bodyText = bytes
        } else if case .string(let bytes)? = contents {
            bodyText = bytes
        } else if case .string(let bytes)? = body {
            bodyText = bytes
        } else {
            throw JSONLineFailure(description: "no \"text\", \"contents\" or \"body\" string")
        }
        if let metadataFailure { throw metadataFailure }
        var titleText: String?
        if case .string(let bytes)? = title { titleText = String(decoding: bytes, as: UTF8.self) }
        return JSONLineRecord(id: identifier, title: titleText, body: bodyText, metadata: metadata)
    }

    private static func field(named key: [UInt8]) -> Field? {
        switch key.count {
        case 2 where key.elementsEqual("id".utf8): return .id
        case 4 where key.elementsEqual("text".utf8): return .text
        case 4 where key.elementsEqual("body".utf8): return .body
        case 5 where key.elementsEqual("title".utf8): return .title
        case 8 where key.elementsEqual("contents".utf8): return .contents
        default: return nil
        }
    }

    // MARK: Metadata

    /// Reads the value of the field `key` (one ingest does not use itself) into `metadata`,
    /// replacing an earlier field of that name; `null` removes it. Returns why the record
    /// cannot be kept when the key or the value is out of bounds (the value is still read, so
    /// that a malformed line is reported as such first).
    private mutating func readMetadata(
        named key: [UInt8], into metadata: inout [String: String]
    ) throws(JSONLineFailure) -> JSONLineFailure? {
        let name = String(decoding: key, as: UTF8.self)
        if key.isEmpty || name.utf8.count > SourceDocument.maximumMetadataKeyBytes {
            try skipValue(depth: 1)
            return key.isEmpty
                ? JSONLineFailure(description: "a field name is empty (a metadata key must be 1 to \(SourceDocument.maximumMetadataKeyBytes) bytes)")
                : JSONLineFailure(description: "the field name \(Self.quoted(name)) is \(name.utf8.count) bytes (a metadata key must be 1 to \(SourceDocument.maximumMetadataKeyBytes) bytes)")
        }
        let value: String
        switch peek() {
        case UInt8(ascii: "\""):
            value = try readText()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            try skipNumber()
            value = String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
        case UInt8(ascii: "t"):
            try skipLiteral("true")
            value = "true"
        case UInt8(ascii: "f"):
            try skipLiteral("false")
            value = "false"
        case UInt8(ascii: "n"):
            try skipLiteral("null")
            metadata.removeValue(forKey: name)
            return nil
        default:
            let start = index
            try skipValue(depth: 1)
            value = compactText(start..<index)
        }
        let size = value.utf8.count
        guard size <= SourceDocument.maximumMetadataValueBytes else {
            return JSONLineFailure(description: "the value of \(Self.quoted(name)) is \(size) bytes (a metadata value must be at most \(SourceDocument.maximumMetadataValueBytes) bytes)")
        }
        metadata[name] = value
        return nil
    }

    /// Reads the string starting at the `"` at `index` as a `String`, straight from the line
    /// when it has no escapes (most metadata values), so no byte array is built in between.
    private mutating func readText() throws(JSONLineFailure) -> String {
        let start = index + 1
        var scan = start
        while scan < input.count {
            let byte = input[scan]
            if byte == UInt8(ascii: "\"") {
                index = scan + 1
                return String(decoding: UnsafeBufferPointer(rebasing: input[start..<scan]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            scan += 1
        }
        return String(decoding: try readString(keeping: true), as: UTF8.self)
    }

    /// The JSON text of an array or object already validated at `range`, without the
    /// whitespace outside its strings, so `[1, 2]` and `[1,2]` give the same value to filter on.
    private func compactText(_ range: Range<Int>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(range.count)
        var inString = false
        var position = range.lowerBound
        while position < range.upperBound {
            let byte = input[position]
            if inString {
                bytes.append(byte)
                if byte == UInt8(ascii: "\\") {
                    // Validated: an escape always has its next byte, which may be a quote.
                    position += 1
                    bytes.append(input[position])
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D: break
                case UInt8(ascii: "\""):
                    inString = true
                    bytes.append(byte)
                default:
                    bytes.append(byte)
                }
            }
            position += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The items of `text` when it is a JSON array of strings, numbers, `true`/`false` and
    /// `null`s (left out), read as metadata values are; nil for anything else. (`MetadataList`.)
    static func listItems(_ text: UnsafeBufferPointer<UInt8>) -> [String]? {
        var parser = JSONLineParser(input: text)
        do throws(JSONLineFailure) {
            return try parser.readList()
        } catch {
            return nil
        }
    }

    private mutating func readList() throws(JSONLineFailure) -> [String]? {
        skipWhitespace()
        guard peek() == UInt8(ascii: "[") else { return nil }
        index += 1
        skipWhitespace()
        var items: [String] = []
        if peek() == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: "\""):
                    items.append(try readText())
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    let start = index
                    try skipNumber()
                    items.append(String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self))
                case UInt8(ascii: "t"):
                    try skipLiteral("true")
                    items.append("true")
                case UInt8(ascii: "f"):
                    try skipLiteral("false")
                    items.append("false")
                case UInt8(ascii: "n"):
                    try skipLiteral("null")
                default:
                    return nil  // an array or object inside: not a list of values
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard peek() == UInt8(ascii: "]") else { return nil }
                index += 1
                break
            }
        }
        skipWhitespace()
        return index == input.count ? items : nil
    }

    /// A field name for a message: in quotes, cut after 40 characters so a huge key does not
    /// flood the warning.
    private static func quoted(_ name: String) -> String {
        name.count > 40 ? "\"\(name.prefix(40))…\"" : "\"\(name)\""
    }

    // MARK: Values

    private mutating func readValue() throws(JSONLineFailure) -> Value {
        switch peek() {
        case UInt8(ascii: "\""):
            return .string(try readString(keeping: true))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            try skipNumber()
            return .number(String(decoding: input[start..<index], as: UTF8.self))
        default:
            try skipValue(depth: 1)
            return .other
        }
    }

    private mutating func skipValue(depth: Int) throws(JSONLineFailure) {
        guard depth < Self.maximumNestingDepth else { throw invalid("nested too deeply") }
        switch peek() {
        case UInt8(ascii: "\""):
            _ = try readString(keeping: false)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
        case UInt8(ascii: "t"):
            try skipLiteral("true")
        case UInt8(ascii: "f"):
            try skipLiteral("false")
        case UInt8(ascii: "n"):
            try skipLiteral("null")
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard peek() == UInt8(ascii: "]") else { throw invalid("expected ',' or ']'") }
                index += 1
                return
            }
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw invalid("expected a string key") }
                _ = try readString(keeping: false)
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw invalid("expected ':'") }
                index += 1
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                if peek() == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                guard peek() == UInt8(ascii: "}") else { throw invalid("expected ',' or '}'") }
                index += 1
                return
            }
        default:
            throw invalid(index == input.count ? "unexpected end of line" : "unexpected character")
        }
    }

    /// Reads the string starting at the `"` at `index`, decoding escapes into UTF-8; returns
    /// the bytes if `keeping`, else validates only.
    private mutating func readString(keeping: Bool) throws(JSONLineFailure) -> [UInt8] {
        let end = input.count
        index += 1
        var bytes: [UInt8] = []
        var runStart = index
        while index < end {
            let byte = input[index]
            if byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte >= 0x20 {
                index += 1
                continue
            }
            if keeping && runStart < index {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
            }
            if byte == UInt8(ascii: "\"") {
                index += 1
                return bytes
            }
            if byte < 0x20 { throw invalid("control character in a string") }
            try readEscape(into: &bytes, keeping: keeping)
            runStart = index
        }
        throw invalid("unterminated string")
    }

    /// Reads the escape starting at the `\` at `index`.
    private mutating func readEscape(into bytes: inout [UInt8], keeping: Bool) throws(JSONLineFailure) {
        guard index + 1 < input.count else { throw invalid("unterminated string") }
        let escaped = input[index + 1]
        index += 2
        let replacement: UInt8
        switch escaped {
        case UInt8(ascii: "\""): replacement = 0x22
        case UInt8(ascii: "\\"): replacement = 0x5C
        case UInt8(ascii: "/"): replacement = 0x2F
        case UInt8(ascii: "b"): replacement = 0x08
        case UInt8(ascii: "f"): replacement = 0x0C
        case UInt8(ascii: "n"): replacement = 0x0A
        case UInt8(ascii: "r"): replacement = 0x0D
        case UInt8(ascii: "t"): replacement = 0x09
        case UInt8(ascii: "u"):
            var scalar = try readHexQuad()
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate counts only with the low one that must follow it.
                if index + 1 < input.count && input[index] == UInt8(ascii: "\\")
                    && input[index + 1] == UInt8(ascii: "u") {
                    let save = index
                    index += 2
                    let low = try readHexQuad()
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD
                        index = save  // the second escape stands on its own
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(scalar) {
                scalar = 0xFFFD
            }
            if keeping { IngestBytes.appendUTF8(scalar, to: &bytes) }
            return
        default:
            index -= 2  // point at the backslash
            throw invalid("invalid escape")
        }
        if keeping { bytes.append(replacement) }
    }

    private mutating func readHexQuad() throws(JSONLineFailure) -> UInt32 {
        guard index + 4 <= input.count else { throw invalid("incomplete \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = input[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw invalid("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Skips a number, checking JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func skipNumber() throws(JSONLineFailure) {
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else {
            guard skipDigits() > 0 else { throw invalid("invalid number") }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard skipDigits() > 0 else { throw invalid("invalid number") }
        }
        if peek() | 0x20 == UInt8(ascii: "e") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw invalid("invalid number") }
        }
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while index < input.count && input[index] >= UInt8(ascii: "0") && input[index] <= UInt8(ascii: "9") {
            index += 1
        }
        return index - start
    }

    private mutating func skipLiteral(_ literal: StaticString) throws(JSONLineFailure) {
        let count = literal.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        guard index + count <= input.count, input[index..<index + count].elementsEqual(expected) else {
            throw invalid("unexpected character")
        }
        index += count
    }

    // MARK: Bytes

    /// The byte at `index`, or 0 at the end (0 is never valid JSON outside a string).
    private func peek() -> UInt8 {
        index < input.count ? input[index] : 0
    }

    private mutating func skipWhitespace() {
        while index < input.count {
            switch input[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// A failure naming the 1-based byte column where reading stopped.
    private func invalid(_ problem: String) -> JSONLineFailure {
        JSONLineFailure(description: "invalid JSON at column \(index + 1): \(problem)")
    }
}
