import Foundation
import Testing

@testable import SiftAnalysis
import SiftTestSupport

/// Folds a word and returns the exact bytes as a String. Compare results with `bytes(_:)`:
/// Swift's `String ==` treats canonically equivalent strings as equal, which would hide
/// exactly the NFC/NFD differences these tests are about.
private func fold(_ text: String) -> String {
    String(decoding: Folding.fold(Array(text.utf8)), as: UTF8.self)
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The terms of a text with no stemming and no stop words, as raw bytes.
private func termBytes(_ text: String) -> [[UInt8]] {
    Analyzer(configuration: AnalyzerConfiguration(stemmer: .none, stopWords: .none)).terms(of: text).map { Array($0.utf8) }
}

@Suite struct FoldingTests {
    @Test("every script is lowercased in full", arguments: [
        ("HELLO", "hello"),
        ("ПРИВЕТ", "привет"),
        ("ΑΒΓΔ", "αβγδ"),
        ("ԱՐԱՐԱՏ", "արարատ"),
        ("ᲡᲐᲥᲐᲠᲗᲕᲔᲚᲝ", "საქართველო"),  // Georgian Mtavruli → Mkhedruli
        ("ⰀⰁ", "ⰰⰱ"),  // Glagolitic
        ("𐐀𐐁", "𐐨𐐩"),  // Deseret, outside the BMP
        ("𝐀𝐁𝐂", "abc"),  // mathematical bold: capitals revealed by compatibility decomposition
    ])
    func lowercase(text: String, expected: String) {
        #expect(bytes(fold(text)) == bytes(expected))
        #expect(termBytes(text) == [bytes(expected)])
    }

    @Test("diacritics are removed from Latin letters", arguments: [
        ("café", "cafe"),
        ("Ñandú", "nandu"),
        ("ß", "ss"),
        ("Straße", "strasse"),
        ("STRAẞE", "strasse"),
        ("naïve", "naive"),
        ("Ångström", "angstrom"),
        ("Øresund", "oresund"),
        ("Łódź", "lodz"),
        ("Dvořák", "dvorak"),
        ("Tiếng", "tieng"),
        ("Việt", "viet"),
        ("Đà", "da"),
        ("Ærøskøbing", "aeroskobing"),
        ("Œuvre", "oeuvre"),
        ("İstanbul", "istanbul"),
        ("Ħamrun", "hamrun"),
        ("ça", "ca"),
    ])
    func latinDiacritics(text: String, expected: String) {
        #expect(bytes(fold(text)) == bytes(expected))
        #expect(termBytes(text) == [bytes(expected)])
    }

    @Test("compatibility forms fold to their plain letters", arguments: [
        ("ﬁne", "fine"),
        ("ＳＩＦＴ", "sift"),
        ("ｓｉｆｔ", "sift"),
        ("ｶ", "カ"),  // half-width katakana
    ])
    func compatibility(text: String, expected: String) {
        #expect(bytes(fold(text)) == bytes(expected))
        #expect(termBytes(text) == [bytes(expected)])
    }

    /// Precomposed and decomposed spellings of the same word (the mark order of `ệ` differs too).
    @Test("precomposed and decomposed input give the same bytes", arguments: [
        ("caf\u{E9}", "cafe\u{301}"),
        ("\u{D1}and\u{FA}", "N\u{303}andu\u{301}"),
        ("Vi\u{1EC7}t", "Vie\u{323}\u{302}t"),
        ("Vi\u{1EC7}t", "Vie\u{302}\u{323}t"),
        ("\u{439}од", "\u{438}\u{306}од"),  // Russian й, mark kept
        ("\u{3AC}λφα", "\u{3B1}\u{301}λφα"),  // Greek ά, mark kept
        ("\u{D55C}\u{AD6D}", "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}"),  // Hangul 한국
        ("\u{958}", "\u{915}\u{93C}"),  // Devanagari qa (a composition exclusion)
    ])
    func normalization(precomposed: String, decomposed: String) {
        #expect(bytes(fold(precomposed)) == bytes(fold(decomposed)))
        #expect(termBytes(precomposed) == termBytes(decomposed))
        #expect(termBytes(precomposed).count == 1)
    }

    @Test("the folded form is NFC")
    func resultIsNFC() {
        #expect(bytes(fold("\u{438}\u{306}")) == [0xD0, 0xB9])  // U+0439 й
        #expect(bytes(fold("\u{3B1}\u{301}")) == bytes("\u{3AC}"))
        #expect(bytes(fold("\u{1112}\u{1161}\u{11AB}")) == bytes("\u{D55C}"))
    }

    @Test("marks of non-Latin scripts are kept: й is not и", arguments: [
        ("й", "и"),
        ("ё", "е"),
        ("ά", "α"),
        ("कि", "क"),
        ("كَتَبَ", "كتب"),
        ("שָׁלוֹם", "שלום"),
    ])
    func nonLatinMarksKept(marked: String, plain: String) {
        #expect(bytes(fold(marked)) != bytes(fold(plain)))
        #expect(bytes(fold(marked)) == bytes(marked.precomposedStringWithCanonicalMapping))
        #expect(termBytes(marked) != termBytes(plain))
    }

    @Test("Russian й and и stay distinct terms")
    func russianShortI() {
        let analyzer = Analyzer()
        #expect(analyzer.terms(of: "йод").map { Array($0.utf8) } == [bytes("йод")])
        #expect(analyzer.terms(of: "ЙОД").map { Array($0.utf8) } == [bytes("йод")])
        #expect(analyzer.terms(of: "иод").map { Array($0.utf8) } == [bytes("иод")])
    }

    @Test("Greek final sigma folds to σ", arguments: [
        ("ς", "σ"),
        ("Σ", "σ"),
        ("ΟΔΟΣ", "οδοσ"),
        ("οδός", "οδόσ"),
        ("ΛΌΓΟΣ", "λόγοσ"),
        ("λόγος", "λόγοσ"),
    ])
    func finalSigma(text: String, expected: String) {
        #expect(bytes(fold(text)) == bytes(expected.precomposedStringWithCanonicalMapping))
    }

    @Test("a word in capitals, lowercase, with final or medial sigma is one term")
    func sigmaVariantsMatch() {
        let forms = ["λόγος", "ΛΌΓΟΣ", "λόγοσ", "Λόγος"]
        let terms = forms.map(termBytes)
        #expect(terms.allSatisfy { $0 == terms[0] })
        #expect(terms[0] == [bytes("λόγοσ".precomposedStringWithCanonicalMapping)])
    }

    @Test("every case and accent variant of café is the term cafe")
    func cafeVariants() {
        let analyzer = Analyzer(configuration: AnalyzerConfiguration(stemmer: .none, stopWords: .none))
        let tokens = analyzer.analyze("CAFÉ Café café cafe\u{301} CAFE\u{301} cafe")
        #expect(tokens.map { Array($0.term.utf8) } == Array(repeating: bytes("cafe"), count: 6))
        #expect(tokens.map(\.position) == [0, 1, 2, 3, 4, 5])
    }

    @Test("folding is idempotent", arguments: [
        "Café", "Ñandú", "Straße", "ΟΔΟΣ", "λόγος", "йод", "ﬁne", "ＳＩＦＴ", "İstanbul", "कि", "東京", "한국어",
    ])
    func idempotent(text: String) {
        let once = Folding.fold(bytes(text))
        #expect(Folding.fold(once) == once)
    }

    @Test("ASCII words are only lowercased")
    func asciiFold() {
        #expect(Analyzer.foldWord(bytes("HeLLo123")) == bytes("hello123"))
        #expect(Folding.fold(bytes("HeLLo123")) == bytes("hello123"))
        #expect(Analyzer.foldWord(bytes("don't")) == bytes("don't"))
    }
}
