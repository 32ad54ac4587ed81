import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

/// Merges at commit: the policy keeps segments few, and a merged segment is a fresh build.
@Suite struct SegmentMergeTests {
    /// `floor(log_base(n))` by integer arithmetic.
    static func floorLog(_ n: Int, base: Int) -> Int {
        var power = base
        var log = 0
        while power <= n {
            log += 1
            power *= base
        }
        return log
    }

    @Test("after every commit each level holds fewer than mergeFactor segments, so segments stay O(log N)",
          arguments: [2, 3, 4])
    func segmentCountStaysLogarithmic(mergeFactor: Int) throws {
        try IndexTestFolder.with { folder in
            var random = TestRandom(seed: UInt64(mergeFactor) &* 7919)
            let policy = MergePolicy(mergeFactor: mergeFactor)
            var live: [String: String] = [:]
            var committed: Set<String> = []
            var serial = 0
            var writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            writer.mergePolicy = policy
            var merges = 0
            for commit in 1...40 {
                if commit % 8 == 0 {
                    // A new writer reads the committed segments back.
                    writer.close()
                    writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration, mode: .openOrCreate)
                    writer.mergePolicy = policy
                }
                for _ in 0..<random.int(in: 1...5) {
                    serial += 1
                    let text = "u\(serial) " + (0..<random.int(in: 0...6)).map { _ in random.pick(EditableFolder.vocabulary) }.joined(separator: " ")
                    try writer.add(id: "d\(serial)", title: "", text: Array(text.utf8))
                    live["d\(serial)"] = text
                }
                // Only committed documents can be deleted (those just added are not yet).
                if random.below(3) == 0, let victim = committed.sorted().randomElement(using: &random) {
                    #expect(try writer.deleteDocuments(withID: victim) == 1)
                    live[victim] = nil
                }
                let summary = try writer.commit()
                committed = Set(live.keys)
                merges += summary.mergedSegmentCount
                let reader = try IndexReader(path: folder.path)
                let n = reader.documentCount
                #expect(n == live.count)
                #expect(summary.documentCount == n && summary.segmentCount == reader.segmentCount)
                #expect(summary.deletedCount == reader.deletedCount && summary.generation == reader.generation)
                #expect(reader.generation == UInt64(commit))
                let bound = (mergeFactor - 1) * (Self.floorLog(n, base: mergeFactor) + 1)
                #expect(reader.segmentCount <= bound, "commit \(commit): \(reader.segmentCount) segments for \(n) documents, bound \(bound)")
                let levels = Dictionary(grouping: reader.segments) { policy.level($0.documentCount - $0.deletedCount) }
                for (level, members) in levels {
                    #expect(members.count < mergeFactor, "commit \(commit): level \(level) holds \(members.count) segments")
                }
                for segment in reader.segments {
                    #expect(Double(segment.deletedCount) <= policy.maxDeletedShare * Double(segment.documentCount),
                            "commit \(commit): \(segment.deletedCount) of \(segment.documentCount) deleted")
                    #expect(segment.deletedCount < segment.documentCount, "a segment without live documents is dropped")
                }
                _ = try reader.check(deep: false)
            }
            writer.close()
            #expect(merges > 0)
            let reader = try IndexReader(path: folder.path)
            _ = try reader.check(deep: true)
            #expect(try IncrementalKit.liveIDs(reader) == live.keys.sorted())
            // Each document is still found by its own word, with its own text.
            let searcher = Searcher(reader: reader)
            for (id, text) in live {
                let hits = try searcher.search(String(text.split(separator: " ")[0]), options: SearchOptions(limit: 5)).hits
                #expect(hits.map(\.id) == [id])
                #expect(try reader.document(at: hits[0].document).textBytes == Array(text.utf8))
            }
        }
    }

    @Test("mergeFactor 0 never merges: one segment per commit")
    func mergeFactorZeroNeverMerges() throws {
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration)
            defer { writer.close() }
            writer.mergePolicy = MergePolicy(mergeFactor: 0, maxDeletedShare: 1)
            for commit in 1...9 {
                try writer.add(id: "d\(commit)", title: "", text: Array("word\(commit) shared".utf8))
                let summary = try writer.commit()
                #expect(summary.segmentCount == commit && summary.mergedSegmentCount == 0)
            }
            #expect(try writer.deleteDocuments(withID: "d3") == 1)
            #expect(try writer.commit().segmentCount == 8, "a segment whose every document is deleted is dropped")
            let reader = try IndexReader(path: folder.path)
            #expect(reader.segmentCount == 8 && reader.documentCount == 8 && reader.deletedCount == 0)
        }
    }

    /// The files of the single segment of the index at `path`, by extension.
    static func segmentFiles(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try IndexTestKit.fileNames(path) where name.hasPrefix("seg-") {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
        }
        return files
    }

    @Test("forceMerge leaves one segment without deletions, byte for byte a fresh build of the live documents")
    func forceMergeEqualsRebuild() throws {
        let corpus = RandomCorpus.make(seed: 4242, documentCount: 90, vocabularySize: 60)
        try IndexTestFolder.with { folder in
            let index = folder.sub("index")
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration)
            defer { writer.close() }
            writer.mergePolicy = MergePolicy(mergeFactor: 0, maxDeletedShare: 1)
            for batch in 0..<3 {
                for document in corpus.documents[(batch * 30)..<(batch * 30 + 30)] {
                    try writer.add(id: document.id, title: document.title, text: document.text)
                }
                try writer.commit()
            }
            let deleted = Set(corpus.documents.indices.filter { $0 % 7 == 2 || (40..<50).contains($0) })
            for index in deleted.sorted() { #expect(try writer.deleteDocuments(withID: corpus.documents[index].id) == 1) }
            let before = try writer.commit()
            #expect(before.segmentCount == 3 && before.deletedCount == deleted.count)
            #expect(try IndexTestKit.fileNames(index).filter { $0.hasPrefix("del-") }.count == 3)

            writer.forceMerge()
            #expect(writer.hasChanges)
            let summary = try writer.commit()
            #expect(summary.segmentCount == 1 && summary.deletedCount == 0 && summary.mergedSegmentCount == 3)
            #expect(summary.documentCount == 90 - deleted.count)
            let reader = try IndexReader(path: index)
            #expect(reader.segmentCount == 1 && reader.deletedCount == 0 && reader.maxDocument == reader.documentCount)
            #expect(!(try IndexTestKit.fileNames(index).contains { $0.hasPrefix("del-") }), "no deletions file left")
            _ = try reader.check(deep: true)

            let live = corpus.documents.indices.filter { !deleted.contains($0) }.map { corpus.documents[$0] }
            try IndexTestKit.write(live, at: folder.sub("fresh"))
            let merged = try Self.segmentFiles(index)
            #expect(merged.count == 4)
            #expect(merged == (try Self.segmentFiles(folder.sub("fresh"))), "the merged segment is the rebuilt one, byte for byte")

            // A second forceMerge of a single clean segment rewrites nothing but the manifest.
            writer.forceMerge()
            let again = try writer.commit()
            #expect(again.segmentCount == 1 && again.mergedSegmentCount == 0)
            #expect(try Self.segmentFiles(index) == merged)
        }
    }

    @Test("a segment with more than maxDeletedShare deleted is purged at commit into the segment a rebuild writes",
          arguments: [(11, true), (10, false)])
    func purgePastDeletedShare(deletions: Int, purged: Bool) throws {
        let corpus = RandomCorpus.make(seed: 31, documentCount: 50, vocabularySize: 30)
        try IndexTestFolder.with { folder in
            let index = folder.sub("index")
            try IndexTestKit.write(corpus.documents, at: index)
            let original = try Self.segmentFiles(index)
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            defer { writer.close() }
            // 11 of 50 is 22% (> 20%): purged; 10 is exactly 20%: kept.
            let deleted = Set((0..<deletions).map { $0 * 4 + 1 })
            for index in deleted { #expect(try writer.deleteDocuments(withID: corpus.documents[index].id) == 1) }
            let summary = try writer.commit()
            let reader = try IndexReader(path: index)
            _ = try reader.check(deep: true)
            #expect(reader.documentCount == 50 - deletions && reader.segmentCount == 1)
            if purged {
                #expect(summary.mergedSegmentCount == 1 && reader.deletedCount == 0)
                let live = corpus.documents.indices.filter { !deleted.contains($0) }.map { corpus.documents[$0] }
                try IndexTestKit.write(live, at: folder.sub("fresh"))
                #expect(try Self.segmentFiles(index) == (try Self.segmentFiles(folder.sub("fresh"))))
            } else {
                #expect(summary.mergedSegmentCount == 0 && reader.deletedCount == deletions)
                #expect(try Self.segmentFiles(index) == original, "the segment is untouched; only a deletions file is added")
            }
        }
    }

    @Test("forceMerge of an index built from files keeps every file's documents tracked")
    func forceMergeKeepsSourceTable() throws {
        try IndexTestFolder.with { folder in
            var corpus = EditableFolder(root: folder.sub("docs"), seed: 77, jsonl: true)
            for _ in 0..<25 { try corpus.addFile() }
            let index = folder.sub("index")
            let policy = MergePolicy(mergeFactor: 0, maxDeletedShare: 1)
            try IncrementalKit.update(root: corpus.root, index: index, unit: .line, mode: .replace, policy: policy)
            for _ in 0..<3 {
                _ = try corpus.randomStep()
                try IncrementalKit.update(root: corpus.root, index: index, unit: .line, policy: policy)
            }
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            writer.forceMerge()
            let summary = try writer.commit()
            writer.close()
            #expect(summary.segmentCount == 1 && summary.deletedCount == 0)
            let reader = try IndexReader(path: index)
            _ = try reader.check(deep: true)
            try IncrementalIndexTests.expectSourceTable(reader, files: corpus.files, unit: .line, context: "after forceMerge")
            let plan = try reader.planUpdate(with: IncrementalKit.candidates(corpus.root, unit: .line), extractor: IncrementalKit.extractor(.line))
            #expect(!plan.hasChanges)
            try IncrementalKit.fullBuild(root: corpus.root, index: folder.sub("fresh"), unit: .line)
            try IncrementalKit.expectSameStatistics(reader, try IndexReader(path: folder.sub("fresh")), terms: EditableFolder.vocabulary,
                                                    context: "after forceMerge")
        }
    }
}
