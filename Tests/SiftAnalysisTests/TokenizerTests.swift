import Foundation
import Testing

@testable import SiftAnalysis
import SiftTestSupport

/// A raw token as the tokenizer reports it: its normalized surface and its byte range.
private struct Surface: Equatable, CustomStringConvertible {
    var text: String
    var start: Int
    var end: Int
    var isTooLong = false

    var description: String { "\(text)[\(start)..<\(end)]\(isTooLong ? "(too long)" : "")" }
}

/// Runs the tokenizer alone over `bytes`.
private func surfaces(_ bytes: [UInt8]) -> [Surface] {
    bytes.withUnsafeBufferPointer { input in
        Tokenizer.withScratch { scratch in
            var tokenizer = Tokenizer(input, scratch: scratch)
            var result: [Surface] = []
            while let token = tokenizer.next() {
                result.append(Surface(text: String(decoding: tokenizer.buffer, as: UTF8.self),
                                      start: token.start, end: token.end, isTooLong: token.isTooLong))
            }
            return result
        }
    }
}

private func surfaces(_ text: String) -> [Surface] { surfaces(Array(text.utf8)) }

/// No stemming and no stop words: every term is exactly the folded token.
private let plainConfiguration = AnalyzerConfiguration(stemmer: .none, stopWords: .none)

private func plainTokens(_ bytes: [UInt8]) -> [Token] {
    Analyzer(configuration: plainConfiguration).analyze(utf8: bytes)
}

private func plainTokens(_ text: String) -> [Token] { plainTokens(Array(text.utf8)) }

private func plainTerms(_ text: String) -> [String] { plainTokens(text).map(\.term) }

private func plainTerms(_ bytes: [UInt8]) -> [String] { plainTokens(bytes).map(\.term) }

/// Pieces that random texts are built from: words of several scripts, the tokenizer's special
/// cases (apostrophes, acronyms, digit groups, decimals, CJK, marks, joiners) and invalid bytes.
private let randomPieces: [[UInt8]] = {
    let texts = [
        "word", "Word", "WORD", "running", "the", "a", "s", "it's", "don't", "don’t", "donʼt",
        "Afghanistan’s", "Afghanistan's", "O'Brien", "'", "’", "ʼ", "U.S.", "U.S", "e.g.", "I.BM",
        "Mr.", "Mr", "war-torn", "5,000", "5,000,000", "1,0000", "3.14", "2001", "11,", "x9", "café",
        "cafe\u{301}", "Ñandú", "Straße", "ẞ", "ﬁne", "ＳＩＦＴ", "Привет", "й", "и\u{306}", "ΟΔΟΣ",
        "λόγος", "東京", "タワー", "ひらがな", "한국어", "नमस्ते", "مرحبا", "\u{301}", "\u{AD}", "\u{200D}",
        "😀", "“", "”", "&", "-", ".", ",", "..", " ", "  ", "\n", "\t", "\u{A0}", "(", ")", "/", "_",
        "—", "…", "’s", "'s",
    ]
    var pieces = texts.map { Array($0.utf8) }
    pieces += [[0xFF], [0x80], [0xC3], [0xE2, 0x80], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80]]
    return pieces
}()

@Suite struct TokenizerTests {
    // MARK: - Words

    @Test("letters and digits of any script make words; other characters split them", arguments: [
        ("hello world", ["hello", "world"]),
        ("Привет, мир!", ["привет", "мир"]),
        ("abc123 x9y", ["abc123", "x9y"]),
        ("नमस्ते दुनिया", ["नमस्ते", "दुनिया"]),
        ("مرحبا بالعالم", ["مرحبا", "بالعالم"]),
        ("Ελληνικά κείμενα", ["ελληνικά", "κείμενα"]),
        ("한국어 텍스트", ["한국어", "텍스트"]),
        ("snake_case", ["snake", "case"]),
        ("foo@bar.com", ["foo", "bar", "com"]),
        ("a/b\\c", ["a", "b", "c"]),
        ("C++ and C#", ["c", "and", "c"]),
        ("tab\tand\nnew\r\nline", ["tab", "and", "new", "line"]),
        ("I ❤️ Sift!", ["i", "sift"]),
        ("12:30", ["12", "30"]),
        ("(parenthesised)", ["parenthesised"]),
        ("em—dash…ellipsis", ["em", "dash", "ellipsis"]),
    ])
    func words(text: String, expected: [String]) {
        #expect(plainTerms(text) == expected)
    }

    @Test("combining marks stay inside the word")
    func combiningMarksStayInside() {
        // n a i U+0308 v e: the mark is part of the token, whose range covers all 7 bytes.
        let text = "nai\u{308}ve x"
        let tokens = plainTokens(text)
        #expect(tokens.map(\.term) == ["naive", "x"])
        #expect(tokens.first.map { [$0.start, $0.end] } == [0, 7])
        // A Devanagari word with a virama and vowel signs is one token with every mark kept.
        #expect(surfaces("स्ते").map(\.text) == ["स्ते"])
    }

    @Test("punctuation splits a word into consecutive positions: war-torn")
    func hyphenSplits() {
        let tokens = plainTokens("war-torn")
        #expect(tokens == [
            Token(term: "war", position: 0, start: 0, end: 3),
            Token(term: "torn", position: 1, start: 4, end: 8),
        ])
    }

    @Test("empty and separator-only input give no tokens", arguments: ["", " ", "  \n\t ,.;!?-–—“”‘’'", "...", "' ’ ʼ"])
    func noTokens(text: String) {
        #expect(surfaces(text).isEmpty)
        #expect(Analyzer().analyze(text).isEmpty)
    }

    // MARK: - Apostrophes

    @Test("apostrophes between letters keep a word together; a trailing possessive 's is dropped", arguments: [
        ("don't", ["don't"]),
        ("don’t", ["don't"]),
        ("donʼt", ["don't"]),
        ("O'Brien", ["o'brien"]),
        ("Afghanistan’s", ["afghanistan"]),
        ("Afghanistan's", ["afghanistan"]),
        ("Afghanistanʼs", ["afghanistan"]),
        ("AFGHANISTAN'S", ["afghanistan"]),
        ("the country’s capital", ["the", "country", "capital"]),
        ("'quoted'", ["quoted"]),
        ("‘quoted’", ["quoted"]),
        ("rock 'n' roll", ["rock", "n", "roll"]),
        ("dogs' toys", ["dogs", "toys"]),
        ("1990's", ["1990", "s"]),
        ("don''t", ["don", "t"]),
    ])
    func apostrophes(text: String, expected: [String]) {
        #expect(plainTerms(text) == expected)
    }

    @Test("the range of a possessive covers the whole word, ’s included")
    func possessiveRange() {
        let text = "Afghanistan’s palace"
        let tokens = plainTokens(text)
        #expect(tokens == [
            Token(term: "afghanistan", position: 0, start: 0, end: 15),  // 11 letters + 3-byte ’ + s
            Token(term: "palace", position: 1, start: 16, end: 22),
        ])
        let bytes = Array(text.utf8)
        #expect(String(decoding: bytes[0..<15], as: UTF8.self) == "Afghanistan’s")
    }

    // MARK: - Acronyms

    @Test("dotted acronyms become one token", arguments: [
        ("U.S.", ["us"]),
        ("U.S", ["us"]),
        ("u.s.a.", ["usa"]),
        ("e.g.", ["eg"]),
        ("U.S. troops", ["us", "troops"]),
        ("U.S personnel", ["us", "personnel"]),
        ("(U.S.)", ["us"]),
        ("the U.S., and", ["the", "us", "and"]),
    ])
    func acronyms(text: String, expected: [String]) {
        #expect(plainTerms(text) == expected)
    }

    @Test("an acronym's range ends at its last letter", arguments: [
        ("U.S.", 0, 3), ("U.S", 0, 3), ("the U.S. army", 4, 7), ("(U.S.A.)", 1, 6),
    ])
    func acronymRange(text: String, start: Int, end: Int) throws {
        let token = try #require(plainTokens(text).first { $0.term.hasPrefix("us") })
        #expect(token.start == start)
        #expect(token.end == end)
    }

    @Test("an acronym takes one position")
    func acronymPositions() {
        #expect(plainTokens("the U.S. army") == [
            Token(term: "the", position: 0, start: 0, end: 3),
            Token(term: "us", position: 1, start: 4, end: 7),
            Token(term: "army", position: 2, start: 9, end: 13),
        ])
    }

    /// `U.S.'s`: the acronym ends at the closing dot, and the possessive after it becomes a
    /// stray `s` token instead of being dropped.
    @Test("a possessive after a dotted acronym is dropped",
          arguments: ["U.S.'s", "U.S.’s"])
    func acronymPossessive(text: String) {
        #expect(plainTerms(text) == ["us"])
        #expect(plainTokens("the \(text) position").map(\.position) == [0, 1, 2])
    }

    @Test("dots that do not join single letters split words", arguments: [
        ("I.BM", ["i", "bm"]),
        ("Mr. Smith", ["mr", "smith"]),
        ("file.txt", ["file", "txt"]),
        ("A.", ["a"]),
        ("end.Start", ["end", "start"]),
    ])
    func notAcronyms(text: String, expected: [String]) {
        #expect(plainTerms(text) == expected)
    }

    private static let acronymsBeforeNonASCII: [([UInt8], [String])] = [
        (Array("“U.S”".utf8), ["us"]),
        (Array("U.S—and".utf8), ["us", "and"]),
        (Array("U.S\u{A0}troops".utf8), ["us", "troops"]),
        (Array("U.S…".utf8), ["us"]),
        (Array("U.S".utf8) + [0xFF], ["us"]),
    ]

    /// An undotted acronym followed by a non-ASCII separator (closing quote, dash, no-break
    /// space, ellipsis, invalid byte) should still be one token; the tokenizer treats any byte
    /// ≥ 0x80 after the last letter as "the word runs on" and splits it into letters.
    @Test("an acronym followed by non-ASCII punctuation is still one token",
          arguments: acronymsBeforeNonASCII)
    func acronymBeforeNonASCII(bytes: [UInt8], expected: [String]) {
        #expect(plainTerms(bytes) == expected)
    }

    // MARK: - Numbers

    @Test("numbers stay whole; digit groups join", arguments: [
        ("5,000", ["5000"]),
        ("5000", ["5000"]),
        ("2001", ["2001"]),
        ("5,000,000", ["5000000"]),
        ("3.14", ["3.14"]),
        ("September 11, 2001", ["september", "11", "2001"]),
        ("1,00", ["1", "00"]),
        ("1,0000", ["1", "0000"]),
        ("version 2.0.", ["version", "2.0"]),
        ("v2", ["v2"]),
        ("-5", ["5"]),
    ])
    func numbers(text: String, expected: [String]) {
        #expect(plainTerms(text) == expected)
    }

    @Test("5,000 and 5000 give the same term, and the range covers the comma")
    func digitGroupRange() {
        #expect(plainTokens("5,000") == [Token(term: "5000", position: 0, start: 0, end: 5)])
        #expect(Analyzer().terms(of: "5,000") == Analyzer().terms(of: "5000"))
    }

    // MARK: - CJK

    @Test("東京タワー is five one-character tokens with correct byte ranges")
    func tokyoTower() {
        let tokens = plainTokens("東京タワー")
        #expect(tokens == [
            Token(term: "東", position: 0, start: 0, end: 3),
            Token(term: "京", position: 1, start: 3, end: 6),
            Token(term: "タ", position: 2, start: 6, end: 9),
            Token(term: "ワ", position: 3, start: 9, end: 12),
            Token(term: "ー", position: 4, start: 12, end: 15),
        ])
        // The default analyzer (porter, English stop words) leaves CJK as it is.
        #expect(Analyzer().terms(of: "東京タワー") == ["東", "京", "タ", "ワ", "ー"])
    }

    @Test("Han, Hiragana and Katakana are one token per character, next to other scripts", arguments: [
        ("東京Tower", ["東", "京", "tower"]),
        ("Tokyo東京", ["tokyo", "東", "京"]),
        ("ひらがな", ["ひ", "ら", "が", "な"]),
        ("カタカナ", ["カ", "タ", "カ", "ナ"]),
        ("漢字 and かな", ["漢", "字", "and", "か", "な"]),
        ("東京、大阪。", ["東", "京", "大", "阪"]),
    ])
    func cjk(text: String, expected: [String]) {
        #expect(plainTerms(text) == expected)
    }

    /// U+30FB KATAKANA MIDDLE DOT is punctuation (gc=Po) inside the Katakana block; the
    /// tokenizer classifies the whole block U+30A0…U+30FF as ideographs, so it becomes a term.
    @Test("the katakana middle dot separates words and is not a token")
    func katakanaMiddleDot() {
        #expect(plainTerms("ジョン・スミス") == ["ジ", "ョ", "ン", "ス", "ミ", "ス"])
    }

    /// Decomposed kana (か + U+3099 COMBINING VOICED SOUND MARK, as in NFD file names) should give
    /// the same term as precomposed が, and the combining mark should stay inside the token.
    @Test("a combining voiced sound mark stays with its kana")
    func decomposedKana() {
        #expect(plainTerms("か\u{3099}") == plainTerms("\u{304C}"))
        #expect(plainTokens("か\u{3099}") == [Token(term: "\u{304C}", position: 0, start: 0, end: 6)])
    }

    // MARK: - Invalid UTF-8

    private static let invalidCases: [([UInt8], [String])] = [
        (Array("abc".utf8) + [0xFF] + Array("def".utf8), ["abc", "def"]),
        ([0xFF], []),
        (Array("abc".utf8) + [0xC3], ["abc"]),  // truncated sequence at the end
        ([0xC3] + Array("abc".utf8), ["abc"]),  // lead byte followed by ASCII
        (Array("caf".utf8) + [0xC3, 0xA9], ["cafe"]),  // the valid sequence, for contrast
        (Array("abc".utf8) + [0xE2, 0x82] + Array("def".utf8), ["abc", "def"]),
        ([0x80, 0x80] + Array("abc".utf8) + [0xBF] + Array("def".utf8), ["abc", "def"]),  // stray continuations
        ([0xC0, 0xAF] + Array("abc".utf8), ["abc"]),  // overlong 2-byte
        ([0xE0, 0x80, 0xAF] + Array("abc".utf8), ["abc"]),  // overlong 3-byte
        (Array("abc".utf8) + [0xED, 0xA0, 0x80] + Array("def".utf8), ["abc", "def"]),  // surrogate
        (Array("abc".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array("def".utf8), ["abc", "def"]),  // past U+10FFFF
        ([0xF5, 0xF6, 0xF7, 0xF8, 0xFE], []),
        (Array("don".utf8) + [0xFF] + Array("t".utf8), ["don", "t"]),
        (Array("5".utf8) + [0xFF] + Array(",000".utf8), ["5", "000"]),
        (Array("東".utf8) + [0x80] + Array("京".utf8), ["東", "京"]),
        (Array("Afghanistan".utf8) + [0xE2, 0x80] + Array("s".utf8), ["afghanistan", "s"]),  // truncated ’
        ]

    @Test("invalid UTF-8 bytes separate words and never lose a neighbour", arguments: invalidCases)
    func invalidBytes(bytes: [UInt8], expected: [String]) {
        #expect(plainTerms(bytes) == expected)
    }

    @Test("an invalid byte splits abc\\xFFdef at the right offsets")
    func invalidByteRanges() {
        let bytes = Array("abc".utf8) + [0xFF] + Array("def".utf8)
        #expect(plainTokens(bytes) == [
            Token(term: "abc", position: 0, start: 0, end: 3),
            Token(term: "def", position: 1, start: 4, end: 7),
        ])
    }

    @Test("random bytes never crash and give well-formed tokens")
    func randomBytes() {
        var random = TestRandom(seed: 0xB17E5)
        let analyzer = Analyzer()
        var problems: [String] = []
        for round in 0..<3000 {
            var bytes: [UInt8] = []
            let length = random.next(below: 120)
            for _ in 0..<length {
                if round.isMultiple(of: 2) {
                    bytes.append(UInt8(truncatingIfNeeded: random.next()))
                } else {
                    bytes += random.pick(randomPieces)
                }
            }
            let tokens = analyzer.analyze(utf8: bytes)
            var lastEnd = 0
            var lastPosition = -1
            for token in tokens {
                if token.term.isEmpty || token.start < lastEnd || token.end <= token.start || token.end > bytes.count
                    || token.position <= lastPosition
                {
                    problems.append("\(bytes): \(token)")
                }
                lastEnd = token.end
                lastPosition = token.position
            }
        }
        #expect(problems.isEmpty, "\(problems.count) bad tokens, e.g. \(problems.prefix(3))")
    }

    // MARK: - Length limit

    @Test("a token of 255 bytes is kept, one of 256 bytes is skipped")
    func lengthLimit() {
        let kept = String(repeating: "a", count: 255)
        #expect(plainTokens(kept) == [Token(term: kept, position: 0, start: 0, end: 255)])

        let skipped = String(repeating: "a", count: 256)
        #expect(plainTokens(skipped).isEmpty)
        #expect(surfaces(skipped) == [Surface(text: String(repeating: "a", count: 256), start: 0, end: 256, isTooLong: true)])
    }

    @Test("the limit counts bytes, not characters")
    func lengthLimitInBytes() {
        let kept = String(repeating: "é", count: 127) + "x"  // 255 bytes
        #expect(plainTerms(kept) == [String(repeating: "e", count: 127) + "x"])
        let skipped = String(repeating: "é", count: 128)  // 256 bytes, 128 characters
        #expect(plainTerms(skipped).isEmpty)
        #expect(plainTerms(String(repeating: "7", count: 256)).isEmpty)
    }

    @Test("a skipped overlong token still takes a position")
    func overlongTakesPosition() {
        let text = "first " + String(repeating: "x", count: 300) + " last"
        #expect(plainTokens(text) == [
            Token(term: "first", position: 0, start: 0, end: 5),
            Token(term: "last", position: 2, start: 307, end: 311),
        ])
    }

    /// A dotted acronym of 300 letters is 599 bytes of text and a 300-byte term, yet it is emitted.
    @Test("an overlong dotted acronym is skipped too")
    func overlongAcronym() {
        let letters = (0..<300).map { _ in "a" }
        let text = letters.joined(separator: ".") + " end"
        let tokens = plainTokens(text)
        #expect(tokens.allSatisfy { $0.term.utf8.count <= Tokenizer.maximumTokenBytes })
        #expect(tokens.map(\.term) == ["end"])
        #expect(tokens.first?.position == 1)
    }

    // MARK: - Positions

    @Test("positions are 0-based and stop words keep theirs")
    func positions() {
        #expect(Analyzer().analyze("the cat") == [Token(term: "cat", position: 1, start: 4, end: 7)])
        #expect(Analyzer().analyze("cat and the dog").map(\.position) == [0, 3])
        #expect(plainTokens("one two three").map(\.position) == [0, 1, 2])
    }

    // MARK: - Large input

    @Test("10 MB of `word ` on one line gives one token per word")
    func tenMegabytesOfWords() {
        let count = 10 * 1024 * 1024 / 5
        let bytes = Array(String(repeating: "word ", count: count).utf8)
        #expect(bytes.count == 10 * 1024 * 1024)
        let tokens = Analyzer().analyze(utf8: bytes)
        #expect(tokens.count == count)
        #expect(tokens.first == Token(term: "word", position: 0, start: 0, end: 4))
        #expect(tokens.last == Token(term: "word", position: count - 1, start: (count - 1) * 5, end: (count - 1) * 5 + 4))
    }

    @Test("10 MB of letters without a space is one overlong token, skipped")
    func tenMegabytesWithoutSpace() {
        let size = 10 * 1024 * 1024
        var bytes = [UInt8](repeating: UInt8(ascii: "q"), count: size)
        #expect(Analyzer().analyze(utf8: bytes).isEmpty)
        #expect(surfaces(bytes) == [Surface(text: String(repeating: "q", count: 256), start: 0, end: size, isTooLong: true)])
        bytes += Array(" tail".utf8)
        #expect(Analyzer().analyze(utf8: bytes) == [Token(term: "tail", position: 1, start: size + 1, end: size + 5)])
    }

    // MARK: - Byte ranges

    /// Analyzing `bytes[start..<end]` of every token alone gives back that token's term.
    private func rangeMismatches(_ bytes: [UInt8], configuration: AnalyzerConfiguration) -> [String] {
        let analyzer = Analyzer(configuration: configuration)
        var mismatches: [String] = []
        for token in analyzer.analyze(utf8: bytes) {
            let slice = Array(bytes[token.start..<token.end])
            let again = Analyzer(configuration: configuration).analyze(utf8: slice)
            let expected = [Token(term: token.term, position: 0, start: 0, end: slice.count)]
            if again != expected {
                mismatches.append("\(String(decoding: slice, as: UTF8.self).debugDescription) gave \(again), expected \(token.term)")
            }
        }
        return mismatches
    }

    private static let seedURL = SharedData.packageRoot.appendingPathComponent("seeds/000_fb07d6c771e3af61.txt")

    @Test("byte ranges point back at the original text of the seed article", arguments: [
        AnalyzerConfiguration(),
        AnalyzerConfiguration(stemmer: .none, stopWords: .none),
        AnalyzerConfiguration(stemmer: .porter2, stopWords: .english),
    ])
    func seedRanges(configuration: AnalyzerConfiguration) throws {
        let bytes = Array(try Data(contentsOf: Self.seedURL))
        let tokens = Analyzer(configuration: configuration).analyze(utf8: bytes)
        #expect(tokens.count > 250)
        let mismatches = rangeMismatches(bytes, configuration: configuration)
        #expect(mismatches.isEmpty, "\(mismatches.count) ranges: \(mismatches.prefix(5))")
    }

    @Test("byte ranges point back at the original text of random text")
    func randomRanges() {
        var random = TestRandom(seed: 0x5EED_7E47)
        var mismatches: [String] = []
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<random.next(below: 40) {
                bytes += random.pick(randomPieces)
                if random.next(below: 3) == 0 { bytes.append(UInt8(ascii: " ")) }
            }
            mismatches += rangeMismatches(bytes, configuration: AnalyzerConfiguration(stemmer: .none, stopWords: .none))
            mismatches += rangeMismatches(bytes, configuration: AnalyzerConfiguration())
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) ranges: \(mismatches.prefix(5))")
    }

    // MARK: - Seed article hard spots

    /// The seed article's tokens (default analyzer unless told), each with its original text.
    private func seedTokens(_ configuration: AnalyzerConfiguration = AnalyzerConfiguration()) throws -> [(original: String, token: Token)] {
        let bytes = Array(try Data(contentsOf: Self.seedURL))
        return Analyzer(configuration: configuration).analyze(utf8: bytes).map { (String(decoding: bytes[$0.start..<$0.end], as: UTF8.self), $0) }
    }

    @Test("seed: Afghanistan’s is afghanistan, its range covering ’s")
    func seedPossessive() throws {
        let tokens = try seedTokens()
        let possessives = tokens.filter { $0.original == "Afghanistan’s" }
        #expect(possessives.count == 1)
        #expect(possessives.allSatisfy { $0.token.term == "afghanistan" })
        // country’s (twice) and group’s also drop the possessive.
        #expect(tokens.filter { $0.original == "country’s" }.map(\.token.term) == ["countri", "countri"])
    }

    @Test("seed: every U.S. and U.S is us, its range ending at the S")
    func seedAcronyms() throws {
        let tokens = try seedTokens(plainConfiguration)
        let acronyms = tokens.filter { $0.original == "U.S" }
        #expect(acronyms.count == 10)  // seven `U.S.` and three `U.S`
        #expect(acronyms.allSatisfy { $0.token.term == "us" })
        #expect(tokens.filter { $0.token.term == "us" }.count == 10)
        #expect(!tokens.contains { $0.token.term == "u" || $0.token.term == "s" })
        // With the default porter stemmer too: two-letter words are not stemmed, so `us`
        // stays `us` (the bare published rules would make it `u`).
        let stemmed = try seedTokens().filter { $0.original == "U.S" }
        #expect(stemmed.count == 10)
        #expect(stemmed.allSatisfy { $0.token.term == "us" })
        #expect(Stemmer(.porter).stem("us") == "u")  // `sift stem` keeps the published rules
    }

    @Test("seed: war-torn is war, torn at consecutive positions")
    func seedHyphen() throws {
        let tokens = try seedTokens()
        let war = try #require(tokens.firstIndex { $0.original == "war" })
        let torn = tokens[war + 1]
        #expect(torn.original == "torn")
        #expect(torn.token.term == "torn")
        #expect(tokens[war].token.term == "war")
        #expect(torn.token.position == tokens[war].token.position + 1)
        #expect(torn.token.start == tokens[war].token.end + 1)
    }

    @Test("seed: 5,000 is 5000 and 2001 is 2001")
    func seedNumbers() throws {
        let tokens = try seedTokens()
        #expect(tokens.filter { $0.original == "5,000" }.map(\.token.term) == ["5000"])
        #expect(tokens.filter { $0.original == "2001" }.map(\.token.term) == ["2001", "2001"])
    }

    @Test("seed: “orderly & safe drawdown” is orderli, safe, drawdown at consecutive positions")
    func seedQuotedPhrase() throws {
        let tokens = try seedTokens()
        let first = try #require(tokens.firstIndex { $0.original == "orderly" })
        let phrase = tokens[first..<first + 3]
        #expect(phrase.map(\.original) == ["orderly", "safe", "drawdown"])
        #expect(phrase.map(\.token.term) == ["orderli", "safe", "drawdown"])
        let positions = phrase.map(\.token.position)
        #expect(positions == [positions[0], positions[0] + 1, positions[0] + 2])
        #expect(Analyzer().terms(of: "“orderly & safe drawdown”") == ["orderli", "safe", "drawdown"])
    }

    @Test("seed: Mr and Mr. are mr")
    func seedMister() throws {
        let tokens = try seedTokens()
        let misters = tokens.filter { $0.original == "Mr" }
        #expect(misters.count == 4)
        #expect(misters.allSatisfy { $0.token.term == "mr" })
    }
}
