import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport

/// The lookups `sift show` and `sift list` use: documents by id, by id prefix, and a page of
/// ids and titles, deleted documents left out.
@Suite struct IndexReaderDocumentsTests {
    static let documents = [
        IndexTestDocument(id: "a.txt#L1", title: "A", text: "one"), IndexTestDocument(id: "a.txt#L3", title: "A", text: "two"),
        IndexTestDocument(id: "b.txt", title: "B", text: "three"), IndexTestDocument(id: "ab.txt", title: "AB", text: "four"),
    ]

    @Test("by id, by prefix and by page, in document order")
    func lookups() throws {
        try IndexTestFolder.with { folder throws in
            try IndexTestKit.write(Self.documents, at: folder.path)
            let reader = try IndexReader(path: folder.path)
            #expect(try reader.documentNumbers(withID: "b.txt") == [2])
            #expect(try reader.documentNumbers(withID: "a.txt").isEmpty)
            #expect(try reader.documentNumbers(withIDPrefix: "a.txt#") == [0, 1])
            #expect(try reader.documentSummaries(offset: 0, limit: 10).map(\.id) == ["a.txt#L1", "a.txt#L3", "b.txt", "ab.txt"])
            #expect(try reader.documentSummaries(offset: 1, limit: 2) == [DocumentSummary(number: 1, id: "a.txt#L3", title: "A"),
                                                                           DocumentSummary(number: 2, id: "b.txt", title: "B")])
            #expect(try reader.documentSummaries(offset: 4, limit: 2).isEmpty)
        }
    }

    @Test("deleted documents are neither found nor listed, and offsets count live documents")
    func deleted() throws {
        try IndexTestFolder.with { folder throws in
            try IndexTestKit.write(Self.documents, at: folder.path)
            let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: .openOrCreate)
            try writer.deleteDocuments(withID: "a.txt#L1")
            try writer.commit()
            writer.close()
            let reader = try IndexReader(path: folder.path)
            #expect(try reader.documentNumbers(withIDPrefix: "a.txt#").count == 1)
            #expect(try reader.documentSummaries(offset: 0, limit: 10).map(\.id) == ["a.txt#L3", "b.txt", "ab.txt"])
            #expect(try reader.documentSummaries(offset: 1, limit: 1).map(\.id) == ["b.txt"])
        }
    }
}
