import Sift
import Testing

/// Reopening, and the `SearchIndex` facade used as Swift 6 code uses it: shared between tasks,
/// written while searched, and a service that picks up commits made elsewhere.
@Suite struct ConcurrencyTests {
    @Test func reopenIfChangedIsNilUntilACommit() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        let writer = try makeArticleIndex(at: path)
        defer { writer.close() }
        let reader = try IndexReader(path: path)
        #expect(try reader.isCurrent())
        #expect(try reader.reopenIfChanged() == nil)

        try writer.add(id: "more", title: "More", text: "coffee again")
        try writer.commit()
        #expect(try reader.isCurrent() == false)
        let next = try #require(try reader.reopenIfChanged())
        #expect(next.generation == reader.generation + 1)
        #expect(next.documentCount == 4)
        // The old reader keeps answering from its snapshot.
        #expect(reader.documentCount == 3)
        #expect(try ids("coffee", in: reader).count == 2)
        #expect(try ids("coffee", in: next).count == 3)
    }

    @Test func theFacadeCreatesWritesAndReads() throws {
        let folder = try TemporaryFolder()
        let index = try SearchIndex(path: folder.path + "/index")
        #expect(index.reader.documentCount == 0)
        try index.write { writer in
            try writer.add(id: "a", title: "Kabul", text: "The Taliban entered Kabul.")
        }
        let titles = try index.read { searcher in try searcher.search("kabul").hits.map(\.title) }
        #expect(titles == ["Kabul"])
        // Snippets and explanations of a read's results, in the same read.
        let snippet = try index.read { searcher in
            let results = try searcher.search("taliban")
            return try searcher.snippet(for: results.hits[0], in: results)
        }
        #expect(snippet.highlights.map { String(snippet.text[$0]) } == ["Taliban"])

        // A write that throws commits nothing.
        #expect(throws: IndexError.duplicateID("a")) {
            try index.write { writer in
                try writer.add(id: "b", title: "B", text: "never committed")
                try writer.add(id: "a", title: "A", text: "a duplicate")
            }
        }
        #expect(index.reader.documentCount == 1)
        #expect(try index.read { try $0.search("committed").hits.isEmpty })
        index.releaseWriter()
    }

    @Test func tasksShareTheFacadeWhileItIsWritten() async throws {
        let folder = try TemporaryFolder()
        let index = try SearchIndex(path: folder.path + "/index")
        try index.write { writer in
            for number in 0..<20 { try writer.add(id: "seed-\(number)", title: "Seed", text: "coffee seed \(number)") }
        }
        let counts = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var seen: [Int] = []
                    for _ in 0..<25 {
                        let count = try index.read { searcher in
                            let results = try searcher.search("coffee", options: SearchOptions(limit: 1000))
                            // Every hit of one read is of the read's snapshot.
                            #expect(results.hits.allSatisfy { $0.snapshot == searcher.reader.snapshot })
                            return results.hits.count
                        }
                        seen.append(count)
                        await Task.yield()
                    }
                    return seen
                }
            }
            group.addTask {
                for number in 0..<10 {
                    try index.write { writer in try writer.add(id: "new-\(number)", title: "New", text: "coffee new \(number)") }
                    await Task.yield()
                }
                return []
            }
            var all: [[Int]] = []
            for try await seen in group { all.append(seen) }
            return all
        }
        // Each reader only ever saw whole commits, and never went back in time.
        for seen in counts where !seen.isEmpty {
            #expect(seen.allSatisfy { (20...30).contains($0) })
            #expect(seen == seen.sorted())
        }
        #expect(try index.read { try $0.search("coffee", options: SearchOptions(limit: 1000)).hits.count } == 30)
        index.releaseWriter()
    }

    @Test func aServicePicksUpCommitsOfAnotherWriter() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        try makeArticleIndex(at: path).close()
        let index = try SearchIndex(path: path)
        let start = index.snapshot

        let published = Task {
            var generations: [UInt64] = []
            for await snapshot in index.snapshots() {
                generations.append(snapshot.generation)
                if generations.count == 2 { break }
            }
            return generations
        }
        let refresher = Task { try await index.refreshPeriodically(every: .milliseconds(10)) }

        // Another writer (another process, say) commits.
        let other = try IndexWriter(path: path)
        try other.add(id: "elsewhere", title: "Elsewhere", text: "written by another writer")
        try other.commit()
        other.close()

        let generations = await published.value
        refresher.cancel()
        try await refresher.value
        #expect(generations == [start.generation, start.generation + 1])
        #expect(try index.read { try $0.search("another writer").hits.map(\.id) } == ["elsewhere"])
        #expect(try index.refresh() == false)
    }

    @Test func refreshReportsAnIndexThatCannotBeRead() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        try makeArticleIndex(at: path).close()
        let index = try SearchIndex(path: path)
        try folder.write("not a manifest", to: "index/manifest")
        #expect(throws: IndexError.self) { try index.refresh() }
        // Reads keep the snapshot they had.
        #expect(try index.read { try $0.search("coffee").hits.count } == 2)
    }

    @Test func aSecondWriterInTheProcessIsToldWhy() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        let writer = try makeArticleIndex(at: path)
        defer { writer.close() }
        let error = #expect(throws: IndexError.self) { try IndexWriter(path: path) }
        #expect(error == .locked(path, inThisProcess: true))
        #expect(error?.localizedDescription.contains("this process") == true)
    }
}
