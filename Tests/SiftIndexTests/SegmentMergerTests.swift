import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport

/// `SegmentMerger` on its own: segments written by the writer, merged into a folder of their
/// own, compared byte for byte with a fresh build of the same live documents.
@Suite struct SegmentMergerTests {
    /// `count` documents whose words repeat enough that some terms span several blocks of 128.
    static func documents(_ prefix: String, count: Int, seed: UInt64) -> [IndexTestDocument] {
        var random = TestRandom(seed: seed)
        // "common" in most documents (lists of several blocks), the others ever rarer.
        let words = ["common", "common", "common", "often", "often", "sometimes", "rare", "unique\(prefix)"]
        return (0..<count).map { number in
            let text = (0..<random.int(in: 0...12)).map { _ in words[random.below(words.count)] }
            return IndexTestDocument(id: "\(prefix)\(number)", title: number % 3 == 0 ? "title \(prefix)" : "",
                                     text: text.joined(separator: " "))
        }
    }

    /// The four files of the single segment written at `path`, by extension.
    static func segmentBytes(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try IndexTestKit.fileNames(path) where name.hasPrefix("seg-") {
            files[String(name.split(separator: ".").last!)] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
        }
        return files
    }

    /// Merges the single segments of the indexes at `paths` (with `deleted` documents per
    /// index) into `target`, and returns the written segment and the document maps.
    static func merge(_ paths: [String], deleted: [[Int]], into target: String) throws
        -> (segment: WrittenSegment, maps: [[UInt32]])
    {
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let readers = try paths.map { try IndexReader(path: $0) }
        var deletions: [SegmentDeletions?] = []
        for (reader, documents) in zip(readers, deleted) {
            guard !documents.isEmpty else {
                deletions.append(nil)
                continue
            }
            var set = SegmentDeletions(documentCount: reader.segments[0].documentCount)
            for document in documents { _ = set.insert(document) }
            deletions.append(set)
        }
        let result = try SegmentMerger.merge(readers.map { $0.segments[0] }, deletions: deletions, directory: target)
        return (result.segment, result.documentMaps)
    }

    @Test("two segments merge into the segment one build of both writes, byte for byte")
    func mergeEqualsOneBuild() throws {
        let first = Self.documents("a", count: 300, seed: 1)
        let second = Self.documents("b", count: 250, seed: 2)
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(first, at: folder.sub("one"))
            try IndexTestKit.write(second, at: folder.sub("two"))
            try IndexTestKit.write(first + second, at: folder.sub("both"))
            let (segment, maps) = try Self.merge([folder.sub("one"), folder.sub("two")], deleted: [[], []], into: folder.sub("merged"))
            #expect(segment.entry.documentCount == 550)
            #expect(maps[0] == (0..<300).map(UInt32.init))
            #expect(maps[1] == (300..<550).map(UInt32.init))
            #expect(try Self.segmentBytes(folder.sub("merged")) == (try Self.segmentBytes(folder.sub("both"))))
        }
    }

    @Test("deleted documents are dropped, the rest renumbered, and terms only they held disappear")
    func mergeDropsDeleted() throws {
        let first = Self.documents("a", count: 200, seed: 3)
        let second = [IndexTestDocument(id: "x0", text: "common onlyhere"), IndexTestDocument(id: "x1", text: "often")]
            + Self.documents("b", count: 140, seed: 4)
        let deletedFirst = [0, 5, 127, 128, 199]
        let deletedSecond = [0]  // the only document holding "onlyhere"
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(first, at: folder.sub("one"))
            try IndexTestKit.write(second, at: folder.sub("two"))
            let live = first.enumerated().filter { !deletedFirst.contains($0.offset) }.map(\.element)
                + second.enumerated().filter { !deletedSecond.contains($0.offset) }.map(\.element)
            try IndexTestKit.write(live, at: folder.sub("live"))
            let (segment, maps) = try Self.merge([folder.sub("one"), folder.sub("two")], deleted: [deletedFirst, deletedSecond],
                                                 into: folder.sub("merged"))
            #expect(Int(segment.entry.documentCount) == live.count)
            #expect(maps[0][0] == SegmentMerger.dropped && maps[0][1] == 0 && maps[0][6] == 4)
            #expect(maps[1][0] == SegmentMerger.dropped && maps[1][1] == UInt32(first.count - deletedFirst.count))
            #expect(try Self.segmentBytes(folder.sub("merged")) == (try Self.segmentBytes(folder.sub("live"))))
            // A reader of the merged folder needs a manifest: check the term is gone through the
            // live build, which the merged segment equals byte for byte.
            #expect(try IndexReader(path: folder.sub("live")).documentFrequency(of: "onlyhere") == 0)
        }
    }

    @Test("a segment merged alone without deletions is itself")
    func mergeOfOneIsIdentity() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Self.documents("a", count: 150, seed: 5), at: folder.sub("one"))
            _ = try Self.merge([folder.sub("one")], deleted: [[]], into: folder.sub("merged"))
            #expect(try Self.segmentBytes(folder.sub("merged")) == (try Self.segmentBytes(folder.sub("one"))))
        }
    }

    @Test("merging segments whose documents are all deleted gives an empty segment")
    func mergeOfNothing() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Self.documents("a", count: 3, seed: 6), at: folder.sub("one"))
            let (segment, maps) = try Self.merge([folder.sub("one")], deleted: [[0, 1, 2]], into: folder.sub("merged"))
            #expect(segment.entry.documentCount == 0)
            #expect(segment.termCount == 0)
            #expect(maps == [[SegmentMerger.dropped, SegmentMerger.dropped, SegmentMerger.dropped]])
        }
    }
}
