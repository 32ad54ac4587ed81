import Sift
import Testing

/// Metadata and filters as a program uses them, through `import Sift` only: metadata given
/// with a document comes back with its hits, filters built in code or written in the query
/// restrict the hits without changing scores, and bad values throw typed errors.
@Suite struct MetadataClientTests {
    static func makeNewsIndex(at path: String) throws -> SearchIndex {
        let index = try SearchIndex(path: path)
        try index.write { writer in
            try writer.add(id: "oil-1", title: "Oil falls", text: "Oil prices fell on a mild winter.",
                           metadata: ["category": "business", "date": "2005-01-12", "price": "41.32"])
            try writer.add(id: "oil-2", title: "Chips and oil", text: "Chip makers worry about oil prices.",
                           metadata: ["category": "tech", "date": "2005-07-01", "price": "9.5"])
            try writer.add(id: "oil-3", title: "Oil lamps", text: "Oil lamps light the old town.")
        }
        return index
    }

    @Test func metadataComesBackWithHitsAndDocuments() throws {
        let folder = try TemporaryFolder()
        let index = try Self.makeNewsIndex(at: folder.path + "/index")
        let hits = try index.read { searcher in try searcher.search("oil", options: SearchOptions(limit: 10)).hits }
        let byID = Dictionary(uniqueKeysWithValues: hits.map { ($0.id, $0.metadata) })
        #expect(byID["oil-2"] == ["category": "tech", "date": "2005-07-01", "price": "9.5"])
        #expect(byID["oil-3"] == [:])
        #expect(try index.reader.document(withID: "oil-1")?.metadata["price"] == "41.32")
    }

    @Test func filtersInCodeAndInTheQueryAgree() throws {
        let folder = try TemporaryFolder()
        let index = try Self.makeNewsIndex(at: folder.path + "/index")
        try index.read { searcher in
            let all = try searcher.search("oil prices")
            let written = try searcher.search("oil prices date:2005-06..")
            let built = try searcher.search("oil prices", options: SearchOptions(filter: .range(field: "date", from: "2005-06", through: nil)))
            let query = try searcher.search(.boolean([BooleanClause(.should, .term("oil")), BooleanClause(.should, .term("prices")),
                                                      BooleanClause(.must, .filter(.range(field: "date", from: "2005-06", through: nil)))]))
            #expect(written.hits.map(\.id) == ["oil-2"])
            #expect(built.hits == written.hits)
            #expect(query.hits.map(\.id) == ["oil-2"])
            // The filtered hit has the score it has without the filter.
            #expect(all.hits.first { $0.id == "oil-2" }?.score == written.hits[0].score)
            // Numbers compare as numbers: 9.5 < 10 < 41.32.
            #expect(try searcher.search("oil", options: SearchOptions(filter: .range(field: "price", from: "10", through: nil))).hits.map(\.id) == ["oil-1"])
            let parsed = try QueryParser().parseFilter("category:tech OR category:business")
            #expect(Set(try searcher.search("oil", options: SearchOptions(filter: parsed)).hits.map(\.id)) == ["oil-1", "oil-2"])
        }
    }

    @Test func badMetadataAndFiltersThrowTypedErrors() throws {
        let folder = try TemporaryFolder()
        let index = try Self.makeNewsIndex(at: folder.path + "/index")
        #expect(throws: IndexError.self) {
            try index.write { writer in try writer.add(id: "x", title: "", text: "oil", metadata: ["": "empty key"]) }
        }
        #expect(try index.reader.document(withID: "x") == nil)
        try index.read { searcher in
            #expect(throws: SearchError.self) { try searcher.search("oil (lamps OR category:tech)") }
            #expect(throws: SearchError.self) { try searcher.search("oil", options: SearchOptions(filter: .equals(field: "", value: "x"))) }
            #expect(throws: QuerySyntaxError.self) { try QueryParser().parseFilter("oil") }
        }
    }

    @Test func filtersFromManyTasks() async throws {
        let folder = try TemporaryFolder()
        let index = try Self.makeNewsIndex(at: folder.path + "/index")
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for category in ["tech", "business", "tech", "art"] {
                group.addTask {
                    try index.read { searcher in try searcher.search("oil category:\(category)").hits.count }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts.sorted() == [0, 1, 1, 1])
    }
}
