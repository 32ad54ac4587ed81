import Foundation
import Sift
@_spi(SiftInternal) import SiftIndex

/// A fresh folder for one index test, removed afterwards.
package struct IndexTestFolder {
    package let url: URL
    package var path: String { url.path }

    private init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sift-index-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Runs `body` with a new folder and removes it afterwards, even if `body` throws.
    package static func with<Result>(_ body: (IndexTestFolder) throws -> Result) throws -> Result {
        let folder = try IndexTestFolder()
        defer { try? FileManager.default.removeItem(at: folder.url) }
        return try body(folder)
    }

    /// `path/relative`.
    package func sub(_ relative: String) -> String { path + "/" + relative }
}

/// One document as the tests give it to the writer.
package struct IndexTestDocument: Equatable {
    package var id: String
    package var title: String
    package var text: [UInt8]

    package init(id: String, title: String = "", text: String) {
        self.id = id
        self.title = title
        self.text = Array(text.utf8)
    }

    package init(id: String, title: String, bytes: [UInt8]) {
        self.id = id
        self.title = title
        self.text = bytes
    }
}

/// Helpers shared by the Index and Search tests.
package enum IndexTestKit {
    /// Plain analysis: no stemming, no stop words, so a test's words are its terms.
    package static let plain = AnalyzerConfiguration(stemmer: .none, stopWords: .none)

    /// Writes `documents` as the index at `path` and commits it.
    @discardableResult
    package static func write(_ documents: [IndexTestDocument], at path: String,
                      configuration: AnalyzerConfiguration = plain) throws -> CommitSummary {
        let writer = try IndexWriter(path: path, configuration: configuration, mode: .replace)
        defer { writer.close() }
        for document in documents { try writer.add(id: document.id, title: document.title, text: document.text) }
        return try writer.commit()
    }

    /// An index with every kind of file: `documents`, plus two files indexed from a folder (a
    /// source table), then the documents with ids in `deleting` deleted by a second commit (a
    /// deletions file).
    package static func writeEveryKind(_ documents: [IndexTestDocument], at path: String, deleting ids: [String],
                               configuration: AnalyzerConfiguration = plain) throws {
        let sources = path + "-sources"
        try FileManager.default.createDirectory(atPath: sources, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: sources) }
        try Data("alpha beta from a file".utf8).write(to: URL(fileURLWithPath: sources + "/one.txt"))
        try Data("gamma delta from another file".utf8).write(to: URL(fileURLWithPath: sources + "/two.txt"))
        let writer = try IndexWriter(path: path, configuration: configuration)
        for document in documents { try writer.add(id: document.id, title: document.title, text: document.text) }
        _ = try writer.addFiles(try CorpusWalker(roots: [sources], options: IngestOptions()).walk().candidates, extractor: DocumentExtractor())
        try writer.commit()
        writer.close()
        let updater = try IndexWriter(path: path, configuration: configuration, mode: .openOrCreate)
        defer { updater.close() }
        for id in ids { try updater.deleteDocuments(withID: id) }
        try updater.commit()
    }

    /// The names of an index folder's files (without the lock file), sorted.
    package static func fileNames(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).filter { $0 != IndexFormat.lockName }.sorted()
    }

    /// The path of the file of `kind` in the single-segment index at `path`.
    package static func file(_ kind: IndexFormat.FileKind, in path: String) throws -> String {
        if kind == .manifest { return path + "/" + IndexFormat.manifestName }
        let prefix = kind == .deletions ? "del-" : kind == .sources ? "src-" : "seg-"
        let names = try fileNames(path).filter { $0.hasPrefix(prefix) && $0.hasSuffix("." + kind.fileExtension) }
        guard names.count == 1 else { throw IndexTestFailure("expected one .\(kind.fileExtension) file, found \(names)") }
        return path + "/" + names[0]
    }

    /// The `IndexError` behind an error from the reader or the searcher, if it is one.
    package static func indexError(_ error: any Error) -> IndexError? {
        if let error = error as? IndexError { return error }
        if case .index(let inner)? = error as? SearchError { return inner }
        return nil
    }

    /// True when `actual` is within `relative` of `expected` (relative to the larger magnitude).
    package static func close(_ actual: Double, _ expected: Double, relative: Double = 1e-5) -> Bool {
        abs(actual - expected) <= relative * max(abs(actual), abs(expected), 1e-30)
    }
}

package struct IndexTestFailure: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// A random corpus over a small vocabulary, with the counts an in-test BM25 needs.
package struct RandomCorpus {
    package var vocabulary: [String]
    package var documents: [IndexTestDocument] = []
    /// Per document: term → frequency.
    package var frequencies: [[String: Int]] = []
    package var lengths: [Int] = []

    package init(vocabulary: [String], documents: [IndexTestDocument] = [], frequencies: [[String: Int]] = [], lengths: [Int] = []) {
        self.vocabulary = vocabulary
        self.documents = documents
        self.frequencies = frequencies
        self.lengths = lengths
    }

    package var documentCount: Int { documents.count }
    package var averageLength: Double {
        documents.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(documents.count)
    }

    package func documentFrequency(_ term: String) -> Int {
        frequencies.reduce(0) { $0 + ($1[term] != nil ? 1 : 0) }
    }

    /// `count` documents whose words follow a Zipf-like law (word i has weight 1/(i+1)^s).
    /// Some documents are empty, some repeat one word hundreds of times. With `titles`, each
    /// has a title holding a vocabulary word, which must not change text scores.
    package static func make(seed: UInt64, documentCount: Int, vocabularySize: Int = 40, exponent: Double = 1.0,
                     lengthRange: ClosedRange<Int> = 0...60, titles: Bool = true) -> RandomCorpus {
        var random = TestRandom(seed: seed)
        let vocabulary = (0..<vocabularySize).map { "w\($0)" }
        var cumulative: [Double] = []
        var total = 0.0
        for index in 0..<vocabularySize {
            total += 1 / pow(Double(index + 1), exponent)
            cumulative.append(total)
        }
        func pick() -> Int {
            let target = random.unit() * total
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] < target { low = middle + 1 } else { high = middle }
            }
            return low
        }
        var corpus = RandomCorpus(vocabulary: vocabulary)
        let separators = [" ", "  ", "\n", ", ", ". ", " — ", "\t"]
        for number in 0..<documentCount {
            var words: [String] = []
            let roll = random.below(40)
            if roll == 0 {
                words = []  // an empty document still counts in N and avgLen
            } else if roll == 1 {
                // One word repeated many times: large term frequencies in a bit-packed block.
                let word = vocabulary[pick()]
                words = Array(repeating: word, count: random.int(in: 100...700))
                words += (0..<random.int(in: 0...5)).map { _ in vocabulary[pick()] }
            } else {
                let length = random.int(in: lengthRange)
                words = (0..<length).map { _ in vocabulary[pick()] }
            }
            var text = ""
            for (index, word) in words.enumerated() {
                if index > 0 { text += separators[random.below(separators.count)] }
                // Case is folded by the analyzer: the term stays the same.
                text += random.below(10) == 0 ? word.uppercased() : word
            }
            var counts: [String: Int] = [:]
            for word in words { counts[word, default: 0] += 1 }
            // Titles are a field of their own: bare query terms never score against them.
            corpus.documents.append(IndexTestDocument(id: "doc-\(number)", title: titles ? "Title w0 \(number)" : "", text: text))
            corpus.frequencies.append(counts)
            corpus.lengths.append(words.count)
        }
        return corpus
    }

    /// A random query of 1...5 terms (repeats allowed), now and then a word in no document.
    package func randomQuery(_ random: inout TestRandom) -> [String] {
        (0..<random.int(in: 1...5)).map { _ in
            random.below(12) == 0 ? "absent\(random.below(3))" : vocabulary[random.below(vocabulary.count)]
        }
    }

    /// BM25 of every document for `query` (terms as analyzed), from the statistics the test
    /// counted itself and the library's reference formula in Double (`BM25Parameters.score`).
    /// Documents matching no term are left out.
    package func expectedScores(_ query: [String], k1: Double = 1.2, b: Double = 0.75) -> [Int: Double] {
        var counts: [String: Int] = [:]
        for term in query { counts[term, default: 0] += 1 }
        let parameters = BM25Parameters(k1: k1, b: b)
        var scores: [Int: Double] = [:]
        for (term, repeats) in counts {
            let df = documentFrequency(term)
            guard df > 0 else { continue }
            for document in 0..<documentCount {
                guard let tf = frequencies[document][term] else { continue }
                scores[document, default: 0] += Double(repeats) * parameters.score(
                    termFrequency: tf, documentFrequency: df, documentCount: documentCount, length: lengths[document],
                    averageLength: averageLength)
            }
        }
        return scores
    }
}
