/// A metadata value that holds several values — a document's tags, authors, categories — is
/// written as a JSON array: `["energy","markets"]`. That is how a JSON Lines array arrives
/// (its compact JSON text) and how Markdown front matter lists are stored, so both read the
/// same way; filters match each item (`tags:energy`), and the value still shows as one text.
public enum MetadataList {
    /// `items` as a compact JSON array of strings, the form a list value is stored in.
    public static func encode(_ items: [String]) -> String {
        var text = "["
        for (index, item) in items.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for scalar in item.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\t": text += "\\t"
                case "\r": text += "\\r"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        text.unicodeScalars.append(scalar)
                    }
                }
            }
            text += "\""
        }
        return text + "]"
    }

    /// The items of a value that is a JSON array of strings, numbers, `true`/`false` and
    /// `null`s (left out): strings decoded, numbers and literals as written. Nil for any other
    /// value — text, or an array holding arrays or objects — which is one value as it stands.
    public static func items(of value: String) -> [String]? {
        var value = value
        return value.withUTF8 { bytes -> [String]? in
            guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
            var items: [String] = []
            var index = 1
            let end = bytes.count - 1
            func skipSpaces() { while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 } }
            skipSpaces()
            if index == end { return [] }
            while true {
                skipSpaces()
                guard index < end else { return nil }
                if bytes[index] == UInt8(ascii: "\"") {
                    guard let (item, after) = string(bytes, from: index, end: end) else { return nil }
                    items.append(item)
                    index = after
                } else {
                    let start = index
                    while index < end, bytes[index] != UInt8(ascii: ","), bytes[index] != 0x20, bytes[index] != 0x09,
                          bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
                    let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    guard !word.isEmpty, word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
                          word.first!.isNumber || word.first == "-" || word == "true" || word == "false" || word == "null"
                    else { return nil }
                    if word != "null" { items.append(word) }
                }
                skipSpaces()
                if index == end { return items }
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
            }
        }
    }

    /// The JSON string starting at the quote at `start`, decoded, and the offset after it.
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> (String, Int)? {
        var decoded: [UInt8] = []
        var index = start + 1
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return (String(decoding: decoded, as: UTF8.self), index + 1) }
            guard byte == UInt8(ascii: "\\") else {
                decoded.append(byte)
                index += 1
                continue
            }
            guard index + 1 < end else { return nil }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 4 <= end, var code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<(index + 4)]), as: UTF8.self), radix: 16) else { return nil }
                index += 4
                // A surrogate pair: the low half follows as another \u escape.
                if (0xD800..<0xDC00).contains(code), index + 6 <= end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                   let low = UInt32(String(decoding: UnsafeBufferPointer(rebasing: bytes[(index + 2)..<(index + 6)]), as: UTF8.self), radix: 16),
                   (0xDC00..<0xE000).contains(low) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                decoded.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
            default:
                return nil
            }
        }
        return nil
    }
}
