import SiftAnalysis
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex

/// The notes a search adds say what really happened to the query's words.
@Suite struct SearchNoteTests {
    static let documents = [IndexTestDocument(id: "d", text: "the kabul taliban")]

    static func kinds(_ query: String) throws -> [SearchNote.Kind] {
        try QueryTestKit.withSearcher(documents, configuration: AnalyzerConfiguration(stemmer: .none, stopWords: .english)) { searcher throws in
            try searcher.search(query).notes.map(\.kind)
        }
    }

    @Test("only stop words: said only when the words were stop words")
    func stopWords() throws {
        #expect(try Self.kinds("the") == [.onlyStopWords])
        #expect(try Self.kinds("the AND a") == [.onlyStopWords])
    }

    @Test("no words at all: a backslash, punctuation, invalid UTF-8")
    func noWords() throws {
        #expect(try Self.kinds("\\") == [.noWords])
        #expect(try Self.kinds("...") == [.noWords])
        #expect(try Self.kinds(String(decoding: [0xFF, 0xFE], as: UTF8.self)) == [.noWords, .invalidUTF8])
        #expect(try Self.kinds("kabul " + String(decoding: [0xFF], as: UTF8.self)) == [.invalidUTF8])
    }

    @Test("a word over 255 bytes: said it was left out, not that it was a stop word")
    func tooLong() throws {
        let long = String(repeating: "a", count: 300)
        #expect(try Self.kinds(long) == [.wordTooLong])
        #expect(try Self.kinds("kabul " + long) == [.wordTooLong])
        #expect(try Self.kinds(long + " " + long) == [.wordTooLong])
        try QueryTestKit.withSearcher(Self.documents) { searcher throws in
            let note = try #require(try searcher.search(long).notes.first)
            #expect(note.message == "a word of 300 bytes was left out: words longer than 255 bytes are not indexed")
        }
    }

    @Test("a query with words that match gets no note")
    func none() throws {
        #expect(try Self.kinds("kabul taliban").isEmpty)
    }
}
