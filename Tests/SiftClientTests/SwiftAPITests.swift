import Foundation
import Sift
import Testing

/// The API reads like Swift: strings in and out, ranges of strings, values that are
/// `Sendable`, `Hashable` and `Codable`, errors that explain themselves.
@Suite struct SwiftAPITests {
    @Test func textGoesInAndComesOutAsStrings() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        try makeArticleIndex(at: path).close()
        let reader = try IndexReader(path: path)
        let stored = try #require(try reader.document(withID: "cafe"))
        #expect(stored.text == "A résumé of the cafés of Paris, where coffee is served all day.")
        #expect(stored.textBytes == Array(stored.text.utf8))
    }

    @Test func highlightsAreRangesOfTheSnippetText() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        try makeArticleIndex(at: path).close()
        let searcher = Searcher(reader: try IndexReader(path: path))
        let results = try searcher.search("résumé cafés")
        let hit = try #require(results.hits.first)
        let snippet = try searcher.snippet(for: hit, in: results)
        #expect(snippet.highlights.map { String(snippet.text[$0]) } == ["résumé", "cafés"])
        #expect(snippet.marked(open: "[", close: "]").contains("[résumé]"))
    }

    @Test func resultValuesAreCodableAndHashable() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        try makeArticleIndex(at: path).close()
        let searcher = Searcher(reader: try IndexReader(path: path))
        let results = try searcher.search("coffee")
        let hit = try #require(results.hits.first)
        let snippet = try searcher.snippet(for: hit, in: results)
        let explanation = try searcher.explain(hit, in: results)

        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        #expect(try decoder.decode(SearchHit.self, from: encoder.encode(hit)) == hit)
        #expect(try decoder.decode(Snippet.self, from: encoder.encode(snippet)) == snippet)
        #expect(try decoder.decode(Explanation.self, from: encoder.encode(explanation)) == explanation)
        #expect(try decoder.decode(IndexSnapshot.self, from: encoder.encode(results.snapshot)) == results.snapshot)
        #expect(Set(results.hits).count == results.hits.count)
        #expect(hit.id == "cafe" || hit.id == "rivers")

        // A decoded snippet whose highlights fall outside its text is refused.
        let bad = Data(#"{"text":"short","utf8Highlights":[[2,40]]}"#.utf8)
        #expect(throws: DecodingError.self) { try decoder.decode(Snippet.self, from: bad) }
    }

    @Test func anExplanationDescribesItself() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        try makeArticleIndex(at: path).close()
        let searcher = Searcher(reader: try IndexReader(path: path))
        let results = try searcher.search("coffee rivers")
        let explanation = try searcher.explain(results.hits[0], in: results)
        let lines = explanation.description.split(separator: "\n")
        #expect(lines.first?.hasSuffix("= sum of:") == true)
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") && $0.contains(" in text: idf ") })
        #expect(lines.count == explanation.details.count + 1)
    }

    @Test func statisticsAndSummariesHaveNamedFields() throws {
        let folder = try TemporaryFolder()
        try folder.write("Para one.\n\nPara two.", to: "corpus/a.txt")
        let path = folder.path + "/index"
        let writer = try IndexWriter(path: path)
        let walk = try CorpusWalker(roots: [folder.path + "/corpus"], options: IngestOptions(unit: .paragraph)).walk()
        #expect(walk.skipped.isEmpty)
        try writer.update(with: walk.candidates, extractor: DocumentExtractor(options: IngestOptions(unit: .paragraph)))
        let summary = try writer.commit()
        writer.close()
        #expect(summary.files.contains { $0.name == "manifest" && $0.byteCount > 0 })
        #expect(summary.byteCount == summary.files.reduce(0) { $0 + $1.byteCount })
        let reader = try IndexReader(path: path)
        #expect(try reader.indexedUnit() == .paragraph)
        #expect(try reader.statistics().files.map(\.name).contains("manifest"))
        let extracted = DocumentExtractor().extract(walk.candidates[0])
        #expect(extracted.documents.count == 1)
        #expect(extracted.fingerprint != nil)
    }

    @Test func errorsReadAsSentencesForLibraryUsers() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/missing"
        let error = #expect(throws: IndexError.self) { try IndexReader(path: path) }
        let message = try #require(error?.localizedDescription)
        #expect(message.contains(path))
        #expect(!message.contains("sift index"))
        let searchError: any Error = SearchError.invalidArgument(InvalidArgument(name: "limit", value: -1, requirement: "at least 0"))
        #expect(searchError.localizedDescription == "limit is -1; it must be at least 0")
        #expect((IndexError.duplicateID("a") as any LocalizedError).errorDescription?.contains("'a'") == true)
    }
}
