import Foundation
import Synchronization
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
#if canImport(Glibc)
import Glibc
#endif

/// A commit that fails at any step — a write, a sync or a rename refused as by a full disk —
/// leaves the previous index exactly as it was and not one file of its own, and the next
/// writer succeeds. Every file operation of the commit is made to fail in turn (`FileFaults`).
@Suite struct CommitFailureTests {
    /// One way of changing the index, run with or without faults.
    enum Change: String, CaseIterable, CustomStringConvertible {
        /// Files added, changed and removed: a new segment, a deletions file, a source table,
        /// a manifest, and merges by a policy that merges every two segments.
        case update
        /// `sift optimize`: every segment merged into one.
        case forceMerge
        /// Documents beyond the memory budget: partial segments, merged at the commit.
        case partialSegments

        var description: String { rawValue }
    }

    static let queries = ["river", "ocean glacier", "canyon OR meadow", "\"delta body\"", "zeta"]

    /// The corpus before and after the change, and the pristine index of the first.
    static func prepare(_ folder: IndexTestFolder, _ change: Change) throws -> (root: String, index: String, pristine: String) {
        let root = folder.sub("docs")
        let pristine = folder.sub("pristine")
        for number in 0..<12 {
            try IncrementalKit.write("file \(number)\n\nriver ocean t\(number) glacier\ncanyon \(number % 3) meadow", to: root + "/d\(number % 3)/f\(number).txt")
        }
        try IncrementalKit.write("# Delta\n\ndelta body zeta", to: root + "/e.md")
        try IncrementalKit.update(root: root, index: pristine, unit: .line, mode: .replace)
        try IncrementalKit.write("other river words", to: root + "/d0/f0.txt")
        try IncrementalKit.update(root: root, index: pristine, unit: .line, policy: MergePolicy(mergeFactor: 100, maxDeletedShare: 1))
        // The change to make: one file edited, one removed, one new.
        try IncrementalKit.write("file 1 edited\n\nriver zeta", to: root + "/d1/f1.txt")
        try FileManager.default.removeItem(atPath: root + "/d2/f2.txt")
        try IncrementalKit.write("new ocean canyon", to: root + "/new.txt")
        return (root, folder.sub("index"), pristine)
    }

    /// Runs `change` on `index`; throws what the writer throws.
    static func apply(_ change: Change, root: String, index: String) throws {
        let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration,
                                     memoryBudget: change == .partialSegments ? 1 : 512 << 20, mode: .openOrCreate)
        defer { writer.close() }
        switch change {
        case .update:
            writer.mergePolicy = MergePolicy(mergeFactor: 2, maxDeletedShare: 0.05)
            _ = try writer.update(with: try IncrementalKit.candidates(root, unit: .line), extractor: IncrementalKit.extractor(.line))
        case .forceMerge:
            writer.forceMerge()
        case .partialSegments:
            // Documents of about 0.6 MiB of postings each, so the (smallest) budget is passed.
            let words = (0..<20_000).map { "w\($0)" }.joined(separator: " ")
            for number in 0..<3 { try writer.add(id: "big\(number)", title: "big", text: Array((words + " river").utf8)) }
            #expect(writer.partialSegmentCount >= 1, "the budget was passed")
        }
        try writer.commit()
    }

    /// What an index answers: each query's hits (ids and scores) and the document count.
    static func answers(_ index: String) throws -> [String] {
        let reader = try IndexReader(path: index, verifyChecksums: true)
        let searcher = Searcher(reader: reader)
        var lines = ["\(reader.documentCount) documents, \(reader.segmentCount) segments, \(reader.deletedCount) deleted"]
        for query in queries {
            let results = try searcher.search(query, options: SearchOptions(limit: 50))
            lines.append(query + ": " + results.hits.map { "\($0.id)=\($0.score)" }.sorted().joined(separator: " "))
        }
        return lines
    }

    /// Names in `index` that the manifest does not name (the lock aside): leftovers.
    static func strayFiles(_ index: String) throws -> [String] {
        let file = try MappedFile(path: index + "/" + IndexFormat.manifestName)
        let live = IndexWriter.fileNames(try Manifest.decode(file.bytes, file: file.path))
        return try FileManager.default.contentsOfDirectory(atPath: index).filter { !live.contains($0) && $0 != IndexFormat.lockName }.sorted()
    }

    /// Every operation the change performs on the index folder, in order.
    static func operations(_ change: Change, root: String, index: String) throws -> [(FileFaults.Operation, String)] {
        let seen = Mutex<[(FileFaults.Operation, String)]>([])
        FileFaults.install(under: index) { operation, path in
            seen.withLock { $0.append((operation, path)) }
            return nil
        }
        defer { FileFaults.remove(under: index) }
        try apply(change, root: root, index: index)
        return seen.withLock { $0 }
    }

    @Test("a commit failing at each of its file operations leaves the previous index, no file of its own, and the next writer succeeds",
          arguments: Change.allCases)
    func failureAtEveryStep(change: Change) throws {
        try IndexTestFolder.with { folder in
            let (root, index, pristine) = try Self.prepare(folder, change)
            let before = try Self.answers(pristine)
            // The change done without faults: what it must give, and every step it takes.
            try IncrementalKit.copyIndex(pristine, to: index)
            let steps = try Self.operations(change, root: root, index: index)
            let after = try Self.answers(index)
            #expect(after != before, "the change changes the answers")
            let kinds = Set(steps.map(\.0))
            #expect(kinds == Set(FileFaults.Operation.allCases).subtracting([.read]), "\(change) performs every kind of operation: \(kinds)")
            print("commit failures: \(change): \(steps.count) file operations")

            for (step, (operation, path)) in steps.enumerated() {
                let context = "\(change), step \(step) of \(steps.count): \(operation) \((path as NSString).lastPathComponent)"
                try IncrementalKit.copyIndex(pristine, to: index)
                let target = Atomic<Int>(0)
                FileFaults.install(under: index) { _, _ in
                    target.add(1, ordering: .relaxed).newValue == step + 1 ? ENOSPC : nil
                }
                var failure: Error? = nil
                do {
                    try Self.apply(change, root: root, index: index)
                } catch {
                    failure = error
                }
                FileFaults.remove(under: index)
                guard let failure else {
                    Issue.record("\(context): the change did not fail")
                    continue
                }
                guard case .io(let fileError)? = failure as? IndexError, fileError.code == ENOSPC else {
                    Issue.record("\(context): failed with \(failure), not the injected ENOSPC")
                    continue
                }
                // Only a failed sync of the folder after the manifest's rename leaves the new
                // index; any earlier failure leaves the old one, byte for byte in what it answers.
                let now = try Self.answers(index)
                let committed = operation == .syncFolder && steps[..<step].contains { $0.0 == .rename && $0.1.hasSuffix("/manifest") }
                #expect(now == (committed ? after : before), "\(context): the index answers differently")
                let stray = try Self.strayFiles(index)
                #expect(stray.isEmpty, "\(context): left \(stray)")
                _ = try IndexReader(path: index, verifyChecksums: true).check(deep: true)
                // The next writer succeeds and makes the change.
                if !committed {
                    try Self.apply(change, root: root, index: index)
                    #expect(try Self.answers(index) == after, "\(context): the next writer's change differs")
                    let strayAfter = try Self.strayFiles(index)
                    #expect(strayAfter.isEmpty, "\(context): the next writer left \(strayAfter)")
                }
            }
        }
    }

    @Test("a writer that takes the lock removes what a dead writer left: temporaries, partial and uncommitted segments")
    func leftoversRemovedAtLock() throws {
        try IndexTestFolder.with { folder in
            let (root, index, pristine) = try Self.prepare(folder, .update)
            try IncrementalKit.copyIndex(pristine, to: index)
            let before = try Self.answers(index)
            // What a killed writer leaves: its building and flush files, temporaries, and a
            // segment renamed into place that no manifest names.
            let leftovers = ["building-123-456.postings.tmp", "building-123-456.terms.tmp", "flush-0123456789abcdef.docs",
                             "manifest.tmp", "del-0123456789abcdef.deletes.tmp", "seg-fedcba9876543210.postings",
                             "src-00000000000000ff.sources"]
            for name in leftovers { try IncrementalKit.write("partial", to: index + "/" + name) }
            try IncrementalKit.write("not Sift's", to: index + "/notes.txt")
            #expect(try Self.strayFiles(index).count == leftovers.count + 1)
            // Even a writer that changes nothing clears them.
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
            #expect(try Self.strayFiles(index) == ["notes.txt"], "only the file of another naming is left")
            writer.close()
            #expect(try Self.answers(index) == before)
            _ = root
        }
    }

    @Test("a writer closed without committing removes the partial segments it wrote")
    func closeWithoutCommit() throws {
        try IndexTestFolder.with { folder in
            let (_, index, pristine) = try Self.prepare(folder, .partialSegments)
            try IncrementalKit.copyIndex(pristine, to: index)
            let before = try Self.answers(index)
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, memoryBudget: 1, mode: .openOrCreate)
            let words = (0..<40_000).map { "w\($0)" }.joined(separator: " ")
            for number in 0..<3 { try writer.add(id: "big\(number)", title: "", text: Array(words.utf8) + Array(" \(number)".utf8)) }
            #expect(writer.partialSegmentCount >= 1)
            #expect(try !Self.strayFiles(index).isEmpty, "partial segments are on disk")
            writer.close()
            #expect(try Self.strayFiles(index).isEmpty)
            #expect(try Self.answers(index) == before)
        }
    }
}
