import Foundation
import Testing
@testable import SiftInterchange
import SiftTestSupport

/// CIFF read and written byte for byte against a file written out by hand from
/// CommonIndexFileFormat.proto, and damaged variants of it refused with the right offset.
@Suite struct CIFFCodecTests {
    /// Three documents: d0 = "a a", d1 = "b", d2 = "a b b". Each message is preceded by its size.
    static let header: [UInt8] = [
        0x18,                                   // size 24
        0x08, 0x01,                             // version 1
        0x10, 0x02,                             // num_postings_lists 2
        0x18, 0x03,                             // num_doc_records 3
        0x20, 0x02,                             // total_postings_lists 2
        0x28, 0x03,                             // total_docs 3
        0x30, 0x06,                             // total_terms_in_collection 6
        0x39, 0, 0, 0, 0, 0, 0, 0, 0x40,        // average_doclength 2.0 (fixed64)
        0x42, 0x01, 0x74,                       // description "t"
    ]
    static let listA: [UInt8] = [
        0x11,                                   // size 17
        0x0A, 0x01, 0x61,                       // term "a"
        0x10, 0x02,                             // df 2
        0x18, 0x03,                             // cf 3
        0x22, 0x02, 0x10, 0x02,                 // posting: docid 0 (default, omitted), tf 2
        0x22, 0x04, 0x08, 0x02, 0x10, 0x01,     // posting: gap 2 (doc 2), tf 1
    ]
    static let listB: [UInt8] = [
        0x13,                                   // size 19
        0x0A, 0x01, 0x62,                       // term "b"
        0x10, 0x02, 0x18, 0x03,                 // df 2, cf 3
        0x22, 0x04, 0x08, 0x01, 0x10, 0x01,     // doc 1, tf 1
        0x22, 0x04, 0x08, 0x01, 0x10, 0x02,     // gap 1 (doc 2), tf 2
    ]
    static let records: [UInt8] = [
        0x06, 0x12, 0x02, 0x64, 0x30, 0x18, 0x02,               // docid 0 (omitted), "d0", length 2
        0x08, 0x08, 0x01, 0x12, 0x02, 0x64, 0x31, 0x18, 0x01,   // docid 1, "d1", length 1
        0x08, 0x08, 0x02, 0x12, 0x02, 0x64, 0x32, 0x18, 0x03,   // docid 2, "d2", length 3
    ]
    static let file = header + listA + listB + records

    struct Decoded: Equatable {
        var header: CIFFHeader
        var lists: [CIFFPostingsList]
        var records: [CIFFDocumentRecord]
    }

    static func decode(_ bytes: [UInt8]) throws(CIFFError) -> Decoded {
        var reader = try CIFFReader(bytes: bytes)
        var lists: [CIFFPostingsList] = []
        while let list = try reader.nextPostingsList() { lists.append(list) }
        var records: [CIFFDocumentRecord] = []
        while let record = try reader.nextDocumentRecord() { records.append(record) }
        try reader.finish()
        return Decoded(header: reader.header, lists: lists, records: records)
    }

    static let expected = Decoded(
        header: CIFFHeader(version: 1, postingsListCount: 2, documentRecordCount: 3, totalPostingsLists: 2, totalDocuments: 3,
                           totalTermsInCollection: 6, averageDocumentLength: 2.0, description: "t"),
        lists: [CIFFPostingsList(term: Array("a".utf8), documents: [0, 2], frequencies: [2, 1]),
                CIFFPostingsList(term: Array("b".utf8), documents: [1, 2], frequencies: [1, 2])],
        records: [CIFFDocumentRecord(document: 0, collectionDocumentID: "d0", length: 2),
                  CIFFDocumentRecord(document: 1, collectionDocumentID: "d1", length: 1),
                  CIFFDocumentRecord(document: 2, collectionDocumentID: "d2", length: 3)])

    @Test("the hand-written file reads as its three documents and two terms")
    func readsHandWrittenFile() throws {
        #expect(try Self.decode(Self.file) == Self.expected)
    }

    @Test("the writer writes the hand-written bytes exactly, and its output reads back")
    func writesSameBytes() throws {
        try IndexTestFolder.with { folder in
            let path = folder.sub("out.ciff")
            var writer = try CIFFWriter(path: path, header: Self.expected.header)
            for list in Self.expected.lists { try writer.write(list) }
            for record in Self.expected.records { try writer.write(record) }
            try writer.finish()
            let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(written == Self.file)
            #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
            var reader = try CIFFReader(path: path)
            #expect(reader.header == Self.expected.header)
            #expect(try reader.nextPostingsList() == Self.expected.lists[0])
        }
    }

    @Test("fields in another order, unknown fields and negative varints are read as protobuf says")
    func protobufLeniency() throws {
        // The list "a" with cf before df, an unknown varint field 9 and an unknown string field 10.
        let reordered: [UInt8] = [0x17, 0x18, 0x03, 0x48, 0x07, 0x0A, 0x01, 0x61, 0x52, 0x02, 0x7A, 0x7A, 0x10, 0x02,
                                  0x22, 0x02, 0x10, 0x02, 0x22, 0x04, 0x08, 0x02, 0x10, 0x01]
        let decoded = try Self.decode(Self.header + reordered + Self.listB + Self.records)
        #expect(decoded.lists == Self.expected.lists)
    }

    /// A damaged variant of the file, and the message part and offset it must be refused with.
    struct Damage: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var message: String
        var offset: Int
        var testDescription: String { name }
    }

    static let listAStart = header.count
    static let listBStart = header.count + listA.count
    static let recordsStart = header.count + listA.count + listB.count

    static let damages: [Damage] = [
        Damage(name: "empty file", bytes: [], message: "empty file", offset: 0),
        Damage(name: "cut inside the header", bytes: Array(file.prefix(10)), message: "runs past the end", offset: 0),
        Damage(name: "cut inside a postings list", bytes: Array(file.prefix(listAStart + 9)),
               message: "runs past the end", offset: listAStart),
        Damage(name: "cut before the records", bytes: header + listA + listB,
               message: "ends after 0 of 3 document records", offset: recordsStart),
        Damage(name: "a varint running past the end", bytes: header + [0x80], message: "varint runs past the end", offset: listAStart),
        Damage(name: "df that is not the number of postings", bytes: header + patched(listA, at: 5, 0x03) + listB + records,
               message: "says df 3 but has 2 postings", offset: listAStart),
        Damage(name: "cf that is not the sum of frequencies", bytes: header + patched(listA, at: 7, 0x04) + listB + records,
               message: "says cf 4 but its frequencies add up to 3", offset: listAStart),
        Damage(name: "a zero gap: documents out of order", bytes: header + patched(listA, at: 15, 0x00) + listB + records,
               message: "do not ascend", offset: listAStart + 13),
        Damage(name: "a document out of range", bytes: header + patched(listA, at: 15, 0x05) + listB + records,
               message: "document 5 is out of range", offset: listAStart + 13),
        Damage(name: "a zero term frequency", bytes: header + patched(listA, at: 11, 0x00) + listB + records,
               message: "term frequency 0", offset: listAStart + 9),
        Damage(name: "more lists promised than written", bytes: patched(patched(header, at: 4, 0x03), at: 8, 0x03) + listA + listB + records,
               message: "postings list field 2 has wire type 2", offset: recordsStart + 1),
        Damage(name: "a record out of docid order", bytes: header + listA + listB + patched(records, at: 9, 0x02),
               message: "records must be in docid order", offset: recordsStart + 7),
        Damage(name: "bytes after the last record", bytes: file + [0x00], message: "1 bytes follow the last document record",
               offset: file.count),
        Damage(name: "a header that counts more records than documents",
               bytes: patched(header, at: 6, 0x04) + listA + listB + records, message: "header counts do not add up", offset: 0),
        Damage(name: "a wrong wire type", bytes: header + patched(listA, at: 4, 0x11) + listB + records,
               message: "wire type 1", offset: listAStart + 4),
    ]

    static func patched(_ bytes: [UInt8], at index: Int, _ value: UInt8) -> [UInt8] {
        var copy = bytes
        copy[index] = value
        return copy
    }

    @Test("damaged, truncated and lying files are refused with the problem and its byte offset", arguments: damages)
    func damaged(_ damage: Damage) {
        do {
            _ = try Self.decode(damage.bytes)
            Issue.record("\(damage.name) was accepted")
        } catch {
            #expect(error.message.contains(damage.message), "\(damage.name): \(error.message)")
            #expect(error.offset == damage.offset, "\(damage.name): offset \(error.offset), expected \(damage.offset) (\(error.message))")
        }
    }

    @Test("random byte damage of the file never traps")
    func randomDamage() {
        var random = TestRandom(seed: 99)
        for _ in 0..<2_000 {
            var bytes = Self.file
            for _ in 0..<random.int(in: 1...3) { bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next()) }
            if random.below(4) == 0 { bytes.removeLast(random.below(bytes.count)) }
            _ = try? Self.decode(bytes)
        }
    }

    @Test("the writer refuses what its reader would refuse")
    func writerRefusesInconsistentInput() throws {
        try IndexTestFolder.with { folder in
            var writer = try CIFFWriter(path: folder.sub("bad.ciff"), header: Self.expected.header)
            #expect(throws: CIFFWriter.WriteError.self) { try writer.write(Self.expected.records[0]) }
            #expect(throws: CIFFWriter.WriteError.self) {
                try writer.write(CIFFPostingsList(term: Array("a".utf8), documents: [2, 1], frequencies: [1, 1]))
            }
            try writer.write(Self.expected.lists[0])
            #expect(throws: CIFFWriter.WriteError.self) { try writer.finish() }
            writer.abandon()
            #expect(try IndexTestKit.fileNames(folder.path).isEmpty)
        }
    }
}
