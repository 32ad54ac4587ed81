import Foundation
import Testing
@_spi(SiftInternal) @testable import SiftIndex
import SiftTestSupport
@testable import SiftIngest
@testable import SiftSearch
@_spi(SiftInternal) @testable import SiftStorage
@testable import SiftAnalysis

/// Damaged deletions files and source tables are refused, naming the file, never trapped on.
@Suite struct DeletionsAndSourcesDamageTests {
    /// An index of files with a deletions file (kept: no purge) and a source table.
    static func damageFixture(_ folder: IndexTestFolder) throws -> (index: String, pristine: [String: Data]) {
        let root = folder.sub("docs")
        let index = folder.sub("index")
        var corpus = EditableFolder(root: root, seed: 909, jsonl: false)
        for _ in 0..<30 { try corpus.addFile(words: true) }
        let policy = MergePolicy(mergeFactor: 4, maxDeletedShare: 1)
        try IncrementalKit.update(root: root, index: index, unit: .file, mode: .replace, policy: policy)
        _ = try corpus.deleteFile()
        _ = try corpus.deleteFile()
        _ = try corpus.editSameSize()
        try IncrementalKit.update(root: root, index: index, unit: .file, policy: policy)
        return (index, try IncrementalKit.snapshot(index))
    }

    static func restore(_ pristine: [String: Data], to index: String) throws {
        for name in try IndexTestKit.fileNames(index) where pristine[name] == nil { try FileManager.default.removeItem(atPath: index + "/" + name) }
        for (name, bytes) in pristine { try bytes.write(to: URL(fileURLWithPath: index + "/" + name)) }
    }

    static func expectCorrupt(_ error: IndexError?, naming file: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .corrupt(let named, _)? = error else {
            Issue.record("\(context): expected .corrupt naming \(file), got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
        #expect(named == file, "\(context): \(String(describing: error))", sourceLocation: sourceLocation)
    }

    enum Damage: String, CaseIterable, Sendable {
        case flipMiddle, flipHeader, dropLastByte, half, empty

        func apply(_ bytes: [UInt8]) -> [UInt8] {
            var bytes = bytes
            switch self {
            case .flipMiddle: bytes[bytes.count / 2] ^= 0x10
            case .flipHeader: bytes[5] ^= 0x01
            case .dropLastByte: bytes.removeLast()
            case .half: bytes.removeLast(bytes.count / 2)
            case .empty: bytes = []
            }
            return bytes
        }
    }

    @Test("a damaged deletions file is refused as corrupt, naming it", arguments: Damage.allCases)
    func damagedDeletions(_ damage: Damage) throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try Self.damageFixture(folder)
            let name = try #require(pristine.keys.first { $0.hasPrefix("del-") })
            let path = index + "/" + name
            try IncrementalKit.write(damage.apply(Array(pristine[name]!)), to: path)
            Self.expectCorrupt(IncrementalKit.indexError { _ = try IndexReader(path: index, verifyChecksums: true) }, naming: path, "\(damage), verified")
            // Without checksums at open: refused at open, or by check().
            let unverified = IncrementalKit.indexError {
                let reader = try IndexReader(path: index, verifyChecksums: false)
                _ = try reader.check(deep: false)
            }
            Self.expectCorrupt(unverified, naming: path, "\(damage), unverified")
        }
    }

    @Test("a damaged source table is refused as corrupt, naming it, by check, a dry run and an update", arguments: Damage.allCases)
    func damagedSources(_ damage: Damage) throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try Self.damageFixture(folder)
            let name = try #require(pristine.keys.first { $0.hasPrefix("src-") })
            let path = index + "/" + name
            try IncrementalKit.write(damage.apply(Array(pristine[name]!)), to: path)
            let candidates = try IncrementalKit.candidates(folder.sub("docs"), unit: .file)
            Self.expectCorrupt(IncrementalKit.indexError { _ = try IndexReader(path: index, verifyChecksums: true) },
                               naming: path, "\(damage): verified open")
            Self.expectCorrupt(IncrementalKit.indexError {
                let reader = try IndexReader(path: index)
                _ = try reader.check(deep: false)
            }, naming: path, "\(damage): check")
            Self.expectCorrupt(IncrementalKit.indexError { _ = try IndexReader(path: index).indexedUnit() }, naming: path, "\(damage): unit")
            Self.expectCorrupt(IncrementalKit.indexError {
                _ = try IndexReader(path: index).planUpdate(with: candidates, extractor: IncrementalKit.extractor(.file))
            }, naming: path, "\(damage): dry run")
            Self.expectCorrupt(IncrementalKit.indexError {
                let writer = try IndexWriter(path: index, configuration: IncrementalKit.configuration, mode: .openOrCreate)
                defer { writer.close() }
                _ = try writer.update(with: candidates, extractor: IncrementalKit.extractor(.file))
            }, naming: path, "\(damage): update")
            #expect(try IncrementalKit.snapshot(index).filter { $0.key != name } == pristine.filter { $0.key != name },
                    "nothing written over a damaged table")
        }
    }

    /// Writes one byte of a file in place.
    static func poke(_ path: String, at offset: Int, _ byte: UInt8) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: [byte])
    }

    @Test("every single flipped byte of a deletions file or a source table is caught, never trapped on")
    func everyFlippedByte() throws {
        try IndexTestFolder.with { folder in
            let (index, pristine) = try Self.damageFixture(folder)
            let deletions = try #require(pristine.keys.first { $0.hasPrefix("del-") })
            let deletionsPath = index + "/" + deletions
            let original = Array(pristine[deletions]!)
            var caughtAtOpen = 0
            for offset in original.indices {
                try Self.poke(deletionsPath, at: offset, original[offset] ^ 0x04)
                defer { try? Self.poke(deletionsPath, at: offset, original[offset]) }
                let error = IncrementalKit.indexError {
                    let reader = try IndexReader(path: index, verifyChecksums: false)
                    caughtAtOpen -= 1
                    // Whatever the damage, searching must not trap...
                    let searcher = Searcher(reader: reader)
                    for query in ["cat", "cat bear stone", "\"cat bear\"", "sto*"] {
                        _ = try? searcher.search(query, options: SearchOptions(limit: 5))
                    }
                    // ...and check() must find it.
                    _ = try reader.check(deep: true)
                }
                caughtAtOpen += 1
                if case .newerFormat(let file, _, _)? = error {
                    #expect(file == deletionsPath && (8..<12).contains(offset), "byte \(offset): \(error!)")
                } else {
                    Self.expectCorrupt(error, naming: deletionsPath, "deletions byte \(offset)")
                }
            }
            #expect(caughtAtOpen > 0)
            try IncrementalKit.write(original, to: deletionsPath)
            _ = try IndexReader(path: index, verifyChecksums: true).check(deep: true)

            let sources = try #require(pristine.keys.first { $0.hasPrefix("src-") })
            let sourcesPath = index + "/" + sources
            let table = Array(pristine[sources]!)
            for offset in table.indices {
                try Self.poke(sourcesPath, at: offset, table[offset] ^ 0x04)
                defer { try? Self.poke(sourcesPath, at: offset, table[offset]) }
                let verified = IncrementalKit.indexError { _ = try IndexReader(path: index, verifyChecksums: true) }
                // Unverified, the table is still checked before it is decoded.
                let unverified = IncrementalKit.indexError { _ = try IndexReader(path: index).sourceTable() }
                for error in [verified, unverified] {
                    if case .newerFormat(let file, _, _)? = error {
                        #expect(file == sourcesPath && (8..<12).contains(offset), "byte \(offset): \(error!)")
                    } else {
                        Self.expectCorrupt(error, naming: sourcesPath, "sources byte \(offset)")
                    }
                }
            }
            let reader = try IndexReader(path: index, verifyChecksums: true)
            #expect(try reader.sourceTable() != nil)
        }
    }
}
