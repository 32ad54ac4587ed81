/// The fields ingest takes from one JSON Lines record.
struct JSONLineRecord: Equatable {
    /// The `id`: a string's contents, or a number exactly as written (`42`, `1e3`).
    var id: String
    /// The `title`, when it is a string.
    var title: String?
    /// The first of `text`, `contents` and `body` that is a string, as UTF-8.
    var body: [UInt8]
}

/// Why a line is not a usable record; the text goes into a warning.
struct JSONLineFailure: Error, Equatable, CustomStringConvertible {
    var description: String
}

/// A strict JSON reader for one line of a JSON Lines file, decoding only the fields ingest needs.
///
/// A hand-written reader instead of `JSONSerialization`: corpora in JSON Lines run to millions
/// of lines, and this one decodes the body straight into `[UInt8]` without building a
/// dictionary, an `NSString` or a `String` per line. It also keeps a numeric id exactly as
/// written (`JSONSerialization` would turn `007` into an error and `1.0` into `1`). The whole
/// line is still validated, so a truncated or malformed line is reported, not half-indexed.
/// Invalid UTF-8 inside strings is kept as it is, as for every other kind of file.
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
                case nil: try skipValue(depth: 1)
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
        var titleText: String?
        if case .string(let bytes)? = title { titleText = String(decoding: bytes, as: UTF8.self) }
        return JSONLineRecord(id: identifier, title: titleText, body: bodyText)
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
