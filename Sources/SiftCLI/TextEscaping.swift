/// Text from documents and queries made safe to print.
enum TerminalText {
    /// `text` with every control character shown instead of obeyed: tab, newline and carriage
    /// return as `\t`, `\n`, `\r`; other C0 and C1 controls, DEL, and the bidirectional
    /// overrides and isolates (which reorder what follows them) as `\u{XX}`. Escape sequences
    /// and BEL from a document thus cannot recolour, move or ring the terminal, and a name with
    /// a newline stays on its line.
    /// With `keepingLines`, newlines and tabs are kept as they are (a document's text shown
    /// in full).
    static func escaped(_ text: String, keepingLines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar), !(keepingLines && (scalar == "\n" || scalar == "\t")) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true  // bidirectional embeddings, overrides, isolates
        case 0x2028, 0x2029: true  // line and paragraph separators
        default: false
        }
    }
}

/// The fields of TREC run lines (`qid Q0 docid rank score tag`), which readers split at white
/// space: a field must hold none.
enum TRECField {
    /// `text` with every white-space or control character written as `%XX`, one per UTF-8
    /// byte (a space is `%20`, a tab `%09`, a newline `%0A`, U+00A0 `%C2%A0`); everything
    /// else, `%` included, as it is.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            for byte in String(scalar).utf8 {
                result += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            || scalar.value == 0x200B || scalar.value == 0xFEFF  // zero-width space, BOM: invisible splitters
    }
}
