import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

/// Helpers of the incremental-index tests: folders of files, builds, snapshots, comparisons.
enum IncrementalKit {
    /// Plain analysis, so the test's words are the index's terms.
    static let configuration = IndexTestKit.plain

    static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    static func options(_ unit: DocumentUnit) -> IngestOptions { IngestOptions(unit: unit) }

    static func extractor(_ unit: DocumentUnit) -> DocumentExtractor { DocumentExtractor(options: options(unit)) }

    static func candidates(_ root: String, unit: DocumentUnit) throws -> [CandidateFile] {
        try CorpusWalker(roots: [root], options: options(unit)).walk().candidates
    }

    /// A fresh build of the folder at `root` (`.replace`, `addFiles`, commit).
    @discardableResult
    static func fullBuild(root: String, index: String, unit: DocumentUnit) throws -> CommitSummary {
        let writer = try IndexWriter(path: index, configuration: configuration, mode: .replace)
        defer { writer.close() }
        _ = try writer.addFiles(try candidates(root, unit: unit), extractor: extractor(unit))
        return try writer.commit()
    }

    /// One `sift index` run: open (`mode`), `update(with:)`, commit, close.
    @discardableResult
    static func update(root: String, index: String, unit: DocumentUnit, mode: IndexWriter.OpenMode = .openOrCreate,
                       policy: MergePolicy = MergePolicy(), jobs: Int = 1)
        throws -> (summary: IndexUpdateSummary, hadChanges: Bool, commit: CommitSummary)
    {
        let writer = try IndexWriter(path: index, configuration: configuration, jobs: jobs, mode: mode)
        defer { writer.close() }
        writer.mergePolicy = policy
        let summary = try writer.update(with: try candidates(root, unit: unit), extractor: extractor(unit))
        let hadChanges = writer.hasChanges
        return (summary, hadChanges, try writer.commit())
    }

    /// Replaces the folder `destination` with a copy of the index folder `source`.
    static func copyIndex(_ source: String, to destination: String) throws {
        try? FileManager.default.removeItem(atPath: destination)
        try FileManager.default.copyItem(atPath: source, toPath: destination)
    }

    /// Every file of an index folder (lock file excluded), by name.
    static func snapshot(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard FileManager.default.fileExists(atPath: path) else { return files }
        for name in try IndexTestKit.fileNames(path) { files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)) }
        return files
    }

    /// The documents `extractor` cuts `bytes` into, as if read from the file `key` of the root.
    static func documents(_ bytes: [UInt8], key: String, unit: DocumentUnit) -> [SourceDocument] {
        let file = CandidateFile(path: "/nonexistent/" + key, relativePath: key, kind: FileKind(fileName: key)!, size: bytes.count)
        return extractor(unit).documents(fromContents: bytes, of: file).documents
    }

    /// The ids of the live documents, sorted.
    static func liveIDs(_ reader: IndexReader) throws -> [String] {
        var ids: [String] = []
        for document in 0..<reader.maxDocument where try !reader.isDeleted(document) { ids.append(try reader.document(at: document).id) }
        return ids.sorted()
    }

    /// Live documents whose title holds `term`.
    static func titleFrequency(_ reader: IndexReader, _ term: String) throws -> Int {
        try reader.lookUp(IndexFormat.key(Array(term.utf8), field: .title)).frequency
    }

    static func close(_ a: Float, _ b: Float) -> Bool {
        IndexTestKit.close(Double(a), Double(b), relative: 1e-6)
    }

    /// The error `body` throws, as an `IndexError` (nil when it does not throw).
    static func indexError(_ body: () throws -> Void) -> IndexError? {
        do {
            try body()
            return nil
        } catch {
            return IndexTestKit.indexError(error)
        }
    }

    /// Expects the statistics BM25 uses to be equal in both indexes, for every term of `terms`.
    static func expectSameStatistics(_ incremental: IndexReader, _ fresh: IndexReader, terms: [String], context: String,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(incremental.documentCount == fresh.documentCount, "\(context): N", sourceLocation: sourceLocation)
        #expect(incremental.tokenCount == fresh.tokenCount, "\(context): tokens", sourceLocation: sourceLocation)
        #expect(incremental.titleTokenCount == fresh.titleTokenCount, "\(context): title tokens", sourceLocation: sourceLocation)
        #expect(incremental.averageDocumentLength == fresh.averageDocumentLength, "\(context): avgLen", sourceLocation: sourceLocation)
        #expect(incremental.maxDocument == incremental.documentCount + incremental.deletedCount, "\(context)", sourceLocation: sourceLocation)
        for term in terms {
            let (a, b) = (try incremental.documentFrequency(of: term), try fresh.documentFrequency(of: term))
            #expect(a == b, "\(context): df(\(term)) \(a) vs \(b)", sourceLocation: sourceLocation)
            let (c, d) = (try titleFrequency(incremental, term), try titleFrequency(fresh, term))
            #expect(c == d, "\(context): title df(\(term)) \(c) vs \(d)", sourceLocation: sourceLocation)
        }
    }

    /// Expects both result lists to hold the same documents (by id) with the same scores, each
    /// best first; documents of equal score may come in another order (ties go by internal
    /// document number, which differs between the indexes), but in increasing document number.
    static func expectSameHits(_ a: SearchResults, _ b: SearchResults, incremental: IndexReader, context: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        guard a.hits.count == b.hits.count else {
            Issue.record("\(context): \(a.hits.count) hits vs \(b.hits.count) (\(a.hits.map(\.id)) vs \(b.hits.map(\.id)))",
                         sourceLocation: sourceLocation)
            return
        }
        for (x, y) in zip(a.hits, b.hits) where !close(x.score, y.score) {
            Issue.record("\(context): rank \(x.rank) scores \(x.score) (\(x.id)) vs \(y.score) (\(y.id))", sourceLocation: sourceLocation)
            return
        }
        let scoresA = Dictionary(a.hits.map { ($0.id, $0.score) }, uniquingKeysWith: { first, _ in first })
        let scoresB = Dictionary(b.hits.map { ($0.id, $0.score) }, uniquingKeysWith: { first, _ in first })
        #expect(scoresA.count == a.hits.count, "\(context): an id twice", sourceLocation: sourceLocation)
        guard Set(scoresA.keys) == Set(scoresB.keys) else {
            Issue.record("\(context): ids differ: \(Set(scoresA.keys).symmetricDifference(scoresB.keys).sorted())", sourceLocation: sourceLocation)
            return
        }
        for (id, score) in scoresA where !close(score, scoresB[id]!) {
            Issue.record("\(context): \(id) scores \(score) vs \(scoresB[id]!)", sourceLocation: sourceLocation)
            return
        }
        for (previous, next) in zip(a.hits, a.hits.dropFirst()) {
            let ordered = previous.score > next.score || (previous.score == next.score && previous.document < next.document)
            #expect(ordered, "\(context): \(previous.id) before \(next.id)", sourceLocation: sourceLocation)
        }
        for hit in a.hits where (try? incremental.isDeleted(hit.document)) != false {
            Issue.record("\(context): deleted document \(hit.document) (\(hit.id)) returned", sourceLocation: sourceLocation)
        }
    }

    /// Top-k of a pruned search: the same scores rank by rank, and the same documents above the
    /// k-th score (at it, ties may pick different documents).
    static func expectSameTop(_ a: SearchResults, _ b: SearchResults, incremental: IndexReader, context: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard a.hits.count == b.hits.count else {
            Issue.record("\(context): \(a.hits.count) hits vs \(b.hits.count)", sourceLocation: sourceLocation)
            return
        }
        for (x, y) in zip(a.hits, b.hits) where !close(x.score, y.score) {
            Issue.record("\(context): rank \(x.rank) scores \(x.score) vs \(y.score)", sourceLocation: sourceLocation)
            return
        }
        guard let last = b.hits.last?.score else { return }
        let threshold = Double(last) * (1 + 1e-6) + 1e-12
        let aboveA = Set(a.hits.filter { Double($0.score) > threshold }.map(\.id))
        let aboveB = Set(b.hits.filter { Double($0.score) > threshold }.map(\.id))
        #expect(aboveA == aboveB, "\(context): top documents differ", sourceLocation: sourceLocation)
        for hit in a.hits where (try? incremental.isDeleted(hit.document)) != false {
            Issue.record("\(context): deleted document \(hit.id) returned", sourceLocation: sourceLocation)
        }
    }
}

/// A folder of small text files over a small Zipf-like vocabulary, which the test edits step by
/// step while keeping the expected contents of every file.
