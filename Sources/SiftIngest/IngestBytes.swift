/// Byte-level helpers shared by the ingest readers, which work on UTF-8 bytes, not `String`s.
enum IngestBytes {
    /// ASCII whitespace: space, tab, line feed, vertical tab, form feed, carriage return.
    /// Only ASCII counts, so that a line of invalid or non-Latin bytes is never called blank.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// Whether `bytes[range]` is empty or all whitespace: a blank line.
    static func isBlank(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        for index in range where !isWhitespace(bytes[index]) { return false }
        return true
    }

    /// `range` without whitespace at either end.
    static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end && isWhitespace(bytes[start]) { start += 1 }
        while end > start && isWhitespace(bytes[end - 1]) { end -= 1 }
        return start..<end
    }

    /// The UTF-8 byte order mark, which editors on Windows put at the start of text files.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether the bytes start with a UTF-8 byte order mark.
    static func hasByteOrderMark(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// Appends the UTF-8 encoding of a Unicode scalar value (which the caller has checked is
    /// valid: not a surrogate, at most U+10FFFF).
    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
