import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

/// The deletions file, the source table and the manifest round-trip through their encodings.
@Suite struct DeletionsAndSourcesCodecTests {
    static let segmentName = "seg-0123456789abcdef"

    /// Random distinct dictionary keys: text keys, title keys (behind 0x01), non-ASCII bytes.
    static func randomKeys(_ count: Int, _ random: inout TestRandom) -> [[UInt8]: UInt32] {
        var keys: [[UInt8]: UInt32] = [:]
        while keys.count < count {
            var key = (0..<random.int(in: 1...14)).map { _ in UInt8(random.int(in: 0x61...0x7A)) }
            if random.below(4) == 0 { key.insert(IndexFormat.titleKeyPrefix, at: 0) }
            if random.below(6) == 0 { key.append(contentsOf: [0xC3, 0xBC]) }
            keys[key] = UInt32(random.int(in: 1...100_000))
        }
        return keys
    }

    @Test("deletions written to a file read back with the same bits, counts and frequencies",
          arguments: [0, 1, 63, 64, 65, 200, 4097])
    func deletionsFileRoundTrip(documentCount: Int) throws {
        var random = TestRandom(seed: UInt64(documentCount) &+ 99)
        try IndexTestFolder.with { folder in
            for (variant, (density, keyCount)) in [(0.0, 0), (0.05, 3), (0.5, 40), (1.0, 1500)].enumerated() {
                var deletions = SegmentDeletions(documentCount: documentCount)
                var expected = Set<Int>()
                for document in 0..<documentCount where random.unit() < density {
                    let inserted = deletions.insert(document)
                    #expect(inserted)
                    expected.insert(document)
                }
                if let document = expected.first {
                    let again = deletions.insert(document)
                    #expect(!again, "already deleted")
                }
                #expect(deletions.count == expected.count)
                deletions.tokenCount = random.next() >> 8
                deletions.titleTokenCount = random.next() >> 8
                deletions.frequencies = Self.randomKeys(keyCount, &random)
                let bytes = deletions.encode(segment: Self.segmentName)
                #expect(bytes.count == SegmentDeletions.fixedSize + (documentCount + 63) / 64 * 8 + 4 + keyCount * 8
                        + deletions.frequencies.keys.reduce(0) { $0 + $1.count } + IndexFormat.trailerSize)
                let path = folder.sub("deletions-\(variant)")
                try IncrementalKit.write(bytes, to: path)
                let file = try MappedFile(path: path)
                try IndexFormat.validateHeader(file.bytes, kind: .deletions, file: path)
                try IndexFormat.verifyChecksum(file.bytes, file: path)
                let mapped = try DeletionsFile(file: file, segment: Self.segmentName, documentCount: documentCount,
                                               deletedCount: expected.count)
                #expect(mapped.documentCount == documentCount && mapped.count == expected.count)
                #expect(mapped.tokenCount == deletions.tokenCount && mapped.titleTokenCount == deletions.titleTokenCount)
                #expect(mapped.keyCount == keyCount)
                #expect((0..<documentCount).allSatisfy { mapped.isDeleted($0) == expected.contains($0) })
                #expect((0..<documentCount).allSatisfy { deletions.contains($0) == expected.contains($0) })
                let sorted = deletions.frequencies.keys.sorted { $0.lexicographicallyPrecedes($1) }
                for (index, key) in sorted.enumerated() {
                    #expect(Array(mapped.key(at: index)) == key)
                    #expect(mapped.frequency(at: index) == deletions.frequencies[key])
                    #expect(key.withUnsafeBytes { mapped.deletedFrequency(of: $0) } == deletions.frequencies[key])
                }
                for absent in [[UInt8](), [0x00], [0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A, 0x7A], [0xFF]] {
                    #expect(absent.withUnsafeBytes { mapped.deletedFrequency(of: $0) } == 0)
                }
                #expect(try SegmentDeletions(mapped) == deletions, "the mutable form read back equals the one written")
                // The file must match the segment and the manifest it is named for.
                for (segment, documents, deleted) in [("seg-fedcba9876543210", documentCount, expected.count),
                                                      (Self.segmentName, documentCount + 1, expected.count),
                                                      (Self.segmentName, documentCount, expected.count + 1)] {
                    let error = IncrementalKit.indexError {
                        _ = try DeletionsFile(file: file, segment: segment, documentCount: documents, deletedCount: deleted)
                    }
                    guard case .corrupt(let named, _)? = error else {
                        Issue.record("variant \(variant): \(segment), \(documents), \(deleted) accepted: \(String(describing: error))")
                        continue
                    }
                    #expect(named == path)
                }
            }
        }
    }

    @Test("the table of source files round-trips, files without documents included")
    func sourceTableRoundTrip() throws {
        func segment(_ documents: UInt32) -> Manifest.Segment {
            Manifest.Segment(name: "seg-000000000000000\(documents % 10)", documentCount: documents, tokenCount: 0, titleTokenCount: 0,
                             files: Array(repeating: Manifest.FileInfo(size: 0, checksum: 0), count: 4))
        }
        let segments = [segment(10), segment(3)]
        let small = SourceTable(unit: "line", files: [
            SourceFile(key: "a.txt", fingerprint: FileFingerprint(of: Array("alpha\nbeta\n".utf8)), segment: 0, firstDocument: 0, documentCount: 4),
            SourceFile(key: "b/empty.txt", fingerprint: FileFingerprint(of: []), segment: -1, firstDocument: 0, documentCount: 0),
            SourceFile(key: "b/z.md", fingerprint: FileFingerprint(of: Array("# z".utf8)), segment: 1, firstDocument: 0, documentCount: 3),
            SourceFile(key: "ü/ñ.txt", fingerprint: FileFingerprint(size: .max, hash: .max, hash2: .max), segment: 0, firstDocument: 4, documentCount: 6),
        ])
        var random = TestRandom(seed: 5)
        var big: [SourceFile] = []
        var first = [0, 0]
        for number in 0..<400 {
            let documents = random.below(5) == 0 ? 0 : random.int(in: 1...3)
            let segment = documents == 0 ? -1 : random.below(2)
            big.append(SourceFile(key: "dir\(number / 100)/file-\(number).txt",
                                  fingerprint: FileFingerprint(size: random.next() >> 20, hash: random.next(), hash2: random.next()),
                                  segment: segment, firstDocument: documents == 0 ? 0 : first[segment], documentCount: documents))
            if documents > 0 { first[segment] += documents }
        }
        big.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        let bigSegments = [segment(UInt32(first[0])), segment(UInt32(first[1]) + 5)]
        for (table, segments) in [(small, segments), (SourceTable(unit: "file", files: []), []), (SourceTable(unit: "paragraph", files: big), bigSegments)] {
            let bytes = table.encode()
            try bytes.withUnsafeBytes { try IndexFormat.validateHeader($0, kind: .sources, file: "t") }
            let decoded = try bytes.withUnsafeBytes { try SourceTable.decode($0, file: "t", segments: segments) }
            #expect(decoded == table)
        }

        // Checked against the manifest's segments, and keys in byte order.
        func decodeError(_ table: SourceTable, _ segments: [Manifest.Segment]) -> IndexError? {
            let bytes = table.encode()
            return IncrementalKit.indexError { _ = try bytes.withUnsafeBytes { try SourceTable.decode($0, file: "table", segments: segments) } }
        }
        #expect(decodeError(small, [segment(10)]) == .corrupt(file: "table", reason: "file 'b/z.md' names documents 0..<3 of segment 1, which the manifest does not have"))
        let shortSegment = decodeError(small, [segment(9), segment(3)])
        #expect(shortSegment.map { if case .corrupt("table", _) = $0 { true } else { false } } == true, "a range past its segment")
        var unsorted = small
        unsorted.files.swapAt(0, 1)
        let order = decodeError(unsorted, segments)
        #expect(order.map { if case .corrupt("table", _) = $0 { true } else { false } } == true, "keys out of order")
        var duplicate = small
        duplicate.files[1].key = "a.txt"
        #expect(decodeError(duplicate, segments) != nil, "a key twice")
    }

    @Test("a reordered file's documents, listed one by one, round-trip; a list past its segment or naming a document twice is corrupt")
    func scatteredDocumentsRoundTrip() throws {
        func segment(_ documents: UInt32) -> Manifest.Segment {
            Manifest.Segment(name: "seg-00000000000000a\(documents % 10)", documentCount: documents, tokenCount: 0, titleTokenCount: 0,
                             files: Array(repeating: Manifest.FileInfo(size: 0, checksum: 0), count: 4))
        }
        var spread = SourceFile(key: "a.jsonl", fingerprint: FileFingerprint(of: Array("{}".utf8)), segment: 0, firstDocument: 0, documentCount: 0)
        spread.setDocuments([3, 4, 9, 200, 201, 999])
        #expect(spread.firstDocument == 3 && spread.documentCount == 6 && spread.scatteredDocuments == [3, 4, 9, 200, 201, 999])
        #expect(spread.documents == [3, 4, 9, 200, 201, 999])
        var contiguous = SourceFile(key: "b.txt", fingerprint: FileFingerprint(of: []), segment: 0, firstDocument: 0, documentCount: 0)
        contiguous.setDocuments([10, 11, 12])
        #expect(contiguous.scatteredDocuments.isEmpty && contiguous.firstDocument == 10 && contiguous.documentCount == 3)
        #expect(contiguous.documents == [10, 11, 12])
        let table = SourceTable(unit: "line", files: [spread, contiguous])
        let bytes = table.encode()
        #expect(try bytes.withUnsafeBytes { try SourceTable.decode($0, file: "t", segments: [segment(1000)]) } == table)

        func decodeError(_ table: SourceTable, _ segments: [Manifest.Segment]) -> IndexError? {
            let bytes = table.encode()
            return IncrementalKit.indexError { _ = try bytes.withUnsafeBytes { try SourceTable.decode($0, file: "table", segments: segments) } }
        }
        #expect(decodeError(table, [segment(999)]) == .corrupt(file: "table", reason: "file 'a.jsonl' names document 999 of segment 0, which has 999"))
        var twice = table
        twice.files[0].scatteredDocuments = [3, 3, 9]
        twice.files[0].documentCount = 3
        #expect(decodeError(twice, [segment(1000)]) == .corrupt(file: "table", reason: "file 'a.jsonl' lists a document twice"))
        var elsewhere = table
        elsewhere.files[0].segment = 1
        #expect(decodeError(elsewhere, [segment(1000)]) == .corrupt(file: "table", reason: "file 'a.jsonl' lists 6 documents of segment 1, which the manifest does not have"))
        // A count larger than the bytes left cannot be a list.
        var short = table
        short.files[0].documentCount = 5000
        #expect(decodeError(short, [segment(1000)]) == .corrupt(file: "table", reason: "file 'a.jsonl' lists 5000 documents in fewer bytes"))
    }

    @Test("a manifest with deletions and a source table round-trips; bad records are corrupt")
    func manifestRoundTrip() throws {
        let files = (0..<4).map { Manifest.FileInfo(size: UInt64(1000 + $0), checksum: UInt32(0xA0B0_C0D0 + $0)) }
        let deletions = Manifest.Deletions(count: 7, file: Manifest.NamedFile(name: "del-0123456789abcdef.deletes",
                                                                                 info: Manifest.FileInfo(size: 300, checksum: 0xDEAD_BEEF)))
        let segments = [
            Manifest.Segment(name: "seg-00000000000000a1", documentCount: 100, tokenCount: 5000, titleTokenCount: 300, files: files,
                             deletions: deletions),
            Manifest.Segment(name: "seg-00000000000000b2", documentCount: 3, tokenCount: 12, titleTokenCount: 0, files: files),
        ]
        let sources = Manifest.NamedFile(name: "src-00000000000000ff.sources", info: Manifest.FileInfo(size: 77, checksum: 1))
        let manifests = [
            Manifest(configuration: AnalyzerConfiguration(stemmer: .porter2, stopWords: .custom(["the", "ñ"])), generation: 42,
                     segments: segments, sources: sources),
            Manifest(configuration: IncrementalKit.configuration, generation: 1, segments: segments, sources: nil),
            Manifest(configuration: AnalyzerConfiguration(), generation: .max, segments: [], sources: sources),
        ]
        for manifest in manifests {
            let bytes = manifest.encode()
            #expect(try bytes.withUnsafeBytes { try Manifest.decode($0, file: "manifest") } == manifest)
        }
        func decodeError(_ manifest: Manifest) -> IndexError? {
            let bytes = manifest.encode()
            return IncrementalKit.indexError { _ = try bytes.withUnsafeBytes { try Manifest.decode($0, file: "manifest") } }
        }
        var tooMany = manifests[0]
        tooMany.segments[1].deletions = Manifest.Deletions(count: 4, file: deletions.file)
        #expect(decodeError(tooMany) == .corrupt(file: "manifest", reason: "segment seg-00000000000000b2 has 4 deleted of 3 documents"))
        var badName = manifests[0]
        badName.segments[0].deletions!.file.name = "../del-0123456789abcdef.deletes"
        #expect(decodeError(badName) != nil)
        var badSources = manifests[0]
        badSources.sources!.name = "src-0123.sources"
        #expect(decodeError(badSources) != nil)
        var twice = manifests[0]
        twice.segments[1].name = twice.segments[0].name
        #expect(decodeError(twice) == .corrupt(file: "manifest", reason: "a segment is named twice"))
    }
}
