/// A word found by the tokenizer, before folding, stop words and stemming.
package struct RawToken: Sendable, Equatable {
    /// Byte offset of the token's first byte in the input.
    package var start: Int
    /// Byte offset just past the token's last byte (a dropped possessive `'s` stays inside).
    package var end: Int
    /// True when the normalized surface in `Tokenizer.buffer` is plain ASCII, already lowercase,
    /// so folding can be skipped.
    var isASCII: Bool
    /// True for tokens longer than `Tokenizer.maximumTokenBytes`: they keep their position but
    /// produce no term.
    package var isTooLong: Bool
}

/// Splits UTF-8 bytes into words.
///
/// A word is a maximal run of letters and digits of any script, with combining marks kept
/// inside it. Apostrophes between letters join (`don't`), a trailing possessive `'s` is
/// dropped, dotted acronyms collapse (`U.S.` → `us`), digit groups join (`5,000` → `5000`)
/// and decimals stay whole (`3.14`). Han, Hiragana and Katakana characters are one token each,
/// as in Lucene's StandardTokenizer, so CJK text is searchable without a dictionary. Invalid
/// UTF-8 bytes separate words; nothing ever traps.
///
/// The tokenizer borrows the input: it must not outlive the buffer it was made with.
package struct Tokenizer {
    /// Longer tokens are skipped (they are almost always encoded data, not words).
    package static let maximumTokenBytes = 255

    /// Bytes of the scratch a tokenizer writes normalized tokens into.
    static let scratchCapacity = maximumTokenBytes + 8

    private let input: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// The character classes of ASCII bytes, read through a pointer taken once per tokenizer
    /// (a `static let` read per byte would pay a lazy-initialization check each time).
    private let classes: UnsafePointer<UInt8>
    /// Where the normalized surface of the last token is written (owned by the caller).
    private let scratch: UnsafeMutablePointer<UInt8>
    private var length = 0

    /// A tokenizer over `input`, writing tokens into `scratch` (at least `scratchCapacity`
    /// bytes, owned by the caller and alive as long as the tokenizer).
    package init(_ input: UnsafeBufferPointer<UInt8>, scratch: UnsafeMutablePointer<UInt8>) {
        self.input = input
        self.scratch = scratch
        classes = Self.classTable
    }

    /// Runs `body` with scratch for a tokenizer (for cold paths that make one now and then).
    package static func withScratch<R>(_ body: (UnsafeMutablePointer<UInt8>) throws -> R) rethrows -> R {
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
        defer { scratch.deallocate() }
        return try body(scratch)
    }

    /// The normalized surface of the last token: ASCII lowercased, apostrophes made `'`,
    /// acronym dots and digit-group commas removed. Non-ASCII bytes are copied as they are.
    var token: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: scratch, count: length) }

    /// The last token's surface as an array (cold paths).
    var buffer: [UInt8] { Array(token) }

    /// The next token, or nil at the end of the input.
    package mutating func next() -> RawToken? {
        let count = input.count
        while index < count {
            let byte = input[index]
            if byte < 0x80 {
                let kind = classes[Int(byte)]
                if kind == CharClass.letter.rawValue {
                    if let token = scanAcronym() { return token }
                    return scanWord()
                }
                if kind == CharClass.digit.rawValue { return scanWord() }
                index += 1
                continue
            }
            let (kind, length) = classify(at: index)
            switch kind {
            case .ideograph:
                // One character a token, with any combining marks after it (a decomposed
                // voiced kana `か` + U+3099 is the same word as `が`).
                let start = index
                index += length
                while index < count {
                    let (next, nextLength) = classify(at: index)
                    guard next == .mark else { break }
                    index += nextLength
                }
                self.length = 0
                appendBytes(start, index - start)
                return RawToken(start: start, end: index, isASCII: false, isTooLong: index - start > Self.maximumTokenBytes)
            case .letter, .digit:
                return scanWord()
            default:
                index += max(length, 1)
            }
        }
        return nil
    }

    // MARK: - Words

    private mutating func scanWord() -> RawToken {
        length = 0
        let start = index
        var position = index
        var isASCII = true
        var isNumeric = true
        var lastWasLetter = false
        let count = input.count
        scan: while position < count {
            let byte = input[position]
            if byte < 0x80 {
                let kind = classes[Int(byte)]
                switch kind {
                case CharClass.letter.rawValue:
                    append(byte | 0x20)  // ASCII letters: setting bit 5 lowercases
                    isNumeric = false
                    lastWasLetter = true
                    position += 1
                case CharClass.digit.rawValue:
                    append(byte)
                    lastWasLetter = false
                    position += 1
                case CharClass.apostrophe.rawValue:
                    guard lastWasLetter, letterFollows(at: position + 1) else { break scan }
                    append(UInt8(ascii: "'"))
                    lastWasLetter = false
                    position += 1
                case CharClass.comma.rawValue:
                    guard isNumeric, isDigitGroup(at: position + 1) else { break scan }
                    position += 1  // `5,000` and `5000` are one term
                case CharClass.period.rawValue:
                    guard isNumeric, isDigit(at: position + 1) else { break scan }
                    append(byte)
                    position += 1
                default:
                    break scan
                }
                continue
            }
            let (kind, length) = classify(at: position)
            switch kind {
            case .letter, .digit:
                appendBytes(position, length)
                isASCII = false
                isNumeric = false
                lastWasLetter = true
            case .mark:
                appendBytes(position, length)
                isASCII = false
            case .ignorable:
                break
            case .apostrophe:
                guard lastWasLetter, letterFollows(at: position + length) else { break scan }
                append(UInt8(ascii: "'"))
                lastWasLetter = false
            default:
                break scan  // ideographs, punctuation, spaces, invalid bytes
            }
            position += length
        }
        index = position
        // A trailing possessive `'s` (any of the three apostrophes) is dropped from the term.
        let n = length
        if n >= 3 && scratch[n - 1] == UInt8(ascii: "s") && scratch[n - 2] == UInt8(ascii: "'") {
            length -= 2
        }
        return RawToken(start: start, end: position, isASCII: isASCII,
                        isTooLong: position - start > Self.maximumTokenBytes)
    }

    /// Dotted acronyms of single ASCII letters: `U.S.`, `U.S`, `e.g.` → `us`, `us`, `eg`. A
    /// possessive after one (`U.S.’s`) belongs to it, as after any word.
    private mutating func scanAcronym() -> RawToken? {
        let count = input.count
        var position = index
        var letters = 0
        while true {
            guard position < count, isASCIILetter(input[position]) else { return nil }
            letters += 1
            let afterLetter = position + 1
            if afterLetter < count && input[afterLetter] == UInt8(ascii: ".")
                && afterLetter + 1 < count && isASCIILetter(input[afterLetter + 1])
            {
                // Another letter must stand alone: `U.Sx` is not an acronym.
                position = afterLetter + 1
                continue
            }
            // The last letter must not run on into a word (`I.BM`, `U.Sé`).
            if wordContinues(at: afterLetter) { return nil }
            guard letters >= 2 else { return nil }
            length = 0
            var scan = index
            while scan < afterLetter {
                if input[scan] != UInt8(ascii: ".") { append(input[scan] | 0x20) }
                scan += 1
            }
            let start = index
            var end = afterLetter
            // Consume a closing dot so it is not seen again; the token's range ends at the letter.
            var next = afterLetter < count && input[afterLetter] == UInt8(ascii: ".") ? afterLetter + 1 : afterLetter
            if let possessiveEnd = possessive(at: next) {
                end = possessiveEnd
                next = possessiveEnd
            }
            index = next
            return RawToken(start: start, end: end, isASCII: true, isTooLong: end - start > Self.maximumTokenBytes)
        }
    }

    /// The end of an `'s` (any apostrophe) at `position` that closes a word, if there is one.
    private func possessive(at position: Int) -> Int? {
        guard position < input.count else { return nil }
        var length = 0
        if input[position] == UInt8(ascii: "'") {
            length = 1
        } else if input[position] >= 0x80, let (scalar, scalarLength) = UTF8Decoding.decode(input, at: position),
                  Self.classify(scalar) == .apostrophe
        {
            length = scalarLength
        }
        guard length > 0, position + length < input.count, input[position + length] | 0x20 == UInt8(ascii: "s"),
              !wordContinues(at: position + length + 1)
        else { return nil }
        return position + length + 1
    }

    /// True when the character at `position` would extend a word (a letter, digit or mark).
    private func wordContinues(at position: Int) -> Bool {
        guard position < input.count else { return false }
        let byte = input[position]
        if byte < 0x80 { return classes[Int(byte)] <= CharClass.digit.rawValue }
        switch classify(at: position).kind {
        case .letter, .digit, .mark, .ignorable: return true
        default: return false
        }
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        if length <= Self.maximumTokenBytes {
            scratch[length] = byte
            length += 1
        }
    }

    @inline(__always)
    private mutating func appendBytes(_ start: Int, _ count: Int) {
        // Tokens past the limit are skipped anyway: stop copying there (room for one scalar more).
        var offset = 0
        while offset < count && self.length < Self.scratchCapacity {
            scratch[self.length] = input[start + offset]
            self.length += 1
            offset += 1
        }
    }

    private func letterFollows(at position: Int) -> Bool {
        guard position < input.count else { return false }
        let byte = input[position]
        if byte < 0x80 { return classes[Int(byte)] == CharClass.letter.rawValue }
        return classify(at: position).kind == .letter
    }

    private func isDigit(at position: Int) -> Bool {
        position < input.count && input[position] &- UInt8(ascii: "0") < 10
    }

    /// Exactly three digits follow, and then no fourth: the shape of a thousands group.
    private func isDigitGroup(at position: Int) -> Bool {
        isDigit(at: position) && isDigit(at: position + 1) && isDigit(at: position + 2) && !isDigit(at: position + 3)
    }

    @inline(__always)
    private func isASCIILetter(_ byte: UInt8) -> Bool {
        byte < 0x80 && classes[Int(byte)] == CharClass.letter.rawValue
    }

    @inline(__always)
    private func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        byte < 0x80 && classes[Int(byte)] <= CharClass.digit.rawValue
    }

    // MARK: - Character classes

    enum CharClass: UInt8 {
        case letter = 0, digit, mark, ideograph, apostrophe, comma, period, ignorable, other, invalid
    }

    /// The class of each ASCII byte, made once and kept for the process's life; tokenizers read
    /// it through `classes`.
    nonisolated(unsafe) static let classTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)
        for value in 0..<128 {
            let kind: CharClass
            switch UInt8(value) {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): kind = .letter
            case UInt8(ascii: "0")...UInt8(ascii: "9"): kind = .digit
            case UInt8(ascii: "'"): kind = .apostrophe
            case UInt8(ascii: ","): kind = .comma
            case UInt8(ascii: "."): kind = .period
            default: kind = .other
            }
            table[value] = kind.rawValue
        }
        return UnsafePointer(table)
    }()

    /// Decodes the scalar at `position` (a lead byte ≥ 0x80) and classifies it. Invalid
    /// sequences report `.invalid` with length 1, so the byte becomes a separator.
    private func classify(at position: Int) -> (kind: CharClass, length: Int) {
        guard let (scalar, length) = UTF8Decoding.decode(input, at: position) else { return (.invalid, 1) }
        return (Self.classify(scalar), length)
    }

    static func classify(_ scalar: Unicode.Scalar) -> CharClass {
        let value = scalar.value
        if value < 0x80 {
            return CharClass(rawValue: classTable[Int(value)]) ?? .other
        }
        switch value {
        case 0x2019, 0x02BC: return .apostrophe
        case 0x00AD, 0x200C, 0x200D, 0x2060: return .ignorable  // soft hyphen, joiners
        case 0xFF9E, 0xFF9F: return .mark  // half-width voiced sound marks join the kana before them
        case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9D,  // kana
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF:  // Han
            // Only the letters of these blocks are words: `・` (U+30FB) is punctuation and
            // U+3099/U+309A are combining marks.
            switch scalar.properties.generalCategory {
            case .otherLetter, .modifierLetter, .letterNumber: return .ideograph
            case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
            default: return .other
            }
        default: break
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .letter  // only ASCII digits take part in number grouping
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return .mark
        default:
            return .other
        }
    }
}

/// Strict UTF-8 decoding of one scalar, shared by the tokenizer and folding.
package enum UTF8Decoding {
    /// The scalar starting at `position` and its byte length, or nil for an invalid sequence
    /// (stray continuation byte, truncated or overlong sequence, surrogate, value past U+10FFFF).
    @inline(__always)
    package static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> (Unicode.Scalar, Int)? {
        let count = bytes.count
        let lead = UInt32(bytes[position])
        if lead < 0x80 { return (Unicode.Scalar(UInt8(lead)), 1) }
        let length: Int
        var value: UInt32
        let minimum: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; value = lead & 0x1F; minimum = 0x80
        case 0xE0...0xEF: length = 3; value = lead & 0x0F; minimum = 0x800
        case 0xF0...0xF4: length = 4; value = lead & 0x07; minimum = 0x10000
        default: return nil
        }
        guard position + length <= count else { return nil }
        for offset in 1..<length {
            let byte = UInt32(bytes[position + offset])
            guard byte & 0xC0 == 0x80 else { return nil }
            value = (value << 6) | (byte & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}
