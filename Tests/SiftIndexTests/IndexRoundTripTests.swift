import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage

/// A committed index, reopened, answers exactly as it was written.
@Suite struct IndexRoundTripTests {
    static func queries(_ corpus: RandomCorpus, count: Int, seed: UInt64) -> [String] {
        var random = TestRandom(seed: seed)
        return (0..<count).map { _ in corpus.randomQuery(&random).joined(separator: " ") }
    }

    @Test("two separately opened readers give identical hits and scores", arguments: [3, 17, 101] as [UInt64])
    func twoReadersAgree(seed: UInt64) throws {
        let corpus = RandomCorpus.make(seed: seed, documentCount: 400)
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(corpus.documents, at: folder.path)
            let first = Searcher(reader: try IndexReader(path: folder.path))
            let second = Searcher(reader: try IndexReader(path: folder.path))
            let unchecked = Searcher(reader: try IndexReader(path: folder.path, verifyChecksums: false))
            for query in Self.queries(corpus, count: 60, seed: seed) {
                for options in [SearchOptions(), SearchOptions(limit: 1000), SearchOptions(limit: 7, offset: 3, bm25: BM25Parameters(k1: 0.9, b: 0.4))] {
                    let a = try first.search(query, options: options)
                    let b = try second.search(query, options: options)
                    let c = try unchecked.search(query, options: options)
                    #expect(a.hits == b.hits, "'\(query)'")
                    #expect(a.hits == c.hits, "'\(query)' without checksum verification")
                    #expect(a.totalHits == b.totalHits && a.totalHits == c.totalHits)
                    #expect(a.terms == b.terms)
                }
                // A searcher reused for many queries answers as a fresh one does.
                let fresh = Searcher(reader: first.reader)
                #expect(try fresh.search(query).hits == first.search(query).hits)
            }
        }
    }

    @Test("check() passes on fresh indexes and counts what was written", arguments: [0, 1, 5, 130, 600])
    func checkPasses(documentCount: Int) throws {
        // No titles: the counts below are those of the text field.
        let corpus = RandomCorpus.make(seed: UInt64(documentCount) + 11, documentCount: documentCount, titles: false)
        try IndexTestFolder.with { folder in
            let summary = try IndexTestKit.write(corpus.documents, at: folder.path)
            let reader = try IndexReader(path: folder.path)
            let report = try reader.check()
            let distinct = Set(corpus.frequencies.flatMap(\.keys))
            // An empty index has no segment at all.
            #expect(report.segmentCount == (documentCount == 0 ? 0 : 1))
            #expect(report.documentCount == documentCount)
            #expect(report.termCount == distinct.count)
            #expect(summary.termCount == distinct.count)
            #expect(report.postingCount == UInt64(corpus.frequencies.reduce(0) { $0 + $1.count }))
            #expect(summary.postingCount == corpus.frequencies.reduce(0) { $0 + $1.count })
            #expect(report.positionCount == UInt64(corpus.lengths.reduce(0, +)))
            let onDisk = try IndexTestKit.fileNames(folder.path).reduce(0) { total, name in
                total + ((try? FileManager.default.attributesOfItem(atPath: folder.sub(name))[.size] as? Int) ?? 0)
            }
            let manifestSize = try Data(contentsOf: URL(fileURLWithPath: try IndexTestKit.file(.manifest, in: folder.path))).count
            #expect(report.byteCount == onDisk - manifestSize, "check verifies every byte of the segment files")
            #expect(summary.byteCount == onDisk, "the commit summary's bytes are the files' sizes")
            let statistics = try reader.statistics()
            #expect(statistics.documentCount == documentCount)
            #expect(statistics.termCount == distinct.count)
            #expect(statistics.segmentCount == (documentCount == 0 ? 0 : 1))
            #expect(statistics.files.reduce(0) { $0 + $1.byteCount } == onDisk)
        }
    }

    @Test("an empty index opens, checks, and answers with no hits")
    func emptyIndex() throws {
        try IndexTestFolder.with { folder in
            let summary = try IndexTestKit.write([], at: folder.path)
            #expect(summary.documentCount == 0)
            let reader = try IndexReader(path: folder.path)
            #expect(reader.documentCount == 0)
            #expect(reader.averageDocumentLength == 0)
            _ = try reader.check()
            let results = try Searcher(reader: reader).search("anything at all")
            #expect(results.hits.isEmpty)
            #expect(results.totalHits == 0)
        }
    }

    @Test("stored documents round-trip id, title and text bytes exactly")
    func storedDocuments() throws {
        var documents = [
            IndexTestDocument(id: "plain.txt", title: "Plain", text: "Hello world"),
            IndexTestDocument(id: "dir/ünïcödé.md", title: "Ünïcödé — “quotes” 日本", text: "naïve café 🎉 日本語"),
            IndexTestDocument(id: "empty-text", title: "", text: ""),
            IndexTestDocument(id: "", title: "no id", text: "x"),
            IndexTestDocument(id: "invalid.txt", title: "Invalid", bytes: [0x41, 0xFF, 0xFE, 0x20, 0xC3, 0x28, 0x42, 0xE2, 0x82, 0x20, 0xF0]),
            IndexTestDocument(id: "controls#L7", title: "tab\there\nnewline", bytes: [0x09, 0x0A, 0x0D, 0x7F, 0x01, 0x61]),
            IndexTestDocument(id: "big", title: "Big", text: String(repeating: "lorem ipsum dolor sit amet ", count: 4000)),
        ]
        var random = TestRandom(seed: 8)
        for number in 0..<50 {
            let bytes = (0..<random.below(300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            documents.append(IndexTestDocument(id: "random-\(number)", title: "R\(number)", bytes: bytes))
        }
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(documents, at: folder.path)
            let reader = try IndexReader(path: folder.path)
            #expect(reader.documentCount == documents.count)
            for (index, document) in documents.enumerated() {
                let stored = try reader.document(at: index)
                #expect(stored.id == document.id)
                #expect(stored.title == document.title)
                #expect(stored.textBytes == document.text, "document \(index) text bytes")
            }
            _ = try reader.check()
            // The invalid UTF-8 document is still searchable by its valid words.
            let searcher = Searcher(reader: reader)
            let hits = try searcher.search("a").hits.map(\.id)
            #expect(hits.contains("invalid.txt"))
        }
    }

    @Test("a second commit replaces the index; an open reader keeps its generation")
    func recommitReplaces() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write([IndexTestDocument(id: "old", text: "alpha beta")], at: folder.path)
            let oldReader = try IndexReader(path: folder.path)
            let oldFiles = try IndexTestKit.fileNames(folder.path)
            try IndexTestKit.write([IndexTestDocument(id: "new1", text: "gamma"), IndexTestDocument(id: "new2", text: "alpha")], at: folder.path)
            let newReader = try IndexReader(path: folder.path)
            #expect(newReader.documentCount == 2)
            #expect(try Searcher(reader: newReader).search("alpha").hits.map(\.id) == ["new2"])
            // The old reader mapped its files; their removal does not change its answers.
            #expect(try Searcher(reader: oldReader).search("alpha").hits.map(\.id) == ["old"])
            #expect(try oldReader.document(at: 0).id == "old")
            let newFiles = try IndexTestKit.fileNames(folder.path)
            #expect(newFiles.count == 5, "manifest and four segment files: \(newFiles)")
            #expect(newFiles.filter { $0.hasPrefix("seg-") }.allSatisfy { !oldFiles.contains($0) }, "old segment removed")
            #expect(!newFiles.contains { $0.hasSuffix(".tmp") })
        }
    }

    @Test("a missing index is reported as missing, not corrupt")
    func missingIndex() throws {
        try IndexTestFolder.with { folder in
            #expect(throws: IndexError.missingIndex(folder.path)) { try IndexReader(path: folder.path) }
            let nowhere = folder.sub("does/not/exist")
            #expect(throws: IndexError.missingIndex(nowhere)) { try IndexReader(path: nowhere) }
        }
    }

    @Test("two writers cannot hold one index; closing frees it")
    func writerLock() throws {
        try IndexTestFolder.with { folder in
            let first = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain)
            #expect(throws: IndexError.locked(folder.path, inThisProcess: true)) { try IndexWriter(path: folder.path) }
            // Readers never block on the lock.
            try first.add(id: "a", title: "", text: Array("x".utf8))
            try first.commit()
            #expect(try IndexReader(path: folder.path).documentCount == 1)
            first.close()
            let second = try IndexWriter(path: folder.path)
            second.close()
        }
    }

    @Test("identical documents written twice give byte-identical files")
    func deterministicFiles() throws {
        let corpus = RandomCorpus.make(seed: 31337, documentCount: 500)
        try IndexTestFolder.with { folder in
            let one = folder.sub("one")
            let two = folder.sub("two")
            try IndexTestKit.write(corpus.documents, at: one)
            try IndexTestKit.write(corpus.documents, at: two)
            let names = try IndexTestKit.fileNames(one)
            #expect(names == (try IndexTestKit.fileNames(two)))
            #expect(names.count == 5)
            for name in names {
                let a = try Data(contentsOf: URL(fileURLWithPath: one + "/" + name))
                let b = try Data(contentsOf: URL(fileURLWithPath: two + "/" + name))
                #expect(a == b, "\(name) differs")
            }
            // Rewriting the same documents into the same folder changes nothing either.
            let before = try names.map { try Data(contentsOf: URL(fileURLWithPath: one + "/" + $0)) }
            try IndexTestKit.write(corpus.documents, at: one)
            #expect(try IndexTestKit.fileNames(one) == names)
            let after = try names.map { try Data(contentsOf: URL(fileURLWithPath: one + "/" + $0)) }
            #expect(before == after)
        }
    }

    @Test("every file starts with SIFT, its kind and the format version, and ends with its CRC-32C")
    func fileFraming() throws {
        let corpus = RandomCorpus.make(seed: 5, documentCount: 40)
        try IndexTestFolder.with { folder in
            try IndexTestKit.writeEveryKind(corpus.documents, at: folder.path, deleting: [corpus.documents[3].id])
            for kind in IndexFormat.FileKind.allCases {
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try IndexTestKit.file(kind, in: folder.path))))
                #expect(Array(bytes[0..<4]) == Array("SIFT".utf8))
                #expect(Array(bytes[4..<8]) == Array(kind.rawValue.utf8))
                #expect(Array(bytes[8..<12]) == [UInt8(IndexFormat.version), 0, 0, 0])
                let crc = CRC32C.checksum(Array(bytes.dropLast(4)))
                #expect(Array(bytes.suffix(4)) == [UInt8(crc & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8((crc >> 16) & 0xFF), UInt8(crc >> 24)], "\(kind)")
            }
        }
    }
}

/// Extremes: very large term frequencies and lengths, and more documents than 16 bits count.
@Suite struct IndexExtremesTests {
    @Test("a term repeated 200,000 times in one document scores and checks as the formula says")
    func hugeFrequencies() throws {
        var corpus = RandomCorpus(vocabulary: ["big", "small"])
        for number in 0..<300 {
            // Documents 3 and 150 sit in the first and second full posting blocks of "big".
            let repeats = number == 150 ? 200_000 : (number == 3 ? 70_000 : 1 + number % 5)
            let words = Array(repeating: "big", count: repeats) + (number % 2 == 0 ? ["small"] : [])
            corpus.documents.append(IndexTestDocument(id: "\(number)", text: words.joined(separator: " ")))
            var counts = ["big": repeats]
            if number % 2 == 0 { counts["small"] = 1 }
            corpus.frequencies.append(counts)
            corpus.lengths.append(words.count)
        }
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(corpus.documents, at: folder.path)
            let reader = try IndexReader(path: folder.path)
            #expect(try reader.length(of: 150) == 200_001)
            #expect(try reader.length(of: 3) == 70_000)
            let report = try reader.check()
            #expect(report.positionCount == UInt64(corpus.lengths.reduce(0, +)))
            let searcher = Searcher(reader: reader)
            for query in ["big", "small", "big small", "small small big"] {
                let terms = query.split(separator: " ").map(String.init)
                let results = try searcher.search(query, options: SearchOptions(limit: 300, countTotalHits: true))
                #expect(SearchOracle.mismatch(results, expected: corpus.expectedScores(terms), limit: 300, context: query) == nil)
            }
        }
    }

    @Test("100,000 documents: ids past 65,535 are found and ranked")
    func manyDocuments() throws {
        var corpus = RandomCorpus(vocabulary: ["common", "rare", "x"])
        for number in 0..<100_000 {
            var words = ["common"]
            if number % 9_973 == 0 || number == 99_999 { words.append("rare") }
            if number % 2 == 0 { words.append("x") }
            corpus.documents.append(IndexTestDocument(id: "d\(number)", text: words.joined(separator: " ")))
            var counts: [String: Int] = [:]
            for word in words { counts[word, default: 0] += 1 }
            corpus.frequencies.append(counts)
            corpus.lengths.append(words.count)
        }
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(corpus.documents, at: folder.path)
            let reader = try IndexReader(path: folder.path)
            #expect(reader.documentCount == 100_000)
            #expect(try reader.document(at: 99_999).id == "d99999")
            #expect(try reader.document(at: 65_536).id == "d65536")
            let searcher = Searcher(reader: reader)
            let rare = try searcher.search("rare", options: SearchOptions(limit: 100, countTotalHits: true))
            #expect(SearchOracle.mismatch(rare, expected: corpus.expectedScores(["rare"]), limit: 100, context: "rare") == nil)
            #expect(rare.hits.contains { $0.id == "d99999" })
            let mixed = try searcher.search("rare x", options: SearchOptions(limit: 20))
            #expect(SearchOracle.mismatch(mixed, expected: corpus.expectedScores(["rare", "x"]), limit: 20, context: "rare x") == nil)
            let exhaustive = try searcher.search("rare x", options: SearchOptions(limit: 20, exhaustive: true))
            #expect(mixed.hits == exhaustive.hits)
            _ = try reader.check()
        }
    }
}

@Suite struct StoredTextBlockTests {
    @Test("an empty document after a text block past 64 KiB points at a written block: check passes, updates work")
    func emptyDocumentAfterFullBlock() throws {
        try IndexTestFolder.with { folder in
            let big = String(repeating: "word ", count: 30_000)
            // The empty document comes last, right after the block that passed the size.
            let documents = [IndexTestDocument(id: "c", text: "before"), IndexTestDocument(id: "a", text: big),
                             IndexTestDocument(id: "b", text: "")]
            try IndexTestKit.write(documents, at: folder.path)
            let reader = try IndexReader(path: folder.path)
            _ = try reader.check(deep: true)
            #expect(try reader.document(at: 0).textBytes == Array("before".utf8))
            #expect(try reader.document(at: 2).textBytes.isEmpty)
            // A merge reads every stored document: it used to fail on the empty one.
            let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: .openOrCreate)
            defer { writer.close() }
            try writer.deleteDocuments(withID: "c")
            writer.forceMerge()
            try writer.commit()
            _ = try IndexReader(path: folder.path).check(deep: true)
        }
    }
}
