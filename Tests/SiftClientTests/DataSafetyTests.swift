import Foundation
import Sift
import Testing

/// The first part of issue #16, through the public API only: no default loses documents, no
/// result answers for another snapshot, no option out of range traps or ranks wrongly, and a
/// folder sync keeps the documents added by id.
@Suite struct DataSafetyTests {
    @Test func theDefaultWriterAddsToAnExistingIndex() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        try makeArticleIndex(at: path).close()

        let writer = try IndexWriter(path: path)
        try writer.add(id: "new", title: "New", text: "A fourth article.")
        try writer.commit()
        writer.close()
        #expect(try IndexReader(path: path).documentCount == 4)
    }

    @Test func replacingAnIndexIsSaidAtTheCall() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        try makeArticleIndex(at: path).close()

        let writer = try IndexWriter(path: path, mode: .replace)
        // Until the commit, readers see the old index.
        #expect(try IndexReader(path: path).documentCount == 3)
        try writer.add(id: "only", title: "Only", text: "The one document left.")
        try writer.commit()
        writer.close()
        let reader = try IndexReader(path: path)
        #expect(reader.documentCount == 1)
        #expect(try reader.document(withID: "kabul") == nil)
    }

    @Test func openModeRequiresAnIndex() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/none"
        #expect(throws: IndexError.missingIndex(path)) { try IndexWriter(path: path, mode: .open) }
        #expect(throws: IndexError.missingIndex(path)) { try IndexReader(path: path) }
        // The default creates it.
        let writer = try IndexWriter(path: path)
        try writer.commit()
        writer.close()
        #expect(try IndexReader(path: path).documentCount == 0)
    }

    @Test func resultsOfAnotherSnapshotAreRefused() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        let writer = try makeArticleIndex(at: path)
        let oldReader = try IndexReader(path: path)
        let oldSearcher = Searcher(reader: oldReader)
        let results = try oldSearcher.search("coffee")
        let hit = try #require(results.hits.first)

        // Renumber every document: delete one, add one, merge.
        try writer.deleteDocuments(withID: "kabul")
        try writer.add(id: "tea", title: "Tea", text: "Tea, not coffee, in the afternoon.")
        writer.forceMerge()
        try writer.commit()
        writer.close()

        let newReader = try #require(try oldReader.reopenIfChanged())
        #expect(newReader.snapshot != oldReader.snapshot)
        let newSearcher = Searcher(reader: newReader)
        let expected = IndexError.snapshotMismatch(given: results.snapshot, reader: newReader.snapshot)
        #expect(throws: SearchError.index(expected)) { try newSearcher.snippet(for: hit, in: results) }
        #expect(throws: SearchError.index(expected)) { try newSearcher.explain(hit, in: results) }
        #expect(throws: expected) { try newReader.document(for: hit) }

        // The old reader still answers for its own results, and the id finds the document anew.
        #expect(try oldSearcher.snippet(for: hit, in: results).text.isEmpty == false)
        #expect(try oldReader.document(for: hit).id == hit.id)
        #expect(try newReader.document(withID: hit.id)?.id == hit.id)
    }

    @Test func searchOptionsOutOfRangeThrowNamingTheOption() throws {
        let folder = try TemporaryFolder()
        let writer = try makeArticleIndex(at: folder.path + "/index")
        writer.close()
        let searcher = Searcher(reader: try IndexReader(path: folder.path + "/index"))

        func invalid(_ body: () throws(SearchError) -> SearchResults) -> String? {
            do {
                _ = try body()
                return nil
            } catch {
                guard case .invalidArgument(let argument) = error else { return "unexpected \(error)" }
                return argument.name
            }
        }
        #expect(invalid { () throws(SearchError) in try searcher.search("caf*", options: SearchOptions(maxExpansions: -1)) } == "maxExpansions")
        #expect(invalid { () throws(SearchError) in try searcher.search("coffee", options: SearchOptions(bm25: BM25Parameters(k1: -0.5))) } == "bm25.k1")
        #expect(invalid { () throws(SearchError) in try searcher.search("coffee", options: SearchOptions(bm25: BM25Parameters(b: 1.5))) } == "bm25.b")
        #expect(invalid { () throws(SearchError) in try searcher.search("coffee", options: SearchOptions(limit: -1)) } == "limit")
        #expect(invalid { () throws(SearchError) in try searcher.search("coffee", options: SearchOptions(offset: -3)) } == "offset")
        #expect(invalid { () throws(SearchError) in try searcher.search(.term("coffee", boost: .nan)) }?.hasPrefix("boost") == true)
        #expect(invalid { () throws(SearchError) in try searcher.search(.phrase("coffee day", slop: -1)) }?.hasPrefix("slop") == true)
        var rm3 = RM3Parameters()
        rm3.feedbackTerms = 0
        #expect(invalid { () throws(SearchError) in try searcher.search("coffee", options: SearchOptions(rm3: rm3)) } == "rm3.feedbackTerms")
        #expect(throws: (any Error).self) { try SearchOptions(limit: -1).validate() }

        let results = try searcher.search("coffee")
        let hit = try #require(results.hits.first)
        #expect(throws: SearchError.invalidArgument(InvalidArgument(name: "maxLength", value: 5, requirement: "at least 20"))) {
            try searcher.snippet(for: hit, in: results, maxLength: 5)
        }
    }

    @Test func readerAndWriterArgumentsOutOfRangeThrow() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        try makeArticleIndex(at: path).close()
        let reader = try IndexReader(path: path)
        #expect(throws: IndexError.documentOutOfRange(-1, count: 3)) { try reader.length(of: -1) }
        #expect(throws: IndexError.documentOutOfRange(3, count: 3)) { try reader.document(at: 3) }
        #expect(throws: IndexError.invalidArgument(InvalidArgument(name: "offset", value: -1, requirement: "at least 0"))) {
            try reader.documentSummaries(offset: -1, limit: 5)
        }
        #expect(throws: IndexError.invalidArgument(InvalidArgument(name: "jobs", value: 0, requirement: "at least 1"))) {
            try IndexWriter(path: path, jobs: 0)
        }
    }

    @Test func aFolderSyncKeepsDocumentsAddedByID() throws {
        let folder = try TemporaryFolder()
        try folder.write("Notes about coffee.", to: "corpus/a.txt")
        try folder.write("Notes about rivers.", to: "corpus/b.txt")
        let path = folder.path + "/index"
        let writer = try IndexWriter(path: path)
        let extractor = DocumentExtractor()
        let walker = CorpusWalker(roots: [folder.path + "/corpus"])
        try writer.update(with: try walker.walk().candidates, extractor: extractor)
        try writer.add(id: "manual", title: "Added by id", text: "Coffee added from code.")
        try writer.commit()

        // The files are unchanged: nothing to do, and the document added by id stays.
        let again = try writer.update(with: try walker.walk().candidates, extractor: extractor)
        #expect(again.deletedDocuments == 0)
        #expect(again.addedDocuments == 0)
        try writer.commit()

        // A file removed takes its document only.
        try folder.remove("corpus/b.txt")
        let removal = try writer.update(with: try walker.walk().candidates, extractor: extractor)
        #expect(removal.deletedDocuments == 1)
        try writer.commit()
        writer.close()
        let reader = try IndexReader(path: path)
        #expect(reader.documentCount == 2)
        #expect(try reader.document(withID: "manual")?.text == "Coffee added from code.")
        #expect(try ids("coffee", in: reader).sorted() == ["a.txt", "manual"])
    }

    @Test func idsAddedByCodeAndFromFilesInOneCommitNeverRepeat() throws {
        let folder = try TemporaryFolder()
        try folder.write(#"{"id": "n1", "text": "from the file"}"# + "\n" + #"{"id": "n2", "text": "also from the file"}"#, to: "corpus/news.jsonl")
        try folder.write("A plain file.", to: "corpus/a.txt")
        let writer = try IndexWriter(path: folder.path + "/index")
        defer { writer.close() }
        // By id first: the file's record with the same id is skipped as a duplicate.
        try writer.add(id: "n1", title: "", text: "added from code")
        let summary = try writer.addFiles(try CorpusWalker(roots: [folder.path + "/corpus"]).walk().candidates, extractor: DocumentExtractor())
        #expect(summary.skipped.contains { if case .duplicateID("n1", _) = $0.reason { true } else { false } })
        // Files first: adding or updating one of their ids by code before the commit is refused.
        #expect(throws: IndexError.duplicateID("n2")) { try writer.add(id: "n2", title: "", text: "again") }
        #expect(throws: IndexError.duplicateID("n2")) { try writer.updateDocument(id: "n2", title: "", text: "again") }
        #expect(throws: IndexError.duplicateID("a.txt")) { try writer.add(id: "a.txt", title: "", text: "again") }
        try writer.commit()
        let reader = try IndexReader(path: folder.path + "/index")
        #expect(reader.documentCount == 3)
        #expect(try reader.document(withID: "n1")?.text == "added from code")
        // After the commit the ids are committed documents': update by id works as usual.
        #expect(try writer.updateDocument(id: "n2", title: "", text: "replaced") == true)
    }
}
