import Foundation
import Testing

/// `sift optimize` merges an updated index (several segments, deleted documents kept) into one
/// segment without deletions that answers exactly as before, and later updates still find
/// their files in it. Writers exclude each other: while the lock is held, `sift optimize` and
/// `sift index` fail at once with 74 and change nothing.
@Suite struct OptimizeCommandTests {
    typealias Kit = IndexCLITestKit
    typealias Inc = IncrementalKit

    static let queries = ["river", "alpha OR omega", "\"river glacier\"", "t1* ocean", "+forest -desert",
                          "title:glacier", "t17w t23w t5w", "canyon^3 meadow", "kappa AND lambda", "\"glacier t5w\"~2"]

    /// A generated corpus indexed, then updated `runs` times with adds, edits and deletes, so
    /// that the index has several segments and deleted documents. Returns the corpus folder.
    static func updatedIndex(in folder: URL, index: String, runs: Int = 4,
                             sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        let corpus = folder.appendingPathComponent("corpus")
        let files = try Inc.generate(count: 150, in: corpus, seed: 41)
        let first = try Kit.sift(["index", corpus.path, "--index", index])
        #expect(first.status == 0, "\(first.stderr)", sourceLocation: sourceLocation)
        var random = IndexCLIRandom(seed: 42)
        var paths = files.keys.sorted()
        for run in 0..<runs {
            for _ in 0..<4 {
                try FileManager.default.removeItem(at: corpus.appendingPathComponent(paths.remove(at: random.below(paths.count))))
            }
            for _ in 0..<3 {
                let path = paths[random.below(paths.count)]
                let url = corpus.appendingPathComponent(path)
                try (try Data(contentsOf: url) + Data(" river glacier t5w".utf8)).write(to: url)
            }
            let added = try Inc.generate(count: 5, in: corpus, seed: 100 + UInt64(run)) { "run\(run)/n\($0).txt" }
            paths += added.keys
            let update = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(update.status == 0 && update.stdout.contains("Updated"), "\(update.stdout) \(update.stderr)", sourceLocation: sourceLocation)
        }
        return corpus
    }

    @Test("optimize leaves one segment without deletions that answers as before; updates go on from it")
    func optimize() throws {
        try Kit.withFolder { folder in
            let index = folder.appendingPathComponent("index").path
            let corpus = try Self.updatedIndex(in: folder, index: index)
            let queryFile = try Inc.writeQueries(Self.queries, in: folder)
            let before = try Inc.stats(index)
            try #require(Inc.int(before, "segments") >= 2, "several segments before optimize: \(before)")
            try #require(Inc.int(before, "deletedDocuments") > 0, "deleted documents kept before optimize: \(before)")
            let answers = try Inc.search(queryFile, count: Self.queries.count, index: index)
            #expect(answers.status == 0, "\(answers.stderr)")
            #expect(answers.hits.allSatisfy { !$0.isEmpty },
                    "every query has hits: \(zip(Self.queries, answers.hits).filter { $0.1.isEmpty }.map(\.0))")

            let optimize = try Kit.sift(["optimize", "--index", index])
            #expect(optimize.status == 0, "\(optimize.stderr)")
            let documents = Inc.int(before, "documents")
            #expect(optimize.stdout.hasPrefix("Optimized \(index): \(Inc.int(before, "segments")) segments with \(Inc.int(before, "deletedDocuments")) deleted documents -> 1 segment of \(documents) documents"),
                    "\(optimize.stdout)")
            let after = try Inc.stats(index)
            #expect(Inc.int(after, "segments") == 1)
            #expect(Inc.int(after, "deletedDocuments") == 0)
            #expect(Inc.int(after, "documents") == documents)
            #expect(Inc.int(after, "tokens") == Inc.int(before, "tokens"))
            #expect(Inc.int(after, "generation") == Inc.int(before, "generation") + 1)
            let names = try FileManager.default.contentsOfDirectory(atPath: index)
            #expect(names.filter { $0.hasPrefix("seg-") }.count == 4, "one segment's four files: \(names.sorted())")
            #expect(!names.contains { $0.hasPrefix("del-") || $0.hasPrefix("building-") || $0.hasSuffix(".tmp") }, "\(names.sorted())")
            try Inc.expectDeepCheck(index, "after optimize")

            let optimized = try Inc.search(queryFile, count: Self.queries.count, index: index)
            let differences = Inc.answerDifferences(expected: answers, actual: optimized, queries: Self.queries)
            #expect(differences.isEmpty, "optimize changed answers: \(differences.prefix(3))")
            let fresh = folder.appendingPathComponent("fresh").path
            #expect(try Kit.sift(["index", corpus.path, "--index", fresh]).status == 0)
            let rebuilt = try Inc.search(queryFile, count: Self.queries.count, index: fresh)
            #expect(Inc.answerDifferences(expected: rebuilt, actual: optimized, queries: Self.queries).isEmpty)

            // The merged index still knows its files: unchanged means up to date...
            let snapshot = try Inc.folderSnapshot(index)
            let same = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(same.stdout.contains("is up to date"), "\(same.stdout)")
            #expect(try Inc.folderSnapshot(index) == snapshot)
            // ... and changes after the merge delete and replace the right documents.
            var all = try FileManager.default.subpathsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".txt") }.sorted()
            for _ in 0..<6 { try FileManager.default.removeItem(at: corpus.appendingPathComponent(all.remove(at: all.count / 2))) }
            for path in all.prefix(3) {
                try Data("Rewritten\n\nomega omega canyon".utf8).write(to: corpus.appendingPathComponent(path))
            }
            let update = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(update.stdout.contains("0 files added, 3 changed, 6 removed"), "\(update.stdout)")
            SiftProcess.removeTemporaryDirectory(URL(fileURLWithPath: fresh))
            #expect(try Kit.sift(["index", corpus.path, "--index", fresh]).status == 0)
            let expected = try Inc.search(queryFile, count: Self.queries.count, index: fresh)
            let actual = try Inc.search(queryFile, count: Self.queries.count, index: index)
            let afterUpdate = Inc.answerDifferences(expected: expected, actual: actual, queries: Self.queries)
            #expect(afterUpdate.isEmpty, "update after optimize: \(afterUpdate.prefix(3))")
            #expect(Inc.int(try Inc.stats(index), "documents") == Inc.int(try Inc.stats(fresh), "documents"))
            try Inc.expectDeepCheck(index, "update after optimize")

            // Optimizing twice is harmless.
            #expect(try Kit.sift(["optimize", "--index", index]).status == 0)
            #expect(try Kit.sift(["optimize", "--index", index]).status == 0)
            let twice = try Inc.stats(index)
            #expect(Inc.int(twice, "segments") == 1 && Inc.int(twice, "deletedDocuments") == 0)
            #expect(Inc.answerDifferences(expected: expected, actual: try Inc.search(queryFile, count: Self.queries.count, index: index),
                                          queries: Self.queries).isEmpty)
            try Inc.expectDeepCheck(index, "optimized twice")
        }
    }

    @Test("optimize --reorder answers with the same scores, gives the same bytes for any --jobs, and updates after it match a fresh build")
    func reorder() throws {
        try Kit.withFolder { folder in
            let index = folder.appendingPathComponent("index").path
            let corpus = try Self.updatedIndex(in: folder, index: index, runs: 2)
            let queryFile = try Inc.writeQueries(Self.queries, in: folder)
            let answers = try Inc.search(queryFile, count: Self.queries.count, index: index)
            let copy = folder.appendingPathComponent("copy").path
            try FileManager.default.copyItem(atPath: index, toPath: copy)

            let reorder = try Kit.sift(["optimize", "--index", index, "--reorder", "--jobs", "1"])
            #expect(reorder.status == 0, "\(reorder.stderr)")
            #expect(reorder.stdout.hasPrefix("Optimized and reordered \(index): "), "\(reorder.stdout)")
            let twoJobs = try Kit.sift(["optimize", "--index", copy, "--reorder", "--jobs", "2", "--memory-budget", "64"])
            #expect(twoJobs.status == 0, "\(twoJobs.stderr)")
            #expect(try Kit.indexFiles(index) == Kit.indexFiles(copy), "the same index for 1 and 2 jobs")
            try Inc.expectDeepCheck(index, "after reorder")
            let reordered = try Inc.search(queryFile, count: Self.queries.count, index: index)
            #expect(Inc.answerDifferences(expected: answers, actual: reordered, queries: Self.queries).isEmpty)

            // Updates find each file's documents where the reorder put them.
            var all = try FileManager.default.subpathsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".txt") }.sorted()
            for _ in 0..<5 { try FileManager.default.removeItem(at: corpus.appendingPathComponent(all.remove(at: all.count / 3))) }
            for path in all.suffix(4) {
                try Data("Rewritten\n\nomega omega canyon river".utf8).write(to: corpus.appendingPathComponent(path))
            }
            let update = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(update.stdout.contains("0 files added, 4 changed, 5 removed"), "\(update.stdout) \(update.stderr)")
            let fresh = folder.appendingPathComponent("fresh").path
            #expect(try Kit.sift(["index", corpus.path, "--index", fresh]).status == 0)
            let expected = try Inc.search(queryFile, count: Self.queries.count, index: fresh)
            let actual = try Inc.search(queryFile, count: Self.queries.count, index: index)
            #expect(Inc.answerDifferences(expected: expected, actual: actual, queries: Self.queries).isEmpty)
            try Inc.expectDeepCheck(index, "update after reorder")
            let same = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(same.stdout.contains("is up to date"), "\(same.stdout)")
        }
    }

    @Test("optimize --reorder over the memory budget exits 64 and leaves the index; bad --jobs and --memory-budget exit 64")
    func reorderErrors() throws {
        try Kit.withFolder { folder in
            let index = folder.appendingPathComponent("index").path
            let corpus = folder.appendingPathComponent("corpus")
            var random = IndexCLIRandom(seed: 5)
            var files: [String: String] = [:]
            for number in 0..<400 {
                files["f\(number).txt"] = (0..<400).map { _ in "w\(random.below(20000))" }.joined(separator: " ")
            }
            try SiftProcess.write(files, in: corpus)
            #expect(try Kit.sift(["index", corpus.path, "--index", index]).status == 0)
            let before = try Kit.indexFiles(index)
            let tooSmall = try Kit.sift(["optimize", "--index", index, "--reorder", "--memory-budget", "16", "--jobs", "256"])
            #expect(tooSmall.status == 64, "\(tooSmall.stdout) \(tooSmall.stderr)")
            #expect(tooSmall.stderr.contains("more than the memory budget of 16 MiB; raise --memory-budget"), "\(tooSmall.stderr)")
            #expect(try Kit.indexFiles(index) == before)
            for arguments in [["--jobs", "0"], ["--memory-budget", "1"], ["--jobs", "x"]] {
                #expect(try Kit.sift(["optimize", "--index", index, "--reorder"] + arguments).status == 64, "\(arguments)")
            }
        }
    }

    @Test("optimize without an index exits 66 and creates nothing; extra arguments exit 64")
    func optimizeErrors() throws {
        try Kit.withFolder { folder in
            let missing = folder.appendingPathComponent("none").path
            let result = try Kit.sift(["optimize", "--index", missing])
            #expect(result.status == 66, "\(result.stderr)")
            #expect(result.stderr.contains(missing))
            #expect(!FileManager.default.fileExists(atPath: missing + "/manifest"))
            #expect(try Kit.sift(["optimize", "extra", "--index", missing]).status == 64)
        }
    }

    @Test("while another writer holds the lock, optimize and index exit 74 at once and change nothing")
    func lockHeld() throws {
        try Kit.withFolder { folder in
            let index = folder.appendingPathComponent("index").path
            let corpus = try Self.updatedIndex(in: folder, index: index, runs: 2)
            try SiftProcess.write(["pending/change.txt": "a pending zebra"], in: corpus)
            let before = try Kit.indexFiles(index)

            let lock = try IncrementalKit.HeldLock(index: index)
            for arguments in [["optimize", "--index", index], ["index", corpus.path, "--index", index],
                              ["index", corpus.path, "--index", index, "--full"]] {
                // A generous bound: the command must fail rather than wait for the lock.
                guard let blocked = try Inc.runBounded(arguments) else {
                    Issue.record("\(arguments[0]) waited for the lock instead of failing")
                    continue
                }
                #expect(blocked.status == 74, "\(arguments): \(blocked.stdout) \(blocked.stderr)")
                #expect(blocked.stderr.contains("lock") || blocked.stderr.contains("another process"), "\(blocked.stderr)")
                #expect(try Kit.indexFiles(index) == before, "\(arguments) changed the index")
            }
            // Readers and dry runs do not need the lock.
            let dry = try Kit.sift(["index", corpus.path, "--index", index, "--dry-run"])
            #expect(dry.status == 0 && dry.stdout.contains("add     pending/change.txt"), "\(dry.stdout) \(dry.stderr)")
            #expect(try Kit.searchIds(["river"], index: index).count > 0)
            #expect(try Kit.sift(["check", "--index", index]).status == 0)
            lock.release()

            let optimize = try Kit.sift(["optimize", "--index", index])
            #expect(optimize.status == 0, "\(optimize.stderr)")
            let update = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(update.status == 0 && update.stdout.contains("1 file added"), "\(update.stdout) \(update.stderr)")
            #expect(try Kit.searchIds(["zebra"], index: index) == ["pending/change.txt"])
        }
    }
}
