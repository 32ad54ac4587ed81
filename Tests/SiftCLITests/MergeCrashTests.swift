import Foundation
import Testing

/// `sift optimize`, and an incremental `sift index` whose commit merges segments, killed with
/// SIGKILL at many points: the index always checks clean (`--deep`) and is either the old one
/// or the complete new one — told apart by its generation and segments — answering exactly as
/// that one does; the next `sift index` finishes the job and leaves no stray temporaries: the
/// folder then holds exactly the files of an uninterrupted run.
@Suite(.serialized) struct MergeCrashTests {
    typealias Kit = IndexCLITestKit
    typealias Inc = IncrementalKit

    static let queries = ["river", "omega glacier", "\"alpha beta\"~3", "t2* forest", "+canyon -meadow", "title:ocean", "marker"]

    /// An index state: its files (without the lock), stats and answers.
    struct State {
        var files: [String: Data]
        var generation: Int
        var segments: Int
        var documents: Int
        var answers: Inc.Answers
    }

    static func state(_ index: String, queryFile: String) throws -> State {
        let stats = try Inc.stats(index)
        return State(files: try Kit.indexFiles(index), generation: Inc.int(stats, "generation"), segments: Inc.int(stats, "segments"),
                     documents: Inc.int(stats, "documents"), answers: try Inc.search(queryFile, count: queries.count, index: index))
    }

    /// Changes `corpus`: deletes `deletes` files of the first build, appends to `edits`, adds `adds` in `folder`.
    static func change(_ corpus: URL, deletes: Int, edits: Int, adds: Int, folder: String, seed: UInt64) throws {
        var random = IndexCLIRandom(seed: seed)
        var originals = try FileManager.default.subpathsOfDirectory(atPath: corpus.path).filter { $0.hasPrefix("d") && $0.hasSuffix(".txt") }.sorted()
        for _ in 0..<deletes { try FileManager.default.removeItem(at: corpus.appendingPathComponent(originals.remove(at: random.below(originals.count)))) }
        for _ in 0..<edits {
            let url = corpus.appendingPathComponent(originals.remove(at: random.below(originals.count)))
            try (try Data(contentsOf: url) + Data(" marker river \(folder)".utf8)).write(to: url)
        }
        try Inc.generate(count: adds, in: corpus, seed: seed, words: 400...1200) { "\(folder)/n\($0).txt" }
    }

    /// A kill point: after a delay, or as soon as the run's new files (relative to `before`) or
    /// the folder's names satisfy a condition.
    enum KillPoint: CustomStringConvertible, Sendable {
        case after(Double)
        case when(String, @Sendable (_ created: Set<String>, _ now: Set<String>, _ before: Set<String>) -> Bool)

        var description: String {
            switch self {
            case .after(let seconds): "after \(seconds) s"
            case .when(let name, _): "when \(name)"
            }
        }
    }

    static let buildingAppears = KillPoint.when("a building- file appears", { created, _, _ in created.contains { $0.hasPrefix("building-") } })
    static let segmentAppears = KillPoint.when("the first new seg- file appears", { created, _, _ in
        created.contains { $0.hasPrefix("seg-") && !$0.hasSuffix(".tmp") }
    })
    static let twoSegments = KillPoint.when("eight new seg- files exist", { created, _, _ in
        created.filter { $0.hasPrefix("seg-") && !$0.hasSuffix(".tmp") }.count >= 8
    })
    static let manifestAppears = KillPoint.when("manifest.tmp appears", { created, _, _ in created.contains("manifest.tmp") })
    static let oldRemoved = KillPoint.when("an old segment file is removed", { _, now, before in
        before.contains { $0.hasPrefix("seg-") && !now.contains($0) }
    })
    /// Where optimize (one merge) and the merging update (a new segment, then merges) are killed.
    static let optimizeKillPoints = [KillPoint.after(0.05), buildingAppears, segmentAppears, manifestAppears, oldRemoved]
    static let updateKillPoints = [KillPoint.after(0.25), buildingAppears, segmentAppears, twoSegments, manifestAppears, oldRemoved]

    @Test("SIGKILL during optimize or a merging update leaves the old or the new index, and the next run cleans up")
    func killedMerges() throws {
        try Kit.withFolder { folder in
            let queryFile = try Inc.writeQueries(Self.queries, in: folder)
            // An index of several segments with deleted documents: a build and three updates.
            let corpusOld = folder.appendingPathComponent("old")
            try Inc.generate(count: 320, in: corpusOld, seed: 3, words: 400...1200)
            let pristine = folder.appendingPathComponent("pristine")
            #expect(try Kit.sift(["index", corpusOld.path, "--index", pristine.path]).status == 0)
            for run in 0..<3 {
                try Self.change(corpusOld, deletes: 15, edits: 2, adds: 6, folder: "run\(run)", seed: 10 + UInt64(run))
                let update = try Kit.sift(["index", corpusOld.path, "--index", pristine.path])
                #expect(update.status == 0, "\(update.stderr)")
            }
            let old = try Self.state(pristine.path, queryFile: queryFile)
            try #require(old.segments >= 3, "several segments to merge: \(old.segments)")
            try #require(Inc.int(try Inc.stats(pristine.path), "deletedDocuments") > 0)
            #expect(old.answers.status == 0 && old.answers.hits.allSatisfy { !$0.isEmpty }, "\(old.answers.stderr)")
            // The next version of the corpus: enough new files and deletions to merge a level and purge the big segment.
            let corpusNew = folder.appendingPathComponent("new")
            try Inc.copyFolder(corpusOld, to: corpusNew)
            try Self.change(corpusNew, deletes: 40, edits: 3, adds: 8, folder: "run3", seed: 13)

            // What uninterrupted runs make of the pristine index.
            let work = folder.appendingPathComponent("work")
            try Inc.copyFolder(pristine, to: work)
            #expect(try Kit.sift(["optimize", "--index", work.path]).status == 0)
            let optimized = try Self.state(work.path, queryFile: queryFile)
            #expect(optimized.segments == 1 && optimized.generation == old.generation + 1)
            #expect(Inc.answerDifferences(expected: old.answers, actual: optimized.answers, queries: Self.queries).isEmpty,
                    "optimize keeps the answers")
            try Inc.copyFolder(pristine, to: work)
            let merging = try Kit.sift(["index", corpusNew.path, "--index", work.path])
            #expect(merging.stdout.contains("merged:"), "the update merges segments: \(merging.stdout)")
            let updated = try Self.state(work.path, queryFile: queryFile)
            #expect(updated.generation == old.generation + 1)
            #expect(!Inc.answerDifferences(expected: old.answers, actual: updated.answers, queries: Self.queries).isEmpty,
                    "the update changes answers, so old and new can be told apart")

            let scenarios: [(name: String, arguments: [String], cleanup: [String], new: State, points: [KillPoint])] = [
                ("optimize", ["optimize", "--index", work.path], ["index", corpusOld.path, "--index", work.path], optimized,
                 Self.optimizeKillPoints),
                ("merging update", ["index", corpusNew.path, "--index", work.path], ["index", corpusNew.path, "--index", work.path], updated,
                 Self.updateKillPoints),
            ]
            var lockChecked = false
            for scenario in scenarios {
                var outcomes: [String] = []
                var intact = 0
                for point in scenario.points {
                    let context = "\(scenario.name) killed \(point)"
                    try Inc.copyFolder(pristine, to: work)
                    let before = Set(try FileManager.default.contentsOfDirectory(atPath: work.path))
                    let process = try Inc.start(scenario.arguments)
                    var created = Set<String>()
                    switch point {
                    case .after(let seconds):
                        Thread.sleep(forTimeInterval: seconds)
                    case .when(_, let reached):
                        let deadline = Date().addingTimeInterval(60)
                        while process.isRunning && Date() < deadline {
                            let now = Set((try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? [])
                            created.formUnion(now.subtracting(before))
                            if reached(created, now, before) { break }
                            usleep(200)
                        }
                        if !lockChecked, process.isRunning, created.contains(where: { $0.hasPrefix("building-") }) {
                            // The run holds the lock: a second writer fails at once.
                            let blocked = try Inc.runBounded(["index", corpusNew.path, "--index", work.path])
                            if process.isRunning {
                                lockChecked = true
                                #expect(blocked?.status == 74, "\(context): a second writer: \(blocked?.stdout ?? "waited") \(blocked?.stderr ?? "")")
                            }
                        }
                    }
                    let killed = Inc.kill(process)

                    try Inc.expectDeepCheck(work.path, context)
                    let now = try Self.state(work.path, queryFile: queryFile)
                    let isOld = now.generation == old.generation
                    let expected = isOld ? old : scenario.new
                    #expect(now.generation == old.generation || now.generation == scenario.new.generation, "\(context): generation \(now.generation)")
                    #expect(now.segments == expected.segments && now.documents == expected.documents,
                            "\(context): \(now.segments) segments, \(now.documents) documents; expected \(expected.segments), \(expected.documents)")
                    let differences = Inc.answerDifferences(expected: expected.answers, actual: now.answers, queries: Self.queries)
                    #expect(differences.isEmpty, "\(context): the \(isOld ? "old" : "new") index answers differently: \(differences.prefix(2))")
                    if isOld { intact += 1 }
                    let leftovers = Set(try FileManager.default.contentsOfDirectory(atPath: work.path)).subtracting(expected.files.keys).subtracting(["write.lock"])
                    outcomes.append("\(point): \(killed ? "killed" : "finished"), \(isOld ? "old" : "new") index, \(leftovers.count) leftovers")

                    // The next run completes the job and sweeps the leftovers: exactly an uninterrupted run's files.
                    let next = try Kit.sift(scenario.cleanup)
                    #expect(next.status == 0, "\(context): the next run failed: \(next.stderr)")
                    let files = try Kit.indexFiles(work.path)
                    let reference = scenario.name == "optimize" ? (isOld ? old.files : optimized.files) : updated.files
                    #expect(files == reference, "\(context): after the next run the folder differs from an uninterrupted run's in \(Inc.snapshotDifference(files, reference))")
                }
                print("merge crash, \(scenario.name): \(outcomes.joined(separator: "; ")); second writer refused while a merge ran: \(lockChecked)")
                #expect(intact >= 1, "\(scenario.name): at least one kill landed before the commit")
            }
        }
    }
}
