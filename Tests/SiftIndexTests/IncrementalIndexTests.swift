import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

/// An index updated step by step answers as a fresh build of the same files.
@Suite struct IncrementalIndexTests {
    static let scenarios: [IncrementalScenario] = [
        IncrementalScenario(seed: 11, unit: .file, mergeFactor: 4),
        IncrementalScenario(seed: 12, unit: .line, mergeFactor: 2),
        IncrementalScenario(seed: 13, unit: .paragraph, mergeFactor: 2, jsonl: true, jobs: 3),
        IncrementalScenario(seed: 14, unit: .file, mergeFactor: 2, jsonl: true),
        // No merges, no purges: deletions pile up over many segments.
        IncrementalScenario(seed: 15, unit: .line, mergeFactor: 0, maxDeletedShare: 1.0, jobs: 2),
        IncrementalScenario(seed: 16, unit: .file, mergeFactor: 3, maxDeletedShare: 0.05),
        IncrementalScenario(seed: 17, unit: .line, mergeFactor: 2, jsonl: true, reuseWriter: true),
        IncrementalScenario(seed: 18, unit: .file, mergeFactor: 0, maxDeletedShare: 1.0, jobs: 2, reuseWriter: true),
        // Reordered indexes: later updates find each file's documents wherever the reorder put them.
        IncrementalScenario(seed: 19, unit: .line, mergeFactor: 2, jsonl: true, reorderSteps: [0, 3, 6]),
        IncrementalScenario(seed: 20, unit: .paragraph, mergeFactor: 0, maxDeletedShare: 1.0, jobs: 2, reuseWriter: true,
                            reorderSteps: [1, 4]),
    ]

    static let fixedQueries = [
        "cat", "stone", "ferret", "cat bear", "fox story hen", "\"cat bear\"", "\"dog deer\"~2", "sto*", "be*",
        "+cat -bear", "+dog +stone", "cat AND NOT fox", "(cat OR dog) AND stone", "title:cat", "title:sto*",
        "cat title:bear^2", "absentword",
    ]

    @Test("an index updated step by step has the statistics and answers of a fresh build", arguments: scenarios)
    func incrementalEqualsFreshBuild(_ scenario: IncrementalScenario) throws {
        try IndexTestFolder.with { folder in
            let unit = scenario.unit
            let incremental = folder.sub("incremental")
            let fresh = folder.sub("fresh")
            var corpus = EditableFolder(root: folder.sub("docs"), seed: scenario.seed, jsonl: scenario.jsonl)
            for _ in 0..<corpus.random.int(in: 30...60) { try corpus.addFile() }
            let policy = MergePolicy(mergeFactor: scenario.mergeFactor, maxDeletedShare: scenario.maxDeletedShare)
            var indexed: [String: [UInt8]] = [:]
            var generation: UInt64 = 0
            var merged = 0
            var writer: IndexWriter? = nil
            defer { writer?.close() }
            for step in 0...scenario.steps {
                let done = step == 0 ? ["build"] : try corpus.randomStep()
                let context = "\(scenario.testDescription), step \(step) (\(done.joined(separator: ", ")))"
                let before = try IncrementalKit.snapshot(incremental)
                var run: (summary: IndexUpdateSummary, hadChanges: Bool, commit: CommitSummary)
                if scenario.reuseWriter {
                    if step == 0 {
                        writer = try IndexWriter(path: incremental, configuration: IncrementalKit.configuration, jobs: scenario.jobs)
                        writer!.mergePolicy = policy
                    }
                    let summary = try writer!.update(with: IncrementalKit.candidates(corpus.root, unit: unit), extractor: IncrementalKit.extractor(unit))
                    let hadChanges = writer!.hasChanges
                    run = (summary, hadChanges, try writer!.commit())
                } else {
                    run = try IncrementalKit.update(root: corpus.root, index: incremental, unit: unit,
                                                    mode: step == 0 ? .create : .update, policy: policy, jobs: scenario.jobs)
                }
                try Self.expectSummary(run.summary, indexed: indexed, now: corpus.files, unit: unit, context: context)
                merged += run.commit.mergedSegmentCount
                if run.summary.hasChanges {
                    #expect(run.hadChanges, "\(context)")
                    generation += 1
                    indexed = corpus.files
                } else {
                    #expect(!run.hadChanges, "\(context): nothing changed, yet the writer has changes")
                    #expect(try IncrementalKit.snapshot(incremental) == before, "\(context): an empty commit rewrote files")
                }
                if scenario.reorderSteps.contains(step) {
                    if scenario.reuseWriter {
                        writer!.forceMerge(reorderingDocuments: true)
                        run.commit = try writer!.commit()
                    } else {
                        let reordering = try IndexWriter(path: incremental, configuration: IncrementalKit.configuration, jobs: scenario.jobs,
                                                         mode: .update)
                        defer { reordering.close() }
                        reordering.forceMerge(reorderingDocuments: true)
                        run.commit = try reordering.commit()
                    }
                    #expect(run.commit.segmentCount == 1 && run.commit.deletedCount == 0, "\(context): reordered")
                    generation += 1
                }
                try IncrementalKit.fullBuild(root: corpus.root, index: fresh, unit: unit)

                let reader = try IndexReader(path: incremental, verifyChecksums: true)
                let reference = try IndexReader(path: fresh)
                #expect(reader.generation == generation, "\(context)")
                #expect(run.commit.documentCount == reader.documentCount, "\(context)")
                #expect(run.commit.deletedCount == reader.deletedCount, "\(context)")
                #expect(run.commit.segmentCount == reader.segmentCount, "\(context)")
                let report = try reader.check(deep: true)
                #expect(report.deletedCount == reader.deletedCount, "\(context)")
                try Self.expectSourceTable(reader, files: corpus.files, unit: unit, context: context)
                #expect(try IncrementalKit.liveIDs(reader) == IncrementalKit.liveIDs(reference), "\(context): live ids")
                try IncrementalKit.expectSameStatistics(reader, reference, terms: EditableFolder.vocabulary + ["absentword"],
                                                        context: context)
                // Nothing left to do: a dry run agrees.
                let plan = try reader.planUpdate(with: IncrementalKit.candidates(corpus.root, unit: unit),
                                                 extractor: IncrementalKit.extractor(unit))
                #expect(!plan.hasChanges && plan.unchangedFileCount == corpus.files.count, "\(context): dry run after the update")

                var queries = Self.fixedQueries
                for _ in 0..<3 { queries.append(corpus.word(capitals: false)) }
                queries.append((0..<3).map { _ in corpus.word(capitals: false) }.joined(separator: " "))
                queries.append("+\(corpus.word(capitals: false)) -\(corpus.word(capitals: false))")
                if let pair = corpus.adjacentPair() { queries.append("\"\(pair)\"") }
                let searcher = Searcher(reader: reader)
                let referenceSearcher = Searcher(reader: reference)
                for query in queries {
                    let all = SearchOptions(limit: 1_000_000, exhaustive: true, countTotalHits: true)
                    let a = try searcher.search(query, options: all)
                    let b = try referenceSearcher.search(query, options: all)
                    #expect(a.totalHits == b.totalHits, "\(context): '\(query)' total hits")
                    IncrementalKit.expectSameHits(a, b, incremental: reader, context: "\(context): '\(query)'")
                    // The pruned path (MaxScore, skipping deleted documents) gives the same top 3.
                    let top = SearchOptions(limit: 3)
                    IncrementalKit.expectSameTop(try searcher.search(query, options: top), try referenceSearcher.search(query, options: top),
                                                 incremental: reader, context: "\(context): '\(query)' top 3")
                }
                // A prefix cut to its two most frequent expansions picks them by live frequency.
                for query in ["s*", "b*", "f*", "title:s*"] {
                    let options = SearchOptions(limit: 1_000_000, maxExpansions: 2, exhaustive: true)
                    IncrementalKit.expectSameHits(try searcher.search(query, options: options), try referenceSearcher.search(query, options: options),
                                                  incremental: reader, context: "\(context): '\(query)' 2 expansions")
                }
                let and = SearchOptions(limit: 1_000_000, defaultOperator: .and, exhaustive: true)
                IncrementalKit.expectSameHits(try searcher.search("cat bear", options: and), try referenceSearcher.search("cat bear", options: and),
                                              incremental: reader, context: "\(context): 'cat bear' AND")
            }
            if scenario.mergeFactor >= 2 {
                #expect(merged > 0, "\(scenario.testDescription): the run merged or purged segments")
            }
        }
    }

    /// Expects `summary` to report the files and documents that changed between the `indexed`
    /// contents and the current ones.
    static func expectSummary(_ summary: IndexUpdateSummary, indexed: [String: [UInt8]], now: [String: [UInt8]],
                              unit: DocumentUnit, context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        func count(_ bytes: [UInt8], _ key: String) -> Int { IncrementalKit.documents(bytes, key: key, unit: unit).count }
        let added = now.keys.filter { indexed[$0] == nil }
        let removed = indexed.keys.filter { now[$0] == nil }
        let changed = now.keys.filter { indexed[$0] != nil && indexed[$0] != now[$0] }
        let unchanged = now.keys.filter { indexed[$0] == now[$0] }
        #expect(Set(summary.addedFiles.map(\.relativePath)) == Set(added), "\(context): added", sourceLocation: sourceLocation)
        #expect(Set(summary.changedFiles.map(\.relativePath)) == Set(changed), "\(context): changed", sourceLocation: sourceLocation)
        #expect(summary.removedFiles == removed.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "\(context): removed",
                sourceLocation: sourceLocation)
        #expect(summary.unchangedFileCount == unchanged.count, "\(context): unchanged", sourceLocation: sourceLocation)
        // Each document once: a changed file's documents are updated as far as it has as many
        // as before; more are added, fewer deleted.
        let growth = changed.reduce(0) { $0 + max(0, count(now[$1]!, $1) - count(indexed[$1]!, $1)) }
        let shrinkage = changed.reduce(0) { $0 + max(0, count(indexed[$1]!, $1) - count(now[$1]!, $1)) }
        #expect(summary.addedDocuments == added.reduce(0) { $0 + count(now[$1]!, $1) } + growth, "\(context): added documents",
                sourceLocation: sourceLocation)
        #expect(summary.updatedDocuments == changed.reduce(0) { $0 + min(count(now[$1]!, $1), count(indexed[$1]!, $1)) },
                "\(context): updated documents", sourceLocation: sourceLocation)
        #expect(summary.deletedDocuments == removed.reduce(0) { $0 + count(indexed[$1]!, $1) } + shrinkage,
                "\(context): deleted documents", sourceLocation: sourceLocation)
        #expect(summary.unchangedDocuments == unchanged.reduce(0) { $0 + count(now[$1]!, $1) }, "\(context): unchanged documents",
                sourceLocation: sourceLocation)
        #expect(summary.hasChanges == !(added.isEmpty && removed.isEmpty && changed.isEmpty), "\(context)", sourceLocation: sourceLocation)
    }

    /// Expects the index's table of files to name every file of the folder with its fingerprint,
    /// and each file's range of documents to be exactly its documents, live.
    static func expectSourceTable(_ reader: IndexReader, files: [String: [UInt8]], unit: DocumentUnit, context: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let table = try #require(try reader.sourceTable(), "\(context): no source table", sourceLocation: sourceLocation)
        #expect(table.unit == unit.rawValue, sourceLocation: sourceLocation)
        #expect(try reader.indexedUnit() == unit.rawValue, sourceLocation: sourceLocation)
        #expect(table.files.map(\.key) == files.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "\(context): table keys",
                sourceLocation: sourceLocation)
        var tracked = 0
        for file in table.files {
            guard let bytes = files[file.key] else { continue }
            #expect(file.fingerprint == FileFingerprint(of: bytes), "\(context): fingerprint of \(file.key)", sourceLocation: sourceLocation)
            let expected = IncrementalKit.documents(bytes, key: file.key, unit: unit)
            #expect(file.documentCount == expected.count, "\(context): documents of \(file.key)", sourceLocation: sourceLocation)
            tracked += file.documentCount
            guard file.documentCount > 0 else {
                #expect(file.segment == -1, "\(context): \(file.key) gave no document", sourceLocation: sourceLocation)
                continue
            }
            let base = reader.segmentBases[file.segment]
            var documents: [StoredDocument] = []
            for local in file.documents {
                #expect(try reader.isDeleted(base + local) == false, "\(context): \(file.key) names a deleted document", sourceLocation: sourceLocation)
                documents.append(try reader.document(base + local))
            }
            // A reorder keeps a file's documents but not their order among themselves.
            let expectedDocuments = file.scatteredDocuments.isEmpty ? expected : expected.sorted { $0.id < $1.id }
            if !file.scatteredDocuments.isEmpty { documents.sort { $0.id < $1.id } }
            #expect(documents.map(\.id) == expectedDocuments.map(\.id), "\(context): ids of \(file.key)", sourceLocation: sourceLocation)
            #expect(documents.map(\.text) == expectedDocuments.map(\.text), "\(context): texts of \(file.key)", sourceLocation: sourceLocation)
            #expect(documents.map(\.title) == expectedDocuments.map(\.title), "\(context): titles of \(file.key)", sourceLocation: sourceLocation)
        }
        #expect(tracked == reader.documentCount, "\(context): every live document belongs to a file", sourceLocation: sourceLocation)
    }
}
