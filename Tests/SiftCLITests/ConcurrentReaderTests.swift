import Foundation
import Testing

/// Searches that run while another process updates the index again and again — incremental
/// updates that add, replace and delete documents, the merges they trigger, and `sift optimize`
/// — always answer exactly as one of the committed states does, and never fail.
@Suite(.serialized) struct ConcurrentReaderTests {
    typealias Kit = IndexCLITestKit
    typealias Inc = IncrementalKit

    static let queries = ["river", "omega", "alpha OR glacier", "\"ocean island\"", "t3* meadow", "+forest -desert",
                          "title:canyon", "sigma kappa lambda", "marker"]

    /// What the readers saw, shared by the reader threads.
    final class Observations: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var counts = [0, 0]  // answers equal to state A's, to state B's
        private(set) var failures: [String] = []

        func record(state: Int?, failure: String) {
            lock.lock()
            defer { lock.unlock() }
            if let state { counts[state] += 1 } else { failures.append(failure) }
        }

        var total: Int {
            lock.lock()
            defer { lock.unlock() }
            return counts[0] + counts[1] + failures.count
        }
    }

    @Test("searches during dozens of updates, merges and optimizes answer as state A or state B, never fail")
    func searchesDuringUpdates() throws {
        try Kit.withFolder { folder in
            // State A: generated articles. State B: A with appends, same-size edits, deletes and adds.
            let stateA = folder.appendingPathComponent("A")
            let stateB = folder.appendingPathComponent("B")
            let files = try Inc.generate(count: 200, in: stateA, seed: 7)
            try Inc.copyFolder(stateA, to: stateB)
            var random = IndexCLIRandom(seed: 8)
            var paths = files.keys.sorted()
            for _ in 0..<10 {
                let path = paths.remove(at: random.below(paths.count))
                try (Data(files[path]!.utf8) + Data(" marker river omega".utf8)).write(to: stateB.appendingPathComponent(path))
            }
            var sameSize = 0
            for _ in 0..<10 where sameSize < 3 {
                let path = paths.remove(at: random.below(paths.count))
                let text = files[path]!
                guard let range = text.range(of: "alpha") ?? text.range(of: "delta") else { continue }
                try Data(text.replacingCharacters(in: range, with: "omega").utf8).write(to: stateB.appendingPathComponent(path))
                sameSize += 1
            }
            #expect(sameSize > 0)
            for _ in 0..<8 { try FileManager.default.removeItem(at: stateB.appendingPathComponent(paths.remove(at: random.below(paths.count)))) }
            try Inc.generate(count: 8, in: stateB, seed: 9) { "added/n\($0).txt" }

            // The exact answers of each state, from indexes built from scratch.
            let queryFile = try Inc.writeQueries(Self.queries, in: folder)
            var expected: [Inc.Answers] = []
            for state in [stateA, stateB] {
                let fresh = folder.appendingPathComponent("fresh-" + state.lastPathComponent).path
                #expect(try Kit.sift(["index", state.path, "--index", fresh]).status == 0)
                expected.append(try Inc.search(queryFile, count: Self.queries.count, index: fresh))
                #expect(expected.last!.status == 0, "\(expected.last!.stderr)")
            }
            let stateDifferences = Inc.answerDifferences(expected: expected[0], actual: expected[1], queries: Self.queries)
            #expect(stateDifferences.count >= 5, "the two states answer most queries differently: \(stateDifferences)")

            let index = folder.appendingPathComponent("index").path
            #expect(try Kit.sift(["index", stateA.path, "--index", index]).status == 0)
            let startGeneration = Inc.int(try Inc.stats(index), "generation")

            // The writer: B, A, B, A, … as incremental updates (the keys are the paths below
            // each folder, so A and B are two versions of one corpus), and an optimize now and then.
            let rounds = 25
            let writer = Process()
            writer.executableURL = URL(fileURLWithPath: "/bin/sh")
            writer.arguments = ["-c", """
                i=0
                while [ $i -lt \(rounds) ]; do
                  i=$((i+1))
                  "$0" index "$2" --index "$3" >/dev/null || exit 1
                  "$0" index "$1" --index "$3" >/dev/null || exit 2
                  if [ $((i % 6)) -eq 0 ]; then "$0" optimize --index "$3" >/dev/null || exit 3; fi
                done
                """, SiftProcess.executable.path, stateA.path, stateB.path, index]
            writer.standardOutput = FileHandle.nullDevice
            writer.standardError = FileHandle.nullDevice
            writer.standardInput = FileHandle.nullDevice
            try writer.run()

            let observations = Observations()
            let queries = Self.queries
            let expectedAnswers = expected
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                var searches = 0
                while writer.isRunning || searches < 3 {
                    searches += 1
                    let answers: Inc.Answers
                    do {
                        answers = try Inc.search(queryFile, count: queries.count, index: index)
                    } catch {
                        observations.record(state: nil, failure: "could not run sift search: \(error)")
                        continue
                    }
                    let versusA = Inc.answerDifferences(expected: expectedAnswers[0], actual: answers, queries: queries)
                    if versusA.isEmpty { observations.record(state: 0, failure: ""); continue }
                    let versusB = Inc.answerDifferences(expected: expectedAnswers[1], actual: answers, queries: queries)
                    if versusB.isEmpty { observations.record(state: 1, failure: ""); continue }
                    observations.record(state: nil, failure: "neither A nor B: vs A \(versusA.prefix(2)); vs B \(versusB.prefix(2))")
                }
            }
            writer.waitUntilExit()

            let generation = Inc.int(try Inc.stats(index), "generation")
            print("concurrent readers: \(observations.total) searches (\(observations.counts[0]) as A, \(observations.counts[1]) as B) during \(generation - startGeneration) commits")
            #expect(writer.terminationStatus == 0, "the writer loop failed (exit \(writer.terminationStatus))")
            #expect(generation - startGeneration >= 2 * rounds, "every update committed")
            #expect(observations.failures.isEmpty,
                    "\(observations.failures.count) of \(observations.total) searches failed: \(observations.failures.prefix(3))")
            // The loop ended on state A.
            let final = try Inc.search(queryFile, count: Self.queries.count, index: index)
            #expect(Inc.answerDifferences(expected: expected[0], actual: final, queries: Self.queries).isEmpty)
            try Inc.expectDeepCheck(index, "after the loop")
        }
    }
}
