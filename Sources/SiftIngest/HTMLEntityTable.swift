/// Decodes HTML character references: `&amp;`, `&eacute;`, `&#233;`, `&#xE9;`.
///
/// The named set is HTML 4's 252 entities plus `&apos;`: every name a hand-written or older
/// generated page is likely to use. Names are looked up as integers (each name is at most
/// eight ASCII bytes, packed into a `UInt64`), so decoding allocates nothing.
enum HTMLEntityTable {
    /// The longest entity name in the table, in bytes (`thetasym`).
    static let maximumNameLength = 8

    /// The reference starting with the `&` at `start`, if there is a valid one before `end`:
    /// its scalar value and how many bytes it spans. Numeric references may omit the `;`, as
    /// browsers allow; named ones need it, so `AT&T` and `a&b` stay as written.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> (scalar: UInt32, length: Int)? {
        var index = start + 1
        guard index < end else { return nil }
        if input[index] == UInt8(ascii: "#") {
            index += 1
            var value: UInt32 = 0
            var digits = 0
            let isHex = index < end && (input[index] | 0x20) == UInt8(ascii: "x")
            if isHex { index += 1 }
            while index < end {
                let byte = input[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f") where isHex: digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F") where isHex: digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: digit = 16
                }
                if digit == 16 { break }
                // Once past U+10FFFF the value is invalid anyway; stop growing it so it cannot overflow.
                if value <= 0x10FFFF { value = value * (isHex ? 16 : 10) + digit }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if index < end && input[index] == UInt8(ascii: ";") { index += 1 }
            return (numericScalar(value), index - start)
        }
        var key: UInt64 = 0
        var length = 0
        while index < end {
            let byte = input[index]
            let isAlphanumeric = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            guard isAlphanumeric else { break }
            guard length < maximumNameLength else { return nil }
            key |= UInt64(byte) << (8 * UInt64(length))
            length += 1
            index += 1
        }
        guard length > 0, index < end, input[index] == UInt8(ascii: ";"), let scalar = named[key] else {
            return nil
        }
        return (scalar, index + 1 - start)
    }

    /// The scalar a numeric reference stands for, as browsers read it: NUL, surrogates and
    /// values past U+10FFFF become U+FFFD, and 0x80–0x9F are read as Windows-1252, since pages
    /// that write `&#150;` mean an en dash, not a C1 control character.
    static func numericScalar(_ value: UInt32) -> UInt32 {
        switch value {
        case 0, 0xD800...0xDFFF, 0x110000...:
            return 0xFFFD
        case 0x80...0x9F:
            return windows1252[Int(value - 0x80)]
        default:
            return value
        }
    }

    /// Windows-1252's characters for bytes 0x80–0x9F; the five it leaves undefined map to
    /// themselves.
    private static let windows1252: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// The names of U+00A0 through U+00FF, in order.
    private static let latin1Names = [
        "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
        "uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
        "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
        "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
        "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
        "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
        "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
        "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
        "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
        "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
        "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
        "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
    ]

    /// The Greek letters, whose names follow the Unicode order from U+0391 (capitals, with the
    /// unassigned U+03A2 left out) and from U+03B1 (small letters, final sigma included).
    private static let greekNames = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigmaf", "sigma", "tau", "upsilon",
        "phi", "chi", "psi", "omega",
    ]

    /// Everything else in the HTML 4 set: markup-significant characters, typography,
    /// arrows, mathematical operators and a few symbols.
    private static let otherEntities: [(String, UInt32)] = [
        ("quot", 0x22), ("amp", 0x26), ("apos", 0x27), ("lt", 0x3C), ("gt", 0x3E),
        ("OElig", 0x152), ("oelig", 0x153), ("Scaron", 0x160), ("scaron", 0x161), ("Yuml", 0x178),
        ("fnof", 0x192), ("circ", 0x2C6), ("tilde", 0x2DC),
        ("thetasym", 0x3D1), ("upsih", 0x3D2), ("piv", 0x3D6),
        ("ensp", 0x2002), ("emsp", 0x2003), ("thinsp", 0x2009), ("zwnj", 0x200C), ("zwj", 0x200D),
        ("lrm", 0x200E), ("rlm", 0x200F), ("ndash", 0x2013), ("mdash", 0x2014),
        ("lsquo", 0x2018), ("rsquo", 0x2019), ("sbquo", 0x201A),
        ("ldquo", 0x201C), ("rdquo", 0x201D), ("bdquo", 0x201E),
        ("dagger", 0x2020), ("Dagger", 0x2021), ("bull", 0x2022), ("hellip", 0x2026),
        ("permil", 0x2030), ("prime", 0x2032), ("Prime", 0x2033), ("lsaquo", 0x2039), ("rsaquo", 0x203A),
        ("oline", 0x203E), ("frasl", 0x2044), ("euro", 0x20AC),
        ("image", 0x2111), ("weierp", 0x2118), ("real", 0x211C), ("trade", 0x2122), ("alefsym", 0x2135),
        ("larr", 0x2190), ("uarr", 0x2191), ("rarr", 0x2192), ("darr", 0x2193), ("harr", 0x2194),
        ("crarr", 0x21B5), ("lArr", 0x21D0), ("uArr", 0x21D1), ("rArr", 0x21D2), ("dArr", 0x21D3),
        ("hArr", 0x21D4),
        ("forall", 0x2200), ("part", 0x2202), ("exist", 0x2203), ("empty", 0x2205), ("nabla", 0x2207),
        ("isin", 0x2208), ("notin", 0x2209), ("ni", 0x220B), ("prod", 0x220F), ("sum", 0x2211),
        ("minus", 0x2212), ("lowast", 0x2217), ("radic", 0x221A), ("prop", 0x221D), ("infin", 0x221E),
        ("ang", 0x2220), ("and", 0x2227), ("or", 0x2228), ("cap", 0x2229), ("cup", 0x222A),
        ("int", 0x222B), ("there4", 0x2234), ("sim", 0x223C), ("cong", 0x2245), ("asymp", 0x2248),
        ("ne", 0x2260), ("equiv", 0x2261), ("le", 0x2264), ("ge", 0x2265), ("sub", 0x2282),
        ("sup", 0x2283), ("nsub", 0x2284), ("sube", 0x2286), ("supe", 0x2287), ("oplus", 0x2295),
        ("otimes", 0x2297), ("perp", 0x22A5), ("sdot", 0x22C5),
        ("lceil", 0x2308), ("rceil", 0x2309), ("lfloor", 0x230A), ("rfloor", 0x230B),
        ("lang", 0x27E8), ("rang", 0x27E9), ("loz", 0x25CA),
        ("spades", 0x2660), ("clubs", 0x2663), ("hearts", 0x2665), ("diams", 0x2666),
    ]

    /// Every name, packed as `key(for:)` does, to its scalar.
    private static let named: [UInt64: UInt32] = {
        var table: [UInt64: UInt32] = [:]
        for (offset, name) in latin1Names.enumerated() { table[key(for: name)] = 0xA0 + UInt32(offset) }
        for (offset, name) in greekNames.enumerated() {
            let small = 0x3B1 + UInt32(offset)
            table[key(for: name)] = small
            // Capitals sit 0x20 lower; final sigma has no capital (U+03A2 is unassigned).
            if name != "sigmaf" {
                let capitalName = name.prefix(1).uppercased() + name.dropFirst()
                table[key(for: capitalName)] = small - 0x20
            }
        }
        for (name, scalar) in otherEntities { table[key(for: name)] = scalar }
        return table
    }()

    /// A name's bytes packed little-endian into an integer: the first byte lowest.
    private static func key(for name: String) -> UInt64 {
        var key: UInt64 = 0
        for (position, byte) in name.utf8.enumerated() {
            precondition(position < maximumNameLength, "entity name too long: \(name)")
            key |= UInt64(byte) << (8 * UInt64(position))
        }
        return key
    }
}
