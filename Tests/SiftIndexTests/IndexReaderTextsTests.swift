import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport

/// `IndexReader.texts(of:)`, the batch read of stored texts RM3 uses: the same bytes as
/// `document(_:).text`, in the order asked, across blocks and segments.
@Suite struct IndexReaderTextsTests {
    @Test("texts(of:) equals document(_:).text for every document asked, in any order, repeated or empty")
    func sameAsOneByOne() throws {
        try IndexTestFolder.with { folder in
            var random = TestRandom(seed: 15)
            func document(_ number: Int) -> IndexTestDocument {
                // Texts up to ~6 KB, so that 64 KB blocks hold a few dozen; every 17th is empty.
                let words = number % 17 == 0 ? 0 : random.int(in: 1...900)
                return IndexTestDocument(id: "d\(number)", text: (0..<words).map { _ in "w\(random.below(500))" }.joined(separator: " "))
            }
            try IndexTestKit.write((0..<300).map(document), at: folder.path)
            // A second segment from an update.
            let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: .openOrCreate)
            for number in 300..<420 {
                let added = document(number)
                try writer.add(id: added.id, title: added.title, text: added.text)
            }
            try writer.commit()
            writer.close()

            let reader = try IndexReader(path: folder.path)
            #expect(reader.segmentCount == 2)
            for _ in 0..<30 {
                let asked = (0..<random.int(in: 0...25)).map { _ in random.below(reader.maxDocument) }
                let texts = try reader.texts(of: asked + asked.prefix(2))
                let expected = try (asked + asked.prefix(2)).map { try reader.document(at: $0).textBytes }
                #expect(texts == expected)
            }
            let everything = Array((0..<reader.maxDocument).reversed())
            #expect(try reader.texts(of: everything) == everything.map { try reader.document(at: $0).textBytes })
            #expect(try reader.texts(of: []).isEmpty)
            #expect(throws: IndexError.documentOutOfRange(420, count: 420)) { try reader.texts(of: [3, 420]) }
            #expect(throws: IndexError.documentOutOfRange(-1, count: 420)) { try reader.texts(of: [-1]) }
        }
    }
}
