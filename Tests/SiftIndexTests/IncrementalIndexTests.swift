import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

// MARK: - Support

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

    /// A fresh build of the folder at `root` (`.create`, `addFiles`, commit).
    @discardableResult
    static func fullBuild(root: String, index: String, unit: DocumentUnit) throws -> CommitSummary {
        let writer = try IndexWriter(path: index, configuration: configuration)
        defer { writer.close() }
        _ = try writer.addFiles(try candidates(root, unit: unit), extractor: extractor(unit))
        return try writer.commit()
    }

    /// One `sift index` run: open (`mode`), `update(with:)`, commit, close.
    @discardableResult
    static func update(root: String, index: String, unit: DocumentUnit, mode: IndexWriter.OpenMode = .update,
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
        for document in 0..<reader.maxDocument where try !reader.isDeleted(document) { ids.append(try reader.document(document).id) }
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
struct EditableFolder {
    /// Words of 3 to 6 letters, the commonest first; several share a prefix (`sto`, `be`, `f`).
    static let vocabulary = ["cat", "bear", "stone", "dog", "deer", "storm", "fox", "story", "frog", "badger", "bee",
                             "stove", "goat", "stork", "hen", "otter", "hare", "lion", "moose", "ant", "tiger", "eel",
                             "beaver", "gnu", "crab", "falcon", "duck", "ferret"]

    let root: String
    let jsonl: Bool
    var random: TestRandom
    /// Relative path → bytes, as on disk.
    private(set) var files: [String: [UInt8]] = [:]
    private var serial = 0
    private var cumulative: [Double] = []

    init(root: String, seed: UInt64, jsonl: Bool) {
        self.root = root
        self.jsonl = jsonl
        random = TestRandom(seed: seed)
        var total = 0.0
        for index in Self.vocabulary.indices {
            total += 1 / Double(index + 1)
            cumulative.append(total)
        }
    }

    var keys: [String] { files.keys.sorted() }

    mutating func word(capitals: Bool = true) -> String {
        let target = random.unit() * cumulative.last!
        let word = Self.vocabulary[cumulative.firstIndex { $0 >= target } ?? Self.vocabulary.count - 1]
        return capitals && random.below(12) == 0 ? word.capitalized : word
    }

    mutating func line(_ words: ClosedRange<Int> = 1...8, plain: Bool = false) -> String {
        let separators = plain ? [" "] : [" ", " ", ", ", "; ", "  ", "\t", ". "]
        var text = ""
        for index in 0..<random.int(in: words) {
            if index > 0 { text += random.pick(separators) }
            text += word(capitals: !plain)
        }
        return text
    }

    /// Text of 0 to 6 lines, now and then with blank lines (paragraph breaks), empty or blank.
    mutating func body() -> String {
        switch random.below(20) {
        case 0: return ""
        case 1: return "\n  \n"
        default:
            var lines: [String] = []
            for _ in 0..<random.int(in: 1...6) {
                if !lines.isEmpty && random.below(4) == 0 { lines.append(random.below(2) == 0 ? "" : "   ") }
                lines.append(line())
            }
            return lines.joined(separator: "\n") + (random.below(2) == 0 ? "\n" : "")
        }
    }

    mutating func contents(for key: String) -> [UInt8] {
        if key.hasSuffix(".jsonl") {
            var lines: [String] = []
            for record in 0..<random.int(in: 1...4) {
                serial += 1
                lines.append("{\"id\":\"rec-\(serial)-\(record)\",\"title\":\"\(line(1...3, plain: true))\",\"text\":\"\(line(0...10, plain: true))\"}")
                if random.below(3) == 0 { lines.append("") }
            }
            return Array((lines.joined(separator: "\n") + "\n").utf8)
        }
        if key.hasSuffix(".md") { return Array(("# " + line(1...3) + "\n\n" + body()).utf8) }
        return Array(body().utf8)
    }

    mutating func newKey() -> String {
        serial += 1
        switch random.below(jsonl ? 6 : 5) {
        case 0, 1: return "f\(serial).txt"
        case 2: return "notes/n\(serial).md"
        case 3: return "notes/deep/d\(serial).txt"
        case 4: return "g\(serial).TXT"
        default: return "r\(serial).jsonl"
        }
    }

    mutating func set(_ key: String, _ bytes: [UInt8]) throws {
        files[key] = bytes
        try IncrementalKit.write(bytes, to: root + "/" + key)
    }

    /// Adds a file; with `words`, one that holds at least one word.
    @discardableResult
    mutating func addFile(words: Bool = false) throws -> String {
        let key = newKey()
        var bytes = contents(for: key)
        if words && Self.words(bytes).isEmpty { bytes = Array((line() + "\n").utf8) + bytes }
        try set(key, bytes)
        return key
    }

    /// Vocabulary words in `bytes`: (start, length).
    static func words(_ bytes: [UInt8]) -> [(start: Int, count: Int)] {
        var found: [(Int, Int)] = []
        var index = 0
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        while index < bytes.count {
            guard isLetter(bytes[index]) else {
                index += 1
                continue
            }
            var end = index
            while end < bytes.count && isLetter(bytes[end]) { end += 1 }
            let word = String(decoding: bytes[index..<end], as: UTF8.self).lowercased()
            if vocabulary.contains(word) { found.append((index, end - index)) }
            index = end
        }
        return found
    }

    /// Replaces one word with another of the same length (or flips the case of its first
    /// letter): the file keeps its size, only its content changes.
    mutating func editSameSize() throws -> String? {
        let candidates = keys.filter { !Self.words(files[$0]!).isEmpty }
        guard !candidates.isEmpty else { return nil }
        let key = random.pick(candidates)
        var bytes = files[key]!
        let (start, count) = random.pick(Self.words(bytes))
        let old = String(decoding: bytes[start..<(start + count)], as: UTF8.self)
        let others = Self.vocabulary.filter { $0.utf8.count == count && $0 != old.lowercased() }
        if others.isEmpty || random.below(4) == 0 {
            bytes[start] ^= 0x20  // case only: the same terms
        } else {
            bytes.replaceSubrange(start..<(start + count), with: Array(random.pick(others).utf8))
        }
        precondition(bytes.count == files[key]!.count && bytes != files[key]!)
        try set(key, bytes)
        return key
    }

    /// Appends a line, drops the last one, or rewrites the file.
    mutating func editResize() throws -> String? {
        guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
        var bytes = files[key]!
        if key.hasSuffix(".jsonl") || random.below(3) == 0 {
            bytes = contents(for: key)
        } else if random.below(2) == 0 || !bytes.contains(UInt8(ascii: "\n")) {
            bytes += Array(("\n" + line() + "\n").utf8)
        } else {
            bytes = Array(bytes[..<bytes.lastIndex(of: UInt8(ascii: "\n"))!])
        }
        try set(key, bytes)
        return key
    }

    /// Replaces the first line (the title of a text file).
    mutating func editFirstLine() throws -> String? {
        let candidates = keys.filter { !$0.hasSuffix(".jsonl") }
        guard !candidates.isEmpty else { return nil }
        let key = random.pick(candidates)
        let bytes = files[key]!
        let rest = bytes.firstIndex(of: UInt8(ascii: "\n")).map { Array(bytes[$0...]) } ?? []
        try set(key, Array(((key.hasSuffix(".md") ? "# " : "") + line(1...4)).utf8) + rest)
        return key
    }

    mutating func deleteFile() throws -> String? {
        guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
        files[key] = nil
        try FileManager.default.removeItem(atPath: root + "/" + key)
        return key
    }

    /// Moves a file to a new name with the same extension.
    mutating func renameFile() throws -> String? {
        guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
        serial += 1
        let name = (key as NSString).lastPathComponent
        let newKey = key.dropLast(name.count) + "moved\(serial)-" + name
        let bytes = files[key]!
        files[key] = nil
        try FileManager.default.removeItem(atPath: root + "/" + key)
        try set(String(newKey), bytes)
        return key
    }

    /// Writes a file's bytes again: a new timestamp, the same content.
    mutating func touchFile() throws -> String? {
        guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
        try set(key, files[key]!)
        return key
    }

    mutating func emptyFile() throws -> String? {
        let candidates = keys.filter { !$0.hasSuffix(".jsonl") }
        guard !candidates.isEmpty else { return nil }
        let key = random.pick(candidates)
        try set(key, random.below(2) == 0 ? [] : Array("\n \n".utf8))
        return key
    }

    /// A random edit of the folder: always a new file with words (so the commit is written:
    /// a step whose only changes are files without documents would meet the bug shown by
    /// `emptyFileRecorded`) and a same-size edit, then up to four of anything; one step in seven
    /// changes nothing (or only rewrites a file with its own bytes). Returns what was done.
    mutating func randomStep() throws -> [String] {
        if random.below(7) == 0 {
            if random.below(2) == 0, let key = try touchFile() { return ["touch \(key)"] }
            return ["nothing"]
        }
        var done = ["add \(try addFile(words: true))"]
        if let key = try editSameSize() { done.append("same-size \(key)") }
        for _ in 0..<random.int(in: 1...4) {
            switch random.below(9) {
            case 0: done.append("add \(try addFile())")
            case 1: if let key = try editSameSize() { done.append("same-size \(key)") }
            case 2: if let key = try editResize() { done.append("resize \(key)") }
            case 3: if let key = try editFirstLine() { done.append("title \(key)") }
            case 4, 5: if let key = try deleteFile() { done.append("delete \(key)") }
            case 6: if let key = try renameFile() { done.append("rename \(key)") }
            case 7: if let key = try touchFile() { done.append("touch \(key)") }
            default: if let key = try emptyFile() { done.append("empty \(key)") }
            }
        }
        return done
    }

    /// Pairs of adjacent words of some file, for phrase queries that match.
    mutating func adjacentPair() -> String? {
        for _ in 0..<10 {
            guard let key = keys.isEmpty ? nil : random.pick(keys) else { return nil }
            let bytes = files[key]!
            let words = Self.words(bytes)
            guard words.count >= 2 else { continue }
            let index = random.below(words.count - 1)
            let (a, b) = (words[index], words[index + 1])
            let between = bytes[(a.start + a.count)..<b.start]
            guard between.allSatisfy({ $0 == UInt8(ascii: " ") }) else { continue }
            return String(decoding: bytes[a.start..<(a.start + a.count)], as: UTF8.self) + " "
                + String(decoding: bytes[b.start..<(b.start + b.count)], as: UTF8.self)
        }
        return nil
    }
}

/// One run of the incremental-versus-fresh property.
struct IncrementalScenario: Sendable, CustomTestStringConvertible {
    var seed: UInt64
    var unit: DocumentUnit
    var mergeFactor: Int
    var maxDeletedShare = 0.2
    var jsonl = false
    var jobs = 1
    var steps = 8
    /// One writer for every step (commit after commit) instead of one per step.
    var reuseWriter = false

    var testDescription: String {
        "seed \(seed), unit \(unit.rawValue), mergeFactor \(mergeFactor), maxDeletedShare \(maxDeletedShare)\(jsonl ? ", jsonl" : ""), jobs \(jobs)\(reuseWriter ? ", one writer" : "")"
    }
}

// MARK: - Tests

/// Incremental updates: an index kept up to date file by file answers exactly as a fresh build
/// of the same folder would; deletions, merges and the table of source files stay consistent.
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
                let run: (summary: IndexUpdateSummary, hadChanges: Bool, commit: CommitSummary)
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
        #expect(summary.addedDocuments == added.reduce(0) { $0 + count(now[$1]!, $1) }, "\(context): added documents",
                sourceLocation: sourceLocation)
        #expect(summary.updatedDocuments == changed.reduce(0) { $0 + count(now[$1]!, $1) }, "\(context): updated documents",
                sourceLocation: sourceLocation)
        #expect(summary.deletedDocuments == (changed + removed).reduce(0) { $0 + count(indexed[$1]!, $1) },
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
            for local in file.firstDocument..<(file.firstDocument + file.documentCount) {
                #expect(try reader.isDeleted(base + local) == false, "\(context): \(file.key) names a deleted document", sourceLocation: sourceLocation)
                documents.append(try reader.document(base + local))
            }
            #expect(documents.map(\.id) == expected.map(\.id), "\(context): ids of \(file.key)", sourceLocation: sourceLocation)
            #expect(documents.map(\.text) == expected.map(\.text), "\(context): texts of \(file.key)", sourceLocation: sourceLocation)
            #expect(documents.map(\.title) == expected.map(\.title), "\(context): titles of \(file.key)", sourceLocation: sourceLocation)
        }
        #expect(tracked == reader.documentCount, "\(context): every live document belongs to a file", sourceLocation: sourceLocation)
    }

    // MARK: - Deletions are visible at once

    @Test("a deletion is seen by readers opened after its commit; readers opened before keep their generation",
          arguments: [false, true])
    func deletionsVisibleAfterCommit(purge: Bool) throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            // "zebra" is only in a.txt, "yak" in a.txt and b.txt, "common" everywhere.
            try IncrementalKit.write("alpha zebra common yak\n", to: root + "/a.txt")
            try IncrementalKit.write("beta common yak\n", to: root + "/b.txt")
            for number in 0..<18 { try IncrementalKit.write("filler common word\(number)\n", to: root + "/f\(number).txt") }
            // Keep the deleted document in its segment, or purge it at once.
            let policy = MergePolicy(mergeFactor: 4, maxDeletedShare: purge ? 0 : 1)
            try IncrementalKit.update(root: root, index: index, unit: .file, mode: .create, policy: policy)
            let all = SearchOptions(limit: 1000, exhaustive: true, countTotalHits: true)

            let old = try IndexReader(path: index)
            let oldSearcher = Searcher(reader: old)
            let oldZebra = try oldSearcher.search("zebra", options: all)
            #expect(oldZebra.hits.map(\.id) == ["a.txt"])
            #expect(try old.documentFrequency(of: "common") == 20)

            try FileManager.default.removeItem(atPath: root + "/a.txt")
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .update)
            writer.mergePolicy = policy
            let summary = try writer.update(with: IncrementalKit.candidates(root, unit: .file), extractor: IncrementalKit.extractor(.file))
            #expect(summary.removedFiles == ["a.txt"] && summary.deletedDocuments == 1 && summary.unchangedFileCount == 19)
            #expect(writer.hasChanges)
            // Not committed yet: a new reader sees the old index.
            let middle = try IndexReader(path: index)
            #expect(middle.generation == 1 && middle.documentCount == 20)
            #expect(try Searcher(reader: middle).search("zebra", options: all).hits.map(\.id) == ["a.txt"])
            let commit = try writer.commit()
            writer.close()
            #expect(commit.documentCount == 19 && commit.deletedCount == (purge ? 0 : 1))

            let new = try IndexReader(path: index)
            let searcher = Searcher(reader: new)
            #expect(new.generation == 2 && new.documentCount == 19 && new.deletedCount == (purge ? 0 : 1))
            #expect(new.maxDocument == (purge ? 19 : 20))
            let zebra = try searcher.search("zebra", options: all)
            #expect(zebra.hits.isEmpty && zebra.totalHits == 0)
            #expect(try new.documentFrequency(of: "zebra") == 0)
            #expect(try new.documentFrequency(of: "alpha") == 0)
            #expect(try new.documentFrequency(of: "common") == 19)
            #expect(try new.documentFrequency(of: "yak") == 1)
            #expect(try IncrementalKit.titleFrequency(new, "zebra") == 0, "titles of deleted documents no longer count")
            for query in ["common", "yak", "zebra OR yak", "\"alpha zebra\"", "zeb*", "+common -beta", "title:alpha", "al* OR zebra"] {
                for options in [all, SearchOptions(limit: 2)] {
                    let results = try searcher.search(query, options: options)
                    #expect(!results.hits.contains { $0.id == "a.txt" }, "'\(query)' returned the deleted file")
                    #expect(try !results.hits.contains { try new.isDeleted($0.document) })
                }
            }
            #expect(try searcher.search("common", options: all).hits.count == 19)
            #expect(try searcher.search("+common -beta", options: all).hits.count == 18)
            #expect(try searcher.search("yak", options: all).hits.map(\.id) == ["b.txt"])
            if !purge {
                #expect(try new.isDeleted(0), "a.txt was document 0 and stays in its segment, deleted")
                #expect(try IndexTestKit.fileNames(index).contains { $0.hasPrefix("del-") })
            } else {
                #expect(!(try IndexTestKit.fileNames(index).contains { $0.hasPrefix("del-") }))
                // The old segment's files are gone from the folder...
                #expect(!FileManager.default.fileExists(atPath: old.segments[0].files[0].path))
            }
            // ...but the reader opened before still answers from its generation.
            #expect(old.generation == 1 && old.documentCount == 20 && old.deletedCount == 0)
            let again = try oldSearcher.search("zebra", options: all)
            #expect(again.hits.map(\.id) == ["a.txt"] && again.hits.map(\.score) == oldZebra.hits.map(\.score))
            #expect(try old.documentFrequency(of: "common") == 20)
            _ = try old.check(deep: true)

            // deleteFile by key: the file's documents go; an unknown or already deleted key is 0.
            let second = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .update)
            second.mergePolicy = policy
            #expect(!second.hasChanges)
            #expect(second.deleteFile("b.txt") == 1)
            #expect(second.deleteFile("b.txt") == 0)
            #expect(second.deleteFile("a.txt") == 0)
            #expect(second.deleteFile("nothing.txt") == 0)
            #expect(second.hasChanges)
            try second.commit()
            second.close()
            let third = try IndexReader(path: index)
            #expect(third.documentCount == 18 && third.generation == 3)
            #expect(try Searcher(reader: third).search("yak", options: all).hits.isEmpty)
            #expect(try third.documentFrequency(of: "yak") == 0)
            _ = try third.check(deep: true)
            // b.txt is still in the folder but no longer indexed: the next update adds it back.
            let run = try IncrementalKit.update(root: root, index: index, unit: .file, policy: policy)
            #expect(run.summary.addedFiles.map(\.relativePath) == ["b.txt"] && run.summary.removedFiles.isEmpty)
            #expect(run.summary.unchangedFileCount == 18)
            let fourth = try IndexReader(path: index)
            #expect(try Searcher(reader: fourth).search("yak", options: all).hits.map(\.id) == ["b.txt"])
            #expect(fourth.documentCount == 19)
        }
    }

    @Test("deleteDocuments(withID:) deletes committed documents only, and every one with that id")
    func deleteByID() throws {
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration)
            writer.mergePolicy = MergePolicy(mergeFactor: 0, maxDeletedShare: 1)
            try writer.add(id: "x", title: "", text: Array("one apple".utf8))
            try writer.add(id: "y", title: "", text: Array("one banana".utf8))
            try writer.commit()
            try writer.add(id: "x", title: "", text: Array("two apple cherry".utf8))
            try writer.add(id: "z", title: "", text: Array("three apple".utf8))
            try writer.commit()
            try writer.add(id: "x", title: "", text: Array("pending apple".utf8))
            #expect(try writer.deleteDocuments(withID: "x") == 2, "both committed x, not the pending one")
            #expect(try writer.deleteDocuments(withID: "x") == 0)
            #expect(try writer.deleteDocuments(withID: "nobody") == 0)
            let summary = try writer.commit()
            writer.close()
            #expect(summary.documentCount == 3 && summary.deletedCount == 2)
            let reader = try IndexReader(path: folder.path)
            #expect(try IncrementalKit.liveIDs(reader) == ["x", "y", "z"])
            #expect(try reader.documentFrequency(of: "apple") == 2)
            #expect(try reader.documentFrequency(of: "cherry") == 0)
            let hits = try Searcher(reader: reader).search("apple", options: SearchOptions(limit: 10)).hits
            #expect(Set(hits.map(\.id)) == ["x", "z"])
            #expect(try reader.document(hits.first { $0.id == "x" }!.document).text == Array("pending apple".utf8))
            _ = try reader.check(deep: true)
        }
    }

    // MARK: - Merges

    /// `floor(log_base(n))` by integer arithmetic.
    static func floorLog(_ n: Int, base: Int) -> Int {
        var power = base
        var log = 0
        while power <= n {
            log += 1
            power *= base
        }
        return log
    }

    @Test("after every commit each level holds fewer than mergeFactor segments, so segments stay O(log N)",
          arguments: [2, 3, 4])
    func segmentCountStaysLogarithmic(mergeFactor: Int) throws {
        try IndexTestFolder.with { folder in
            var random = TestRandom(seed: UInt64(mergeFactor) &* 7919)
            let policy = MergePolicy(mergeFactor: mergeFactor)
            var live: [String: String] = [:]
            var committed: Set<String> = []
            var serial = 0
            var writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration, mode: .update)
            writer.mergePolicy = policy
            var merges = 0
            for commit in 1...40 {
                if commit % 8 == 0 {
                    // A new writer reads the committed segments back.
                    writer.close()
                    writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration, mode: .update)
                    writer.mergePolicy = policy
                }
                for _ in 0..<random.int(in: 1...5) {
                    serial += 1
                    let text = "u\(serial) " + (0..<random.int(in: 0...6)).map { _ in random.pick(EditableFolder.vocabulary) }.joined(separator: " ")
                    try writer.add(id: "d\(serial)", title: "", text: Array(text.utf8))
                    live["d\(serial)"] = text
                }
                // Only committed documents can be deleted (those just added are not yet).
                if random.below(3) == 0, let victim = committed.sorted().randomElement(using: &random) {
                    #expect(try writer.deleteDocuments(withID: victim) == 1)
                    live[victim] = nil
                }
                let summary = try writer.commit()
                committed = Set(live.keys)
                merges += summary.mergedSegmentCount
                let reader = try IndexReader(path: folder.path)
                let n = reader.documentCount
                #expect(n == live.count)
                #expect(summary.documentCount == n && summary.segmentCount == reader.segmentCount)
                #expect(summary.deletedCount == reader.deletedCount && summary.generation == reader.generation)
                #expect(reader.generation == UInt64(commit))
                let bound = (mergeFactor - 1) * (Self.floorLog(n, base: mergeFactor) + 1)
                #expect(reader.segmentCount <= bound, "commit \(commit): \(reader.segmentCount) segments for \(n) documents, bound \(bound)")
                let levels = Dictionary(grouping: reader.segments) { policy.level($0.documentCount - $0.deletedCount) }
                for (level, members) in levels {
                    #expect(members.count < mergeFactor, "commit \(commit): level \(level) holds \(members.count) segments")
                }
                for segment in reader.segments {
                    #expect(Double(segment.deletedCount) <= policy.maxDeletedShare * Double(segment.documentCount),
                            "commit \(commit): \(segment.deletedCount) of \(segment.documentCount) deleted")
                    #expect(segment.deletedCount < segment.documentCount, "a segment without live documents is dropped")
                }
                _ = try reader.check(deep: false)
            }
            writer.close()
            #expect(merges > 0)
            let reader = try IndexReader(path: folder.path)
            _ = try reader.check(deep: true)
            #expect(try IncrementalKit.liveIDs(reader) == live.keys.sorted())
            // Each document is still found by its own word, with its own text.
            let searcher = Searcher(reader: reader)
            for (id, text) in live {
                let hits = try searcher.search(String(text.split(separator: " ")[0]), options: SearchOptions(limit: 5)).hits
                #expect(hits.map(\.id) == [id])
                #expect(try reader.document(hits[0].document).text == Array(text.utf8))
            }
        }
    }

    @Test("mergeFactor 0 never merges: one segment per commit")
    func mergeFactorZeroNeverMerges() throws {
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration)
            defer { writer.close() }
            writer.mergePolicy = MergePolicy(mergeFactor: 0, maxDeletedShare: 1)
            for commit in 1...9 {
                try writer.add(id: "d\(commit)", title: "", text: Array("word\(commit) shared".utf8))
                let summary = try writer.commit()
                #expect(summary.segmentCount == commit && summary.mergedSegmentCount == 0)
            }
            #expect(try writer.deleteDocuments(withID: "d3") == 1)
            #expect(try writer.commit().segmentCount == 8, "a segment whose every document is deleted is dropped")
            let reader = try IndexReader(path: folder.path)
            #expect(reader.segmentCount == 8 && reader.documentCount == 8 && reader.deletedCount == 0)
        }
    }

    /// The files of the single segment of the index at `path`, by extension.
    static func segmentFiles(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try IndexTestKit.fileNames(path) where name.hasPrefix("seg-") {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
        }
        return files
    }

    @Test("forceMerge leaves one segment without deletions, byte for byte a fresh build of the live documents")
    func forceMergeEqualsRebuild() throws {
        let corpus = RandomCorpus.make(seed: 4242, documentCount: 90, vocabularySize: 60)
        try IndexTestFolder.with { folder in
            let index = folder.sub("index")
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration)
            defer { writer.close() }
            writer.mergePolicy = MergePolicy(mergeFactor: 0, maxDeletedShare: 1)
            for batch in 0..<3 {
                for document in corpus.documents[(batch * 30)..<(batch * 30 + 30)] {
                    try writer.add(id: document.id, title: document.title, text: document.text)
                }
                try writer.commit()
            }
            let deleted = Set(corpus.documents.indices.filter { $0 % 7 == 2 || (40..<50).contains($0) })
            for index in deleted.sorted() { #expect(try writer.deleteDocuments(withID: corpus.documents[index].id) == 1) }
            let before = try writer.commit()
            #expect(before.segmentCount == 3 && before.deletedCount == deleted.count)
            #expect(try IndexTestKit.fileNames(index).filter { $0.hasPrefix("del-") }.count == 3)

            writer.forceMerge()
            #expect(writer.hasChanges)
            let summary = try writer.commit()
            #expect(summary.segmentCount == 1 && summary.deletedCount == 0 && summary.mergedSegmentCount == 3)
            #expect(summary.documentCount == 90 - deleted.count)
            let reader = try IndexReader(path: index)
            #expect(reader.segmentCount == 1 && reader.deletedCount == 0 && reader.maxDocument == reader.documentCount)
            #expect(!(try IndexTestKit.fileNames(index).contains { $0.hasPrefix("del-") }), "no deletions file left")
            _ = try reader.check(deep: true)

            let live = corpus.documents.indices.filter { !deleted.contains($0) }.map { corpus.documents[$0] }
            try IndexTestKit.write(live, at: folder.sub("fresh"))
            let merged = try Self.segmentFiles(index)
            #expect(merged.count == 4)
            #expect(merged == (try Self.segmentFiles(folder.sub("fresh"))), "the merged segment is the rebuilt one, byte for byte")

            // A second forceMerge of a single clean segment rewrites nothing but the manifest.
            writer.forceMerge()
            let again = try writer.commit()
            #expect(again.segmentCount == 1 && again.mergedSegmentCount == 0)
            #expect(try Self.segmentFiles(index) == merged)
        }
    }

    @Test("a segment with more than maxDeletedShare deleted is purged at commit into the segment a rebuild writes",
          arguments: [(11, true), (10, false)])
    func purgePastDeletedShare(deletions: Int, purged: Bool) throws {
        let corpus = RandomCorpus.make(seed: 31, documentCount: 50, vocabularySize: 30)
        try IndexTestFolder.with { folder in
            let index = folder.sub("index")
            try IndexTestKit.write(corpus.documents, at: index)
            let original = try Self.segmentFiles(index)
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .update)
            defer { writer.close() }
            // 11 of 50 is 22% (> 20%): purged; 10 is exactly 20%: kept.
            let deleted = Set((0..<deletions).map { $0 * 4 + 1 })
            for index in deleted { #expect(try writer.deleteDocuments(withID: corpus.documents[index].id) == 1) }
            let summary = try writer.commit()
            let reader = try IndexReader(path: index)
            _ = try reader.check(deep: true)
            #expect(reader.documentCount == 50 - deletions && reader.segmentCount == 1)
            if purged {
                #expect(summary.mergedSegmentCount == 1 && reader.deletedCount == 0)
                let live = corpus.documents.indices.filter { !deleted.contains($0) }.map { corpus.documents[$0] }
                try IndexTestKit.write(live, at: folder.sub("fresh"))
                #expect(try Self.segmentFiles(index) == (try Self.segmentFiles(folder.sub("fresh"))))
            } else {
                #expect(summary.mergedSegmentCount == 0 && reader.deletedCount == deletions)
                #expect(try Self.segmentFiles(index) == original, "the segment is untouched; only a deletions file is added")
            }
        }
    }

    @Test("forceMerge of an index built from files keeps every file's documents tracked")
    func forceMergeKeepsSourceTable() throws {
        try IndexTestFolder.with { folder in
            var corpus = EditableFolder(root: folder.sub("docs"), seed: 77, jsonl: true)
            for _ in 0..<25 { try corpus.addFile() }
            let index = folder.sub("index")
            let policy = MergePolicy(mergeFactor: 0, maxDeletedShare: 1)
            try IncrementalKit.update(root: corpus.root, index: index, unit: .line, mode: .create, policy: policy)
            for _ in 0..<3 {
                _ = try corpus.randomStep()
                try IncrementalKit.update(root: corpus.root, index: index, unit: .line, policy: policy)
            }
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .update)
            writer.forceMerge()
            let summary = try writer.commit()
            writer.close()
            #expect(summary.segmentCount == 1 && summary.deletedCount == 0)
            let reader = try IndexReader(path: index)
            _ = try reader.check(deep: true)
            try Self.expectSourceTable(reader, files: corpus.files, unit: .line, context: "after forceMerge")
            let plan = try reader.planUpdate(with: IncrementalKit.candidates(corpus.root, unit: .line), extractor: IncrementalKit.extractor(.line))
            #expect(!plan.hasChanges)
            try IncrementalKit.fullBuild(root: corpus.root, index: folder.sub("fresh"), unit: .line)
            try IncrementalKit.expectSameStatistics(reader, try IndexReader(path: folder.sub("fresh")), terms: EditableFolder.vocabulary,
                                                    context: "after forceMerge")
        }
    }

    // MARK: - Codecs

    static let segmentName = "seg-0123456789abcdef"

    /// Random distinct dictionary keys: text keys, title keys (behind 0x01), non-ASCII bytes.
    static func randomKeys(_ count: Int, _ random: inout TestRandom) -> [[UInt8]: UInt32] {
        var keys: [[UInt8]: UInt32] = [:]
        while keys.count < count {
            var key = (0..<random.int(in: 1...14)).map { _ in UInt8(random.int(in: 0x61...0x7A)) }
            if random.below(4) == 0 { key.insert(IndexFormat.titleKeyPrefix, at: 0) }
            if random.below(6) == 0 { key.append(contentsOf: [0xC3, 0xBC]) }
            keys[key] = UInt32(random.int(in: 1...100_000))
        }
        return keys
    }

    @Test("deletions written to a file read back with the same bits, counts and frequencies",
          arguments: [0, 1, 63, 64, 65, 200, 4097])
    func deletionsFileRoundTrip(documentCount: Int) throws {
        var random = TestRandom(seed: UInt64(documentCount) &+ 99)
        try IndexTestFolder.with { folder in
            for (variant, (density, keyCount)) in [(0.0, 0), (0.05, 3), (0.5, 40), (1.0, 1500)].enumerated() {
                var deletions = SegmentDeletions(documentCount: documentCount)
                var expected = Set<Int>()
                for document in 0..<documentCount where random.unit() < density {
                    let inserted = deletions.insert(document)
                    #expect(inserted)
                    expected.insert(document)
                }
                if let document = expected.first {
                    let again = deletions.insert(document)
                    #expect(!again, "already deleted")
                }
                #expect(deletions.count == expected.count)
                deletions.tokenCount = random.next() >> 8
                deletions.titleTokenCount = random.next() >> 8
                deletions.frequencies = Self.randomKeys(keyCount, &random)
                let bytes = deletions.encode(segment: Self.segmentName)
                #expect(bytes.count == SegmentDeletions.fixedSize + (documentCount + 63) / 64 * 8 + 4 + keyCount * 8
                        + deletions.frequencies.keys.reduce(0) { $0 + $1.count } + IndexFormat.trailerSize)
                let path = folder.sub("deletions-\(variant)")
                try IncrementalKit.write(bytes, to: path)
                let file = try MappedFile(path: path)
                try IndexFormat.validateHeader(file.bytes, kind: .deletions, file: path)
                try IndexFormat.verifyChecksum(file.bytes, file: path)
                let mapped = try DeletionsFile(file: file, segment: Self.segmentName, documentCount: documentCount,
                                               deletedCount: expected.count)
                #expect(mapped.documentCount == documentCount && mapped.count == expected.count)
                #expect(mapped.tokenCount == deletions.tokenCount && mapped.titleTokenCount == deletions.titleTokenCount)
                #expect(mapped.keyCount == keyCount)
                #expect((0..<documentCount).allSatisfy { mapped.isDeleted($0) == expected.contains($0) })
                #expect((0..<documentCount).allSatisfy { deletions.contains($0) == expected.contains($0) })
                let sorted = deletions.frequencies.keys.sorted { $0.lexicographicallyPrecedes($1) }
                for (index, key) in sorted.enumerated() {
                    #expect(Array(mapped.key(at: index)) == key)
                    #expect(mapped.frequency(at: index) == deletions.frequencies[key])
                    #expect(key.withUnsafeBytes { mapped.deletedFrequency(of: $0) } == deletions.frequencies[key])
                }
                for absent in [[UInt8](), [0x00], [0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A], [0xFF]] {
                    #expect(absent.withUnsafeBytes { mapped.deletedFrequency(of: $0) } == 0)
                }
                #expect(try SegmentDeletions(mapped) == deletions, "the mutable form read back equals the one written")
                // The file must match the segment and the manifest it is named for.
                for (segment, documents, deleted) in [("seg-fedcba9876543210", documentCount, expected.count),
                                                      (Self.segmentName, documentCount + 1, expected.count),
                                                      (Self.segmentName, documentCount, expected.count + 1)] {
                    let error = IncrementalKit.indexError {
                        _ = try DeletionsFile(file: file, segment: segment, documentCount: documents, deletedCount: deleted)
                    }
                    guard case .corrupt(let named, _)? = error else {
                        Issue.record("variant \(variant): \(segment), \(documents), \(deleted) accepted: \(String(describing: error))")
                        continue
                    }
                    #expect(named == path)
                }
            }
        }
    }

    @Test("the table of source files round-trips, files without documents included")
    func sourceTableRoundTrip() throws {
        func segment(_ documents: UInt32) -> Manifest.Segment {
            Manifest.Segment(name: "seg-000000000000000\(documents % 10)", documentCount: documents, tokenCount: 0, titleTokenCount: 0,
                             files: Array(repeating: Manifest.FileInfo(size: 0, checksum: 0), count: 4))
        }
        let segments = [segment(10), segment(3)]
        let small = SourceTable(unit: "line", files: [
            SourceFile(key: "a.txt", fingerprint: FileFingerprint(of: Array("alpha\nbeta\n".utf8)), segment: 0, firstDocument: 0, documentCount: 4),
            SourceFile(key: "b/empty.txt", fingerprint: FileFingerprint(of: []), segment: -1, firstDocument: 0, documentCount: 0),
            SourceFile(key: "b/z.md", fingerprint: FileFingerprint(of: Array("# z".utf8)), segment: 1, firstDocument: 0, documentCount: 3),
            SourceFile(key: "ü/ñ.txt", fingerprint: FileFingerprint(size: .max, hash: .max, hash2: .max), segment: 0, firstDocument: 4, documentCount: 6),
        ])
        var random = TestRandom(seed: 5)
        var big: [SourceFile] = []
        var first = [0, 0]
        for number in 0..<400 {
            let documents = random.below(5) == 0 ? 0 : random.int(in: 1...3)
            let segment = documents == 0 ? -1 : random.below(2)
            big.append(SourceFile(key: "dir\(number / 100)/file-\(number).txt",
                                  fingerprint: FileFingerprint(size: random.next() >> 20, hash: random.next(), hash2: random.next()),
                                  segment: segment, firstDocument: documents == 0 ? 0 : first[segment], documentCount: documents))
            if documents > 0 { first[segment] += documents }
        }
        big.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let bigSegments = [segment(UInt32(first[0])), segment(UInt32(first[1]) + 5)]
        for (table, segments) in [(small, segments), (SourceTable(unit: "file", files: []), []), (SourceTable(unit: "paragraph", files: big), bigSegments)] {
            let bytes = table.encode()
            try bytes.withUnsafeBytes { try IndexFormat.validateHeader($0, kind: .sources, file: "t") }
            let decoded = try bytes.withUnsafeBytes { try SourceTable.decode($0, file: "t", segments: segments) }
            #expect(decoded == table)
        }

        // Checked against the manifest's segments, and keys in byte order.
        func decodeError(_ table: SourceTable, _ segments: [Manifest.Segment]) -> IndexError? {
            let bytes = table.encode()
            return IncrementalKit.indexError { _ = try bytes.withUnsafeBytes { try SourceTable.decode($0, file: "table", segments: segments) } }
        }
        #expect(decodeError(small, [segment(10)]) == .corrupt(file: "table", reason: "file 'b/z.md' names documents 0..<3 of segment 1, which the manifest does not have"))
        let shortSegment = decodeError(small, [segment(9), segment(3)])
        #expect(shortSegment.map { if case .corrupt("table", _) = $0 { true } else { false } } == true, "a range past its segment")
        var unsorted = small
        unsorted.files.swapAt(0, 1)
        let order = decodeError(unsorted, segments)
        #expect(order.map { if case .corrupt("table", _) = $0 { true } else { false } } == true, "keys out of order")
        var duplicate = small
        duplicate.files[1].key = "a.txt"
        #expect(decodeError(duplicate, segments) != nil, "a key twice")
    }

    @Test("a manifest with deletions and a source table round-trips; bad records are corrupt")
    func manifestRoundTrip() throws {
        let files = (0..<4).map { Manifest.FileInfo(size: UInt64(1000 + $0), checksum: UInt32(0xA0B0_C0D0 + $0)) }
        let deletions = Manifest.Deletions(count: 7, file: Manifest.NamedFile(name: "del-0123456789abcdef.deletes",
                                                                                 info: Manifest.FileInfo(size: 300, checksum: 0xDEAD_BEEF)))
        let segments = [
            Manifest.Segment(name: "seg-00000000000000a1", documentCount: 100, tokenCount: 5000, titleTokenCount: 300, files: files,
                             deletions: deletions),
            Manifest.Segment(name: "seg-00000000000000b2", documentCount: 3, tokenCount: 12, titleTokenCount: 0, files: files),
        ]
        let sources = Manifest.NamedFile(name: "src-00000000000000ff.sources", info: Manifest.FileInfo(size: 77, checksum: 1))
        let manifests = [
            Manifest(configuration: AnalyzerConfiguration(stemmer: .porter2, stopWords: .custom(["the", "ñ"])), generation: 42,
                     segments: segments, sources: sources),
            Manifest(configuration: IncrementalKit.configuration, generation: 1, segments: segments, sources: nil),
            Manifest(configuration: AnalyzerConfiguration(), generation: .max, segments: [], sources: sources),
        ]
        for manifest in manifests {
            let bytes = manifest.encode()
            #expect(try bytes.withUnsafeBytes { try Manifest.decode($0, file: "manifest") } == manifest)
        }
        func decodeError(_ manifest: Manifest) -> IndexError? {
            let bytes = manifest.encode()
            return IncrementalKit.indexError { _ = try bytes.withUnsafeBytes { try Manifest.decode($0, file: "manifest") } }
        }
        var tooMany = manifests[0]
        tooMany.segments[1].deletions = Manifest.Deletions(count: 4, file: deletions.file)
        #expect(decodeError(tooMany) == .corrupt(file: "manifest", reason: "segment seg-00000000000000b2 has 4 deleted of 3 documents"))
        var badName = manifests[0]
        badName.segments[0].deletions!.file.name = "../del-0123456789abcdef.deletes"
        #expect(decodeError(badName) != nil)
        var badSources = manifests[0]
        badSources.sources!.name = "src-0123.sources"
        #expect(decodeError(badSources) != nil)
        var twice = manifests[0]
        twice.segments[1].name = twice.segments[0].name
        #expect(decodeError(twice) == .corrupt(file: "manifest", reason: "a segment is named twice"))
    }

    // MARK: - Damage

    /// An index of files with a deletions file (kept: no purge) and a source table.
    static func damageFixture(_ folder: IndexTestFolder) throws -> (index: String, pristine: [String: Data]) {
        let root = folder.sub("docs")
        let index = folder.sub("index")
        var corpus = EditableFolder(root: root, seed: 909, jsonl: false)
        for _ in 0..<30 { try corpus.addFile(words: true) }
        let policy = MergePolicy(mergeFactor: 4, maxDeletedShare: 1)
        try IncrementalKit.update(root: root, index: index, unit: .file, mode: .create, policy: policy)
        _ = try corpus.deleteFile()
        _ = try corpus.deleteFile()
        _ = try corpus.editSameSize()
        try IncrementalKit.update(root: root, index: index, unit: .file, policy: policy)
        return (index, try IncrementalKit.snapshot(index))
    }

    static func restore(_ pristine: [String: Data], to index: String) throws {
        for name in try IndexTestKit.fileNames(index) where pristine[name] == nil { try FileManager.default.removeItem(atPath: index + "/" + name) }
        for (name, bytes) in pristine { try bytes.write(to: URL(fileURLWithPath: index + "/" + name)) }
    }

    static func expectCorrupt(_ error: IndexError?, naming file: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .corrupt(let named, _)? = error else {
            Issue.record("\(context): expected .corrupt naming \(file), got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(named == file, "\(context): \(String(describing: error))", sourceLocation: sourceLocation)
    }

    enum Damage: String, CaseIterable, Sendable {
        case flipMiddle, flipHeader, dropLastByte, half, empty

        func apply(_ bytes: [UInt8]) -> [UInt8] {
            var bytes = bytes
            switch self {
            case .flipMiddle: bytes[bytes.count / 2] ^= 0x10
            case .flipHeader: bytes[5] ^= 0x01
            case .dropLastByte: bytes.removeLast()
            case .half: bytes.removeLast(bytes.count / 2)
            case .empty: bytes = []
            }
            return bytes
        }
    }

    @Test("a damaged deletions file is refused as corrupt, naming it", arguments: Damage.allCases)
    func damagedDeletions(_ damage: Damage) throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try Self.damageFixture(folder)
            let name = try #require(pristine.keys.first { $0.hasPrefix("del-") })
            let path = index + "/" + name
            try IncrementalKit.write(damage.apply(Array(pristine[name]!)), to: path)
            Self.expectCorrupt(IncrementalKit.indexError { _ = try IndexReader(path: index, verifyChecksums: true) }, naming: path, "\(damage), verified")
            // Without checksums at open: refused at open, or by check().
            let unverified = IncrementalKit.indexError {
                let reader = try IndexReader(path: index, verifyChecksums: false)
                _ = try reader.check(deep: false)
            }
            Self.expectCorrupt(unverified, naming: path, "\(damage), unverified")
        }
    }

    @Test("a damaged source table is refused as corrupt, naming it, by check, a dry run and an update", arguments: Damage.allCases)
    func damagedSources(_ damage: Damage) throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try Self.damageFixture(folder)
            let name = try #require(pristine.keys.first { $0.hasPrefix("src-") })
            let path = index + "/" + name
            try IncrementalKit.write(damage.apply(Array(pristine[name]!)), to: path)
            let candidates = try IncrementalKit.candidates(folder.sub("docs"), unit: .file)
            Self.expectCorrupt(IncrementalKit.indexError { _ = try IndexReader(path: index, verifyChecksums: true) },
                               naming: path, "\(damage): verified open")
            Self.expectCorrupt(IncrementalKit.indexError {
                let reader = try IndexReader(path: index)
                _ = try reader.check(deep: false)
            }, naming: path, "\(damage): check")
            Self.expectCorrupt(IncrementalKit.indexError { _ = try IndexReader(path: index).indexedUnit() }, naming: path, "\(damage): unit")
            Self.expectCorrupt(IncrementalKit.indexError {
                _ = try IndexReader(path: index).planUpdate(with: candidates, extractor: IncrementalKit.extractor(.file))
            }, naming: path, "\(damage): dry run")
            Self.expectCorrupt(IncrementalKit.indexError {
                let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .update)
                defer { writer.close() }
                _ = try writer.update(with: candidates, extractor: IncrementalKit.extractor(.file))
            }, naming: path, "\(damage): update")
            #expect(try IncrementalKit.snapshot(index).filter { $0.key != name } == pristine.filter { $0.key != name },
                    "nothing written over a damaged table")
        }
    }

    /// Writes one byte of a file in place.
    static func poke(_ path: String, at offset: Int, _ byte: UInt8) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: [byte])
    }

    @Test("every single flipped byte of a deletions file or a source table is caught, never trapped on")
    func everyFlippedByte() throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try Self.damageFixture(folder)
            let deletions = try #require(pristine.keys.first { $0.hasPrefix("del-") })
            let deletionsPath = index + "/" + deletions
            let original = Array(pristine[deletions]!)
            var caughtAtOpen = 0
            for offset in original.indices {
                try Self.poke(deletionsPath, at: offset, original[offset] ^ 0x04)
                defer { try? Self.poke(deletionsPath, at: offset, original[offset]) }
                let error = IncrementalKit.indexError {
                    let reader = try IndexReader(path: index, verifyChecksums: false)
                    caughtAtOpen -= 1
                    // Whatever the damage, searching must not trap...
                    let searcher = Searcher(reader: reader)
                    for query in ["cat", "cat bear stone", "\"cat bear\"", "sto*"] {
                        _ = try? searcher.search(query, options: SearchOptions(limit: 5))
                    }
                    // ...and check() must find it.
                    _ = try reader.check(deep: true)
                }
                caughtAtOpen += 1
                if case .newerFormat(let file, _, _)? = error {
                    #expect(file == deletionsPath && (8..<12).contains(offset), "byte \(offset): \(error!)")
                } else {
                    Self.expectCorrupt(error, naming: deletionsPath, "deletions byte \(offset)")
                }
            }
            #expect(caughtAtOpen > 0)
            try IncrementalKit.write(original, to: deletionsPath)
            _ = try IndexReader(path: index, verifyChecksums: true).check(deep: true)

            let sources = try #require(pristine.keys.first { $0.hasPrefix("src-") })
            let sourcesPath = index + "/" + sources
            let table = Array(pristine[sources]!)
            for offset in table.indices {
                try Self.poke(sourcesPath, at: offset, table[offset] ^ 0x04)
                defer { try? Self.poke(sourcesPath, at: offset, table[offset]) }
                let verified = IncrementalKit.indexError { _ = try IndexReader(path: index, verifyChecksums: true) }
                // Unverified, the table is still checked before it is decoded.
                let unverified = IncrementalKit.indexError { _ = try IndexReader(path: index).sourceTable() }
                for error in [verified, unverified] {
                    if case .newerFormat(let file, _, _)? = error {
                        #expect(file == sourcesPath && (8..<12).contains(offset), "byte \(offset): \(error!)")
                    } else {
                        Self.expectCorrupt(error, naming: sourcesPath, "sources byte \(offset)")
                    }
                }
            }
            let reader = try IndexReader(path: index, verifyChecksums: true)
            #expect(try reader.sourceTable() != nil)
        }
    }
}


// MARK: - Update summaries

extension IncrementalIndexTests {
    static func summaryLine(_ summary: IndexUpdateSummary) -> String {
        "+\(summary.addedFiles.map(\.relativePath)) ~\(summary.changedFiles.map(\.relativePath)) -\(summary.removedFiles) =\(summary.unchangedFileCount); documents +\(summary.addedDocuments) ~\(summary.updatedDocuments) -\(summary.deletedDocuments) =\(summary.unchangedDocuments)"
    }

    @Test("update(with:) reports the files and documents added, changed, removed and unchanged")
    func updateSummaryCounts() throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            // Unit `line`: one document per non-blank line.
            try IncrementalKit.write("alpha one\nalpha two\n\nalpha three\n", to: root + "/a.txt")   // 3
            try IncrementalKit.write("beta\nbeta two\n", to: root + "/b.txt")                         // 2
            try IncrementalKit.write("gamma\n", to: root + "/c.txt")                                  // 1
            try IncrementalKit.write("# delta\ndelta body\n", to: root + "/sub/d.md")                 // 2
            try IncrementalKit.write("not indexed", to: root + "/notes.pdf")
            let first = try IncrementalKit.update(root: root, index: index, unit: .line, mode: .create)
            #expect(Self.summaryLine(first.summary) == "+[\"a.txt\", \"b.txt\", \"c.txt\", \"sub/d.md\"] ~[] -[] =0; documents +8 ~0 -0 =0")
            #expect(first.commit.documentCount == 8 && first.commit.addedDocumentCount == 8)

            // a.txt edited (3 → 2 lines), b.txt edited to the same size, c.txt removed, e.txt new,
            // d.md rewritten with its own bytes.
            try IncrementalKit.write("alpha one\nalpha four\n", to: root + "/a.txt")
            try IncrementalKit.write("beta\nbeta six\n", to: root + "/b.txt")
            try FileManager.default.removeItem(atPath: root + "/c.txt")
            try IncrementalKit.write("epsilon\nepsilon two\nepsilon three\n", to: root + "/e.txt")
            try IncrementalKit.write("# delta\ndelta body\n", to: root + "/sub/d.md")
            let candidates = try IncrementalKit.candidates(root, unit: .line)
            let plan = try IndexReader(path: index).planUpdate(with: candidates, extractor: IncrementalKit.extractor(.line))
            #expect(Self.summaryLine(plan) == "+[\"e.txt\"] ~[\"a.txt\", \"b.txt\"] -[\"c.txt\"] =1; documents +0 ~0 -6 =2",
                    "a dry run does not read new and changed files")
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .update)
            let summary = try writer.update(with: candidates, extractor: IncrementalKit.extractor(.line))
            #expect(Self.summaryLine(summary) == "+[\"e.txt\"] ~[\"a.txt\", \"b.txt\"] -[\"c.txt\"] =1; documents +3 ~4 -6 =2")
            #expect(summary.ingest.filesIndexed == 3 && summary.ingest.skipped.isEmpty)
            #expect(writer.hasChanges && writer.documentCount == 7)
            let commit = try writer.commit()
            writer.close()
            #expect(commit.documentCount == 9 && commit.addedDocumentCount == 7)
            let reader = try IndexReader(path: index)
            #expect(try IncrementalKit.liveIDs(reader) == ["a.txt#L1", "a.txt#L2", "b.txt#L1", "b.txt#L2", "e.txt#L1", "e.txt#L2", "e.txt#L3",
                                                           "sub/d.md#L1", "sub/d.md#L2"])
            #expect(try Searcher(reader: reader).search("six", options: SearchOptions(limit: 10)).hits.map(\.id) == ["b.txt#L2"])
            #expect(try reader.documentFrequency(of: "two") == 1, "b.txt's old line 2 is gone; e.txt's is there")

            // Nothing changed: no changes, and the commit leaves every file as it was.
            let before = try IncrementalKit.snapshot(index)
            let idle = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .update)
            let nothing = try idle.update(with: try IncrementalKit.candidates(root, unit: .line), extractor: IncrementalKit.extractor(.line))
            #expect(Self.summaryLine(nothing) == "+[] ~[] -[] =4; documents +0 ~0 -0 =9")
            #expect(!nothing.hasChanges && !idle.hasChanges)
            let idleCommit = try idle.commit()
            idle.close()
            #expect(idleCommit.generation == 2 && idleCommit.documentCount == 9)
            #expect(try IncrementalKit.snapshot(index) == before, "an update without changes writes nothing")
            #expect(try IndexReader(path: index).generation == 2)

            // Another unit: every file is replaced.
            let paragraphs = try IncrementalKit.update(root: root, index: index, unit: .paragraph)
            #expect(Self.summaryLine(paragraphs.summary) == "+[\"a.txt\", \"b.txt\", \"e.txt\", \"sub/d.md\"] ~[] -[\"a.txt\", \"b.txt\", \"e.txt\", \"sub/d.md\"] =0; documents +4 ~0 -9 =0")
            let paragraphReader = try IndexReader(path: index)
            #expect(try paragraphReader.indexedUnit() == "paragraph")
            #expect(try IncrementalKit.liveIDs(paragraphReader) == ["a.txt#L1", "b.txt#L1", "e.txt#L1", "sub/d.md#L1"])
            _ = try paragraphReader.check(deep: true)
            let again = try IncrementalKit.update(root: root, index: index, unit: .paragraph)
            #expect(!again.summary.hasChanges && again.summary.unchangedDocuments == 4)
            let files = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(files.summary.addedFiles.count == 4 && files.summary.removedFiles.count == 4 && files.summary.deletedDocuments == 4)
            #expect(try IndexReader(path: index).indexedUnit() == "file")
            #expect(try IncrementalKit.liveIDs(IndexReader(path: index)) == ["a.txt", "b.txt", "e.txt", "sub/d.md"])
        }
    }

    /// An index of three documents added with `add` (no file accounts for them), and a folder
    /// `docs` holding one new file, `a.txt`.
    static func untrackedIndex(in folder: IndexTestFolder) throws -> (root: String, index: String) {
        let root = folder.sub("docs")
        let index = folder.sub("index")
        try IndexTestKit.write([IndexTestDocument(id: "x", text: "old one"), IndexTestDocument(id: "y", text: "old two"),
                                IndexTestDocument(id: "z", text: "old three")], at: index)
        try IncrementalKit.write("new file\n", to: root + "/a.txt")
        return (root, index)
    }

    @Test("an update over an index built with add replaces its documents")
    func updateReplacesUntrackedDocuments() throws {
        try IndexTestFolder.with { folder in
            let (root, index) = try Self.untrackedIndex(in: folder)
            try IncrementalKit.write("another new file\n", to: root + "/b.txt")
            let candidates = try IncrementalKit.candidates(root, unit: .file)
            let plan = try IndexReader(path: index).planUpdate(with: candidates, extractor: IncrementalKit.extractor(.file))
            #expect(plan.addedFiles.count == 2 && plan.deletedDocuments == 3)
            let run = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(run.summary.addedFiles.count == 2 && run.summary.addedDocuments == 2)
            let reader = try IndexReader(path: index)
            #expect(try IncrementalKit.liveIDs(reader) == ["a.txt", "b.txt"])
            #expect(try reader.documentFrequency(of: "old") == 0)
            try Self.expectSourceTable(reader, files: ["a.txt": Array("new file\n".utf8), "b.txt": Array("another new file\n".utf8)],
                                       unit: .file, context: "replaced")
        }
    }

    @Test("update(with:) counts the documents it deletes from an index built with add")
    func updateCountsUntrackedDeletions() throws {
        try IndexTestFolder.with { folder in
            let (root, index) = try Self.untrackedIndex(in: folder)
            let run = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(run.summary.deletedDocuments == 3)
        }
    }
}

// MARK: - Regressions: bugs these tests found

extension IncrementalIndexTests {
    @Test("the same documents committed twice give two segments the manifest can name")
    func identicalSegmentsCommittedTwice() throws {
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IncrementalKit.configuration)
            try writer.add(id: "x", title: "", text: Array("hello world".utf8))
            try writer.commit()
            try writer.add(id: "x", title: "", text: Array("hello world".utf8))
            try writer.commit()
            writer.close()
            let reader = try IndexReader(path: folder.path)
            #expect(reader.documentCount == 2)
            _ = try reader.check(deep: true)
        }
        // The same from files: a JSONL file whose records repeat those of a file already indexed.
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            try IncrementalKit.write("{\"id\":\"1\",\"text\":\"hello\"}\n", to: root + "/x.jsonl")
            try IncrementalKit.update(root: root, index: index, unit: .file, mode: .create)
            try IncrementalKit.write("{\"id\":\"1\",\"text\":\"hello\"}\n", to: root + "/y.jsonl")
            try IncrementalKit.update(root: root, index: index, unit: .file)
            let reader = try IndexReader(path: index)
            #expect(reader.documentCount == 2)
        }
    }

    @Test("a file that gives no document is recorded by the update that finds it")
    func emptyFileRecorded() throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            try IncrementalKit.write("one two\nthree\n", to: root + "/a.txt")
            try IncrementalKit.update(root: root, index: index, unit: .line, mode: .create)
            try IncrementalKit.write("\n  \n", to: root + "/blank.txt")
            let added = try IncrementalKit.update(root: root, index: index, unit: .line)
            #expect(added.summary.addedFiles.map(\.relativePath) == ["blank.txt"])
            let next = try IncrementalKit.update(root: root, index: index, unit: .line)
            #expect(!next.summary.hasChanges, "blank.txt reported again: \(Self.summaryLine(next.summary))")
            #expect(try IndexReader(path: index).sourceTable()?.files.map(\.key) == ["a.txt", "blank.txt"])

            // Recorded with another change, then removed alone.
            try IncrementalKit.write("four\n", to: root + "/b.txt")
            try IncrementalKit.update(root: root, index: index, unit: .line)
            try FileManager.default.removeItem(atPath: root + "/blank.txt")
            let removed = try IncrementalKit.update(root: root, index: index, unit: .line)
            #expect(removed.summary.removedFiles == ["blank.txt"])
            let after = try IncrementalKit.update(root: root, index: index, unit: .line)
            #expect(!after.summary.hasChanges, "blank.txt reported removed again: \(Self.summaryLine(after.summary))")
        }
    }

    @Test("with several roots a file's key is its document id")
    func multiRootKeys() throws {
        try IndexTestFolder.with { folder in
            let one = folder.sub("one")
            let two = folder.sub("two")
            let index = folder.sub("index")
            try IncrementalKit.write("alpha\n", to: one + "/a.txt")
            try IncrementalKit.write("beta\n", to: two + "/b.txt")
            let options = IngestOptions()
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration)
            _ = try writer.update(with: try CorpusWalker(roots: [one, two], options: options).walk().candidates, extractor: DocumentExtractor(options: options))
            try writer.commit()
            writer.close()
            let reader = try IndexReader(path: index)
            #expect(try IncrementalKit.liveIDs(reader) == ["one/a.txt", "two/b.txt"])
            #expect(try reader.sourceTable()?.files.map(\.key) == ["one/a.txt", "two/b.txt"])
            try FileManager.default.removeItem(atPath: one + "/a.txt")
            let plan = try reader.planUpdate(with: try CorpusWalker(roots: [one, two], options: options).walk().candidates,
                                             extractor: DocumentExtractor(options: options))
            #expect(plan.removedFiles == ["one/a.txt"])
        }
    }

    /// Found by `everyFlippedByte`: `IndexReader.init` subtracted the deleted token counts
    /// before checking them, an arithmetic-overflow trap (fixed since).
    @Test("a deletions file whose deleted token count passes its segment's is refused, not trapped on")
    func damagedDeletedTokenCount() throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try Self.damageFixture(folder)
            let name = try #require(pristine.keys.first { $0.hasPrefix("del-") })
            let path = index + "/" + name
            // The high byte of the deleted text-token count (a u64 at header + 8).
            let offset = IndexFormat.headerSize + 8 + 7
            try Self.poke(path, at: offset, Array(pristine[name]!)[offset] ^ 0x40)
            Self.expectCorrupt(IncrementalKit.indexError { _ = try IndexReader(path: index) }, naming: path, "token count")
            Self.expectCorrupt(IncrementalKit.indexError {
                _ = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .update)
            }, naming: path, "writer")
        }
    }

    @Test("an update never re-signs a damaged deletions file")
    func damagedDeletionsNotLaundered() throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try Self.damageFixture(folder)
            let name = try #require(pristine.keys.first { $0.hasPrefix("del-") })
            let path = index + "/" + name
            let bytes = Array(pristine[name]!)
            // The first key's deleted frequency: after the header, bitmap and key offsets.
            let documents = Int(bytes[16]) | Int(bytes[17]) << 8 | Int(bytes[18]) << 16
            let keyCount = Int(bytes[40]) | Int(bytes[41]) << 8 | Int(bytes[42]) << 16
            let frequency = SegmentDeletions.fixedSize + (documents + 63) / 64 * 8 + (keyCount + 1) * 4
            try Self.poke(path, at: frequency, bytes[frequency] ^ 0x01)
            // Delete another file of the same (only) segment and commit.
            let root = folder.sub("docs")
            let victim = try IncrementalKit.candidates(root, unit: .file)[3]
            try FileManager.default.removeItem(atPath: victim.path)
            let error = IncrementalKit.indexError {
                try IncrementalKit.update(root: root, index: index, unit: .file, policy: MergePolicy(mergeFactor: 4, maxDeletedShare: 1))
            }
            if let error {
                Self.expectCorrupt(error, naming: path, "the update refuses the damaged file")
            } else {
                // Committed: then the index must be sound, not damaged under a valid checksum.
                _ = try IndexReader(path: index, verifyChecksums: true).check(deep: true)
            }
        }
    }

    @Test("a second update(with:) before the commit does not add new files twice")
    func updateTwiceBeforeCommit() throws {
        try IndexTestFolder.with { folder in
            let root = folder.sub("docs")
            let index = folder.sub("index")
            try IncrementalKit.write("alpha\n", to: root + "/a.txt")
            try IncrementalKit.update(root: root, index: index, unit: .file, mode: .create)
            try IncrementalKit.write("beta\n", to: root + "/b.txt")
            let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .update)
            let candidates = try IncrementalKit.candidates(root, unit: .file)
            _ = try writer.update(with: candidates, extractor: IncrementalKit.extractor(.file))
            let second = try writer.update(with: candidates, extractor: IncrementalKit.extractor(.file))
            #expect(second.addedFiles.isEmpty && second.addedDocuments == 0)
            try writer.commit()
            writer.close()
            #expect(try IncrementalKit.liveIDs(IndexReader(path: index)) == ["a.txt", "b.txt"])
            let next = try IncrementalKit.update(root: root, index: index, unit: .file)
            #expect(!next.summary.hasChanges, Comment(rawValue: Self.summaryLine(next.summary)))
        }
    }
}
