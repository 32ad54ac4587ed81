import Foundation
import Testing
@testable import SiftInterchange
@_spi(SiftInternal) @testable import SiftIndex
import SiftSearch
import SiftAnalysis
import SiftIngest
import SiftTestSupport

/// `CIFFImporter`: a hand-written file imports to the index it describes, bad files are
/// refused with nothing written, and export → import answers every Cranfield query with the
/// original's documents, order and scores.
@Suite struct CIFFImporterTests {
    static let plain = AnalyzerConfiguration(stemmer: .none, stopWords: .none)

    @Test("the hand-written file imports to its three documents and two terms, scored by BM25 as the file's statistics say")
    func importsHandWrittenFile() throws {
        try IndexTestFolder.with { folder in
            let file = folder.sub("in.ciff")
            try Data(CIFFCodecTests.file).write(to: URL(fileURLWithPath: file))
            let summary = try CIFFImporter.importIndex(from: file, to: folder.sub("ix"), configuration: Self.plain)
            #expect(summary == CIFFImporter.Summary(documents: 3, terms: 2, postings: 4, description: "t"))
            let reader = try IndexReader(path: folder.sub("ix"), verifyChecksums: true)
            #expect(!reader.hasPositions)
            #expect(reader.documentCount == 3 && reader.tokenCount == 6)
            #expect(try (0..<3).map { try reader.length(of: $0) } == [2, 1, 3])
            #expect(try (0..<3).map { try reader.documentHeader($0).id } == ["d0", "d1", "d2"])
            #expect(reader.configuration == Self.plain)
            let report = try reader.check(deep: true)
            #expect(report.postingCount == 4 && report.positionCount == 0)

            // "a": df 2 of N 3, in d0 (tf 2, length 2) and d2 (tf 1, length 3); avg length 2.
            let results = try Searcher(reader: reader).search("a")
            let parameters = BM25Parameters()
            let expected = [("d0", parameters.score(termFrequency: 2, documentFrequency: 2, documentCount: 3, length: 2, averageLength: 2)),
                            ("d2", parameters.score(termFrequency: 1, documentFrequency: 2, documentCount: 3, length: 3, averageLength: 2))]
            #expect(results.hits.map(\.id) == expected.map(\.0))
            for (hit, (_, score)) in zip(results.hits, expected) { #expect(abs(Double(hit.score) - score) < 1e-5) }
            #expect(try Searcher(reader: reader).search("+a +b").hits.map(\.id) == ["d2"])
            // No text, but each document's terms (the forward index, turned from the postings).
            #expect(reader.storage == .none)
            #expect(throws: IndexError.noStoredText(path: folder.sub("ix"))) { try reader.document(at: 0) }
            let counts = try reader.termCounts(of: 2)?.map { (String(decoding: $0.term, as: UTF8.self), $0.frequency) }
            #expect(counts?.map(\.0) == ["a", "b"] && counts?.map(\.1) == [1, 2])
            #expect(try reader.termCounts(of: 1)?.map(\.frequency) == [1])
            // RM3 reads its feedback from there.
            #expect(try !Searcher(reader: reader).search("a", options: SearchOptions(rm3: RM3Parameters())).hits.isEmpty)
            #expect(try Searcher(reader: reader).search("b*").hits.count == 2)
        }
    }

    @Test("phrase queries are refused on an imported index; updating it is refused")
    func phrasesAndUpdatesRefused() throws {
        try IndexTestFolder.with { folder in
            let file = folder.sub("in.ciff")
            try Data(CIFFCodecTests.file).write(to: URL(fileURLWithPath: file))
            try CIFFImporter.importIndex(from: file, to: folder.sub("ix"), configuration: Self.plain)
            let searcher = Searcher(reader: try IndexReader(path: folder.sub("ix")))
            #expect(throws: SearchError.index(.noPositions(folder.sub("ix")))) { try searcher.search("\"a b\"") }
            // One analysed word is a term, not a phrase, and still works.
            #expect(try searcher.search("\"a\"").hits.count == 2)
            #expect(throws: IndexError.importedIndex(folder.sub("ix"))) {
                try IndexWriter(path: folder.sub("ix"), configuration: Self.plain, mode: .open)
            }
        }
    }

    /// Damaged and lying variants of the hand-written file, and what each must say.
    static let refusals: [(name: String, bytes: [UInt8], message: String)] = {
        let c = CIFFCodecTests.self
        // Lengths shorter than the frequencies: d2 "a b b" said to have length 2.
        var shortRecords = c.records
        shortRecords[shortRecords.count - 1] = 0x02
        // Both records named "d0".
        var duplicate = c.records
        duplicate[duplicate.count - 3] = 0x30
        // A partial export: 3 records of 4 documents.
        var partialHeader = c.header
        partialHeader[10] = 0x04
        // A term starting with byte 0x01 (Sift's title marker).
        var titleTerm = c.listA
        titleTerm[3] = 0x01
        return [
            ("terms out of order", c.header + c.listB + c.listA + c.records, "does not come after"),
            ("a length below the frequencies", c.header + c.listA + c.listB + shortRecords, "add up to 3"),
            ("two documents with one id", c.header + c.listA + c.listB + duplicate, "same collection_docid 'd0'"),
            ("a partial export", partialHeader + c.listA + c.listB + c.records, "describes 3 of 4 documents"),
            ("a reserved first byte", c.header + titleTerm + c.listB + c.records, "reserves"),
            ("a truncated file", Array((c.header + c.listA + c.listB + c.records).dropLast(3)), "byte"),
            ("a record missing", c.header + c.listA + c.listB + Array(c.records.prefix(16)), "ends after 2 of 3 document records"),
        ]
    }()

    @Test("bad files are refused with the problem and its offset, and leave the index at the path as it was",
          arguments: 0..<7)
    func refusesBadFiles(_ index: Int) throws {
        let (name, bytes, message) = Self.refusals[index]
        try IndexTestFolder.with { folder in
            // An index already there stays, byte for byte.
            let good = folder.sub("good.ciff")
            try Data(CIFFCodecTests.file).write(to: URL(fileURLWithPath: good))
            try CIFFImporter.importIndex(from: good, to: folder.sub("ix"), configuration: Self.plain)
            let before = try FileManager.default.contentsOfDirectory(atPath: folder.sub("ix")).sorted()
            let file = folder.sub("bad.ciff")
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            do {
                try CIFFImporter.importIndex(from: file, to: folder.sub("ix"), configuration: Self.plain)
                Issue.record("\(name): imported")
            } catch {
                guard case CIFFImporter.ImportError.malformed(let inner) = error else {
                    Issue.record("\(name): \(error)")
                    return
                }
                #expect(inner.description.contains(message), "\(name): \(inner)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.sub("ix")).sorted() == before, "\(name)")
            #expect(try IndexReader(path: folder.sub("ix"), verifyChecksums: true).documentCount == 3)
            // Into a new folder: no index appears.
            #expect(throws: CIFFImporter.ImportError.self) {
                try CIFFImporter.importIndex(from: file, to: folder.sub("new"), configuration: Self.plain)
            }
            #expect(!FileManager.default.fileExists(atPath: folder.sub("new/manifest")))
        }
    }

    @Test("an index exported and imported again answers like the original, deletions included")
    func roundTripSmall() throws {
        try IndexTestFolder.with { folder in
            var random = TestRandom(seed: 7)
            var documents: [IndexTestDocument] = []
            for number in 0..<300 {
                let words = (0..<random.int(in: 1...40)).map { _ in "w\(random.int(in: 0...60))" }
                documents.append(IndexTestDocument(id: "doc\(number)", text: words.joined(separator: " ")))
            }
            try IndexTestKit.write(documents, at: folder.sub("ix"))
            let writer = try IndexWriter(path: folder.sub("ix"), configuration: IndexTestKit.plain, mode: .open)
            for number in stride(from: 0, to: 300, by: 7) { try writer.deleteDocuments(withID: "doc\(number)") }
            try writer.commit()
            writer.close()
            try CIFFExporter.export(try IndexReader(path: folder.sub("ix")), to: folder.sub("x.ciff"))
            try CIFFImporter.importIndex(from: folder.sub("x.ciff"), to: folder.sub("copy"), configuration: IndexTestKit.plain)
            let original = Searcher(reader: try IndexReader(path: folder.sub("ix")))
            let copy = Searcher(reader: try IndexReader(path: folder.sub("copy")))
            for query in ["w1", "w2 w3", "+w4 +w5", "w6 w7 w8 w9 w10", "w1*", "+w11 -w12", "w13 OR (w14 AND w15)"] {
                for limit in [1, 10, 1000] {
                    let options = SearchOptions(limit: limit)
                    let expected = try original.search(query, options: options).hits
                    let got = try copy.search(query, options: options).hits
                    #expect(got.map(\.id) == expected.map(\.id), "\(query) k=\(limit)")
                    #expect(got.map(\.score) == expected.map(\.score), "\(query) k=\(limit)")
                }
            }
            // RM3 on the copy reads the forward index; on the original, the stored text: the
            // same feedback terms, so the same answer.
            for query in ["w1 w2", "w30"] {
                let options = SearchOptions(limit: 20, rm3: RM3Parameters())
                let expected = try original.search(query, options: options).hits
                let got = try copy.search(query, options: options).hits
                #expect(got.map(\.id) == expected.map(\.id), "rm3 \(query)")
                #expect(got.map(\.score) == expected.map(\.score), "rm3 \(query)")
            }
            // Export of the import gives the same bytes as the first export.
            try CIFFExporter.export(try IndexReader(path: folder.sub("copy")), to: folder.sub("y.ciff"))
            let first = try Data(contentsOf: URL(fileURLWithPath: folder.sub("x.ciff")))
            let second = try Data(contentsOf: URL(fileURLWithPath: folder.sub("y.ciff")))
            #expect(first == second)
        }
    }

    @Test("Cranfield exported and imported: every query, as words and as a conjunction, gives the same hits and scores",
          SharedData.needs("cranfield"))
    func cranfieldRoundTrip() throws {
        let directory = try SharedData.require("cranfield")
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.sub("ix"), jobs: 2)
            let files = try CorpusWalker(roots: [directory.appendingPathComponent("docs").path]).candidates()
            _ = try writer.addFiles(files, extractor: DocumentExtractor())
            try writer.commit()
            writer.close()
            let reader = try IndexReader(path: folder.sub("ix"))
            try CIFFExporter.export(reader, to: folder.sub("x.ciff"))
            try CIFFImporter.importIndex(from: folder.sub("x.ciff"), to: folder.sub("copy"), configuration: reader.configuration)
            let original = Searcher(reader: reader)
            let copy = Searcher(reader: try IndexReader(path: folder.sub("copy")))
            let queries = try SharedData.lines(of: directory.appendingPathComponent("queries.tsv")).compactMap { line -> String? in
                let parts = line.split(separator: "\t", maxSplits: 1)
                return parts.count == 2 ? String(parts[1]) : nil
            }
            #expect(queries.count == 225)
            for text in queries {
                // The words as they are (a disjunction), and all of them required (a conjunction).
                for defaultOperator in [DefaultOperator.or, .and] {
                    let options = SearchOptions(limit: 100, defaultOperator: defaultOperator, syntax: .plain)
                    let expected = try original.search(text, options: options).hits
                    let got = try copy.search(text, options: options).hits
                    #expect(got.map(\.id) == expected.map(\.id), "\(text)")
                    #expect(got.map(\.score) == expected.map(\.score), "\(text)")
                }
            }
        }
    }
}
