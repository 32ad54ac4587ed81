import Sift
import Testing

/// Ids are keys: one live document per id, found, deleted and replaced by id.
@Suite struct IDKeyTests {
    @Test func addingAnIDTwiceIsRefused() throws {
        let folder = try TemporaryFolder()
        let writer = try makeArticleIndex(at: folder.path + "/index")
        defer { writer.close() }
        // A committed id.
        #expect(throws: IndexError.duplicateID("kabul")) { try writer.add(id: "kabul", title: "Again", text: "Twice.") }
        // An id added since the last commit.
        try writer.add(id: "fresh", title: "Fresh", text: "New text.")
        #expect(throws: IndexError.duplicateID("fresh")) { try writer.add(id: "fresh", title: "Again", text: "Twice.") }
        // Two in one batch: none of the batch is added.
        let batch = [SourceDocument(id: "x", title: "X", text: Array("one".utf8)), SourceDocument(id: "x", title: "X", text: Array("two".utf8))]
        #expect(throws: IndexError.duplicateID("x")) { try writer.add(contentsOf: batch) }
        #expect(try writer.containsDocument(withID: "x") == false)
        try writer.commit()
        let reader = try IndexReader(path: folder.path + "/index")
        #expect(reader.documentCount == 4)
        #expect(try reader.documentNumbers(withID: "kabul").count == 1)
    }

    @Test func updateReplacesTheDocumentAtTheCommit() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        let writer = try makeArticleIndex(at: path)
        defer { writer.close() }
        let before = try IndexReader(path: path)

        #expect(try writer.updateDocument(id: "kabul", title: "Kabul, later", text: "Flights resumed from the airport."))
        // Not yet committed: readers see the old document.
        #expect(try IndexReader(path: path).document(withID: "kabul")?.title == "Kabul falls")
        try writer.commit()

        let after = try #require(try before.reopenIfChanged())
        #expect(after.documentCount == 3)
        #expect(try after.document(withID: "kabul")?.text == "Flights resumed from the airport.")
        #expect(try ids("taliban", in: after).isEmpty)
        #expect(try ids("airport", in: after) == ["kabul"])
        // An update of an id no document has adds it.
        #expect(try writer.updateDocument(id: "new", title: "New", text: "An upsert.") == false)
        try writer.commit()
        #expect(try IndexReader(path: path).documentCount == 4)
    }

    @Test func theLastUpdateBeforeACommitWins() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        let writer = try makeArticleIndex(at: path)
        defer { writer.close() }
        try writer.updateDocument(id: "rivers", title: "Rivers 2", text: "second version about the Volga")
        try writer.updateDocument(id: "rivers", title: "Rivers 3", text: "third version about the Nile")
        try writer.add(id: "draft", title: "Draft", text: "a draft about the Volga")
        try writer.commit()
        let reader = try IndexReader(path: path)
        #expect(reader.documentCount == 4)
        #expect(try reader.documentNumbers(withID: "rivers").count == 1)
        #expect(try reader.document(withID: "rivers")?.title == "Rivers 3")
        #expect(try ids("volga", in: reader) == ["draft"])
        #expect(try ids("nile", in: reader) == ["rivers"])
    }

    @Test func aDeleteSeesDocumentsAddedSinceTheCommit() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        let writer = try makeArticleIndex(at: path)
        defer { writer.close() }
        try writer.add(id: "temp", title: "Temporary", text: "gone before it was committed")
        #expect(try writer.deleteDocuments(withID: "temp") == 1)
        #expect(try writer.deleteDocuments(withID: "cafe") == 1)
        #expect(try writer.deleteDocuments(withID: "nowhere") == 0)
        try writer.commit()
        let reader = try IndexReader(path: path)
        #expect(reader.documentCount == 2)
        #expect(try ids("committed", in: reader).isEmpty)
        #expect(try reader.document(withID: "cafe") == nil)
        // The id is free again.
        try writer.add(id: "temp", title: "Temporary", text: "back again")
        try writer.commit()
        #expect(try IndexReader(path: path).document(withID: "temp")?.text == "back again")
    }

    @Test func idsAreFoundAcrossSegmentsAndMerges() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/index"
        let writer = try IndexWriter(path: path)
        defer { writer.close() }
        writer.mergePolicy = MergePolicy()
        for batch in 0..<4 {
            for item in 0..<50 {
                try writer.add(id: "doc-\(batch)-\(item)", title: "Doc", text: "batch \(batch) item \(item)")
            }
            try writer.commit()
        }
        for item in stride(from: 0, to: 50, by: 7) {
            try writer.updateDocument(id: "doc-1-\(item)", title: "Updated", text: "updated item")
        }
        try writer.commit()
        let reader = try IndexReader(path: path)
        #expect(reader.documentCount == 200)
        for batch in 0..<4 {
            for item in 0..<50 {
                let numbers = try reader.documentNumbers(withID: "doc-\(batch)-\(item)")
                #expect(numbers.count == 1)
                let stored = try reader.document(at: numbers[0])
                #expect(stored.id == "doc-\(batch)-\(item)")
                #expect(stored.title == (batch == 1 && item % 7 == 0 ? "Updated" : "Doc"))
            }
        }
        writer.forceMerge()
        try writer.commit()
        #expect(try IndexReader(path: path).documentNumbers(withID: "doc-3-49").count == 1)
    }
}
