import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftStorage
import SiftIngest

/// Per-document metadata: stored with the record, kept by merges, reordering and
/// `--store none`, validated on the way in, and refused as damage when its bytes are wrong.
@Suite struct DocumentMetadataTests {
    static let samples: [(id: String, text: String, metadata: [String: String])] = [
        ("a", "kabul airport", ["category": "news", "date": "2005-03-01", "url": "https://example.org/a?x=1"]),
        ("b", "herat market", [:]),
        ("c", "mazar flights", ["category": "tech", "author": "Zoë Ångström", "": "x"].filter { !$0.key.isEmpty }),
        ("d", "kabul kabul", ["empty": "", "long": String(repeating: "é", count: 32_768), "日付": "二〇〇五年"]),
    ]

    static func write(_ path: String, storage: TextStorage = .text, commitEach: Bool = false) throws {
        let writer = try IndexWriter(path: path, configuration: IndexTestKit.plain, mode: .replace, storage: storage)
        defer { writer.close() }
        for sample in samples {
            try writer.add(id: sample.id, title: "", text: sample.text, metadata: sample.metadata)
            if commitEach { try writer.commit() }
        }
        try writer.commit()
    }

    static func metadataByID(_ reader: IndexReader) throws -> [String: [String: String]] {
        var found: [String: [String: String]] = [:]
        for number in 0..<reader.maxDocument where !(try reader.isDeleted(number)) {
            found[try reader.documentHeader(number).id] = try reader.metadata(at: number)
        }
        return found
    }

    static var expected: [String: [String: String]] {
        Dictionary(uniqueKeysWithValues: samples.map { ($0.id, $0.metadata) })
    }

    @Test("metadata reads back as given: through metadata(at:), document(at:) and document(withID:)", arguments: [TextStorage.text, .none])
    func roundTrip(storage: TextStorage) throws {
        try IndexTestFolder.with { folder in
            try Self.write(folder.path, storage: storage)
            let reader = try IndexReader(path: folder.path, verifyChecksums: true)
            #expect(try Self.metadataByID(reader) == Self.expected)
            if storage == .text {
                #expect(try reader.document(withID: "a")?.metadata == Self.expected["a"])
                #expect(try reader.document(withID: "b")?.metadata == [:])
            }
            #expect(throws: IndexError.documentOutOfRange(4, count: 4)) { try reader.metadata(at: 4) }
            _ = try reader.check()
        }
    }

    @Test("merging, reordering and deleting keep each document's metadata", arguments: [TextStorage.text, .none])
    func mergeAndReorder(storage: TextStorage) throws {
        try IndexTestFolder.with { folder in
            try Self.write(folder.path, storage: storage, commitEach: true)
            let writer = try IndexWriter(path: folder.path)
            #expect(try writer.deleteDocuments(withID: "b") == 1)
            writer.forceMerge()
            try writer.commit()
            var reader = try IndexReader(path: folder.path, verifyChecksums: true)
            #expect(reader.segments.count == 1)
            var expected = Self.expected
            expected["b"] = nil
            #expect(try Self.metadataByID(reader) == expected)
            writer.forceMerge(reorderingDocuments: true)
            try writer.commit()
            writer.close()
            reader = try IndexReader(path: folder.path, verifyChecksums: true)
            #expect(try Self.metadataByID(reader) == expected)
            _ = try reader.check()
        }
    }

    @Test("a segment without metadata has no metadata flag; segments with and without mix")
    func flagOnlyWhenNeeded() throws {
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: .replace)
            try writer.add(id: "plain", title: "", text: "kabul")
            try writer.commit()
            try writer.add(id: "rich", title: "", text: "kabul", metadata: ["k": "v"])
            try writer.commit()
            writer.close()
            let reader = try IndexReader(path: folder.path)
            #expect(reader.segments.map(\.storedFields.hasMetadata) == [false, true])
            #expect(try Self.metadataByID(reader) == ["plain": [:], "rich": ["k": "v"]])
        }
    }

    @Test("statistics list each metadata key with its live documents and distinct values")
    func statistics() throws {
        try IndexTestFolder.with { folder in
            try Self.write(folder.path)
            let writer = try IndexWriter(path: folder.path)
            try writer.add(id: "e", title: "", text: "more", metadata: ["category": "tech", "tags": MetadataList.encode(["x", "y", "x"])])
            try writer.commit()
            #expect(try writer.deleteDocuments(withID: "c") == 1)
            try writer.commit()
            writer.close()
            let fields = try IndexReader(path: folder.path).statistics().metadataFields
            let byName = Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0) })
            // "author" was only c's: gone once a merge drops c, else listed with no live document.
            #expect(fields.map(\.name).filter { $0 != "author" } == ["category", "date", "empty", "long", "tags", "url", "日付"])
            // a (news), c (tech, deleted), e (tech): live documents 2, values news and tech.
            #expect(byName["category"]?.documentCount == 2)
            #expect(byName["category"]?.distinctValues == 2)
            #expect(byName["author"].map { $0.documentCount == 0 } ?? true)
            #expect(byName["tags"]?.documentCount == 1 && byName["tags"]?.distinctValues == 2)
        }
    }

    @Test("updateDocument replaces the metadata with the document")
    func updateReplaces() throws {
        try IndexTestFolder.with { folder in
            try Self.write(folder.path)
            let writer = try IndexWriter(path: folder.path)
            try writer.updateDocument(id: "a", title: "", text: "kabul again", metadata: ["category": "sport"])
            try writer.commit()
            writer.close()
            let reader = try IndexReader(path: folder.path)
            #expect(try reader.document(withID: "a")?.metadata == ["category": "sport"])
        }
    }

    @Test("keys of 0 or 257 bytes and values over 65,536 bytes are refused, and nothing is added", arguments: [
        (0, 1), (257, 1), (1, 65_537),
    ])
    func refusesOutOfBounds(keyBytes: Int, valueBytes: Int) throws {
        let metadata = [String(repeating: "k", count: keyBytes): String(repeating: "v", count: valueBytes)]
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: .replace)
            defer { writer.close() }
            do {
                try writer.add(id: "x", title: "", text: "kabul", metadata: metadata)
                Issue.record("accepted \(metadata.keys.map(\.utf8.count)) / \(metadata.values.map(\.utf8.count))")
            } catch let error as IndexError {
                guard case .invalidArgument(let argument) = error else { Issue.record("\(error)"); return }
                #expect(argument.requirement.contains("bytes of UTF-8"))
            }
            #expect(writer.documentCount == 0)
            #expect(throws: IndexError.self) {
                try writer.updateDocument(SourceDocument(id: "y", title: "", text: [], metadata: metadata))
            }
            #expect(writer.documentCount == 0)
        }
    }

    @Test("damaged metadata bytes are corrupt, naming the documents file, at reading and in check()")
    func damage() throws {
        try IndexTestFolder.with { folder in
            try Self.write(folder.path)
            let file = try IndexTestKit.file(.documents, in: folder.path)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            // The key "category" of document a: its length byte (8) set to 0, an empty key.
            let key = [UInt8(8)] + Array("category".utf8)
            guard let at = (0..<(bytes.count - key.count)).first(where: { Array(bytes[$0..<($0 + key.count)]) == key }) else {
                Issue.record("no stored key found"); return
            }
            bytes[at] = 0
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let reader = try IndexReader(path: folder.path, verifyChecksums: false)
            do {
                _ = try reader.metadata(at: 0)
                Issue.record("damaged metadata was read")
            } catch let error as IndexError {
                guard case .corrupt(let named, let reason) = error else { Issue.record("\(error)"); return }
                #expect(named == file)
                #expect(reason.contains("metadata"))
            }
            #expect(throws: IndexError.self) { try reader.check() }
        }
    }

    @Test("a damaged metadata index is refused at opening or by check(), never trapped on")
    func damagedIndex() throws {
        try IndexTestFolder.with { folder in
            try Self.write(folder.path)
            let file = try IndexTestKit.file(.documents, in: folder.path)
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            // The section's start is the u64 before the 4-byte trailer.
            let at = original.count - 12
            let start = Int(original[at..<(at + 8)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
            var random = TestRandom(seed: 9)
            for round in 0..<120 {
                var bytes = original
                let position = round < 8 ? at + round : start + random.below(at - start)
                bytes[position] ^= UInt8(1 + random.below(255))
                try Data(bytes).write(to: URL(fileURLWithPath: file))
                do {
                    let reader = try IndexReader(path: folder.path, verifyChecksums: false)
                    let searcher = try? reader.skippedDocuments(.any([.equals(field: "category", value: "tech"), .range(field: "date", from: "2005", through: nil),
                                                                     .prefix(field: "author", prefix: "Z")]))
                    _ = searcher
                    _ = try reader.check()
                    // A flip that leaves a consistent index must at least be what the records say.
                    Issue.record("round \(round): byte \(position) damaged, check() passed")
                } catch {
                    #expect(error is IndexError)
                }
            }
        }
    }

    @Test("the filter cache shares a filter's bits between searches and drops the least recently used past its budget")
    func filterCache() throws {
        try IndexTestFolder.with { folder in
            try Self.write(folder.path)
            let reader = try IndexReader(path: folder.path)
            let tech = MetadataFilter.equals(field: "category", value: "tech")
            let first = try reader.skippedDocuments(tech)
            #expect(try reader.skippedDocuments(tech) === first)
            // Documents a, b, d are skipped (bits 0, 1, 3), c passes.
            #expect(first.bits[0] & 0b1111 == 0b1011)
            // A budget of two filters' bits (one word each).
            let cache = FilterCache(budget: 16)
            var made = 0
            func skipped(_ filter: MetadataFilter) throws -> SkippedDocuments {
                try cache.skipped(for: filter) { () throws(IndexError) in made += 1; return SkippedDocuments([UInt64(made)]) }
            }
            let a = MetadataFilter.equals(field: "k", value: "a"), b = MetadataFilter.equals(field: "k", value: "b")
            let c = MetadataFilter.equals(field: "k", value: "c")
            _ = try skipped(a); _ = try skipped(b); _ = try skipped(a)  // a used last
            _ = try skipped(c)  // drops b
            #expect(made == 3)
            _ = try skipped(a)
            #expect(made == 3)
            _ = try skipped(b)
            #expect(made == 4)
        }
    }

    @Test("MetadataCoding: decode(encode(x)) == x, keys in byte order, nothing for no metadata; bad sections refused")
    func coding() throws {
        var random = TestRandom(seed: 42)
        for _ in 0..<200 {
            var metadata: [String: String] = [:]
            for _ in 0..<random.below(6) {
                let key = String((0..<random.int(in: 1...12)).map { _ in random.pick(Array("abcXYZ_é日-.")) })
                metadata[key] = String((0..<random.below(30)).map { _ in random.pick(Array("01 az:/é\u{0}\n")) })
            }
            var writer = ByteWriter()
            MetadataCoding.encode(metadata, into: &writer)
            #expect(metadata.isEmpty == (writer.count == 0))
            let decoded = try writer.bytes.withUnsafeBytes { raw throws -> [String: String] in
                var reader = ByteReader(raw)
                let result = try MetadataCoding.decode(&reader)
                #expect(reader.isAtEnd)
                return result
            }
            #expect(decoded == metadata)
        }
        // Keys out of order, a zero count, an empty key.
        for bad: [UInt8] in [[2, 1, 0x62, 0, 1, 0x61, 0], [0], [1, 0, 0]] {
            #expect(throws: ByteReaderError.self) {
                try bad.withUnsafeBytes { raw in
                    var reader = ByteReader(raw)
                    _ = try MetadataCoding.decode(&reader)
                }
            }
        }
    }

    @Test("MetadataIndex: numbers are recognised strictly")
    func numbers() {
        for (text, value) in [("2005", 2005.0), ("-1.5e3", -1500), ("+0.25", 0.25), ("7.", 7), (".5", 0.5)] {
            #expect(MetadataIndex.number(Array(text.utf8)) == value, "\(text)")
        }
        for text in ["", "-", "nan", "inf", "0x10", "1e", "2005-01", "1 ", " 1", "1e999"] {
            #expect(MetadataIndex.number(Array(text.utf8)) == nil, "\(text)")
        }
    }
}
