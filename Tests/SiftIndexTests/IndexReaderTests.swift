import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport

@Suite struct IndexReaderTests {
    @Test("document numbers out of range throw documentOutOfRange from every accessor, never trap")
    func outOfRange() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write([IndexTestDocument(id: "a", text: "one two"), IndexTestDocument(id: "b", text: "three")],
                                   at: folder.path)
            let reader = try IndexReader(path: folder.path)
            for document in [-1, 2, Int.max] {
                #expect(throws: IndexError.documentOutOfRange(document, count: 2)) { try reader.isDeleted(document) }
                #expect(throws: IndexError.documentOutOfRange(document, count: 2)) { try reader.length(of: document) }
                #expect(throws: IndexError.documentOutOfRange(document, count: 2)) { try reader.document(at: document) }
            }
            #expect(try reader.length(of: 0) == 2)
            #expect(try reader.isDeleted(1) == false)
        }
    }

    @Test("a missing index is missingIndex, and its message names no command")
    func missingIndex() throws {
        try IndexTestFolder.with { folder in
            let path = folder.sub("nothing-here")
            #expect(throws: IndexError.missingIndex(path)) { try IndexReader(path: path) }
            #expect(IndexError.missingIndex(path).description == "no index at '\(path)'")
        }
    }

    @Test("a settings mismatch names both settings and no command")
    func settingsMismatchMessage() {
        let error = IndexError.settingsMismatch(path: "ix", setting: "unit", stored: "line", requested: "file")
        #expect(error.description == "the index 'ix' was built with unit 'line', not 'file'")
    }
}
