import SiftAnalysis
@_spi(SiftInternal) import SiftStorage
/// The list of live segments and the analyzer settings: the one file a commit replaces
/// atomically, so an index is always exactly the segments its manifest names.
struct Manifest: Equatable, Sendable {
    /// One segment's name, counts, and its files' sizes and checksums (so truncation and
    /// substitution are caught without reading the files).
    struct Segment: Equatable, Sendable {
        var name: String
        var documentCount: UInt32
        var tokenCount: UInt64
        var titleTokenCount: UInt64
        /// Size and CRC-32C trailer of each file, in `IndexFormat.FileKind.segmentKinds` order.
        var files: [FileInfo]
        /// The segment's deletions file, if any of its documents are deleted.
        var deletions: Deletions? = nil

        /// Documents not deleted.
        var liveDocumentCount: Int { Int(documentCount) - Int(deletions?.count ?? 0) }

        /// The record of the segment's file of `kind`, one of `IndexFormat.FileKind.segmentKinds`.
        func file(_ kind: IndexFormat.FileKind) -> FileInfo {
            files[IndexFormat.FileKind.segmentKinds.firstIndex(of: kind)!]
        }

        var terms: FileInfo { file(.terms) }
        var postings: FileInfo { file(.postings) }
        var positions: FileInfo { file(.positions) }
        var documents: FileInfo { file(.documents) }
    }

    /// A segment's deleted documents: how many, and the file that lists them.
    struct Deletions: Equatable, Sendable {
        var count: UInt32
        var file: NamedFile
    }

    /// A file a manifest names besides the segment files: its name, size and checksum.
    struct NamedFile: Equatable, Sendable {
        var name: String
        var info: FileInfo
    }

    struct FileInfo: Equatable, Sendable {
        var size: UInt64
        var checksum: UInt32

        init(size: UInt64, checksum: UInt32) {
            self.size = size
            self.checksum = checksum
        }

        init(_ sealed: SealedFile) {
            self.init(size: sealed.size, checksum: sealed.checksum)
        }
    }

    var configuration: AnalyzerConfiguration
    /// The `Analyzer.version` that analyzed the documents.
    var analyzerVersion: UInt32 = Analyzer.version
    /// What the documents keep besides postings: their text, or a forward index of their terms.
    var storage: TextStorage = .text
    /// Whether postings carry positions (false for an index imported from another engine's
    /// postings, which have only term frequencies).
    var hasPositions = true
    /// Commits since the index was created (1 for a fresh build): tells apart two states of
    /// the same folder.
    var generation: UInt64 = 1
    var segments: [Segment]
    /// The table of source files (which documents each indexed file gave), when the index was
    /// built from files; what makes `sift index` incremental.
    var sources: NamedFile? = nil

    /// Documents, deleted ones included: the range of document ids.
    var documentCount: Int { segments.reduce(0) { $0 + Int($1.documentCount) } }

    func encode() -> [UInt8] {
        var writer = IndexFormat.beginFile(.manifest)
        writer.write(UInt8(Self.stemmerCodes.firstIndex(of: configuration.stemmer)!))
        switch configuration.stopWords {
        case .english:
            writer.write(UInt8(0))
        case .none:
            writer.write(UInt8(1))
        case .custom(let words):
            writer.write(UInt8(2))
            writer.writeVarint(UInt64(words.count))
            for word in words { writer.writeString(word) }
        }
        writer.write(analyzerVersion)
        writer.write(storage.code)
        writer.write(UInt8(hasPositions ? 1 : 0))
        writer.write(generation)
        writer.writeVarint(UInt64(segments.count))
        for segment in segments {
            writer.writeString(segment.name)
            writer.write(segment.documentCount)
            writer.write(segment.tokenCount)
            writer.write(segment.titleTokenCount)
            for file in segment.files {
                writer.write(file.size)
                writer.write(file.checksum)
            }
            writer.write(segment.deletions?.count ?? 0)
            if let deletions = segment.deletions { Self.write(deletions.file, to: &writer) }
        }
        writer.write(UInt8(sources == nil ? 0 : 1))
        if let sources { Self.write(sources, to: &writer) }
        return IndexFormat.finishFile(&writer)
    }

    private static func write(_ file: NamedFile, to writer: inout ByteWriter) {
        writer.writeString(file.name)
        writer.write(file.info.size)
        writer.write(file.info.checksum)
    }

    private static func readNamedFile(_ reader: inout ByteReader, manifest: String, kind: String) throws -> NamedFile {
        let name = try reader.readString()
        guard IndexFormat.isContentName(name, kind: kind) else {
            throw IndexError.corrupt(file: manifest, reason: "invalid \(kind) file name '\(name)'")
        }
        return NamedFile(name: name, info: FileInfo(size: try reader.readUInt64(), checksum: try reader.readUInt32()))
    }

    static let stemmerCodes: [StemmerKind] = [.porter, .porter2, .none]

    static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws(IndexError) -> Manifest {
        try IndexFormat.validateManifest(bytes, file: file)
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - IndexFormat.trailerSize)])
        var reader = ByteReader(body, offset: IndexFormat.headerSize)
        return try IndexFormat.decoding(file) {
            let stemmerCode = Int(try reader.readUInt8())
            guard stemmerCode < stemmerCodes.count else {
                throw IndexError.corrupt(file: file, reason: "unknown stemmer code \(stemmerCode)")
            }
            let stopWords: StopWords
            switch try reader.readUInt8() {
            case 0: stopWords = .english
            case 1: stopWords = .none
            case 2:
                let count = try reader.readLength(limit: reader.remaining)
                var words: [String] = []
                for _ in 0..<count { words.append(try reader.readString()) }
                stopWords = .custom(words)
            case let code:
                throw IndexError.corrupt(file: file, reason: "unknown stop-word code \(code)")
            }
            let analyzerVersion = try reader.readUInt32()
            let storageCode = try reader.readUInt8()
            guard let storage = TextStorage(code: storageCode) else {
                throw IndexError.corrupt(file: file, reason: "unknown stored-text code \(storageCode)")
            }
            let positionsCode = try reader.readUInt8()
            guard positionsCode <= 1 else {
                throw IndexError.corrupt(file: file, reason: "unknown positions code \(positionsCode)")
            }
            let generation = try reader.readUInt64()
            let segmentCount = try reader.readLength(limit: reader.remaining)
            var segments: [Segment] = []
            for _ in 0..<segmentCount {
                let name = try reader.readString()
                guard Self.isValidSegmentName(name) else {
                    throw IndexError.corrupt(file: file, reason: "invalid segment name '\(name)'")
                }
                let documentCount = try reader.readUInt32()
                let tokenCount = try reader.readUInt64()
                let titleTokenCount = try reader.readUInt64()
                var files: [FileInfo] = []
                for _ in IndexFormat.FileKind.segmentKinds {
                    files.append(FileInfo(size: try reader.readUInt64(), checksum: try reader.readUInt32()))
                }
                let deletedCount = try reader.readUInt32()
                var deletions: Deletions? = nil
                if deletedCount > 0 {
                    guard deletedCount <= documentCount else {
                        throw IndexError.corrupt(file: file, reason: "segment \(name) has \(deletedCount) deleted of \(documentCount) documents")
                    }
                    deletions = Deletions(count: deletedCount, file: try readNamedFile(&reader, manifest: file, kind: IndexFormat.deletionsExtension))
                }
                segments.append(Segment(name: name, documentCount: documentCount, tokenCount: tokenCount,
                                        titleTokenCount: titleTokenCount, files: files, deletions: deletions))
            }
            guard Set(segments.map(\.name)).count == segments.count else {
                throw IndexError.corrupt(file: file, reason: "a segment is named twice")
            }
            var sources: NamedFile? = nil
            switch try reader.readUInt8() {
            case 0: break
            case 1: sources = try readNamedFile(&reader, manifest: file, kind: IndexFormat.sourcesExtension)
            case let code: throw IndexError.corrupt(file: file, reason: "unknown source-table flag \(code)")
            }
            guard reader.isAtEnd else {
                throw IndexError.corrupt(file: file, reason: "\(reader.remaining) unexpected bytes after the segment list")
            }
            guard segments.reduce(0, { $0 + Int($1.documentCount) }) <= Int(UInt32.max) else {
                throw IndexError.corrupt(file: file, reason: "more than 2^32 documents")
            }
            return Manifest(configuration: AnalyzerConfiguration(stemmer: stemmerCodes[stemmerCode], stopWords: stopWords),
                            analyzerVersion: analyzerVersion, storage: storage, hasPositions: positionsCode == 1, generation: generation,
                            segments: segments, sources: sources)
        }
    }

    /// Segment names are `seg-` and 16 lowercase hex digits: nothing that could climb out of
    /// the index folder.
    static func isValidSegmentName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 20, name.hasPrefix("seg-") else { return false }
        return bytes[4...].allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}
