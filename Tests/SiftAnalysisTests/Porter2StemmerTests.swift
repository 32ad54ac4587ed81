import Testing
@testable import SiftAnalysis
import SiftTestSupport

@Suite struct Porter2StemmerTests {
    private static func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        Porter2Stemmer().stem(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Snowball's own English vocabulary and expected stems (Snowball 3.x), line for line.
    @Test(SharedData.needs("porter2")) func matchesSnowballVocabulary() throws {
        let directory = try SharedData.require("porter2")
        let words = try SharedData.lines(of: directory.appendingPathComponent("voc.txt"))
        let stems = try SharedData.lines(of: directory.appendingPathComponent("output.txt"))
        #expect(words.count == 42_649)
        #expect(stems.count == words.count)

        let stemmer = Porter2Stemmer()
        var mismatches = 0
        var examples: [String] = []
        var buffer: [UInt8] = []
        for (word, expected) in zip(words, stems) {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: word.utf8)
            stemmer.stem(&buffer)
            if !buffer.elementsEqual(expected.utf8) {
                mismatches += 1
                if examples.count < 10 {
                    examples.append("\(word) -> \(String(decoding: buffer, as: UTF8.self)) (expected \(expected))")
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(words.count) differ, e.g. \(examples.joined(separator: "; "))")
    }

    /// Exceptional forms, the 2025 (Snowball 3.x) changes, and ordinary steps; every pair is a
    /// line of the Snowball vocabulary.
    @Test(arguments: [
        // Exceptional forms and the -ing / -eed exceptions.
        ("skis", "ski"), ("skies", "sky"), ("dying", "die"), ("vying", "vie"),
        ("news", "news"), ("gently", "gentl"), ("early", "earli"), ("idly", "idl"),
        ("atlas", "atlas"), ("proceed", "proceed"), ("exceeding", "exceed"),
        // 2025 changes.
        ("added", "add"), ("offing", "off"), ("evening", "evening"), ("evenings", "evening"),
        ("internal", "internal"), ("international", "internat"), ("interval", "interval"),
        ("organization", "organiz"), ("geologist", "geolog"), ("paste", "paste"),
        ("pasted", "paste"), ("past", "past"), ("lateral", "lateral"),
        ("emergency", "emergenc"), ("universal", "universal"),
        // Older fixed-prefix regions.
        ("generous", "generous"), ("communism", "communism"), ("arsenal", "arsenal"),
        // Ordinary steps.
        ("'as'", "as"), ("there's", "there"), ("caresses", "caress"), ("ponies", "poni"),
        ("ties", "tie"), ("gas", "gas"), ("gaps", "gap"), ("agreed", "agre"), ("feed", "feed"),
        ("hopping", "hop"), ("hoping", "hope"), ("crying", "cri"), ("happily", "happili"),
        ("sensational", "sensat"), ("generalization", "general"), ("adoption", "adopt"),
        ("controlling", "control"), ("knightly", "knight"),
    ])
    func stemsKnownWord(_ word: String, _ expected: String) {
        #expect(Self.stem(word) == expected)
    }

    @Test func shortWordsAreUnchanged() {
        #expect(Self.stem("") == "")
        #expect(Self.stem("a'") == "a'")
        #expect(Self.stem("'s") == "'s")
        #expect(Self.stem("is") == "is")
    }

    @Test func randomBytesNeverCrash() {
        var random = TestRandom(seed: 0x5EED_2025)
        let stemmer = Porter2Stemmer()
        // Mostly letters the rules care about, plus apostrophes, `Y` and UTF-8 fragments.
        let alphabet = Array("aeiouyYsdeglintrbcxw'".utf8) + [0xC3, 0xA9, 0x80, 0xBF, 0xE2, 0xF0, 0xFF]
        var word: [UInt8] = []
        var grew = 0
        for _ in 0..<200_000 {
            word.removeAll(keepingCapacity: true)
            let length = Int(random.next() % 16)
            for _ in 0..<length {
                let r = random.next()
                word.append(r & 1 == 0
                    ? alphabet[Int((r >> 8) % UInt64(alphabet.count))]
                    : UInt8(truncatingIfNeeded: r >> 16))
            }
            let before = word.count
            stemmer.stem(&word)
            if word.count > before { grew += 1 }
        }
        #expect(grew == 0, "no rule lengthens a word")
    }
}

