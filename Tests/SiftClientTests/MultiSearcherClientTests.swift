import Sift
import Testing

/// Several indexes searched as one keep the same promises as one: arguments checked, results
/// bound to the readers that found them.
@Suite struct MultiSearcherClientTests {
    @Test func argumentsOutOfRangeThrow() throws {
        let folder = try TemporaryFolder()
        try makeArticleIndex(at: folder.path + "/a").close()
        let reader = try IndexReader(path: folder.path + "/a")
        #expect(throws: SearchError.invalidArgument(InvalidArgument(name: "readers", value: "none", requirement: "at least one index"))) {
            try MultiSearcher(readers: [])
        }
        #expect(throws: SearchError.invalidArgument(InvalidArgument(name: "names", value: 2, requirement: "one per reader (1)"))) {
            try MultiSearcher(readers: [reader], names: ["a", "b"])
        }
        #expect(throws: SearchError.invalidArgument(InvalidArgument(name: "jobs", value: 0, requirement: "at least 1"))) {
            try MultiSearcher(readers: [reader], jobs: 0)
        }
    }

    @Test func resultsOfOtherReadersAreRefused() throws {
        let folder = try TemporaryFolder()
        try makeArticleIndex(at: folder.path + "/a").close()
        let other = try IndexWriter(path: folder.path + "/b")
        try other.add(id: "b1", title: "B", text: "coffee in the second index")
        try other.commit()
        let a = try IndexReader(path: folder.path + "/a")
        let b = try IndexReader(path: folder.path + "/b")
        let both = try MultiSearcher(readers: [a, b])
        let results = try both.search("coffee")
        #expect(results.hits.count == 3)
        let hit = try #require(results.hits.first { $0.index == 1 })
        #expect(try both.snippet(for: hit, in: results).text.contains("second"))

        // After a commit to b, a multi-searcher of the new reader refuses the old results.
        try other.add(id: "b2", title: "B2", text: "more coffee")
        try other.commit()
        other.close()
        let newer = try MultiSearcher(readers: [a, try #require(try b.reopenIfChanged())])
        let error = #expect(throws: SearchError.self) { try newer.snippet(for: hit, in: results) }
        guard case .index(.snapshotMismatch) = error else {
            Issue.record("expected a snapshot mismatch, got \(String(describing: error))")
            return
        }
        // Results of a search over fewer indexes do not fit.
        let single = try MultiSearcher(readers: [a])
        #expect(throws: SearchError.self) { try single.explain(hit, in: results) }
    }
}
