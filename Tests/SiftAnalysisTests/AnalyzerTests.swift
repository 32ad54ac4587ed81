import Foundation
import Testing

@testable import SiftAnalysis
import SiftTestSupport

/// A temporary file removed when the test is done with it.
private struct TemporaryFile {
    let path: String

    init(contents: [UInt8]) throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sift-stopwords-\(UUID().uuidString).txt").path
        try Data(contents).write(to: URL(fileURLWithPath: path))
    }

    init(_ text: String) throws { try self.init(contents: Array(text.utf8)) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

private func terms(_ text: String, _ stemmer: StemmerKind = .porter, _ stopWords: StopWords = .english) -> [String] {
    Analyzer(configuration: AnalyzerConfiguration(stemmer: stemmer, stopWords: stopWords)).terms(of: text)
}

@Suite struct AnalyzerTests {
    // MARK: - Configuration

    @Test("the default configuration is porter with the English stop words")
    func defaults() {
        let configuration = AnalyzerConfiguration()
        #expect(configuration.stemmer == .porter)
        #expect(configuration.stopWords == .english)
        #expect(Analyzer().configuration == configuration)
        #expect(StemmerKind.allCases == [.porter, .porter2, .none])
    }

    // MARK: - Stop words

    @Test("the English list is Lucene's 33 words")
    func englishList() {
        #expect(StopWords.englishWords.count == 33)
        #expect(Set(StopWords.englishWords).count == 33)
        #expect(Set(StopWords.englishWords) == [
            "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
            "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
            "these", "they", "this", "to", "was", "will", "with",
        ])
        #expect(StopWords.english.words == StopWords.englishWords)
        #expect(StopWords.none.words.isEmpty)
        #expect(StopWords.custom(["x", "y"]).words == ["x", "y"])
    }

    @Test("every English stop word is dropped in any case", arguments: StopWords.englishWords)
    func englishStopWordDropped(word: String) {
        for variant in [word, word.uppercased(), word.prefix(1).uppercased() + word.dropFirst()] {
            #expect(Analyzer().analyze(variant).isEmpty, "\(variant) was kept")
            #expect(Analyzer().analyze("\(variant) zebra") == [Token(term: "zebra", position: 1, start: variant.utf8.count + 1, end: variant.utf8.count + 6)])
        }
        // With stop words off the same word is a term.
        #expect(!terms(word, .none, .none).isEmpty)
    }

    @Test("stop words keep their positions")
    func stopWordPositions() {
        #expect(Analyzer().analyze("the cat is on the mat") == [
            Token(term: "cat", position: 1, start: 4, end: 7),
            Token(term: "mat", position: 5, start: 18, end: 21),
        ])
    }

    @Test("stop words are matched before stemming, so words that stem like them are kept")
    func stopWordsBeforeStemming() {
        #expect(terms("thing") == ["thing"])
        #expect(terms("theirs") == ["their"])  // porter: theirs → their; not a stop word itself
        #expect(terms("this is it") == [])
    }

    @Test("with no stop words every word is a term")
    func noStopWords() {
        #expect(Analyzer(configuration: AnalyzerConfiguration(stopWords: .none)).analyze("the cat") == [
            Token(term: "the", position: 0, start: 0, end: 3),
            Token(term: "cat", position: 1, start: 4, end: 7),
        ])
    }

    @Test("a custom list replaces the English one and is folded like text")
    func customList() {
        let custom = StopWords.custom(["Cat", "Über", "don’t", "U.S."])
        #expect(terms("the cat sat", .porter, custom) == ["the", "sat"])
        #expect(terms("CAT über UBER Uber", .none, custom) == [])
        #expect(terms("don't DON’T donʼt", .none, custom) == [])
        #expect(terms("the U.S. US us", .none, custom) == ["the"])
        #expect(Analyzer(configuration: AnalyzerConfiguration(stopWords: custom)).analyze("a cat b") == [
            Token(term: "a", position: 0, start: 0, end: 1),
            Token(term: "b", position: 2, start: 6, end: 7),
        ])
    }

    @Test("a stop-word file has one word per line; # comments and blank lines are ignored")
    func loadFile() throws {
        let file = try TemporaryFile("# my stop words\n\nfoo\n  bar  \r\n\n   \n#baz\n  # indented comment\nqux")
        defer { file.remove() }
        let stopWords = try StopWords.load(contentsOf: file.path)
        #expect(stopWords == .custom(["foo", "bar", "qux"]))
        #expect(try StopWords.parse(file.path) == stopWords)
        #expect(terms("foo bar baz qux the", .none, stopWords) == ["baz", "the"])
        let tokens = Analyzer(configuration: AnalyzerConfiguration(stemmer: .none, stopWords: stopWords)).analyze("foo baz")
        #expect(tokens == [Token(term: "baz", position: 1, start: 4, end: 7)])
    }

    @Test("an empty stop-word file keeps every word")
    func emptyFile() throws {
        let file = try TemporaryFile("")
        defer { file.remove() }
        let stopWords = try StopWords.load(contentsOf: file.path)
        #expect(stopWords == .custom([]))
        #expect(terms("the cat", .none, stopWords) == ["the", "cat"])
    }

    @Test("a missing stop-word file is unreadableStopWordFile with its path")
    func missingFile() {
        let path = "/nonexistent/sift-\(UUID().uuidString)/stop.txt"
        #expect(throws: AnalysisError.unreadableStopWordFile(path, reason: "No such file or directory")) {
            try StopWords.load(contentsOf: path)
        }
        #expect(throws: AnalysisError.unreadableStopWordFile(path, reason: "No such file or directory")) {
            try StopWords.parse(path)
        }
        #expect(AnalysisError.unreadableStopWordFile(path, reason: "No such file or directory").description.contains(path))
    }

    @Test("a stop-word file that is not UTF-8 is invalidStopWordFile")
    func invalidFile() throws {
        let file = try TemporaryFile(contents: Array("foo\n".utf8) + [0xFF, 0xFE, 0x0A])
        defer { file.remove() }
        #expect(throws: AnalysisError.invalidStopWordFile(file.path, "not valid UTF-8")) {
            try StopWords.load(contentsOf: file.path)
        }
    }

    @Test("parse reads english, none, or a file path")
    func parse() throws {
        #expect(try StopWords.parse("english") == .english)
        #expect(try StopWords.parse("none") == .none)
    }

    // MARK: - Stemmers

    @Test("the stemmer is chosen by the configuration", arguments: [
        ("generously", "gener", "generous", "generously"),
        ("fairly", "fairli", "fair", "fairly"),
        ("orderly", "orderli", "order", "orderly"),
        ("running", "run", "run", "running"),
        ("Capabilities", "capabl", "capabl", "capabilities"),
        ("troops", "troop", "troop", "troops"),
    ])
    func stemmerChoice(word: String, porter: String, porter2: String, none: String) {
        #expect(terms(word, .porter) == [porter])
        #expect(terms(word, .porter2) == [porter2])
        #expect(terms(word, .none) == [none])
        #expect(Analyzer().terms(of: word) == [porter])  // porter is the default
    }

    @Test("the analyzer never emits an empty term: porter's empty stem of `s` keeps the word")
    func neverEmpty() {
        #expect(Stemmer(.porter).stem("s") == "")  // the raw stemmer, as published
        for kind in StemmerKind.allCases {
            #expect(terms("s", kind) == ["s"], "\(kind)")
            #expect(terms("S", kind) == ["s"], "\(kind)")
            #expect(terms("1990's", kind, .none) == ["1990", "s"], "\(kind)")
        }
        // `ſ` (long s) folds to `s`: the stemmer sees `s` after folding.
        #expect(terms("ſ") == ["s"])
    }

    @Test("a word's term is its Porter stem (words of one or two letters are kept as they are)", SharedData.needs("porter"))
    func porterVocabularyThroughAnalyzer() throws {
        try vocabularyThroughAnalyzer(kind: .porter)
    }

    @Test("a word's term is its Porter2 stem (words of one or two letters are kept as they are)", SharedData.needs("porter2"))
    func porter2VocabularyThroughAnalyzer() throws {
        try vocabularyThroughAnalyzer(kind: .porter2)
    }

    private func vocabularyThroughAnalyzer(kind: StemmerKind) throws {
        let directory = try SharedData.require(kind.rawValue)
        let words = try SharedData.lines(of: directory.appendingPathComponent("voc.txt"))
        let stems = try SharedData.lines(of: directory.appendingPathComponent("output.txt"))
        try #require(words.count == stems.count)
        let analyzer = Analyzer(configuration: AnalyzerConfiguration(stemmer: kind, stopWords: .none))
        var mismatches: [String] = []
        var checked = 0
        // Words with apostrophes are several tokens or possessives: only plain words here.
        for (word, stem) in zip(words, stems) where word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) {
            checked += 1
            let expected = word.count <= 2 || stem.isEmpty ? word : stem
            let got = analyzer.terms(of: word)
            if got != [expected], mismatches.count < 10 { mismatches.append("\(word) → \(got), expected \(expected)") }
        }
        #expect(checked > 40_000)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("words still holding non-ASCII letters after folding are not stemmed")
    func nonASCIINotStemmed() {
        #expect(terms("книги") == ["книги"])
        #expect(terms("running東") == ["run", "東"])
        // Latin words fold to ASCII first and are then stemmed.
        #expect(terms("CAFÉS") == ["cafe"])
        #expect(terms("naïvely") == terms("naively"))
    }

    // MARK: - Tokens

    @Test("tokens carry term, position and byte range")
    func tokens() {
        #expect(Analyzer().analyze("Running dogs’ toys") == [
            Token(term: "run", position: 0, start: 0, end: 7),
            Token(term: "dog", position: 1, start: 8, end: 12),
            Token(term: "toi", position: 2, start: 16, end: 20),
        ])
    }

    @Test("analyze(String), analyze(utf8:) and terms(of:) agree")
    func entryPointsAgree() {
        let text = "The U.S. war-torn country’s 5,000 troops: “orderly & safe drawdown” — 東京タワー, café"
        let analyzer = Analyzer()
        let tokens = analyzer.analyze(text)
        #expect(tokens == Analyzer().analyze(utf8: Array(text.utf8)))
        #expect(analyzer.terms(of: text) == tokens.map(\.term))
        // Words of one or two letters are not stemmed (Porter's C code and Lucene do the same),
        // so `U.S.` stays `us` although the published rules would make it `u`.
        #expect(tokens.map(\.term) == ["us", "war", "torn", "countri", "5000", "troop", "orderli", "safe", "drawdown",
                                       "東", "京", "タ", "ワ", "ー", "cafe"])
    }

    @Test("the indexer's fast path counts positions from firstPosition and appends")
    func fastPath() {
        let analyzer = Analyzer()
        var tokens: [AnalyzedToken] = []
        let bytes = Array("the cat sat".utf8)
        let next = bytes.withUnsafeBufferPointer { analyzer.analyze($0, into: &tokens, firstPosition: 10) }
        #expect(next == 13)  // three words, the stop word included
        #expect(tokens.map(\.position) == [11, 12])
        #expect(tokens.map { String(decoding: analyzer.termBytes($0.termID), as: UTF8.self) } == ["cat", "sat"])
        let more = Array("cat".utf8)
        let after = more.withUnsafeBufferPointer { analyzer.analyze($0, into: &tokens, firstPosition: next) }
        #expect(after == 14)
        #expect(tokens.count == 3)
        #expect(tokens[2].termID == tokens[0].termID)  // one id per term
        #expect(tokens[2].position == 13)
    }

    // MARK: - Cache consistency

    @Test("analyzing the same text twice gives the same tokens")
    func sameTextTwice() throws {
        let url = SharedData.packageRoot.appendingPathComponent("seeds/000_fb07d6c771e3af61.txt")
        let bytes = Array(try Data(contentsOf: url))
        let analyzer = Analyzer()
        let first = analyzer.analyze(utf8: bytes)
        let second = analyzer.analyze(utf8: bytes)
        #expect(!first.isEmpty)
        #expect(first == second)
    }

    @Test("surface forms met in any order give the same terms as a fresh analyzer")
    func orderIndependence() {
        let forms = ["Café", "café", "CAFÉ", "cafe\u{301}", "cafe", "The", "the", "THE", "Running", "running",
                     "U.S.", "US", "us", "ΟΔΟΣ", "οδός", "Straße", "strasse", "s", "S"]
        let expected = forms.map { Analyzer().analyze($0) }
        let forward = Analyzer()
        #expect(forms.map { forward.analyze($0) } == expected)
        let backward = Analyzer()
        #expect(forms.reversed().map { backward.analyze($0) } == expected.reversed())
        // Byte-exact, too: `==` on String is canonical equivalence.
        let reused = forms.map { forward.terms(of: $0).map { Array($0.utf8) } }
        #expect(reused == forms.map { Analyzer().terms(of: $0).map { Array($0.utf8) } })
    }

    @Test("a cached stop word stays a stop word, with its position")
    func cachedStopWord() {
        let analyzer = Analyzer()
        #expect(analyzer.analyze("The the THE").isEmpty)
        #expect(analyzer.analyze("the cat") == [Token(term: "cat", position: 1, start: 4, end: 7)])
        #expect(analyzer.analyze("s") == [Token(term: "s", position: 0, start: 0, end: 1)])
        #expect(analyzer.analyze("s s") == [Token(term: "s", position: 0, start: 0, end: 1), Token(term: "s", position: 1, start: 2, end: 3)])
    }

    @Test("many distinct words through one analyzer match fresh analyzers")
    func manyDistinctWords() {
        // Well past the caches' initial capacity of 4096 entries, so they grow.
        var random = TestRandom(seed: 0xCAC4E)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzéüñ".unicodeScalars)
        var words: [String] = []
        for index in 0..<12_000 {
            var word = ""
            for _ in 0..<(3 + random.next(below: 9)) { word.unicodeScalars.append(alphabet[random.next(below: alphabet.count)]) }
            if index.isMultiple(of: 3) { word = word.uppercased() }
            if index.isMultiple(of: 5) { word += "ing" }
            if index.isMultiple(of: 7) { word = StopWords.englishWords[index % 33] }
            words.append(word)
        }
        let text = words.joined(separator: " ")
        let shared = Analyzer()
        let first = shared.analyze(text)
        let second = shared.analyze(text)
        #expect(first == second)
        // Each word alone, in reverse order, through another analyzer; and a fresh one per word for a sample.
        let other = Analyzer()
        var alone: [String] = []
        for word in words.reversed() { alone += other.terms(of: word) }
        #expect(alone.reversed() == first.map(\.term))
        var mismatches: [String] = []
        for (index, word) in words.enumerated() where index.isMultiple(of: 97) {
            let fresh = Analyzer().terms(of: word).map { Array($0.utf8) }
            let cached = shared.terms(of: word).map { Array($0.utf8) }
            if fresh != cached { mismatches.append("\(word): \(fresh) vs \(cached)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        // Words are single tokens here, so the term count is the word count minus stop words.
        #expect(first.count == words.filter { !StopWords.englishWords.contains($0.lowercased()) }.count)
    }

    @Test("different configurations do not share a cache")
    func separateConfigurations() {
        let porter = Analyzer()
        let none = Analyzer(configuration: AnalyzerConfiguration(stemmer: .none, stopWords: .none))
        #expect(porter.terms(of: "the running") == ["run"])
        #expect(none.terms(of: "the running") == ["the", "running"])
        #expect(porter.terms(of: "the running") == ["run"])
    }
}

@Suite struct AnalyzerShortWordAndExpansionTests {
    @Test("words of one or two letters are not stemmed, longer ones are")
    func shortWordsKeepTheirForm() {
        let analyzer = Analyzer()
        #expect(analyzer.terms(of: "us is s ox running") == ["us", "s", "ox", "run"])
        #expect(Analyzer(configuration: AnalyzerConfiguration(stemmer: .porter2)).terms(of: "us running") == ["us", "run"])
    }

    @Test("a word whose folded form passes 255 bytes is skipped but keeps its position")
    func foldingExpansionIsCapped() {
        // U+FDFA folds (compatibility decomposition) to an 18-letter phrase: 85 of them are 255
        // bytes of input but far more once folded.
        let long = String(repeating: "\u{FDFA}", count: 85)
        let tokens = Analyzer().analyze("start \(long) end")
        #expect(tokens.map(\.term) == ["start", "end"])
        #expect(tokens.map(\.position) == [0, 2])
    }
}

@Suite struct AnalyzerMemoryTests {
    @Test("forgetWords starts afresh past the limit and keeps what it knows below it")
    func forgetWords() {
        let analyzer = Analyzer(configuration: AnalyzerConfiguration(stemmer: .none, stopWords: .none))
        _ = analyzer.analyze((0..<50).map { "word\($0)" }.joined(separator: " "))
        #expect(analyzer.termCount == 50)
        analyzer.forgetWords(ifMoreThan: 100)
        #expect(analyzer.termCount == 50)
        analyzer.forgetWords(ifMoreThan: 10)
        #expect(analyzer.termCount == 0)
        // Analysis gives the same terms afterwards.
        #expect(analyzer.terms(of: "word7 word8") == ["word7", "word8"])
    }
}
