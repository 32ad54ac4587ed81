import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

/// What `update(with:)` reports.
@Suite struct UpdateSummaryTests {
    static func summaryLine(_ summary: IndexUpdateSummary) -> String {
        "+\(summary.addedFiles.map(\.relativePath)) ~\(summary.changedFiles.map(\.relativePath)) -\(summary.removedFiles) =\(summary.unchangedFileCount); documents +\(summary.addedDocuments) ~\(summary.updatedDocuments) -\(summary.deletedDocuments) =\(summary.unchangedDocuments)"
    }

    @Test("update(with:) reports the files and documents added, changed, removed and unchanged")
    func updateSummaryCounts() throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            // Unit `line`: one document per non-blank line.
            try IncrementalKit.write("alpha one\nalpha two\n\nalpha three\n", to: root + "/a.txt")   // 3
            try IncrementalKit.write("beta\nbeta two\n", to: root + "/b.txt")                         // 2
            try IncrementalKit.write("gamma\n", to: root + "/c.txt")                                  // 1
            try IncrementalKit.write("# delta\ndelta body\n", to: root + "/sub/d.md")                 // 2
            try IncrementalKit.write("not indexed", to: root + "/notes.pdf")
            let first = try IncrementalKit.update(root: root, index: index, unit: .line, mode: .replace)
            #expect(Self.summaryLine(first.summary) == "+[\"a.txt\", \"b.txt\", \"c.txt\", \"sub/d.md\"] ~[] -[] =0; documents +8 ~0 -0 =0")
            #expect(first.commit.documentCount == 8 && first.commit.addedDocumentCount == 8)

            // a.txt edited (3 → 2 lines), b.txt edited to the same size, c.txt removed, e.txt new,
            // d.md rewritten with its own bytes.
            try IncrementalKit.write("alpha one\nalpha four\n", to: root + "/a.txt")
            try IncrementalKit.write("beta\nbeta six\n", to: root + "/b.txt")
            try FileManager.default.removeItem(atPath: root + "/c.txt")
            try IncrementalKit.write("epsilon\nepsilon two\nepsilon three\n", to: root + "/e.txt")
            try IncrementalKit.write("# delta\ndelta body\n", to: root + "/sub/d.md")
            let candidates = try IncrementalKit.candidates(root, unit: .line)
            let plan = try IndexReader(path: index).planUpdate(with: candidates, extractor: IncrementalKit.extractor(.line))
            #expect(Self.summaryLine(plan) == "+[\"e.txt\"] ~[\"a.txt\", \"b.txt\"] -[\"c.txt\"] =1; documents +0 ~0 -1 =2",
                    "a dry run does not read new and changed files")
            #expect(plan.documentsOfChangedFiles == 5, "the changed files' documents are to be replaced, not counted as deleted")
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            let summary = try writer.update(with: candidates, extractor: IncrementalKit.extractor(.line))
            // Each document once: a.txt 3 → 2 (2 updated, 1 deleted), b.txt 2 → 2 (2 updated),
            // c.txt removed (1 deleted), e.txt new (3 added); 8 before = 4 + 2 + 2, 9 after = 3 + 4 + 2.
            #expect(Self.summaryLine(summary) == "+[\"e.txt\"] ~[\"a.txt\", \"b.txt\"] -[\"c.txt\"] =1; documents +3 ~4 -2 =2")
            #expect(summary.ingest.filesIndexed == 3 && summary.ingest.skipped.isEmpty)
            #expect(writer.hasChanges && writer.documentCount == 7)
            let commit = try writer.commit()
            writer.close()
            #expect(commit.documentCount == 9 && commit.addedDocumentCount == 7)
            let reader = try IndexReader(path: index)
            #expect(try IncrementalKit.liveIDs(reader) == ["a.txt#L1", "a.txt#L2", "b.txt#L1", "b.txt#L2", "e.txt#L1", "e.txt#L2", "e.txt#L3",
                                                           "sub/d.md#L1", "sub/d.md#L2"])
            #expect(try Searcher(reader: reader).search("six", options: SearchOptions(limit: 10)).hits.map(\.id) == ["b.txt#L2"])
            #expect(try reader.documentFrequency(of: "two") == 1, "b.txt's old line 2 is gone; e.txt's is there")

            // Nothing changed: no changes, and the commit leaves every file as it was.
            let before = try IncrementalKit.snapshot(index)
            let idle = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            let nothing = try idle.update(with: try IncrementalKit.candidates(root, unit: .line), extractor: IncrementalKit.extractor(.line))
            #expect(Self.summaryLine(nothing) == "+[] ~[] -[] =4; documents +0 ~0 -0 =9")
            #expect(!nothing.hasChanges && !idle.hasChanges)
            let idleCommit = try idle.commit()
            idle.close()
            #expect(idleCommit.generation == 2 && idleCommit.documentCount == 9)
            #expect(try IncrementalKit.snapshot(index) == before, "an update without changes writes nothing")
            #expect(try IndexReader(path: index).generation == 2)

            // Another unit: every file is replaced.
            let paragraphs = try IncrementalKit.update(root: root, index: index, unit: .paragraph)
            #expect(Self.summaryLine(paragraphs.summary) == "+[\"a.txt\", \"b.txt\", \"e.txt\", \"sub/d.md\"] ~[] -[\"a.txt\", \"b.txt\", \"e.txt\", \"sub/d.md\"] =0; documents +4 ~0 -9 =0")
            let paragraphReader = try IndexReader(path: index)
            #expect(try paragraphReader.indexedUnit() == .paragraph)
            #expect(try IncrementalKit.liveIDs(paragraphReader) == ["a.txt#L1", "b.txt#L1", "e.txt#L1", "sub/d.md#L1"])
            _ = try paragraphReader.check(deep: true)
            let again = try IncrementalKit.update(root: root, index: index, unit: .paragraph)
            #expect(!again.summary.hasChanges && again.summary.unchangedDocuments == 4)
            let files = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(files.summary.addedFiles.count == 4 && files.summary.removedFiles.count == 4 && files.summary.deletedDocuments == 4)
            #expect(try IndexReader(path: index).indexedUnit() == .file)
            #expect(try IncrementalKit.liveIDs(IndexReader(path: index)) == ["a.txt", "b.txt", "e.txt", "sub/d.md"])
        }
    }

    /// An index of three documents added with `add` (no file accounts for them), and a folder
    /// `docs` holding one new file, `a.txt`.
    static func untrackedIndex(in folder: IndexTestFolder) throws -> (root: String, index: String) {
        let root = folder.sub("docs")
        let index = folder.sub("index")
        try IndexTestKit.write([IndexTestDocument(id: "x", text: "old one"), IndexTestDocument(id: "y", text: "old two"),
                                IndexTestDocument(id: "z", text: "old three")], at: index)
        try IncrementalKit.write("new file\n", to: root + "/a.txt")
        return (root, index)
    }

    @Test("an update over an index built with add keeps its documents: the update owns only its files' (issue 16)")
    func updateKeepsUntrackedDocuments() throws {
        try IndexTestFolder.with { folder in
            let (root, index) = try Self.untrackedIndex(in: folder)
            try IncrementalKit.write("another new file\n", to: root + "/b.txt")
            let candidates = try IncrementalKit.candidates(root, unit: .file)
            let plan = try IndexReader(path: index).planUpdate(with: candidates, extractor: IncrementalKit.extractor(.file))
            #expect(plan.addedFiles.count == 2 && plan.deletedDocuments == 0 && plan.unchangedDocuments == 3)
            let run = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(run.summary.addedFiles.count == 2 && run.summary.addedDocuments == 2)
            let reader = try IndexReader(path: index)
            #expect(try IncrementalKit.liveIDs(reader) == ["a.txt", "b.txt", "x", "y", "z"])
            #expect(try reader.documentFrequency(of: "old") == 3)
            try IncrementalIndexTests.expectSourceTable(reader, files: ["a.txt": Array("new file\n".utf8), "b.txt": Array("another new file\n".utf8)],
                                       unit: .file, context: "kept", untracked: 3)
            // Again, with nothing changed: nothing is deleted, nothing read.
            let again = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(!again.hadChanges && again.summary.deletedDocuments == 0 && again.summary.unchangedDocuments == 5)
        }
    }

    @Test("update(with:) counts the documents added by id as unchanged, and deletes none of them")
    func updateCountsUntrackedDocumentsUnchanged() throws {
        try IndexTestFolder.with { folder in
            let (root, index) = try Self.untrackedIndex(in: folder)
            let run = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(run.summary.deletedDocuments == 0)
            #expect(run.summary.unchangedDocuments == 3 && run.summary.addedDocuments == 1)
        }
    }
}
