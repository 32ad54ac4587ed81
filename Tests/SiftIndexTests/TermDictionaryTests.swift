import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftAnalysis
@testable import SiftSearch

/// The term dictionary (front-coded blocks of terms) finds every term and nothing else.
@Suite struct TermDictionaryTests {
    /// A vocabulary with shared prefixes, block-boundary neighbours, long and non-ASCII words,
    /// and the documents holding each word (word i in 1 + i % 7 documents).
    struct Fixture {
        var vocabulary: [String]
        var documents: [IndexTestDocument]
        var holders: [String: Set<Int>]
    }

    static let fixture: Fixture = {
        var random = TestRandom(seed: 0xD1C7)
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var words = Set<String>()
        while words.count < 3000 {
            let length = random.below(10) == 0 ? random.int(in: 20...60) : random.int(in: 1...9)
            words.insert(String((0..<length).map { _ in letters[random.below(random.below(4) == 0 ? letters.count : 3)] }))
        }
        // Families of prefixes, so neighbours share most of their bytes.
        for stem in ["pre", "inter", "z"] {
            var word = stem
            for letter in "fixationalism" { word.append(letter); words.insert(word) }
        }
        words.insert(String(repeating: "m", count: 255))  // the longest token kept
        words.formUnion(["привет", "мир", "ελλαδα", "日", "本", "a1", "a10", "a2", "zzzzzzzz"])
        let analyzer = Analyzer(configuration: IndexTestKit.plain)
        // Keep only words that are their own single term (a test precondition, checked below).
        let vocabulary = words.filter { analyzer.terms(of: $0) == [$0] }.sorted()
        var texts = [[String]](repeating: [], count: 400)
        var holders: [String: Set<Int>] = [:]
        for (index, word) in vocabulary.enumerated() {
            var chosen = Set<Int>()
            while chosen.count < 1 + index % 7 { chosen.insert(random.below(texts.count)) }
            for document in chosen { texts[document].append(word) }
            holders[word] = chosen
        }
        let documents = texts.enumerated().map { IndexTestDocument(id: "d\($0.offset)", text: $0.element.joined(separator: " ")) }
        return Fixture(vocabulary: vocabulary, documents: documents, holders: holders)
    }()

    @Test("the fixture's words are terms of their own")
    func fixtureIsSound() {
        let fixture = Self.fixture
        #expect(fixture.vocabulary.count > 3000)
        #expect(fixture.vocabulary.contains(String(repeating: "m", count: 255)))
        #expect(fixture.vocabulary.contains("привет"))
        #expect(Analyzer(configuration: IndexTestKit.plain).terms(of: String(repeating: "m", count: 256)).isEmpty,
                "a 256-byte word is not a term")
    }

    @Test("every term is found with its document frequency; near misses are not found")
    func lookups() throws {
        let fixture = Self.fixture
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(fixture.documents, at: folder.path)
            let reader = try IndexReader(path: folder.path)
            let known = Set(fixture.vocabulary)
            var wrong: [String] = []
            for word in fixture.vocabulary where try reader.documentFrequency(of: word) != fixture.holders[word]!.count {
                wrong.append(word)
            }
            #expect(wrong.isEmpty, "wrong df for \(wrong.prefix(10))")
            var probes = ["", "0", "00000", "~", "zzzzzzzzz", String(repeating: "m", count: 254), String(repeating: "m", count: 256)]
            for word in fixture.vocabulary {
                probes.append(word + "q")
                probes.append(String(word.dropLast()))
                probes.append(word + word)
            }
            var found: [String] = []
            for probe in probes where !known.contains(probe) {
                if try reader.documentFrequency(of: probe) != 0 { found.append(probe) }
            }
            #expect(found.isEmpty, "absent terms found: \(found.prefix(10))")
            let statistics = try reader.statistics()
            #expect(statistics.termCount == fixture.vocabulary.count)
            _ = try reader.check()
        }
    }

    @Test("searching each of a sample of terms finds exactly the documents holding it")
    func searches() throws {
        let fixture = Self.fixture
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(fixture.documents, at: folder.path)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            var random = TestRandom(seed: 9)
            for _ in 0..<150 {
                let word = fixture.vocabulary[random.below(fixture.vocabulary.count)]
                let results = try searcher.search(word, options: SearchOptions(limit: 20, syntax: .plain, countTotalHits: true))
                #expect(results.totalHits == fixture.holders[word]!.count, "\(word)")
                #expect(Set(results.hits.map(\.document)) == fixture.holders[word]!, "\(word)")
            }
        }
    }

    @Test("a dictionary of one term, and of exactly one and two full blocks")
    func blockEdges() throws {
        for count in [1, 31, 32, 33, 64, 65] {
            let words = (0..<count).map { String(format: "t%03d", $0) }
            try IndexTestFolder.with { folder in
                try IndexTestKit.write([IndexTestDocument(id: "all", text: words.joined(separator: " "))], at: folder.path)
                let reader = try IndexReader(path: folder.path)
                for word in words { #expect(try reader.documentFrequency(of: word) == 1, "\(count) terms: \(word)") }
                #expect(try reader.documentFrequency(of: "t") == 0)
                #expect(try reader.documentFrequency(of: String(format: "t%03d", count)) == 0)
                #expect(try reader.documentFrequency(of: "s") == 0)
                #expect(try reader.documentFrequency(of: "u") == 0)
                #expect(try reader.statistics().termCount == count)
                _ = try reader.check()
            }
        }
    }
}
