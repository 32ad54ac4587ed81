import Foundation
import Testing

@testable import SiftAnalysis
import SiftTestSupport

@Suite struct PorterStemmerTests {
    private func stemmed(_ word: String) -> String {
        var bytes = Array(word.utf8)
        PorterStemmer().stem(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Snowball's published vocabulary for `porter`: every word must stem exactly as listed.
    @Test(SharedData.needs("porter")) func matchesSnowballVocabulary() throws {
        let directory = try SharedData.require("porter")
        let words = try SharedData.lines(of: directory.appendingPathComponent("voc.txt"))
        let stems = try SharedData.lines(of: directory.appendingPathComponent("output.txt"))
        #expect(words.count == 42_603)
        #expect(stems.count == words.count)

        let stemmer = PorterStemmer()
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
                    examples.append("\(word) → \(String(decoding: buffer, as: UTF8.self)) (expected \(expected))")
                }
            }
        }
        #expect(
            mismatches == 0,
            "\(mismatches) of \(words.count) words stem differently: \(examples.joined(separator: "; "))")
    }

    /// Examples from the paper's steps. All but `motoring`, `conflated` and `relational` are in
    /// the vocabulary with these stems; those three are the paper's own step examples, carried
    /// through the remaining steps by hand.
    @Test(arguments: [
        // Step 1a
        ("caresses", "caress"), ("ponies", "poni"), ("ties", "ti"), ("caress", "caress"),
        ("cats", "cat"), ("s", ""), ("as", "a"),
        // Step 1b
        ("feed", "feed"), ("agreed", "agre"), ("plastered", "plaster"), ("bled", "bled"),
        ("motoring", "motor"), ("sing", "sing"), ("conflated", "conflat"), ("troubled", "troubl"),
        ("sized", "size"), ("hopping", "hop"), ("tanned", "tan"), ("falling", "fall"),
        ("hissing", "hiss"), ("failing", "fail"), ("filing", "file"),
        // Step 1c
        ("happy", "happi"), ("sky", "sky"),
        // Step 2
        ("relational", "relat"), ("conditional", "condit"), ("rational", "ration"),
        ("generalization", "gener"), ("callousness", "callous"), ("apology", "apologi"),
        // Step 3
        ("hopeful", "hope"), ("goodness", "good"), ("electrical", "electr"),
        // Step 4
        ("revival", "reviv"), ("allowance", "allow"), ("inference", "infer"),
        ("adjustment", "adjust"), ("dependent", "depend"), ("adoption", "adopt"),
        ("communism", "commun"), ("effective", "effect"),
        // Step 5
        ("rate", "rate"), ("cease", "ceas"), ("controll", "control"), ("roll", "roll"),
    ])
    func paperExamples(word: String, expected: String) {
        #expect(stemmed(word) == expected)
    }

    /// The stemmer sees whatever bytes the tokenizer produces, so arbitrary input must be safe.
    @Test func randomBytesNeverCrashOrGrow() {
        var random = TestRandom(seed: 0x5EED_50F7)
        let stemmer = PorterStemmer()
        // Half the words draw from letters that reach every step (and a few awkward bytes), half
        // from all 256 byte values.
        let letters = Array("aeiouyyslbdtgnmrpfzxwcel".utf8) + [0x27, 0x00, 0x59, 0xC3, 0xA9, 0xFF]
        var word: [UInt8] = []
        var grown = 0
        var firstGrown = ""
        for round in 0..<200_000 {
            word.removeAll(keepingCapacity: true)
            let length = random.next(below: 20)
            for _ in 0..<length {
                if round.isMultiple(of: 2) {
                    word.append(letters[random.next(below: letters.count)])
                } else {
                    word.append(UInt8(truncatingIfNeeded: random.next()))
                }
            }
            let before = word
            stemmer.stem(&word)
            if word.count > before.count {
                if grown == 0 { firstGrown = "\(before) → \(word)" }
                grown += 1
            }
        }
        #expect(grown == 0, "\(grown) words grew, first: \(firstGrown)")
    }
}
