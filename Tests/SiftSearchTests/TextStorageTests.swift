import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex
@_spi(SiftInternal) import SiftStorage

/// An index built without stored text (`TextStorage.none`) keeps a forward index of each
/// document's terms instead: it must search exactly as one with the text (postings are the
/// same), give RM3 the same feedback terms, count deletions exactly, and refuse what needs
/// the text with `IndexError.noStoredText`.
@Suite struct TextStorageTests {
    /// Writes `documents` at `path` with `storage`, a small memory budget so that partial
    /// segments are written and merged.
    static func write(_ documents: [IndexTestDocument], at path: String, storage: TextStorage,
                      memoryBudget: Int = 1 << 20) throws {
        let writer = try IndexWriter(path: path, configuration: IndexTestKit.plain, memoryBudget: memoryBudget, mode: .replace,
                                     storage: storage)
        defer { writer.close() }
        for document in documents { try writer.add(id: document.id, title: document.title, text: document.text) }
        try writer.commit()
    }

    static func corpus(seed: UInt64, count: Int = 700) -> RandomCorpus {
        RandomCorpus.make(seed: seed, documentCount: count, vocabularySize: 300, lengthRange: 0...150)
    }

    /// Queries of every kind: terms, required terms, phrases, title terms, prefixes.
    static func queries(_ corpus: RandomCorpus, seed: UInt64) -> [String] {
        var random = TestRandom(seed: seed)
        var queries: [String] = []
        for round in 0..<30 {
            let terms = corpus.randomQuery(&random)
            switch round % 5 {
            case 1: queries.append("+" + terms.joined(separator: " +"))
            case 2: queries.append("\"\(terms[0]) \(corpus.vocabulary[random.below(corpus.vocabulary.count)])\"")
            case 3: queries.append("title:w0 " + terms.joined(separator: " "))
            case 4: queries.append("w1* " + terms[0])
            default: queries.append(terms.joined(separator: " "))
            }
        }
        return queries
    }

    /// Hits of both searchers at several k, pruned and exhaustive, and with RM3: the same
    /// documents, order, bit-identical scores and expansions.
    static func expectSameSearches(_ text: Searcher, _ none: Searcher, queries: [String],
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        for query in queries {
            for k in [1, 10, 100] {
                for exhaustive in [false, true] {
                    let options = SearchOptions(limit: k, exhaustive: exhaustive, countTotalHits: true)
                    let a = try text.search(query, options: options)
                    let b = try none.search(query, options: options)
                    #expect(PruningEquivalenceTests.signature(a) == PruningEquivalenceTests.signature(b),
                            "'\(query)' at k = \(k)", sourceLocation: sourceLocation)
                    #expect(a.totalHits == b.totalHits, "'\(query)'", sourceLocation: sourceLocation)
                }
            }
            let rm3 = SearchOptions(limit: 10, rm3: RM3Parameters(feedbackDocuments: 5, feedbackTerms: 12, originalWeight: 0.4))
            let a = try text.search(query, options: rm3)
            let b = try none.search(query, options: rm3)
            // The same feedback documents and terms (the hits differ only in their snapshots).
            #expect(a.expansion?.terms == b.expansion?.terms, "RM3 '\(query)'", sourceLocation: sourceLocation)
            #expect(a.expansion?.feedbackDocuments.map(\.id) == b.expansion?.feedbackDocuments.map(\.id), "RM3 '\(query)'",
                    sourceLocation: sourceLocation)
            #expect(a.expansion?.originalBoost == b.expansion?.originalBoost, "RM3 '\(query)'", sourceLocation: sourceLocation)
            #expect(PruningEquivalenceTests.signature(a) == PruningEquivalenceTests.signature(b),
                    "RM3 '\(query)'", sourceLocation: sourceLocation)
        }
    }

    @Test("without stored text: the same postings, positions and terms files, and the same hits, scores and RM3 expansions",
          arguments: 0..<2)
    func searchesAsWithText(seed: Int) throws {
        let corpus = Self.corpus(seed: UInt64(9100 + seed))
        try IndexTestFolder.with { folder in
            let textPath = folder.sub("text")
            let nonePath = folder.sub("none")
            try Self.write(corpus.documents, at: textPath, storage: .text)
            try Self.write(corpus.documents, at: nonePath, storage: .none)
            // Only the documents files and the manifest differ.
            for kind in [IndexFormat.FileKind.terms, .postings, .positions] {
                #expect(FileManager.default.contents(atPath: try IndexTestKit.file(kind, in: textPath))
                        == FileManager.default.contents(atPath: try IndexTestKit.file(kind, in: nonePath)), "\(kind) differs")
            }
            #expect(FileManager.default.contents(atPath: try IndexTestKit.file(.documents, in: textPath))
                    != FileManager.default.contents(atPath: try IndexTestKit.file(.documents, in: nonePath)))
            let text = try IndexReader(path: textPath)
            let none = try IndexReader(path: nonePath)
            #expect(text.storage == .text)
            #expect(none.storage == .none)
            #expect(try IndexTestKit.fileNames(nonePath).contains { $0.hasSuffix(".docs") })
            _ = try none.check(deep: true)
            try Self.expectSameSearches(Searcher(reader: text), Searcher(reader: none), queries: Self.queries(corpus, seed: UInt64(seed)))
        }
    }

    @Test("the forward index gives each document's terms and counts, text and title apart; text reads throw noStoredText")
    func termCounts() throws {
        let corpus = Self.corpus(seed: 9200, count: 200)
        try IndexTestFolder.with { folder in
            try Self.write(corpus.documents, at: folder.path, storage: .none)
            let reader = try IndexReader(path: folder.path)
            for (number, expected) in corpus.frequencies.enumerated() {
                let counts = try #require(try reader.termCounts(of: number, field: .text))
                #expect(counts.map(\.term).elementsEqual(counts.map(\.term).sorted { $0.lexicographicallyPrecedes($1) }))
                let found = Dictionary(uniqueKeysWithValues: counts.map { (String(decoding: $0.term, as: UTF8.self), $0.frequency) })
                #expect(found == expected, "document \(number)")
                let title = try #require(try reader.termCounts(of: number, field: .title))
                #expect(Set(title.map { String(decoding: $0.term, as: UTF8.self) }) == ["title", "w0", "\(number)"])
            }
            #expect(throws: IndexError.documentOutOfRange(200, count: 200)) { try reader.termCounts(of: 200) }
            #expect(throws: IndexError.noStoredText(path: folder.path)) { try reader.document(at: 0) }
            #expect(throws: IndexError.noStoredText(path: folder.path)) { try reader.texts(of: [0, 1]) }
            // The id and title are still there.
            #expect(try reader.documentHeader(3) == ("doc-3", "Title w0 3"))
            let searcher = Searcher(reader: reader)
            let results = try searcher.search("w1")
            #expect(!results.hits.isEmpty)
            #expect(results.hits[0].id.hasPrefix("doc-"))
            #expect(throws: SearchError.index(.noStoredText(path: folder.path))) { try searcher.snippet(for: results.hits[0], in: results) }
        }
        try IndexTestFolder.with { folder in
            try Self.write(corpus.documents, at: folder.path, storage: .text)
            #expect(try IndexReader(path: folder.path).termCounts(of: 0) == nil)
        }
    }

    @Test("deletions and merges counted from the forward index: statistics and hits as with stored text")
    func deletionsAndMerges() throws {
        let corpus = Self.corpus(seed: 9300, count: 900)
        var random = TestRandom(seed: 9301)
        let deleted = Set((0..<250).map { _ in "doc-\(random.below(900))" })
        try IndexTestFolder.with { folder in
            var searchers: [Searcher] = []
            for storage in TextStorage.allCases {
                let path = folder.sub(storage.rawValue)
                try Self.write(corpus.documents, at: path, storage: storage)
                // Deletions in one commit, a merge in the next: counted exactly each time.
                let writer = try IndexWriter(path: path, configuration: IndexTestKit.plain, mode: .open, storage: storage)
                for id in deleted.sorted() { _ = try writer.deleteDocuments(withID: id) }
                try writer.commit()
                writer.close()
                searchers.append(Searcher(reader: try IndexReader(path: path)))
            }
            #expect(searchers[0].reader.documentCount == 900 - deleted.count)
            #expect(searchers[0].reader.averageDocumentLength == searchers[1].reader.averageDocumentLength)
            for word in corpus.vocabulary.prefix(40) {
                #expect(try searchers[0].reader.documentFrequency(of: word) == searchers[1].reader.documentFrequency(of: word))
            }
            _ = try searchers[1].reader.check(deep: true)
            try Self.expectSameSearches(searchers[0], searchers[1], queries: Array(Self.queries(corpus, seed: 3).prefix(10)))

            var merged: [Searcher] = []
            for storage in TextStorage.allCases {
                let path = folder.sub(storage.rawValue)
                let writer = try IndexWriter(path: path, configuration: IndexTestKit.plain, mode: .open, storage: storage)
                writer.forceMerge()
                try writer.commit()
                writer.close()
                merged.append(Searcher(reader: try IndexReader(path: path)))
            }
            #expect(merged[1].reader.segmentCount == 1)
            #expect(merged[1].reader.storage == .none)
            _ = try merged[1].reader.check(deep: true)
            try Self.expectSameSearches(merged[0], merged[1], queries: Array(Self.queries(corpus, seed: 4).prefix(10)))
        }
    }

    @Test("without stored text, the index is byte for byte the same for any memory budget (partial segments merged)")
    func sameBytesForAnyBudget() throws {
        let corpus = Self.corpus(seed: 9600, count: 3000)
        try IndexTestFolder.with { folder in
            try Self.write(corpus.documents, at: folder.sub("small"), storage: .none, memoryBudget: 1 << 20)
            try Self.write(corpus.documents, at: folder.sub("large"), storage: .none, memoryBudget: 512 << 20)
            let small = try IndexTestKit.fileNames(folder.sub("small"))
            #expect(small == (try IndexTestKit.fileNames(folder.sub("large"))))
            for name in small {
                #expect(FileManager.default.contents(atPath: folder.sub("small/" + name)) == FileManager.default.contents(atPath: folder.sub("large/" + name)),
                        "\(name) differs")
            }
        }
    }

    @Test("a reorder (graph bisection) keeps the forward index: the same hits as a reordered index with text, and a deep check passes")
    func reorderKeepsForwardIndex() throws {
        let corpus = Self.corpus(seed: 9700, count: 800)
        try IndexTestFolder.with { folder in
            var searchers: [Searcher] = []
            for storage in TextStorage.allCases {
                let path = folder.sub(storage.rawValue)
                try Self.write(corpus.documents, at: path, storage: storage)
                let writer = try IndexWriter(path: path, configuration: IndexTestKit.plain, mode: .open, storage: storage)
                _ = try writer.deleteDocuments(withID: "doc-5")
                writer.forceMerge(reorderingDocuments: true)
                try writer.commit()
                writer.close()
                searchers.append(Searcher(reader: try IndexReader(path: path)))
            }
            #expect(searchers[1].reader.storage == .none)
            _ = try searchers[1].reader.check(deep: true)
            try Self.expectSameSearches(searchers[0], searchers[1], queries: Array(Self.queries(corpus, seed: 5).prefix(10)))
            // Each document's forward terms moved with it.
            for number in [0, 17, 400] {
                let id = try searchers[1].reader.documentHeader(number).id
                let original = corpus.frequencies[Int(id.dropFirst(4))!]
                let counts = try #require(try searchers[1].reader.termCounts(of: number))
                #expect(Dictionary(uniqueKeysWithValues: counts.map { (String(decoding: $0.term, as: UTF8.self), $0.frequency) }) == original)
            }
        }
    }

    @Test("an update keeps the index's storage; asking for the other is settingsMismatch")
    func updateKeepsStorage() throws {
        let corpus = Self.corpus(seed: 9400, count: 50)
        try IndexTestFolder.with { folder in
            try Self.write(corpus.documents, at: folder.path, storage: .none)
            #expect(throws: IndexError.settingsMismatch(path: folder.path, setting: "stored text", stored: "none", requested: "text")) {
                _ = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: .open, storage: .text)
            }
            // Not saying which: the index's own.
            let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: .open)
            #expect(writer.storage == .none)
            try writer.add(id: "extra", title: "", text: Array("w1 w2 w2".utf8))
            try writer.commit()
            writer.close()
            let reader = try IndexReader(path: folder.path)
            #expect(reader.storage == .none)
            #expect(reader.segmentCount == 2)
            #expect(try reader.termCounts(of: 50)!.map { String(decoding: $0.term, as: UTF8.self) + "=\($0.frequency)" } == ["w1=1", "w2=2"])
            // A new build (create) may choose again.
            try Self.write(corpus.documents, at: folder.path, storage: .text)
            #expect(try IndexReader(path: folder.path).storage == .text)
        }
    }

    /// The damage tests' helpers: the file of `suffix`, rewritten by `change` with a valid checksum.
    static func damage(_ path: String, suffix: String, _ change: (inout [UInt8]) -> Void) throws -> String {
        let name = try #require(try IndexTestKit.fileNames(path).first { $0.hasSuffix(suffix) })
        let file = path + "/" + name
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        let old = Array(bytes.suffix(4))
        change(&bytes)
        Self.fixChecksum(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        // The manifest records each file's trailer: the new one replaces the old.
        let manifestPath = path + "/" + IndexFormat.manifestName
        var manifest = Array(try Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        let at = try #require(manifest.indices.dropLast(4).first { Array(manifest[$0..<($0 + 4)]) == old })
        manifest.replaceSubrange(at..<(at + 4), with: bytes.suffix(4))
        Self.fixChecksum(&manifest)
        try Data(manifest).write(to: URL(fileURLWithPath: manifestPath))
        return file
    }

    static func fixChecksum(_ bytes: inout [UInt8]) {
        let crc = CRC32C.checksum(Array(bytes.dropLast(4)))
        bytes.replaceSubrange((bytes.count - 4)..., with: withUnsafeBytes(of: crc.littleEndian, Array.init))
    }

    static func openError(_ path: String) -> IndexError? {
        do {
            _ = try IndexReader(path: path).check(deep: true)
            return nil
        } catch {
            return error
        }
    }

    @Test("an unknown stored-text code in the manifest, unknown document flags, and a documents file that contradicts the manifest are damage")
    func damagedStorageFields() throws {
        let corpus = Self.corpus(seed: 9500, count: 30)
        try IndexTestFolder.with { folder in
            try Self.write(corpus.documents, at: folder.path, storage: .none)
            let pristine = try IndexTestKit.fileNames(folder.path).map { ($0, try Data(contentsOf: URL(fileURLWithPath: folder.sub($0)))) }
            func restore() throws { for (name, data) in pristine { try data.write(to: URL(fileURLWithPath: folder.sub(name))) } }

            // The flags word of the documents header (offset 40): 3 is no known value.
            let docs = try Self.damage(folder.path, suffix: ".docs") { $0[40] = 3 }
            #expect(Self.openError(folder.path) == .corrupt(file: docs, reason: "unknown document flags 3"))
            try restore()
            // Text flag in a segment of an index without text: the two disagree.
            _ = try Self.damage(folder.path, suffix: ".docs") { $0[40] = 1 }
            let error = Self.openError(folder.path)
            guard case .corrupt(let file, let reason)? = error else {
                Issue.record("expected corrupt, got \(String(describing: error))")
                return
            }
            #expect(file == docs)
            #expect(reason.contains("stored-text setting (none)") || reason.contains("layout"), "\(reason)")
            try restore()
            // The manifest's stored-text byte follows the stemmer, the stop words and the
            // analyzer version: 7 is no known value.
            let manifestPath = folder.sub(IndexFormat.manifestName)
            var manifest = Array(try Data(contentsOf: URL(fileURLWithPath: manifestPath)))
            #expect(manifest[22] == 1)
            manifest[22] = 7
            Self.fixChecksum(&manifest)
            try Data(manifest).write(to: URL(fileURLWithPath: manifestPath))
            #expect(Self.openError(folder.path) == .corrupt(file: manifestPath, reason: "unknown stored-text code 7"))
            try restore()
            #expect(Self.openError(folder.path) == nil)
        }
    }

    @Test("a forward record naming a term out of order or past the dictionary, or whose counts disagree with the postings, is damage")
    func damagedForwardRecords() throws {
        try IndexTestFolder.with { folder in
            // Two documents of distinct words: "b c" and "a": ordinals a=0, b=1, c=2.
            try Self.write([IndexTestDocument(id: "x", text: "b c"), IndexTestDocument(id: "y", text: "a")], at: folder.path, storage: .none)
            let name = try #require(try IndexTestKit.fileNames(folder.path).first { $0.hasSuffix(".docs") })
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: folder.sub(name))))
            // Document y's record ends the records: id "y", title "", 1 term, step 0 << 1 (ordinal 0).
            let record: [UInt8] = [1, UInt8(ascii: "y"), 0, 1, 0]
            let at = try #require(original.indices.first { Array(original[$0..<min($0 + record.count, original.count)]) == record })
            let manifest = try Data(contentsOf: URL(fileURLWithPath: folder.sub(IndexFormat.manifestName)))
            for (patch, reason) in [(UInt8(3 << 1), "term 3 of 3"), (UInt8(1 << 1), "the documents' terms list term")] {
                try Data(original).write(to: URL(fileURLWithPath: folder.sub(name)))
                try manifest.write(to: URL(fileURLWithPath: folder.sub(IndexFormat.manifestName)))
                _ = try Self.damage(folder.path, suffix: ".docs") { $0[at + 4] = patch }
                let error = Self.openError(folder.path)
                guard case .corrupt(let file, let message)? = error else {
                    Issue.record("expected corrupt, got \(String(describing: error))")
                    continue
                }
                #expect(file == folder.sub(name))
                #expect(message.contains(reason), "\(message)")
            }
        }
    }
}
