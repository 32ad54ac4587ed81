import Foundation
import Testing
@testable import SiftInterchange
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport

@Suite struct CIFFExporterTests {
    static let documents = [
        IndexTestDocument(id: "d0", title: "Alpha", text: "red red blue"),
        IndexTestDocument(id: "d1", text: "blue green"),
        IndexTestDocument(id: "d2", text: "red green green yellow"),
        IndexTestDocument(id: "d3", text: "yellow"),
    ]

    static func read(_ path: String) throws -> (header: CIFFHeader, lists: [CIFFPostingsList], records: [CIFFDocumentRecord]) {
        var reader = try CIFFReader(path: path)
        var lists: [CIFFPostingsList] = []
        while let list = try reader.nextPostingsList() { lists.append(list) }
        var records: [CIFFDocumentRecord] = []
        while let record = try reader.nextDocumentRecord() { records.append(record) }
        try reader.finish()
        return (reader.header, lists, records)
    }

    @Test("an export holds the text terms, postings, ids and lengths of the index; title terms are left out")
    func exportsWhatTheIndexHolds() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Self.documents, at: folder.sub("ix"))
            let summary = try CIFFExporter.export(try IndexReader(path: folder.sub("ix")), to: folder.sub("x.ciff"))
            let (header, lists, records) = try Self.read(folder.sub("x.ciff"))
            #expect(summary == CIFFExporter.Summary(postingsLists: 4, documents: 4, postings: 8, bytes: summary.bytes))
            #expect(header.postingsListCount == 4 && header.documentRecordCount == 4 && header.totalTermsInCollection == 10)
            #expect(header.averageDocumentLength == 2.5)
            #expect(header.description.contains("stemmer none, stop words none"))
            #expect(lists.map { String(decoding: $0.term, as: UTF8.self) } == ["blue", "green", "red", "yellow"])
            #expect(lists[1] == CIFFPostingsList(term: Array("green".utf8), documents: [1, 2], frequencies: [1, 2]))
            #expect(lists[2] == CIFFPostingsList(term: Array("red".utf8), documents: [0, 2], frequencies: [2, 1]))
            #expect(records.map(\.collectionDocumentID) == ["d0", "d1", "d2", "d3"])
            #expect(records.map(\.length) == [3, 2, 4, 1])
        }
    }

    @Test("deleted documents are left out and the rest numbered densely; terms only they held disappear")
    func exportsLiveDocumentsDensely() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Self.documents, at: folder.sub("ix"))
            let writer = try IndexWriter(path: folder.sub("ix"), configuration: IndexTestKit.plain, mode: .update)
            try writer.deleteDocuments(withID: "d0")
            try writer.add(id: "d4", title: "", text: Array("blue blue".utf8))
            try writer.commit()
            writer.close()
            try CIFFExporter.export(try IndexReader(path: folder.sub("ix")), to: folder.sub("x.ciff"))
            let (header, lists, records) = try Self.read(folder.sub("x.ciff"))
            #expect(records.map(\.collectionDocumentID) == ["d1", "d2", "d3", "d4"])
            #expect(header.totalDocuments == 4 && header.totalTermsInCollection == 9)
            #expect(lists.first { $0.term == Array("blue".utf8) } == CIFFPostingsList(term: Array("blue".utf8), documents: [0, 3], frequencies: [1, 2]))
            #expect(lists.first { $0.term == Array("red".utf8) }?.documents == [1])
        }
    }

    @Test("the same index exports to the same bytes")
    func deterministic() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Self.documents, at: folder.sub("ix"))
            let reader = try IndexReader(path: folder.sub("ix"))
            try CIFFExporter.export(reader, to: folder.sub("a.ciff"))
            try CIFFExporter.export(reader, to: folder.sub("b.ciff"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: folder.sub("a.ciff"))) == Data(contentsOf: URL(fileURLWithPath: folder.sub("b.ciff"))))
        }
    }
}
