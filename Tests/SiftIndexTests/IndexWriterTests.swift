import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch

/// The writer's output depends only on the documents and the settings: not on the number of
/// analysis threads, nor on partial segments written because of the memory budget.
@Suite struct IndexWriterTests {
    /// A corpus of about 4 MB of postings and text, enough to pass a 1 MiB budget several times.
    static let corpus: RandomCorpus = {
        var corpus = RandomCorpus.make(seed: 606, documentCount: 2500, vocabularySize: 400, exponent: 0.9, lengthRange: 100...400)
        // A document with a title and one with invalid UTF-8, carried through merges too.
        corpus.documents[7].title = "Ünïcödé title w1"
        corpus.documents[8].text += [0xFF, 0x20, 0xC3]
        return corpus
    }()

    static func files(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try IndexTestKit.fileNames(path) { files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)) }
        return files
    }

    /// Writes `corpus` with the given settings, adding `batch` documents per call.
    @discardableResult
    static func write(_ documents: [IndexTestDocument], at path: String, jobs: Int = 1, memoryBudget: Int = 512 << 20,
                      batch: Int = 1) throws -> (summary: CommitSummary, partials: Int) {
        let writer = try IndexWriter(path: path, configuration: IndexTestKit.plain, jobs: jobs, memoryBudget: memoryBudget)
        defer { writer.close() }
        var start = 0
        while start < documents.count {
            let slice = documents[start..<min(start + batch, documents.count)]
            try writer.add(contentsOf: slice.map { SourceDocument(id: $0.id, title: $0.title, text: $0.text) })
            start += batch
        }
        #expect(writer.documentCount == documents.count)
        let partials = writer.partialSegmentCount
        return (try writer.commit(), partials)
    }

    @Test("1, 2 and 4 analysis threads write byte-identical indexes")
    func threadsDoNotChangeOutput() throws {
        let documents = Array(Self.corpus.documents.prefix(800))
        try IndexTestFolder.with { folder in
            try Self.write(documents, at: folder.sub("one"), jobs: 1, batch: 1)
            let reference = try Self.files(folder.sub("one"))
            #expect(reference.count == 5)
            for (jobs, batch) in [(2, 64), (4, 800), (4, 3)] {
                let path = folder.sub("jobs\(jobs)-\(batch)")
                try Self.write(documents, at: path, jobs: jobs, batch: batch)
                #expect(try Self.files(path) == reference, "\(jobs) threads, batches of \(batch)")
            }
        }
    }

    @Test("partial segments merged at commit give the same bytes as one segment written at once")
    func partialSegmentsMerge() throws {
        let documents = Self.corpus.documents
        try IndexTestFolder.with { folder in
            let (whole, wholePartials) = try Self.write(documents, at: folder.sub("whole"), batch: 100)
            #expect(wholePartials == 0)
            let (merged, partials) = try Self.write(documents, at: folder.sub("merged"), jobs: 2, memoryBudget: 1 << 20, batch: 100)
            #expect(partials >= 2, "the 1 MiB budget forced partial segments")
            #expect(merged.documentCount == whole.documentCount)
            #expect(merged.termCount == whole.termCount)
            #expect(merged.postingCount == whole.postingCount)
            #expect(merged.tokenCount == whole.tokenCount)
            let mergedFiles = try Self.files(folder.sub("merged"))
            #expect(mergedFiles.keys.sorted() == (try Self.files(folder.sub("whole"))).keys.sorted(), "no partial files left behind")
            #expect(mergedFiles == (try Self.files(folder.sub("whole"))))

            let reader = try IndexReader(path: folder.sub("merged"))
            _ = try reader.check()
            #expect(try reader.document(at: 7).title == "Ünïcödé title w1")
            #expect(try reader.document(at: 8).textBytes == documents[8].text)
        }
    }

    @Test("scores from a merged index equal the formula")
    func mergedIndexScores() throws {
        let corpus = Self.corpus
        try IndexTestFolder.with { folder in
            try Self.write(corpus.documents, at: folder.path, memoryBudget: 1 << 20, batch: 250)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            var random = TestRandom(seed: 77)
            for _ in 0..<15 {
                let terms = corpus.randomQuery(&random)
                let expected = corpus.expectedScores(terms)
                let results = try searcher.search(terms.joined(separator: " "), options: SearchOptions(limit: 50))
                #expect(SearchOracle.mismatch(results, expected: expected, limit: 50, context: terms.joined(separator: " ")) == nil)
            }
        }
    }

    @Test("documents added one by one and in one batch give the same index")
    func batchingDoesNotMatter() throws {
        let documents = Array(Self.corpus.documents.prefix(300))
        try IndexTestFolder.with { folder in
            try Self.write(documents, at: folder.sub("single"), batch: 1)
            try Self.write(documents, at: folder.sub("all"), jobs: 3, batch: 300)
            #expect(try Self.files(folder.sub("single")) == (try Self.files(folder.sub("all"))))
        }
    }

    @Test("commit after close is refused: the lock is gone")
    func commitAfterClose() throws {
        try IndexTestFolder.with { folder in
            let first = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain)
            first.close()
            let second = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain)
            defer { second.close() }
            // `second` holds the lock now; `first` must not be able to replace the index under it.
            #expect(throws: IndexError.self) {
                try first.add(id: "x", title: "", text: Array("hello".utf8))
                try first.commit()
            }
            #expect(throws: IndexError.missingIndex(folder.path)) { try IndexReader(path: folder.path) }
        }
    }

    @Test("a second commit holds every document added since the writer was opened")
    func secondCommit() throws {
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain)
            defer { writer.close() }
            try writer.add(id: "a", title: "", text: Array("alpha".utf8))
            #expect(try writer.commit().documentCount == 1)
            try writer.add(id: "b", title: "", text: Array("beta".utf8))
            let summary = try writer.commit()
            let reader = try IndexReader(path: folder.path)
            let ids = try (0..<reader.documentCount).map { try reader.document(at: $0).id }
            #expect(summary.documentCount == reader.documentCount)
            #expect(ids == ["a", "b"], "documented: every commit holds the documents added since the writer was opened")
            _ = try reader.check()
        }
    }
}
