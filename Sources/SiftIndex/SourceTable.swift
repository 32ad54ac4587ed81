import SiftIngest
@_spi(SiftInternal) import SiftStorage
/// One indexed file: what its content was, and which documents it gave.
///
/// A file's documents are in one segment. They are added together and merges keep their
/// order, so a range of local ids names them — until a reorder (`sift optimize --reorder`)
/// spreads them: then the file lists them one by one.
struct SourceFile: Equatable, Sendable {
    /// The file's id: its path below the root, behind the root's prefix when several roots
    /// are indexed (`CandidateFile.relativePath`).
    var key: String
    var fingerprint: FileFingerprint
    /// The segment's position in the manifest; -1 when the file gave no document.
    var segment: Int
    /// The first (smallest) of its documents.
    var firstDocument: Int
    var documentCount: Int
    /// Every document, ascending, when they are not `firstDocument ..< firstDocument +
    /// documentCount`; empty when they are.
    var scatteredDocuments: [UInt32] = []

    /// The file's documents in the segment, ascending.
    var documents: [Int] {
        scatteredDocuments.isEmpty ? Array(firstDocument..<(firstDocument + documentCount)) : scatteredDocuments.map { Int($0) }
    }

    /// Sets the file's documents (ascending, at least one): a range when they are contiguous.
    mutating func setDocuments(_ documents: [Int]) {
        firstDocument = documents[0]
        documentCount = documents.count
        scatteredDocuments = documents.last! - documents[0] + 1 == documents.count ? [] : documents.map { UInt32($0) }
    }
}

/// How the files of an index were found and cut into documents: stored with the index (in its
/// table of source files), so that an update finds the same files and makes the same ids.
public struct IndexedFileSettings: Sendable, Equatable {
    /// How files were cut into documents: `file`, `paragraph` or `line` (`DocumentUnit`).
    public var unit: String
    /// The `--include` patterns the walk used (none: every file of a known kind).
    public var include: [String]
    /// The `--exclude` patterns the walk used.
    public var exclude: [String]
    /// Whether ids start with the name of the folder a file was found in (`notes/a.txt`), as
    /// when several folders are indexed together.
    public var idsStartWithFolderName: Bool
    /// Whether the walk followed symbolic links.
    public var followsSymbolicLinks: Bool

    /// Settings with every field given; by default those of a plain `sift index DIR`.
    public init(unit: String = DocumentUnit.file.rawValue, include: [String] = [], exclude: [String] = [],
                idsStartWithFolderName: Bool = false, followsSymbolicLinks: Bool = false) {
        self.unit = unit
        self.include = include
        self.exclude = exclude
        self.idsStartWithFolderName = idsStartWithFolderName
        self.followsSymbolicLinks = followsSymbolicLinks
    }
}

/// The table of source files of an index built from folders: what lets `sift index` find the
/// files that changed since the last run and the documents to delete for them.
struct SourceTable: Equatable, Sendable {
    /// How the files were found and cut into documents.
    var settings: IndexedFileSettings
    /// By key, ascending.
    var files: [SourceFile]

    /// The `--unit` the files were cut into documents with.
    var unit: String { settings.unit }

    init(settings: IndexedFileSettings, files: [SourceFile]) {
        self.settings = settings
        self.files = files
    }

    init(unit: String, files: [SourceFile]) {
        self.init(settings: IndexedFileSettings(unit: unit), files: files)
    }

    /// Written in place of a file's first document when its documents are listed one by one.
    static let scatteredMarker = UInt64(UInt32.max)

    /// Bits of the flags byte.
    private static let idsStartWithFolderNameFlag: UInt8 = 1
    private static let followsSymbolicLinksFlag: UInt8 = 2

    /// Byte order of the keys' UTF-8 (the generic comparison costs as much as the rest of a
    /// commit on a large table).
    static func precedes(_ a: String, _ b: String) -> Bool {
        ByteOrder.precedes(a, b)
    }

    func encode() -> [UInt8] {
        var writer = IndexFormat.beginFile(.sources, capacity: files.count * 48)
        Self.write(settings, to: &writer)
        writer.writeVarint(UInt64(files.count))
        for file in files {
            writer.writeString(file.key)
            writer.write(file.fingerprint.size)
            writer.write(file.fingerprint.hash)
            writer.write(file.fingerprint.hash2)
            // The segment's position + 1; 0 for a file that gave no document.
            writer.writeVarint(file.documentCount == 0 ? 0 : UInt64(file.segment + 1))
            if file.scatteredDocuments.isEmpty {
                writer.writeVarint(UInt64(file.firstDocument))
                writer.writeVarint(UInt64(file.documentCount))
            } else {
                // Documents spread by a reorder: a marker in place of the first document, the
                // count, then the first document and the gaps to each next one.
                writer.writeVarint(Self.scatteredMarker)
                writer.writeVarint(UInt64(file.documentCount))
                var previous: UInt32 = 0
                for (index, document) in file.scatteredDocuments.enumerated() {
                    writer.writeVarint(UInt64(index == 0 ? document : document - previous))
                    previous = document
                }
            }
        }
        return IndexFormat.finishFile(&writer)
    }

    private static func write(_ settings: IndexedFileSettings, to writer: inout ByteWriter) {
        writer.writeString(settings.unit)
        writer.write((settings.idsStartWithFolderName ? idsStartWithFolderNameFlag : 0)
                     | (settings.followsSymbolicLinks ? followsSymbolicLinksFlag : 0))
        for patterns in [settings.include, settings.exclude] {
            writer.writeVarint(UInt64(patterns.count))
            for pattern in patterns { writer.writeString(pattern) }
        }
    }

    private static func readSettings(_ reader: inout ByteReader, file: String) throws -> IndexedFileSettings {
        let unit = try reader.readString()
        guard DocumentUnit(rawValue: unit) != nil else { throw IndexError.corrupt(file: file, reason: "unknown unit '\(unit)'") }
        let flags = try reader.readUInt8()
        guard flags & ~(idsStartWithFolderNameFlag | followsSymbolicLinksFlag) == 0 else {
            throw IndexError.corrupt(file: file, reason: "unknown flags \(flags)")
        }
        var lists: [[String]] = []
        for _ in 0..<2 {
            let count = try reader.readLength(limit: reader.remaining)
            var patterns: [String] = []
            for _ in 0..<count { patterns.append(try reader.readString()) }
            lists.append(patterns)
        }
        return IndexedFileSettings(unit: unit, include: lists[0], exclude: lists[1],
                                   idsStartWithFolderName: flags & idsStartWithFolderNameFlag != 0,
                                   followsSymbolicLinks: flags & followsSymbolicLinksFlag != 0)
    }

    /// The settings alone, without decoding the files (they come first).
    static func settings(_ bytes: UnsafeRawBufferPointer, file: String) throws(IndexError) -> IndexedFileSettings {
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - IndexFormat.trailerSize)]),
                                offset: IndexFormat.headerSize)
        return try IndexFormat.decoding(file) { try readSettings(&reader, file: file) }
    }

    /// Decodes and checks the table against the manifest's segments: keys strictly ascending,
    /// every range inside its segment.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, segments: [Manifest.Segment]) throws(IndexError) -> SourceTable {
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - IndexFormat.trailerSize)])
        var reader = ByteReader(body, offset: IndexFormat.headerSize)
        return try IndexFormat.decoding(file) {
            let settings = try readSettings(&reader, file: file)
            let count = try reader.readLength(limit: reader.remaining)
            var files: [SourceFile] = []
            files.reserveCapacity(count)
            var previous: String? = nil
            for index in 0..<count {
                let key = try reader.readString()
                let fingerprint = FileFingerprint(size: try reader.readUInt64(), hash: try reader.readUInt64(),
                                                  hash2: try reader.readUInt64())
                let segmentPlusOne = try reader.readLength(limit: Int(UInt32.max))
                var first = try reader.readLength(limit: Int(Self.scatteredMarker))
                let documents = try reader.readLength(limit: Int(UInt32.max))
                let segment = segmentPlusOne - 1
                if let previous, !Self.precedes(previous, key) {
                    throw IndexError.corrupt(file: file, reason: "file \(index) ('\(key)') is not after file \(index - 1) in byte order")
                }
                var scattered: [UInt32] = []
                if first == Int(Self.scatteredMarker) {
                    guard documents > 0, segment >= 0, segment < segments.count else {
                        throw IndexError.corrupt(file: file, reason: "file '\(key)' lists \(documents) documents of segment \(segment), which the manifest does not have")
                    }
                    guard documents <= reader.remaining else {
                        throw IndexError.corrupt(file: file, reason: "file '\(key)' lists \(documents) documents in fewer bytes")
                    }
                    let limit = Int(segments[segment].documentCount)
                    scattered.reserveCapacity(documents)
                    var document = -1
                    for position in 0..<documents {
                        let gap = try reader.readLength(limit: limit)
                        guard position == 0 || gap > 0 else {
                            throw IndexError.corrupt(file: file, reason: "file '\(key)' lists a document twice")
                        }
                        document = position == 0 ? gap : document + gap
                        guard document < limit else {
                            throw IndexError.corrupt(file: file, reason: "file '\(key)' names document \(document) of segment \(segment), which has \(limit)")
                        }
                        scattered.append(UInt32(document))
                    }
                    first = Int(scattered[0])
                }
                guard (segment == -1 && documents == 0) || (segment >= 0 && segment < segments.count && documents > 0
                                                             && (!scattered.isEmpty || first + documents <= Int(segments[segment].documentCount))) else {
                    throw IndexError.corrupt(file: file, reason: "file '\(key)' names documents \(first)..<\(first + documents) of segment \(segment), which the manifest does not have")
                }
                previous = key
                files.append(SourceFile(key: key, fingerprint: fingerprint, segment: segment, firstDocument: first, documentCount: documents,
                                        scatteredDocuments: scattered))
            }
            guard reader.isAtEnd else { throw IndexError.corrupt(file: file, reason: "\(reader.remaining) unexpected bytes after the file list") }
            return SourceTable(settings: settings, files: files)
        }
    }
}
