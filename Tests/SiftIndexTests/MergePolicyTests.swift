import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport

/// The tiered merge policy on its own: levels, which segments merge, which are purged.
@Suite struct MergePolicyTests {
    typealias Segment = (documents: Int, live: Int)

    static func clean(_ sizes: [Int]) -> [Segment] { sizes.map { ($0, $0) } }

    @Test("a segment's level is floor(log_mergeFactor(live)), with 0 and 1 at level 0")
    func levels() {
        let four = MergePolicy(mergeFactor: 4)
        #expect([0, 1, 2, 3, 4, 15, 16, 63, 64, 255, 256, 1_000_000].map(four.level) == [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 9])
        let two = MergePolicy(mergeFactor: 2)
        #expect([1, 2, 3, 4, 7, 8, 1023, 1024].map(two.level) == [0, 1, 1, 2, 2, 3, 9, 10])
        let ten = MergePolicy(mergeFactor: 10)
        #expect([9, 10, 99, 100, 12_345].map(ten.level) == [0, 1, 1, 2, 4])
    }

    @Test("the defaults are mergeFactor 4 and maxDeletedShare 0.2, and a new writer uses them")
    func defaults() throws {
        #expect(MergePolicy() == MergePolicy(mergeFactor: 4, maxDeletedShare: 0.2))
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain)
            defer { writer.close() }
            #expect(writer.mergePolicy == MergePolicy())
        }
    }

    @Test("a full level is merged whole; a level one short is not")
    func fullLevelMerges() {
        let policy = MergePolicy(mergeFactor: 4)
        #expect(policy.merges(Self.clean([1, 2, 3])) == [])
        #expect(policy.merges(Self.clean([1, 2, 3, 1])) == [[0, 1, 2, 3]])
        // The level-0 segments are not adjacent: all of them, in order.
        #expect(policy.merges(Self.clean([1, 10, 2, 3, 20, 1])) == [[0, 2, 3, 5]])
        // More than mergeFactor at a level (an index written by another policy): all of them.
        #expect(policy.merges(Self.clean([3, 3, 3, 3, 3])) == [[0, 1, 2, 3, 4]])
        // Level 1 (4...15) full, level 0 one short.
        #expect(policy.merges(Self.clean([1, 4, 2, 15, 8, 3, 9])) == [[1, 3, 4, 6]])
        // Two full levels: the lower one first.
        #expect(policy.merges(Self.clean([5, 1, 6, 1, 7, 1, 8, 1])) == [[1, 3, 5, 7]])
        // Levels go by live documents: 100 documents with 97 deleted sit at level 0.
        #expect(policy.merges([(1, 1), (100, 3), (2, 2), (3, 3)]) == [[0, 1, 2, 3]])
        #expect(MergePolicy(mergeFactor: 2).merges(Self.clean([1, 1])) == [[0, 1]])
        #expect(MergePolicy(mergeFactor: 2).merges(Self.clean([1, 2, 4, 8])) == [])
    }

    @Test("a segment with more than maxDeletedShare deleted is purged alone; at the share or below it is kept")
    func purges() {
        let policy = MergePolicy()
        #expect(policy.merges([(10, 7)]) == [[0]], "30% deleted")
        #expect(policy.merges([(10, 8)]) == [], "exactly 20% deleted")
        #expect(policy.merges([(100, 79)]) == [[0]], "21% deleted")
        #expect(policy.merges([(100, 80)]) == [])
        #expect(policy.merges([(50, 50), (10, 5), (10, 6)]) == [[1]], "the first such segment")
        #expect(policy.merges([(0, 0)]) == [], "an empty segment is not purged (no division by zero)")
        // A full level is merged first; its merge drops the deletions anyway.
        #expect(policy.merges([(1, 1), (2, 2), (3, 3), (10, 3)]) == [[0, 1, 2, 3]])
        #expect(MergePolicy(mergeFactor: 4, maxDeletedShare: 0).merges([(1000, 999)]) == [[0]], "share 0: any deletion")
        #expect(MergePolicy(mergeFactor: 4, maxDeletedShare: 1).merges([(1000, 1)]) == [], "share 1: never")
    }

    @Test("mergeFactor 0 or 1 turns merging and purging off")
    func disabled() {
        for factor in [0, 1] {
            let policy = MergePolicy(mergeFactor: factor)
            #expect(policy.merges(Self.clean(Array(repeating: 1, count: 50))) == [])
            #expect(policy.merges([(10, 1), (10, 2)]) == [])
        }
    }

    /// Applies the policy's merges as a commit does: each group becomes one segment of their
    /// live documents, in the place of the first, until the policy asks for none.
    static func settle(_ segments: inout [Segment], _ policy: MergePolicy) -> Int {
        var rounds = 0
        while let group = policy.merges(segments).first {
            rounds += 1
            precondition(rounds < 1000, "the policy does not settle")
            precondition(group == group.sorted() && Set(group).count == group.count && group.allSatisfy { segments.indices.contains($0) })
            let live = group.reduce(0) { $0 + segments[$1].live }
            segments[group[0]] = (live, live)
            for index in group.dropFirst().reversed() { segments.remove(at: index) }
            segments.removeAll { $0.live == 0 }
        }
        return rounds
    }

    @Test("simulated commits with deletions: every level stays under mergeFactor and segments within the bound",
          arguments: [2, 3, 4, 10])
    func simulatedBound(mergeFactor: Int) {
        let policy = MergePolicy(mergeFactor: mergeFactor)
        var random = TestRandom(seed: UInt64(mergeFactor) &* 31)
        var segments: [Segment] = []
        var merges = 0
        for commit in 0..<600 {
            // Deletions spread over the committed segments.
            for _ in 0..<random.int(in: 0...3) where !segments.isEmpty {
                let index = random.below(segments.count)
                if segments[index].live > 0 { segments[index].live -= 1 }
            }
            segments.removeAll { $0.live == 0 }
            let added = random.below(10) == 0 ? random.int(in: 50...400) : random.int(in: 1...5)
            segments.append((added, added))
            merges += Self.settle(&segments, policy)
            let n = segments.reduce(0) { $0 + $1.live }
            var power = mergeFactor
            var log = 0
            while power <= n {
                log += 1
                power *= mergeFactor
            }
            #expect(segments.count <= (mergeFactor - 1) * (log + 1), "commit \(commit): \(segments.count) segments for \(n)")
            let levels = Dictionary(grouping: segments.map { policy.level($0.live) }, by: { $0 })
            #expect(levels.values.allSatisfy { $0.count < mergeFactor }, "commit \(commit): \(levels.mapValues(\.count))")
            #expect(segments.allSatisfy { Double($0.documents - $0.live) <= 0.2 * Double($0.documents) })
        }
        #expect(merges > 0)
    }
}
