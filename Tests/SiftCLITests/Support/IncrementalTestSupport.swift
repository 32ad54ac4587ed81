import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers for the incremental-index, optimize, concurrent-reader and merge-crash CLI tests:
/// batched searches parsed from TREC output, a tie-aware comparison of rankings, stats, folder
/// snapshots, a generated corpus and an advisory lock held from the test process.
enum IncrementalKit {
    typealias Kit = IndexCLITestKit

    // MARK: - Searches

    /// One hit of a TREC run: the document id (without its extension) and its score.
    struct Hit: Equatable, CustomStringConvertible {
        var id: String
        var score: Double
        var description: String { "\(id):\(score)" }
    }

    /// What one `sift search --queries` process answered: hits per query, in query order.
    struct Answers {
        var status: Int32
        var stderr: String
        var hits: [[Hit]]
    }

    /// Writes `queries` as an `id<TAB>query` file (ids q0, q1, …) and returns its path.
    static func writeQueries(_ queries: [String], in folder: URL, name: String = "queries.tsv") throws -> String {
        let url = folder.appendingPathComponent(name)
        let text = queries.enumerated().map { "q\($0.offset)\t\($0.element)" }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Runs every query of `queryFile` (in the query language) on `index` in one process,
    /// all hits up to `k`, and parses the TREC output per query.
    static func search(_ queryFile: String, count: Int, index: String, k: Int = 1000) throws -> Answers {
        let result = try Kit.sift(["search", "--index", index, "--queries", queryFile, "--syntax", "query",
                                   "--format", "trec", "-k", "\(k)"])
        var hits = [[Hit]](repeating: [], count: count)
        var malformed: [String] = []
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 6, fields[0].hasPrefix("q"), let query = Int(fields[0].dropFirst()), query < count,
                  fields[1] == "Q0", let rank = Int(fields[3]), let score = Double(fields[4]), rank == hits[query].count + 1 else {
                malformed.append(String(line))
                continue
            }
            hits[query].append(Hit(id: String(fields[2]), score: score))
        }
        var stderr = result.stderr
        if !malformed.isEmpty { stderr += "\nmalformed TREC lines: \(malformed.prefix(3))" }
        return Answers(status: malformed.isEmpty ? result.status : -1, stderr: stderr, hits: hits)
    }

    /// True when `a` and `b` agree to `relative` (relative to the larger magnitude).
    static func close(_ a: Double, _ b: Double, relative: Double = 1e-6) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b)) + 1e-12
    }

    /// Nil when `actual` ranks the same documents as `expected` with the same scores (to 1e-6
    /// relative) in the same order, except that documents of equal score may come in any
    /// order (ties are broken by internal document id, which differs between an updated and
    /// a rebuilt index); otherwise a description of the first difference.
    static func rankingDifference(expected: [Hit], actual: [Hit]) -> String? {
        var expectedScores: [String: Double] = [:]
        for hit in expected {
            if expectedScores.updateValue(hit.score, forKey: hit.id) != nil { return "expected ranking lists \(hit.id) twice" }
        }
        var actualScores: [String: Double] = [:]
        for hit in actual {
            if actualScores.updateValue(hit.score, forKey: hit.id) != nil { return "ranking lists \(hit.id) twice" }
        }
        let missing = Set(expectedScores.keys).subtracting(actualScores.keys)
        let extra = Set(actualScores.keys).subtracting(expectedScores.keys)
        if !missing.isEmpty || !extra.isEmpty {
            return "\(actual.count) hits instead of \(expected.count): missing \(missing.sorted().prefix(5)), extra \(extra.sorted().prefix(5))"
        }
        for hit in actual where !close(hit.score, expectedScores[hit.id]!) {
            return "\(hit.id) scores \(hit.score) instead of \(expectedScores[hit.id]!)"
        }
        for rank in actual.indices.dropLast() {
            let (first, second) = (actual[rank], actual[rank + 1])
            let (a, b) = (expectedScores[first.id]!, expectedScores[second.id]!)
            if a < b && !close(a, b) {
                return "rank \(rank + 1) is \(first.id) (\(a)) before \(second.id) (\(b)): not in score order"
            }
            if first.score < second.score && !close(first.score, second.score) {
                return "rank \(rank + 1): scores rise from \(first.score) to \(second.score)"
            }
        }
        return nil
    }

    /// Differences between two answer sets of the same queries, one line per query that differs.
    static func answerDifferences(expected: Answers, actual: Answers, queries: [String]) -> [String] {
        var differences: [String] = []
        if expected.status != 0 { differences.append("the expected search failed (\(expected.status)): \(expected.stderr)") }
        if actual.status != 0 { differences.append("the search failed (\(actual.status)): \(actual.stderr)") }
        guard differences.isEmpty else { return differences }
        for (number, query) in queries.enumerated() {
            if let difference = rankingDifference(expected: expected.hits[number], actual: actual.hits[number]) {
                differences.append("'\(query)': \(difference)")
            }
        }
        return differences
    }

    // MARK: - Stats and files

    /// `sift stats --format json`, parsed.
    static func stats(_ index: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let result = try Kit.sift(["stats", "--index", index, "--format", "json"])
        #expect(result.status == 0, "stats failed: \(result.stderr)", sourceLocation: sourceLocation)
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// Integer field of a stats object (-1 when absent).
    static func int(_ stats: [String: Any], _ key: String) -> Int { stats[key] as? Int ?? -1 }

    /// Every entry of a folder (the lock file too): name → bytes.
    static func folderSnapshot(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(name))
        }
        return files
    }

    /// Names that differ between two snapshots (added, removed or changed), for messages.
    static func snapshotDifference(_ a: [String: Data], _ b: [String: Data]) -> [String] {
        Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
    }

    /// `sift check --deep`; records an issue naming `context` unless it passes.
    static func expectDeepCheck(_ index: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let check = try Kit.sift(["check", "--deep", "--index", index])
        #expect(check.status == 0, "\(context): sift check --deep failed (\(check.status)): \(check.stderr) \(check.stdout)",
                sourceLocation: sourceLocation)
    }

    /// Copies the folder `source` to `destination` (which must not exist).
    static func copyFolder(_ source: URL, to destination: URL) throws {
        try? FileManager.default.removeItem(at: destination)
        try FileManager.default.copyItem(at: source, to: destination)
    }

    // MARK: - Generated corpora

    /// A vocabulary for generated documents: common words, rarer words and a long tail.
    static let vocabulary: [String] = {
        var words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa", "lambda", "sigma", "omega",
                     "river", "mountain", "forest", "valley", "ocean", "desert", "island", "glacier", "canyon", "meadow"]
        for number in 0..<400 { words.append("t\(number)w") }
        return words
    }()

    /// A document of `length` words drawn with a skewed distribution (low indexes are common).
    static func generatedText(_ random: inout IndexCLIRandom, length: Int) -> String {
        var words: [String] = []
        words.reserveCapacity(length)
        for position in 0..<length {
            let a = random.below(vocabulary.count)
            let b = random.below(vocabulary.count)
            words.append(vocabulary[min(a, b)])
            if position % 17 == 16 { words[words.count - 1] += "\n" }
        }
        return words.joined(separator: " ")
    }

    /// `count` generated files `name(n)` → text under `folder`, with titles on their first line.
    @discardableResult
    static func generate(count: Int, in folder: URL, seed: UInt64, words: ClosedRange<Int> = 20...200,
                         name: (Int) -> String = { String(format: "d%d/file%04d.txt", $0 % 5, $0) }) throws -> [String: String] {
        var random = IndexCLIRandom(seed: seed)
        var files: [String: String] = [:]
        for number in 0..<count {
            let title = generatedText(&random, length: 2 + random.below(4)).replacingOccurrences(of: "\n", with: "")
            files[name(number)] = title + "\n\n" + generatedText(&random, length: words.lowerBound + random.below(words.count))
        }
        try SiftProcess.write(files, in: folder)
        return files
    }

    // MARK: - Processes

    /// Starts `sift arguments` with its output discarded.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = SiftProcess.executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Kills `process` with SIGKILL (if it still runs) and reaps it; true if the kill landed.
    static func kill(_ process: Process) -> Bool {
        let running = process.isRunning
        if running { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return running && process.terminationReason == .uncaughtSignal
    }

    /// Runs `sift arguments` and waits at most `limit` seconds (a generous bound, only there so
    /// that a command that blocks on a lock fails the test instead of hanging it); nil when it
    /// had to be killed.
    static func runBounded(_ arguments: [String], limit: TimeInterval = 120) throws -> SiftProcess.Result? {
        try SiftProcess.run(arguments, limit: limit)
    }

    /// The writer lock of `index`, held by this process with `flock` until `release()`.
    final class HeldLock {
        private var fd: Int32

        init(index: String) throws {
            fd = open(index + "/write.lock", O_RDWR | O_CREAT, 0o644)
            guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let code = errno
                _ = Glibc.close(fd)
                throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
            }
        }

        func release() {
            guard fd >= 0 else { return }
            _ = flock(fd, LOCK_UN)
            _ = Glibc.close(fd)
            fd = -1
        }

        deinit { release() }
    }
}
