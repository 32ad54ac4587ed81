import Foundation

/// Case and diacritic folding for tokens that are not plain ASCII.
///
/// Full lowercase for every script, `ß` → `ss` and final `ς` → `σ` (case folding, so a query
/// in capitals matches), compatibility decomposition (`ﬁ` → `fi`, full-width letters → ASCII),
/// then diacritics are removed from Latin letters only — `café` → `cafe`, `Ñandú` → `nandu` —
/// because in other scripts a mark can make a different letter (Russian `й` is not `и`).
/// Precomposed and decomposed input give the same bytes: the result is in NFC.
///
/// This path is slow (Foundation normalization); the analyzer caches its results per surface
/// form, so it runs once per distinct non-ASCII word, not once per token.
enum Folding {
    /// Folds a token's bytes (valid UTF-8 from the tokenizer). ASCII letters may be either case.
    static func fold(_ bytes: [UInt8]) -> [UInt8] {
        let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
        let decomposed = lowered.decomposedStringWithCompatibilityMapping
        var folded = String.UnicodeScalarView()
        var lastBaseIsLatin = false
        for scalar in decomposed.unicodeScalars {
            if isMark(scalar) {
                if !lastBaseIsLatin { folded.append(scalar) }
                continue
            }
            lastBaseIsLatin = isLatin(scalar)
            switch scalar.value {
            case 0x00DF, 0x1E9E: folded.append(contentsOf: "ss".unicodeScalars)  // ß, ẞ
            case 0x03C2: folded.append(Unicode.Scalar(0x03C3)!)  // final sigma folds to σ
            case 0x00F8, 0x00D8: folded.append("o")  // ø
            case 0x0111, 0x0110: folded.append("d")  // đ
            case 0x0142, 0x0141: folded.append("l")  // ł
            case 0x0127, 0x0126: folded.append("h")  // ħ
            case 0x0167, 0x0166: folded.append("t")  // ŧ
            case 0x0131: folded.append("i")  // dotless i
            case 0x00E6, 0x00C6: folded.append(contentsOf: "ae".unicodeScalars)
            case 0x0153, 0x0152: folded.append(contentsOf: "oe".unicodeScalars)
            default:
                // Compatibility decomposition can reveal capitals (e.g. from ligatures or
                // full-width forms), so lowercase once more after it.
                if scalar.properties.changesWhenLowercased {
                    folded.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                } else {
                    folded.append(scalar)
                }
            }
        }
        let composed = String(folded).precomposedStringWithCanonicalMapping
        return Array(composed.utf8)
    }

    @inline(__always)
    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// The Latin blocks: Basic Latin through Latin Extended-B, IPA, phonetic extensions,
    /// Latin Extended Additional, -C, -D, -E, and the Latin presentation ligatures.
    private static func isLatin(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0041...0x005A, 0x0061...0x007A, 0x00C0...0x024F, 0x0250...0x02AF,
             0x1D00...0x1DBF, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF,
             0xAB30...0xAB6F, 0xFB00...0xFB06:
            return true
        default:
            return false
        }
    }
}
