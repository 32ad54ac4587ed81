/// A metadata value that holds several values — a document's tags, authors, categories — is
/// written as a JSON array: `["energy","markets"]`. That is how a JSON Lines array arrives
/// (its compact JSON text) and how Markdown front matter lists are stored, so both read the
/// same way; filters match each item (`tags:energy`), and the value still shows as one text.
public enum MetadataList {
    /// `items` as a compact JSON array of strings, the form a list value is stored in.
    public static func encode(_ items: [String]) -> String {
        "[" + items.map(JSONText.quoted).joined(separator: ",") + "]"
    }

    /// The items of a value that is a JSON array of strings, numbers, `true`/`false` and
    /// `null`s (left out): strings decoded, numbers and literals as written. Nil for any other
    /// value — text, or an array holding arrays or objects — which is one value as it stands.
    public static func items(of value: String) -> [String]? {
        guard value.utf8.first == UInt8(ascii: "["), value.utf8.last == UInt8(ascii: "]") else { return nil }
        var value = value
        return value.withUTF8 { JSONLineParser.listItems($0) }
    }
}

/// JSON text for strings, shared by what writes JSON (list values here, the CLI's output).
package enum JSONText {
    /// `value` as a JSON string literal: quotes, backslashes and control characters escaped.
    package static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
