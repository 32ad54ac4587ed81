import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

/// Recursive graph bisection (`GraphBisection`) and `forceMerge(reorderingDocuments:)`: a
/// permutation that brings documents sharing terms together, the same for any thread count,
/// and an index that answers with the same scores, in the same bytes every time.
@Suite struct DocumentReorderTests {
    /// A forward index of `count` documents alternating between `topics` disjoint vocabularies
    /// of `vocabulary` terms, each document holding `perDocument` of its topic's terms.
    static func interleaved(count: Int, topics: Int = 2, vocabulary: Int = 30, perDocument: Int = 8,
                            seed: UInt64) -> GraphBisection.ForwardIndex {
        var random = TestRandom(seed: seed)
        var starts = [0]
        var terms: [UInt32] = []
        for document in 0..<count {
            let topic = document % topics
            var chosen = Set<UInt32>()
            while chosen.count < perDocument { chosen.insert(UInt32(topic * vocabulary + random.below(vocabulary))) }
            terms += chosen.sorted()
            starts.append(terms.count)
        }
        return GraphBisection.ForwardIndex(starts: starts, terms: terms, termCount: topics * vocabulary)
    }

    /// Σ over terms of log2(gap) over the term's documents in `order` (`order[new] = old`): the
    /// cost the bisection lowers.
    static func logGapCost(_ index: GraphBisection.ForwardIndex, order: [UInt32]) -> Double {
        var newNumber = [Int](repeating: 0, count: order.count)
        for (new, old) in order.enumerated() { newNumber[Int(old)] = new }
        var postings = [[Int]](repeating: [], count: index.termCount)
        for document in 0..<index.documentCount {
            for entry in index.starts[document]..<index.starts[document + 1] {
                postings[Int(index.terms[entry])].append(newNumber[document])
            }
        }
        var cost = 0.0
        for var list in postings {
            list.sort()
            var previous = -1
            for document in list {
                cost += log2(Double(document - previous))
                previous = document
            }
        }
        return cost
    }

    @Test("the order is a permutation, the same for 1, 2 and 3 threads, and separates interleaved topics", arguments: [UInt64(1), 2, 3])
    func separatesTopics(seed: UInt64) {
        let index = Self.interleaved(count: 512, seed: seed)
        let order = GraphBisection.order(index)
        #expect(order.sorted() == (0..<512).map { UInt32($0) })
        #expect(GraphBisection.order(index, jobs: 2) == order)
        #expect(GraphBisection.order(index, jobs: 3) == order)
        // The first split puts each topic in a half of its own.
        let firstHalfTopics = Set(order[0..<256].map { $0 % 2 })
        let secondHalfTopics = Set(order[256...].map { $0 % 2 })
        #expect(firstHalfTopics.count == 1 && secondHalfTopics.count == 1 && firstHalfTopics != secondHalfTopics)
        let identity = (0..<512).map { UInt32($0) }
        #expect(Self.logGapCost(index, order: order) < Self.logGapCost(index, order: identity))
    }

    @Test("property: on random forward indexes the order is a permutation, thread-independent, and never raises the log-gap cost much")
    func randomIndexes() {
        var random = TestRandom(seed: 77)
        for round in 0..<20 {
            let count = random.int(in: 0...300)
            let termCount = random.int(in: 1...60)
            var starts = [0]
            var terms: [UInt32] = []
            for _ in 0..<count {
                var chosen = Set<UInt32>()
                for _ in 0..<random.int(in: 0...12) { chosen.insert(UInt32(random.below(termCount))) }
                terms += chosen.sorted()
                starts.append(terms.count)
            }
            let index = GraphBisection.ForwardIndex(starts: starts, terms: terms, termCount: termCount)
            var parameters = GraphBisection.Parameters()
            parameters.leafSize = random.int(in: 1...20)
            parameters.iterations = random.int(in: 1...20)
            let order = GraphBisection.order(index, parameters: parameters)
            #expect(order.sorted() == (0..<count).map { UInt32($0) }, "round \(round)")
            #expect(GraphBisection.order(index, parameters: parameters, jobs: 2) == order, "round \(round)")
        }
    }

    @Test("log2 from basic arithmetic agrees with the C library's, exactly at powers of two")
    func logarithms() {
        for exponent in 0..<63 { #expect(LogarithmTable.log2(UInt64(1) << exponent) == Double(exponent)) }
        var random = TestRandom(seed: 3)
        for _ in 0..<2000 {
            let n = random.next() >> UInt64(random.below(64))
            guard n > 0 else { continue }
            let expected = Foundation.log2(Double(n))
            #expect(abs(LogarithmTable.log2(n) - expected) <= 4e-15 * max(1, expected), "log2(\(n))")
        }
        let table = LogarithmTable(upTo: 10)
        #expect(table[0] == 0 && table[1] == 0 && table[8] == 3)
    }

    /// Documents of two topics, alternating, each a few words of its topic's vocabulary.
    static func topicDocuments(count: Int, seed: UInt64) -> [IndexTestDocument] {
        var random = TestRandom(seed: seed)
        let topics = [(0..<40).map { "alpha\($0)" }, (0..<40).map { "omega\($0)" }]
        return (0..<count).map { number in
            let words = (0..<random.int(in: 5...30)).map { _ in random.pick(topics[number % 2]) }
            return IndexTestDocument(id: "d\(number)", title: number % 7 == 0 ? "note \(random.pick(topics[number % 2]))" : "",
                                     text: words.joined(separator: " "))
        }
    }

    static func reorder(_ path: String, jobs: Int = 1, budget: Int = 64 << 20) throws -> CommitSummary {
        let writer = try IndexWriter(path: path, configuration: IndexTestKit.plain, jobs: jobs, memoryBudget: budget, mode: .update)
        defer { writer.close() }
        writer.forceMerge(reorderingDocuments: true)
        return try writer.commit()
    }

    @Test("a reordered index answers with the same scores, passes a deep check, has smaller postings, and is the same bytes for any jobs")
    func reorderedIndex() throws {
        try IndexTestFolder.with { folder in
            let documents = Self.topicDocuments(count: 1500, seed: 9)
            let original = folder.sub("original")
            try IndexTestKit.write(documents, at: original)
            var reordered: [[String: Data]] = []
            for jobs in [1, 2, 3] {
                let path = folder.sub("reordered-\(jobs)")
                try IncrementalKit.copyIndex(original, to: path)
                let summary = try Self.reorder(path, jobs: jobs)
                #expect(summary.segmentCount == 1 && summary.documentCount == documents.count)
                reordered.append(try IncrementalKit.snapshot(path))
            }
            #expect(reordered[1] == reordered[0] && reordered[2] == reordered[0], "the same bytes for 1, 2 and 3 jobs")
            // Reordering again starts from the new order: still one segment, still the same answers.
            let path = folder.sub("reordered-1")
            let reader = try IndexReader(path: path, verifyChecksums: true)
            let reference = try IndexReader(path: original)
            _ = try reader.check(deep: true)
            #expect(try IncrementalKit.liveIDs(reader) == IncrementalKit.liveIDs(reference))
            // The gaps shrink: the log-gap cost of the text field's postings, read back from
            // each index. (Bytes need not follow on an index this small: a posting list of a
            // block or two packs its first gap, now large for one of the topics, with the rest.)
            func cost(_ reader: IndexReader) throws -> Double {
                let forward = try IndexWriter.forwardIndex(of: reader.segments[0], minimumDocumentFrequency: 1, jobs: 1, budget: 1 << 30,
                                                           path: reader.path)
                return Self.logGapCost(forward, order: (0..<forward.documentCount).map { UInt32($0) })
            }
            let costBefore = try cost(reference)
            let costAfter = try cost(reader)
            #expect(costAfter < costBefore * 0.6, "log-gap cost \(costBefore) -> \(costAfter)")
            let searcher = Searcher(reader: reader)
            let referenceSearcher = Searcher(reader: reference)
            for query in ["alpha1", "omega3 omega5", "alpha1 omega1", "\"alpha2 alpha3\"", "+alpha4 +alpha5", "alpha1*", "title:note",
                          "omega7 -omega8", "absent"] {
                let all = SearchOptions(limit: 1_000_000, exhaustive: true, countTotalHits: true)
                let a = try searcher.search(query, options: all)
                let b = try referenceSearcher.search(query, options: all)
                #expect(a.totalHits == b.totalHits, "'\(query)'")
                IncrementalKit.expectSameHits(a, b, incremental: reader, context: "'\(query)'")
                // Pruned top 10: the same scores rank by rank (ties may hold other documents).
                let top = SearchOptions(limit: 10)
                let prunedA = try searcher.search(query, options: top)
                let prunedB = try referenceSearcher.search(query, options: top)
                #expect(prunedA.hits.map(\.score) == prunedB.hits.map(\.score), "'\(query)' top 10")
            }
            // Stored fields moved with their documents.
            for document in stride(from: 0, to: reader.maxDocument, by: 97) {
                let stored = try reader.document(document)
                let number = Int(stored.id.dropFirst())!
                #expect(stored.text == documents[number].text && stored.title == documents[number].title)
            }
        }
    }

    @Test("an index split in partial segments and with deletions is merged, then reordered, in one commit")
    func mergeThenReorder() throws {
        try IndexTestFolder.with { folder in
            let documents = Self.topicDocuments(count: 600, seed: 4)
            let path = folder.sub("index")
            let writer = try IndexWriter(path: path, configuration: IndexTestKit.plain)
            for document in documents.prefix(300) { try writer.add(id: document.id, title: document.title, text: document.text) }
            try writer.commit()
            for document in documents.dropFirst(300) { try writer.add(id: document.id, title: document.title, text: document.text) }
            try writer.commit()
            #expect(try writer.deleteDocuments(withID: "d10") == 1)
            try writer.commit()
            writer.close()
            #expect(try IndexReader(path: path).segmentCount == 2)
            let summary = try Self.reorder(path)
            #expect(summary.segmentCount == 1 && summary.deletedCount == 0 && summary.documentCount == 599)
            let reader = try IndexReader(path: path, verifyChecksums: true)
            _ = try reader.check(deep: true)
            var ids = try IncrementalKit.liveIDs(reader)
            ids.sort()
            #expect(ids == documents.map(\.id).filter { $0 != "d10" }.sorted())
            #expect(try IndexTestKit.fileNames(path).filter { $0.hasSuffix(".tmp") || $0.hasPrefix("building-") }.isEmpty)
        }
    }

    @Test("an empty index and a one-document index reorder to themselves")
    func tinyIndexes() throws {
        try IndexTestFolder.with { folder in
            let empty = folder.sub("empty")
            try IndexTestKit.write([], at: empty)
            #expect(try Self.reorder(empty).documentCount == 0)
            let one = folder.sub("one")
            try IndexTestKit.write([IndexTestDocument(id: "only", text: "a lone document")], at: one)
            #expect(try Self.reorder(one).documentCount == 1)
            #expect(try IndexReader(path: one).document(0).id == "only")
        }
    }

    @Test("a reorder that would pass the memory budget fails with reorderNeedsMemory and leaves the index as it was")
    func overBudget() throws {
        try IndexTestFolder.with { folder in
            var random = TestRandom(seed: 12)
            let words = (0..<600).map { "word\($0)" }
            let documents = (0..<3000).map { number in
                IndexTestDocument(id: "n\(number)", text: (0..<120).map { _ in random.pick(words) }.joined(separator: " "))
            }
            let path = folder.sub("index")
            try IndexTestKit.write(documents, at: path)
            let before = try IncrementalKit.snapshot(path)
            let error = IncrementalKit.indexError { _ = try Self.reorder(path, budget: 1 << 20) }
            guard case .reorderNeedsMemory(let errorPath, let needed, let budget)? = error else {
                Issue.record("expected reorderNeedsMemory, got \(String(describing: error))")
                return
            }
            #expect(errorPath == path && budget == 1 << 20 && needed > budget)
            #expect(error!.description.contains("more than the memory budget of 1 MiB"))
            #expect(try IncrementalKit.snapshot(path) == before, "a failed reorder changes nothing")
            #expect(try Self.reorder(path, budget: 64 << 20).documentCount == 3000)
        }
    }
}
