import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `sift index` killed with SIGKILL at many instants leaves the previous index exactly as it
/// was (or, if it got to commit, the complete new one): never a broken index.
@Suite(.serialized) struct CrashSafetyTests {
    typealias Kit = IndexCLITestKit

    static let queries = [["alpha"], ["beta", "gamma"], ["delta", "epsilon", "zeta"], ["omega"]]

    /// Writes `count` files of about `size` bytes each, cut from one pool of random words.
    static func generate(count: Int, size: Int, in folder: URL, seed: UInt64) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var random = IndexCLIRandom(seed: seed)
        var words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "omega", "the", "of"].map { Array($0.utf8) }
        for number in 0..<3000 { words.append(Array("w\(number)x".utf8)) }
        var pool: [UInt8] = []
        pool.reserveCapacity(400_000)
        while pool.count < 400_000 {
            pool += words[random.below(words.count)]
            pool.append(random.below(12) == 0 ? 0x0A : 0x20)
        }
        for number in 0..<count {
            let start = random.below(pool.count - size)
            let name = String(format: "part%02d/file%05d.txt", number % 16, number)
            let url = folder.appendingPathComponent(name)
            if number < 16 {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            }
            try Data(pool[start..<(start + size)]).write(to: url)
        }
    }

    /// What the remembered index answers: TREC runs (no timings) and the document count.
    static func answers(_ index: String) throws -> [String] {
        var outputs: [String] = []
        for query in queries {
            let result = try Kit.sift(["search", "--index", index, "--format", "trec", "-k", "50"] + query)
            outputs.append("\(result.status)|\(result.stdout)|\(result.stderr)")
        }
        let stats = try Kit.sift(["stats", "--index", index, "--format", "json"])
        outputs.append("\(stats.status)")
        return outputs
    }

    /// After an interrupted run: the index checks clean and answers as before, unless the run
    /// got as far as its commit, when it must be the complete new index (then the old one is
    /// put back for the next run). Returns true when the old index was intact.
    static func expectOldOrNew(_ index: String, small: String, remembered: [String], newDocuments: Int,
                               context: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let check = try Kit.sift(["check", "--index", index])
        #expect(check.status == 0, "\(context): sift check failed: \(check.stderr)", sourceLocation: sourceLocation)
        let documents = try Kit.documentCount(index, sourceLocation: sourceLocation)
        if documents == newDocuments {
            // The commit was done before the kill: the new index is whole. Restore the old one.
            let restore = try Kit.sift(["index", small, "--index", index])
            #expect(restore.status == 0, "\(context): restoring failed: \(restore.stderr)", sourceLocation: sourceLocation)
            #expect(try answers(index) == remembered, "\(context): restored index differs", sourceLocation: sourceLocation)
            return false
        }
        let now = try answers(index)
        #expect(now == remembered, "\(context): the old index answers differently", sourceLocation: sourceLocation)
        return true
    }

    @Test("SIGKILL during indexing or its commit leaves the previous index intact")
    func killedIndexing() throws {
        try Kit.withFolder { folder in
            let small = folder.appendingPathComponent("small")
            try SiftProcess.write([
                "a.txt": "alpha beta gamma", "b.txt": "beta beta delta", "c.md": "# Omega\n\nomega alpha zeta",
                "d.txt": "epsilon zeta alpha alpha", "e.txt": "gamma delta epsilon omega",
            ], in: small)
            let index = folder.appendingPathComponent("index").path
            let first = try Kit.sift(["index", small.path, "--index", index])
            #expect(first.status == 0, "\(first.stderr)")
            let remembered = try Self.answers(index)
            #expect(remembered[0].hasPrefix("0|1 Q0 "), "the remembered searches have hits: \(remembered[0])")
            let originalFiles = try Kit.indexFiles(index)

            // ~30 MB over 3,000 files: several seconds of indexing in a debug build.
            let big = folder.appendingPathComponent("big")
            try Self.generate(count: 3000, size: 10_000, in: big, seed: 1)
            var intact = 0
            for delay in [0.05, 0.2, 0.4, 0.7, 1.0] {
                let process = try IncrementalKit.start(["index", big.path, "--index", index])
                Thread.sleep(forTimeInterval: delay)
                let killed = IncrementalKit.kill(process)
                if !killed { print("note: sift index finished within \(delay) s, before the kill") }
                if try Self.expectOldOrNew(index, small: small.path, remembered: remembered, newDocuments: 3000,
                                      context: "killed after \(delay) s") {
                    intact += 1
                }
            }

            // ~2 MB: the commit comes soon. Kill as soon as the commit reaches a given point,
            // judged by the files this run has created so far.
            let medium = folder.appendingPathComponent("medium")
            try Self.generate(count: 200, size: 10_000, in: medium, seed: 2)
            let triggers: [(String, (Set<String>) -> Bool)] = [
                ("a segment file is being built", { $0.contains { $0.hasPrefix("building-") } }),
                ("the first seg- file appears", { $0.contains { $0.hasPrefix("seg-") } }),
                ("two seg- files exist", { $0.filter { $0.hasPrefix("seg-") }.count >= 2 }),
                ("four seg- files exist", { $0.filter { $0.hasPrefix("seg-") && !$0.hasSuffix(".tmp") }.count >= 4 }),
                ("manifest.tmp appears", { $0.contains("manifest.tmp") }),
            ]
            for (point, reached) in triggers {
                let before = Set((try? FileManager.default.contentsOfDirectory(atPath: index)) ?? [])
                let process = try IncrementalKit.start(["index", medium.path, "--index", index])
                var created = Set<String>()
                let deadline = Date().addingTimeInterval(30)
                while process.isRunning && !reached(created) && Date() < deadline {
                    for name in (try? FileManager.default.contentsOfDirectory(atPath: index)) ?? [] where !before.contains(name) {
                        created.insert(name)
                    }
                    if !reached(created) { usleep(200) }
                }
                let killed = IncrementalKit.kill(process)
                let old = try Self.expectOldOrNew(index, small: small.path, remembered: remembered, newDocuments: 200,
                                                  context: "killed when \(point) (\(created.sorted()))")
                print("crash safety: \(killed ? "killed" : "finished") when \(point): saw \(created.count) new files; index \(old ? "old" : "new")")
            }

            // The lock died with the killed processes; the next run sweeps temporaries and orphans.
            let final = try Kit.sift(["index", small.path, "--index", index])
            #expect(final.status == 0, "\(final.stderr)")
            // Same input, same files, nothing left over; only the manifest's generation counts on.
            let finalFiles = try Kit.indexFiles(index)
            #expect(finalFiles.keys.sorted() == originalFiles.keys.sorted(), "same files, nothing left over")
            for (name, bytes) in originalFiles where name != "manifest" { #expect(finalFiles[name] == bytes, "\(name) differs") }
            #expect(try Self.answers(index) == remembered)
            #expect(intact >= 1, "at least one kill landed before the commit")
        }
    }

    @Test("searches while the index is replaced again and again always answer from a whole index")
    func searchDuringCommits() throws {
        try Kit.withFolder { folder in
            let first = folder.appendingPathComponent("first")
            let second = folder.appendingPathComponent("second")
            try SiftProcess.write(["a.txt": "alpha beta", "b.txt": "alpha gamma", "c.txt": "delta"], in: first)
            try SiftProcess.write(["x.txt": "alpha alpha omega", "y.md": "# Y\n\nalpha zeta", "z.txt": "omega"], in: second)
            let index = folder.appendingPathComponent("index").path
            var answers: [String: String] = [:]  // corpus → its TREC answer for "alpha"
            for corpus in [second, first] {
                #expect(try Kit.sift(["index", corpus.path, "--index", index, "--allow-deletes"]).status == 0)
                answers[corpus.lastPathComponent] = try Kit.sift(["search", "--index", index, "--format", "trec", "alpha"]).stdout
            }
            #expect(answers["first"] != answers["second"])

            // A shell loop re-indexes the two corpora in turn while this test searches.
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/bin/sh")
            let sift = SiftProcess.executable.path
            writer.arguments = ["-c", "i=0; while [ $i -lt 60 ]; do i=$((i+1));  \"$0\" index \"$1\" --index \"$3\" --allow-deletes >/dev/null || exit 1; \"$0\" index \"$2\" --index \"$3\" --allow-deletes >/dev/null || exit 1; done",
                                sift, second.path, first.path, index]
            writer.standardOutput = FileHandle.nullDevice
            writer.standardError = FileHandle.nullDevice
            try writer.run()
            var searches = 0
            var failures: [String] = []
            while writer.isRunning || searches < 5 {
                let result = try Kit.sift(["search", "--index", index, "--format", "trec", "alpha"])
                searches += 1
                if result.status != 0 || !answers.values.contains(result.stdout) {
                    failures.append("status \(result.status): \(result.stdout) \(result.stderr)")
                }
            }
            writer.waitUntilExit()
            print("crash safety: \(searches) searches during 120 commits")
            #expect(writer.terminationStatus == 0, "the re-indexing loop failed")
            #expect(failures.isEmpty, "\(failures.count) of \(searches) searches failed: \(failures.prefix(3))")
            #expect(try Kit.sift(["check", "--index", index]).status == 0)
        }
    }
}
