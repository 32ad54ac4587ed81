import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage

/// Damaged index files are refused with `IndexError.corrupt` naming the file, never trapped on.
@Suite struct IndexDamageTests {
    static let corpus = RandomCorpus.make(seed: 2718, documentCount: 300)

    /// The files of an index of `corpus`, written once (commits sync to disk, which is slow).
    static let pristine: Result<[String: Data], Error> = Result {
        try IndexTestFolder.with { folder in
            // Every kind of file: segment files, a deletions file and a source table.
            try IndexTestKit.writeEveryKind(corpus.documents, at: folder.path,
                                            deleting: corpus.documents.indices.filter { $0 % 11 == 3 }.map { corpus.documents[$0].id })
            var files: [String: Data] = [:]
            for name in try IndexTestKit.fileNames(folder.path) {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: folder.sub(name)))
            }
            return files
        }
    }

    /// Runs `body` with a fresh copy of the pristine index in its own folder.
    static func withIndex(_ body: (String) throws -> Void) throws {
        let files = try pristine.get()
        try IndexTestFolder.with { folder in
            for (name, bytes) in files { try bytes.write(to: URL(fileURLWithPath: folder.sub(name))) }
            try body(folder.path)
        }
    }

    static func readBytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func writeBytes(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The error opening the index at `path`, or nil when it opened.
    static func openError(_ path: String, verifyChecksums: Bool = true) -> IndexError? {
        do {
            _ = try IndexReader(path: path, verifyChecksums: verifyChecksums)
            return nil
        } catch {
            return error  // the initializer throws IndexError only
        }
    }

    /// Expects `error` to be `.corrupt` naming `file`.
    static func expectCorrupt(_ error: IndexError?, naming file: String, _ context: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .corrupt(let named, let reason)? = error else {
            Issue.record("\(context): expected corrupt naming \(file), got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(named == file, "\(context): names \(named) (\(reason))", sourceLocation: sourceLocation)
        #expect(error!.description.contains((file as NSString).lastPathComponent), sourceLocation: sourceLocation)
    }

    @Test("one flipped byte in the middle of each file is caught at open", arguments: IndexFormat.FileKind.allCases)
    func flippedByte(kind: IndexFormat.FileKind) throws {
        try Self.withIndex { index in
            let file = try IndexTestKit.file(kind, in: index)
            var bytes = try Self.readBytes(file)
            bytes[bytes.count / 2] ^= 0x20
            try Self.writeBytes(bytes, to: file)
            Self.expectCorrupt(Self.openError(index), naming: file, "\(kind) flipped")
            if kind == .manifest {
                Self.expectCorrupt(Self.openError(index, verifyChecksums: false), naming: file, "manifest always verified")
            } else {
                // Without checksums at open, `check()` still finds it.
                do {
                    let reader = try IndexReader(path: index, verifyChecksums: false)
                    _ = try reader.check()
                    Issue.record("check() passed a flipped byte in \(kind)")
                } catch {
                    Self.expectCorrupt(IndexTestKit.indexError(error), naming: file, "\(kind) flipped, check()")
                }
            }
        }
    }

    @Test("each file truncated by a few bytes is caught at open", arguments: IndexFormat.FileKind.allCases)
    func truncated(kind: IndexFormat.FileKind) throws {
        for cut in [1, 3, 7] {
            try Self.withIndex { index in
                let file = try IndexTestKit.file(kind, in: index)
                let bytes = try Self.readBytes(file)
                try Self.writeBytes(Array(bytes.dropLast(cut)), to: file)
                Self.expectCorrupt(Self.openError(index), naming: file, "\(kind) cut by \(cut)")
                Self.expectCorrupt(Self.openError(index, verifyChecksums: false), naming: file, "\(kind) cut by \(cut), no checksums")
            }
        }
    }

    @Test("each file cut to nothing or to less than its header is corrupt", arguments: IndexFormat.FileKind.allCases)
    func cutShort(kind: IndexFormat.FileKind) throws {
        for length in [0, 4, 12, 19] {
            try Self.withIndex { index in
                let file = try IndexTestKit.file(kind, in: index)
                let bytes = try Self.readBytes(file)
                try Self.writeBytes(Array(bytes.prefix(length)), to: file)
                Self.expectCorrupt(Self.openError(index), naming: file, "\(kind) cut to \(length)")
            }
        }
    }

    @Test("a missing segment file is missingFile, naming it", arguments: IndexFormat.FileKind.segmentKinds)
    func missingSegmentFile(kind: IndexFormat.FileKind) throws {
        try Self.withIndex { index in
            let file = try IndexTestKit.file(kind, in: index)
            try FileManager.default.removeItem(atPath: file)
            let error = Self.openError(index)
            #expect(error == .missingFile(file))
            #expect(error?.description == "index file '\(file)' is missing (the manifest names it)")
        }
    }

    @Test("a manifest of an older format version is olderFormat, and the library's message names no command")
    func olderManifest() throws {
        try Self.withIndex { index in
            let file = try IndexTestKit.file(.manifest, in: index)
            var bytes = try Self.readBytes(file)
            Self.setVersion(&bytes, IndexFormat.version - 1)
            try Self.writeBytes(bytes, to: file)
            let error = Self.openError(index)
            #expect(error == .olderFormat(file: file, found: Int(IndexFormat.version) - 1, supported: Int(IndexFormat.version)))
            #expect(error?.description.contains("sift index") == false)
            #expect(error?.description.contains("rebuilt") == true)
        }
    }

    @Test("a manifest with a newer version (valid checksum) is newerFormat")
    func newerManifest() throws {
        try Self.withIndex { index in
            let file = try IndexTestKit.file(.manifest, in: index)
            var bytes = try Self.readBytes(file)
            let newer = IndexFormat.version + 1
            Self.setVersion(&bytes, newer)
            try Self.writeBytes(bytes, to: file)
            let error = Self.openError(index)
            #expect(error == .newerFormat(file: file, found: Int(newer), supported: Int(IndexFormat.version)))
            #expect(error?.description.contains("newer") == true)
        }
    }

    @Test("a segment, deletions or sources file of another version than its manifest is corrupt, naming it",
          arguments: IndexFormat.FileKind.segmentKinds + [.deletions, .sources])
    func otherVersionSegmentFile(kind: IndexFormat.FileKind) throws {
        for version in [IndexFormat.version - 1, 9] {
            try Self.withIndex { index in
                let file = try IndexTestKit.file(kind, in: index)
                var bytes = try Self.readBytes(file)
                Self.setVersion(&bytes, version)
                try Self.writeBytes(bytes, to: file)
                // The manifest, of this version, names it: a file claiming another one is damaged.
                Self.expectCorrupt(Self.openError(index), naming: file, "\(kind) version \(version)")
            }
        }
    }

    @Test("a manifest whose version byte is flipped is corrupt (its checksum fails), not of a newer Sift")
    func flippedManifestVersion() throws {
        try Self.withIndex { index in
            let file = try IndexTestKit.file(.manifest, in: index)
            var bytes = try Self.readBytes(file)
            bytes[8] ^= 0x08
            try Self.writeBytes(bytes, to: file)
            let error = Self.openError(index)
            Self.expectCorrupt(error, naming: file, "version byte flipped")
            #expect(error?.description.contains("checksum") == true, "\(String(describing: error))")
        }
    }

    @Test("a version 0 or a wrong magic or kind is corrupt")
    func badHeaders() throws {
        for (offset, value) in [(8, UInt8(0)), (0, UInt8(ascii: "X")), (4, UInt8(ascii: "Z"))] {
            try Self.withIndex { index in
                let file = try IndexTestKit.file(.manifest, in: index)
                var bytes = try Self.readBytes(file)
                bytes[offset] = value
                Self.fixChecksum(&bytes)
                try Self.writeBytes(bytes, to: file)
                Self.expectCorrupt(Self.openError(index), naming: file, "byte \(offset) set to \(value)")
            }
        }
    }

    @Test("a segment file swapped for another kind is corrupt")
    func swappedFiles() throws {
        try Self.withIndex { index in
            let terms = try IndexTestKit.file(.terms, in: index)
            let postings = try IndexTestKit.file(.postings, in: index)
            try Self.writeBytes(try Self.readBytes(terms), to: postings)
            Self.expectCorrupt(Self.openError(index), naming: postings, "terms file in place of postings")
        }
    }

    /// Random single-byte damage anywhere in a segment file, opened without checksums: opening,
    /// searching, fetching documents and checking may fail, but only with `IndexError` values.
    @Test("random byte damage never traps: only corrupt or newerFormat errors", arguments: IndexFormat.FileKind.segmentKinds)
    func randomDamageNeverTraps(kind: IndexFormat.FileKind) throws {
        var random = TestRandom(seed: 0xBAD ^ UInt64(kind.rawValue.utf8.reduce(0) { $0 * 31 + Int($1) }))
        var random2 = TestRandom(seed: 12345)
        try Self.withIndex { index in
            let file = try IndexTestKit.file(kind, in: index)
            let original = try Self.readBytes(file)
            let queries = (0..<4).map { _ in Self.corpus.randomQuery(&random2).joined(separator: " ") }
            var caughtByCheck = 0
            for _ in 0..<40 {
                var bytes = original
                let position = random.below(bytes.count - 4)  // keep the trailer, so only check() can tell
                bytes[position] ^= UInt8(1 << random.below(8))
                try Self.writeBytes(bytes, to: file)
                do {
                    let reader = try IndexReader(path: index, verifyChecksums: false)
                    let searcher = Searcher(reader: reader)
                    for query in queries {
                        // Fetching a document decompresses its text block: damage there must throw too.
                        let results = try searcher.search(query, options: SearchOptions(limit: 4))
                        for hit in results.hits { _ = try reader.document(at: hit.document) }
                    }
                    _ = try reader.check()
                    Issue.record("check() passed with byte \(position) of \(kind) flipped")
                } catch {
                    switch IndexTestKit.indexError(error) {
                    case .corrupt?, .newerFormat?: caughtByCheck += 1
                    default: Issue.record("unexpected error \(error)")
                    }
                }
            }
            #expect(caughtByCheck == 40)
        }
    }

    static func setVersion(_ bytes: inout [UInt8], _ version: UInt32) {
        for index in 0..<4 { bytes[8 + index] = UInt8((version >> (8 * UInt32(index))) & 0xFF) }
        fixChecksum(&bytes)
    }

    /// Recomputes the trailing CRC-32C: the last 4 bytes are the checksum of all before, little-endian.
    static func fixChecksum(_ bytes: inout [UInt8]) {
        let crc = CRC32C.checksum(Array(bytes.dropLast(4)))
        for index in 0..<4 { bytes[bytes.count - 4 + index] = UInt8((crc >> (8 * UInt32(index))) & 0xFF) }
    }
}
