import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

/// Deleted documents: visible at once to new readers, never to old ones; deleting by id.
@Suite struct DeletionTests {
    @Test("a deletion is seen by readers opened after its commit; readers opened before keep their generation",
          arguments: [false, true])
    func deletionsVisibleAfterCommit(purge: Bool) throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            // "zebra" is only in a.txt, "yak" in a.txt and b.txt, "common" everywhere.
            try IncrementalKit.write("alpha zebra common yak\n", to: root + "/a.txt")
            try IncrementalKit.write("beta common yak\n", to: root + "/b.txt")
            for number in 0..<18 { try IncrementalKit.write("filler common word\(number)\n", to: root + "/f\(number).txt") }
            // Keep the deleted document in its segment, or purge it at once.
            let policy = MergePolicy(mergeFactor: 4, maxDeletedShare: purge ? 0 : 1)
            try IncrementalKit.update(root: root, index: index, unit: .file, mode: .replace, policy: policy)
            let all = SearchOptions(limit: 1000, exhaustive: true, countTotalHits: true)

            let old = try IndexReader(path: index)
            let oldSearcher = Searcher(reader: old)
            let oldZebra = try oldSearcher.search("zebra", options: all)
            #expect(oldZebra.hits.map(\.id) == ["a.txt"])
            #expect(try old.documentFrequency(of: "common") == 20)

            try FileManager.default.removeItem(atPath: root + "/a.txt")
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            writer.mergePolicy = policy
            let summary = try writer.update(with: IncrementalKit.candidates(root, unit: .file), extractor: IncrementalKit.extractor(.file))
            #expect(summary.removedFiles == ["a.txt"] && summary.deletedDocuments == 1 && summary.unchangedFileCount == 19)
            #expect(writer.hasChanges)
            // Not committed yet: a new reader sees the old index.
            let middle = try IndexReader(path: index)
            #expect(middle.generation == 1 && middle.documentCount == 20)
            #expect(try Searcher(reader: middle).search("zebra", options: all).hits.map(\.id) == ["a.txt"])
            let commit = try writer.commit()
            writer.close()
            #expect(commit.documentCount == 19 && commit.deletedCount == (purge ? 0 : 1))

            let new = try IndexReader(path: index)
            let searcher = Searcher(reader: new)
            #expect(new.generation == 2 && new.documentCount == 19 && new.deletedCount == (purge ? 0 : 1))
            #expect(new.maxDocument == (purge ? 19 : 20))
            let zebra = try searcher.search("zebra", options: all)
            #expect(zebra.hits.isEmpty && zebra.totalHits == 0)
            #expect(try new.documentFrequency(of: "zebra") == 0)
            #expect(try new.documentFrequency(of: "alpha") == 0)
            #expect(try new.documentFrequency(of: "common") == 19)
            #expect(try new.documentFrequency(of: "yak") == 1)
            #expect(try IncrementalKit.titleFrequency(new, "zebra") == 0, "titles of deleted documents no longer count")
            for query in ["common", "yak", "zebra OR yak", "\"alpha zebra\"", "zeb*", "+common -beta", "title:alpha", "al* OR zebra"] {
                for options in [all, SearchOptions(limit: 2)] {
                    let results = try searcher.search(query, options: options)
                    #expect(!results.hits.contains { $0.id == "a.txt" }, "'\(query)' returned the deleted file")
                    #expect(try !results.hits.contains { try new.isDeleted($0.document) })
                }
            }
            #expect(try searcher.search("common", options: all).hits.count == 19)
            #expect(try searcher.search("+common -beta", options: all).hits.count == 18)
            #expect(try searcher.search("yak", options: all).hits.map(\.id) == ["b.txt"])
            if !purge {
                #expect(try new.isDeleted(0), "a.txt was document 0 and stays in its segment, deleted")
                #expect(try IndexTestKit.fileNames(index).contains { $0.hasPrefix("del-") })
            } else {
                #expect(!(try IndexTestKit.fileNames(index).contains { $0.hasPrefix("del-") }))
                // The old segment's files are gone from the folder...
                #expect(!FileManager.default.fileExists(atPath: old.segments[0].files[0].path))
            }
            // ...but the reader opened before still answers from its generation.
            #expect(old.generation == 1 && old.documentCount == 20 && old.deletedCount == 0)
            let again = try oldSearcher.search("zebra", options: all)
            #expect(again.hits.map(\.id) == ["a.txt"] && again.hits.map(\.score) == oldZebra.hits.map(\.score))
            #expect(try old.documentFrequency(of: "common") == 20)
            _ = try old.check(deep: true)

            // deleteFile by key: the file's documents go; an unknown or already deleted key is 0.
            let second = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            second.mergePolicy = policy
            #expect(!second.hasChanges)
            #expect(second.deleteDocuments(ofFileAtRelativePath: "b.txt") == 1)
            #expect(second.deleteDocuments(ofFileAtRelativePath: "b.txt") == 0)
            #expect(second.deleteDocuments(ofFileAtRelativePath: "a.txt") == 0)
            #expect(second.deleteDocuments(ofFileAtRelativePath: "nothing.txt") == 0)
            #expect(second.hasChanges)
            try second.commit()
            second.close()
            let third = try IndexReader(path: index)
            #expect(third.documentCount == 18 && third.generation == 3)
            #expect(try Searcher(reader: third).search("yak", options: all).hits.isEmpty)
            #expect(try third.documentFrequency(of: "yak") == 0)
            _ = try third.check(deep: true)
            // b.txt is still in the folder but no longer indexed: the next update adds it back.
            let run = try IncrementalKit.update(root: root, index: index, unit: .file, policy: policy)
            #expect(run.summary.addedFiles.map(\.relativePath) == ["b.txt"] && run.summary.removedFiles.isEmpty)
            #expect(run.summary.unchangedFileCount == 18)
            let fourth = try IndexReader(path: index)
            #expect(try Searcher(reader: fourth).search("yak", options: all).hits.map(\.id) == ["b.txt"])
            #expect(fourth.documentCount == 19)
        }
    }

    @Test("deleteDocuments(withID:) deletes every committed document with the id and those added since the commit")
    func deleteByID() throws {
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration)
            writer.mergePolicy = MergePolicy(mergeFactor: 0, maxDeletedShare: 1)
            try writer.add(id: "x", title: "", text: Array("one apple".utf8))
            try writer.add(id: "y", title: "", text: Array("one banana".utf8))
            try writer.commit()
            // An id twice, as an index written before ids were keys can hold it.
            try writer.addUnchecked(contentsOf: [SourceDocument(id: "x", title: "", text: Array("two apple cherry".utf8))])
            try writer.add(id: "z", title: "", text: Array("three apple".utf8))
            try writer.commit()
            #expect(throws: IndexError.duplicateID("x")) { try writer.add(id: "x", title: "", text: Array("again".utf8)) }
            #expect(try writer.deleteDocuments(withID: "x") == 2, "both committed x")
            try writer.add(id: "x", title: "", text: Array("dropped apple".utf8))
            #expect(try writer.deleteDocuments(withID: "x") == 1, "the pending x")
            #expect(try writer.deleteDocuments(withID: "x") == 0)
            #expect(try writer.deleteDocuments(withID: "nobody") == 0)
            try writer.add(id: "x", title: "", text: Array("pending apple".utf8))
            let summary = try writer.commit()
            writer.close()
            #expect(summary.documentCount == 3 && summary.deletedCount == 3)
            let reader = try IndexReader(path: folder.path)
            #expect(try IncrementalKit.liveIDs(reader) == ["x", "y", "z"])
            #expect(try reader.documentFrequency(of: "apple") == 2)
            #expect(try reader.documentFrequency(of: "cherry") == 0)
            let hits = try Searcher(reader: reader).search("apple", options: SearchOptions(limit: 10)).hits
            #expect(Set(hits.map(\.id)) == ["x", "z"])
            #expect(try reader.document(at: hits.first { $0.id == "x" }!.document).textBytes == Array("pending apple".utf8))
            _ = try reader.check(deep: true)
        }
    }
}
