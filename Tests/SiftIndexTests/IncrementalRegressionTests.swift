import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

/// Bugs the incremental-index tests found, each kept as a regression test.
@Suite struct IncrementalRegressionTests {
    @Test("the same documents committed twice give two segments the manifest can name")
    func identicalSegmentsCommittedTwice() throws {
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration)
            // The same bytes twice takes the unchecked path: `add` refuses an id that is taken.
            try writer.addUnchecked(contentsOf: [SourceDocument(id: "x", title: "", text: Array("hello world".utf8))])
            try writer.commit()
            try writer.addUnchecked(contentsOf: [SourceDocument(id: "x", title: "", text: Array("hello world".utf8))])
            try writer.commit()
            writer.close()
            let reader = try IndexReader(path: folder.path)
            #expect(reader.documentCount == 2)
            _ = try reader.check(deep: true)
        }
        // The same from files: a JSONL file renamed, so its records are added again while the
        // old copies are only deleted (a repeated id while both are live is refused instead).
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            try IncrementalKit.write("{\"id\":\"1\",\"text\":\"hello\"}\n", to: root + "/x.jsonl")
            try IncrementalKit.update(root: root, index: index, unit: .file, mode: .replace)
            try FileManager.default.moveItem(atPath: root + "/x.jsonl", toPath: root + "/y.jsonl")
            try IncrementalKit.update(root: root, index: index, unit: .file)
            let reader = try IndexReader(path: index)
            #expect(reader.documentCount == 1)
            _ = try reader.check(deep: true)
        }
    }

    @Test("a file that gives no document is recorded by the update that finds it")
    func emptyFileRecorded() throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            try IncrementalKit.write("one two\nthree\n", to: root + "/a.txt")
            try IncrementalKit.update(root: root, index: index, unit: .line, mode: .replace)
            try IncrementalKit.write("\n  \n", to: root + "/blank.txt")
            let added = try IncrementalKit.update(root: root, index: index, unit: .line)
            #expect(added.summary.addedFiles.map(\.relativePath) == ["blank.txt"])
            let next = try IncrementalKit.update(root: root, index: index, unit: .line)
            #expect(!next.summary.hasChanges, "blank.txt reported again: \(UpdateSummaryTests.summaryLine(next.summary))")
            #expect(try IndexReader(path: index).sourceTable()?.files.map(\.key) == ["a.txt", "blank.txt"])

            // Recorded with another change, then removed alone.
            try IncrementalKit.write("four\n", to: root + "/b.txt")
            try IncrementalKit.update(root: root, index: index, unit: .line)
            try FileManager.default.removeItem(atPath: root + "/blank.txt")
            let removed = try IncrementalKit.update(root: root, index: index, unit: .line)
            #expect(removed.summary.removedFiles == ["blank.txt"])
            let after = try IncrementalKit.update(root: root, index: index, unit: .line)
            #expect(!after.summary.hasChanges, "blank.txt reported removed again: \(UpdateSummaryTests.summaryLine(after.summary))")
        }
    }

    @Test("with several roots a file's key is its document id")
    func multiRootKeys() throws {
        try IndexTestFolder.with { folder in
            let one = folder.sub("one")
            let two = folder.sub("two")
            let index = folder.sub("index")
            try IncrementalKit.write("alpha\n", to: one + "/a.txt")
            try IncrementalKit.write("beta\n", to: two + "/b.txt")
            let options = IngestOptions()
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration)
            _ = try writer.update(with: try CorpusWalker(roots: [one, two], options: options).walk().candidates, extractor: DocumentExtractor(options: options))
            try writer.commit()
            writer.close()
            let reader = try IndexReader(path: index)
            #expect(try IncrementalKit.liveIDs(reader) == ["one/a.txt", "two/b.txt"])
            #expect(try reader.sourceTable()?.files.map(\.key) == ["one/a.txt", "two/b.txt"])
            try FileManager.default.removeItem(atPath: one + "/a.txt")
            let plan = try reader.planUpdate(with: try CorpusWalker(roots: [one, two], options: options).walk().candidates,
                                             extractor: DocumentExtractor(options: options))
            #expect(plan.removedFiles == ["one/a.txt"])
        }
    }

    /// Found by `everyFlippedByte`: `IndexReader.init` subtracted the deleted token counts
    /// before checking them, an arithmetic-overflow trap (fixed since).
    @Test("a deletions file whose deleted token count passes its segment's is refused, not trapped on")
    func damagedDeletedTokenCount() throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try DeletionsAndSourcesDamageTests.damageFixture(folder)
            let name = try #require(pristine.keys.first { $0.hasPrefix("del-") })
            let path = index + "/" + name
            // The high byte of the deleted text-token count (a u64 at header + 8).
            let offset = IndexFormat.headerSize + 8 + 7
            try DeletionsAndSourcesDamageTests.poke(path, at: offset, Array(pristine[name]!)[offset] ^ 0x40)
            DeletionsAndSourcesDamageTests.expectCorrupt(IncrementalKit.indexError { _ = try IndexReader(path: index) }, naming: path, "token count")
            DeletionsAndSourcesDamageTests.expectCorrupt(IncrementalKit.indexError {
                _ = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            }, naming: path, "writer")
        }
    }

    @Test("an update never re-signs a damaged deletions file")
    func damagedDeletionsNotLaundered() throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try DeletionsAndSourcesDamageTests.damageFixture(folder)
            let name = try #require(pristine.keys.first { $0.hasPrefix("del-") })
            let path = index + "/" + name
            let bytes = Array(pristine[name]!)
            // The first key's deleted frequency: after the header, bitmap and key offsets.
            let documents = Int(bytes[16]) | Int(bytes[17]) << 8 | Int(bytes[18]) << 16
            let keyCount = Int(bytes[40]) | Int(bytes[41]) << 8 | Int(bytes[42]) << 16
            let frequency = SegmentDeletions.fixedSize + (documents + 63) / 64 * 8 + (keyCount + 1) * 4
            try DeletionsAndSourcesDamageTests.poke(path, at: frequency, bytes[frequency] ^ 0x01)
            // Delete another file of the same (only) segment and commit.
            let root = folder.sub("docs")
            let victim = try IncrementalKit.candidates(root, unit: .file)[3]
            try FileManager.default.removeItem(atPath: victim.path)
            let error = IncrementalKit.indexError {
                try IncrementalKit.update(root: root, index: index, unit: .file, policy: MergePolicy(mergeFactor: 4, maxDeletedShare: 1))
            }
            if let error {
                DeletionsAndSourcesDamageTests.expectCorrupt(error, naming: path, "the update refuses the damaged file")
            } else {
                // Committed: then the index must be sound, not damaged under a valid checksum.
                _ = try IndexReader(path: index, verifyChecksums: true).check(deep: true)
            }
        }
    }

    @Test("a second update(with:) before the commit does not add new files twice")
    func updateTwiceBeforeCommit() throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            try IncrementalKit.write("alpha\n", to: root + "/a.txt")
            try IncrementalKit.update(root: root, index: index, unit: .file, mode: .replace)
            try IncrementalKit.write("beta\n", to: root + "/b.txt")
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            let candidates = try IncrementalKit.candidates(root, unit: .file)
            _ = try writer.update(with: candidates, extractor: IncrementalKit.extractor(.file))
            let second = try writer.update(with: candidates, extractor: IncrementalKit.extractor(.file))
            #expect(second.addedFiles.isEmpty && second.addedDocuments == 0)
            try writer.commit()
            writer.close()
            #expect(try IncrementalKit.liveIDs(IndexReader(path: index)) == ["a.txt", "b.txt"])
            let next = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(!next.summary.hasChanges, Comment(rawValue: UpdateSummaryTests.summaryLine(next.summary)))
        }
    }
}

/// Files an update cannot read, or may no longer read.
@Suite struct UnreadableFileTests {
    @Test("a file that cannot be read during an update keeps its documents, and is read again once it can be")
    func unreadableKeepsDocuments() throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            try IncrementalKit.write("alpha river", to: root + "/a.txt")
            try IncrementalKit.write("beta ocean", to: root + "/b.txt")
            try IncrementalKit.write("gamma glacier", to: root + "/c.txt")
            try IncrementalKit.update(root: root, index: index, unit: .file, mode: .replace)
            try IncrementalKit.write("alpha changed", to: root + "/a.txt")
            try IncrementalKit.write("gamma glacier canyon", to: root + "/c.txt")
            FileFaults.install(under: root) { operation, path in operation == .read && path.hasSuffix("/a.txt") ? EACCES : nil }
            let run: (summary: IndexUpdateSummary, hadChanges: Bool, commit: CommitSummary)
            do {
                defer { FileFaults.remove(under: root) }
                run = try IncrementalKit.update(root: root, index: index, unit: .file)
            }
            #expect(run.summary.unreadableFiles == [SkippedInput(path: "a.txt", reason: .unreadable("Permission denied"))])
            #expect(run.summary.changedFiles.map(\.relativePath) == ["c.txt"])
            #expect(run.summary.removedFiles.isEmpty && run.summary.deletedDocuments == 0)
            #expect(run.summary.unchangedDocuments == 2 && run.summary.updatedDocuments == 1)
            let reader = try IndexReader(path: index)
            #expect(try Searcher(reader: reader).search("river", options: SearchOptions(limit: 5)).hits.map(\.id) == ["a.txt"],
                    "the unreadable file's document is kept as it was")
            // Readable again: its change is found and applied.
            let again = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(again.summary.changedFiles.map(\.relativePath) == ["a.txt"] && again.summary.unreadableFiles.isEmpty)
            #expect(try Searcher(reader: try IndexReader(path: index)).search("river", options: SearchOptions(limit: 5)).hits.isEmpty)
        }
    }

    @Test("JSON Lines ids given twice: the first document is kept, the repeat skipped with both named")
    func repeatedJSONLinesIDs() throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            try IncrementalKit.write("{\"id\":\"x\",\"text\":\"first\"}\n{\"id\":\"x\",\"text\":\"second\"}\n{\"id\":\"a.txt\",\"text\":\"third\"}\n",
                                     to: root + "/b.jsonl")
            try IncrementalKit.write("plain file", to: root + "/a.txt")
            let first = try IncrementalKit.update(root: root, index: index, unit: .file, mode: .replace)
            #expect(first.summary.ingest.skipped.map(\.reason) == [.duplicateID("x", keptFrom: "b.jsonl"), .duplicateID("a.txt", keptFrom: "a.txt")])
            #expect(try IncrementalKit.liveIDs(try IndexReader(path: index)) == ["a.txt", "x"])
            // A later file repeating an indexed id: the indexed document stays.
            try IncrementalKit.write("{\"id\":\"x\",\"text\":\"third\"}\n{\"id\":\"y\",\"text\":\"fourth\"}\n", to: root + "/c.jsonl")
            let second = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(second.summary.ingest.skipped.map(\.reason) == [.duplicateID("x", keptFrom: "b.jsonl")])
            let reader = try IndexReader(path: index)
            #expect(try IncrementalKit.liveIDs(reader) == ["a.txt", "x", "y"])
            #expect(try Searcher(reader: reader).search("first", options: SearchOptions(limit: 5)).hits.map(\.id) == ["x"])
            _ = try reader.check(deep: true)
            // The file giving the id changes: its own ids are free again, not repeats.
            try IncrementalKit.write("{\"id\":\"x\",\"text\":\"first edited\"}\n", to: root + "/b.jsonl")
            let third = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(third.summary.ingest.skipped.isEmpty, "\(third.summary.ingest.skipped)")
        }
    }
}
