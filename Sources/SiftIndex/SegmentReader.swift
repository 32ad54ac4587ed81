#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
@_spi(SiftInternal) import SiftStorage
/// One immutable segment, memory-mapped and decoded in place.
///
/// Opening checks each file's size and trailer against the manifest and the structure the
/// reader relies on (so a truncated or substituted file is caught in O(1)); a full checksum of
/// every byte is optional at open and always done by `sift check`. Every later access is
/// bounds-checked against the mapped length: damage gives `IndexError.corrupt`, never a trap.
package final class SegmentReader: @unchecked Sendable {
    let name: String
    package let documentCount: Int
    let tokenCount: UInt64
    let titleTokenCount: UInt64
    /// The segment's four files, by kind.
    package let termsFile: MappedFile
    package let postingsFile: MappedFile
    package let positionsFile: MappedFile
    package let documentsFile: MappedFile
    /// The four files in `IndexFormat.FileKind.segmentKinds` order (for checks and sizes).
    package var files: [MappedFile] { [termsFile, postingsFile, positionsFile, documentsFile] }

    /// The term dictionary.
    let dictionary: TermDictionary
    var termCount: Int { dictionary.termCount }
    /// Lengths and stored fields (the documents file).
    let storedFields: StoredFields
    /// The deleted documents, if any.
    let deletions: DeletionsFile?
    /// The documents by id, made at the first lookup (`documents(withID:)`).
    let idTableSlot = Mutex<DocumentIDTable?>(nil)
    private var lengthsStart: Int { StoredFields.lengthsStart }

    var termsBytes: UnsafeRawBufferPointer { termsFile.bytes }
    var postingsBytes: UnsafeRawBufferPointer { postingsFile.bytes }
    var positionsBytes: UnsafeRawBufferPointer { positionsFile.bytes }
    var documentsBytes: UnsafeRawBufferPointer { documentsFile.bytes }

    init(directory: String, entry: Manifest.Segment, verifyChecksums: Bool) throws(IndexError) {
        name = entry.name
        documentCount = Int(entry.documentCount)
        tokenCount = entry.tokenCount
        titleTokenCount = entry.titleTokenCount
        func open(_ kind: IndexFormat.FileKind, _ expected: Manifest.FileInfo) throws(IndexError) -> MappedFile {
            try Self.openFile(directory + "/" + entry.name + "." + kind.fileExtension, kind: kind, expected: expected,
                              verifyChecksums: verifyChecksums)
        }
        termsFile = try open(.terms, entry.terms)
        postingsFile = try open(.postings, entry.postings)
        positionsFile = try open(.positions, entry.positions)
        documentsFile = try open(.documents, entry.documents)

        dictionary = try TermDictionary(bytes: termsFile.bytes, path: termsFile.path)

        // Documents: counts, u32 text lengths, u32 title lengths, record offsets, records, text blocks.
        storedFields = try StoredFields(bytes: documentsFile.bytes, path: documentsFile.path, documentCount: documentCount)

        if let named = entry.deletions {
            let file = try Self.openFile(directory + "/" + named.file.name, kind: .deletions, expected: named.file.info,
                                         verifyChecksums: verifyChecksums)
            deletions = try DeletionsFile(file: file, segment: name, documentCount: documentCount, deletedCount: Int(named.count))
        } else {
            deletions = nil
        }
    }

    /// Maps a file the manifest names and checks its size, header and trailer against the
    /// manifest's record (and every byte against the checksum with `verifyChecksums`).
    static func openFile(_ path: String, kind: IndexFormat.FileKind, expected: Manifest.FileInfo,
                         verifyChecksums: Bool) throws(IndexError) -> MappedFile {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            if error.code == ENOENT { throw .missingFile(path) }
            throw .io(error)
        }
        guard UInt64(file.bytes.count) == expected.size else {
            throw .corrupt(file: path, reason: "file is \(file.bytes.count) bytes, the manifest says \(expected.size) (truncated or replaced)")
        }
        try IndexFormat.validateHeader(file.bytes, kind: kind, file: path)
        let trailer = UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: file.bytes.count - 4, as: UInt32.self))
        guard trailer == expected.checksum else {
            throw .corrupt(file: path, reason: "checksum \(IndexFormat.hex(trailer)) differs from the manifest's \(IndexFormat.hex(expected.checksum))")
        }
        if verifyChecksums { try IndexFormat.verifyChecksum(file.bytes, file: path) }
        return file
    }

    /// Deleted documents of the segment.
    var deletedCount: Int { deletions?.count ?? 0 }

    /// Documents containing `key` that are not deleted: the dictionary's count less the
    /// deleted ones the deletions file records.
    package func liveFrequency(_ key: [UInt8], _ entry: TermEntry) throws(IndexError) -> Int {
        guard let deletions else { return Int(entry.documentFrequency) }
        let deleted = key.withUnsafeBytes { deletions.deletedFrequency(of: $0) }
        guard deleted <= entry.documentFrequency else {
            throw .corrupt(file: deletions.path, reason: "records \(deleted) deleted documents with a term that only \(entry.documentFrequency) hold")
        }
        return Int(entry.documentFrequency - deleted)
    }

    // MARK: - Terms

    /// The dictionary entry of `key`, if the segment has the term.
    func lookup(_ key: [UInt8]) throws(IndexError) -> TermEntry? {
        try key.withIndexBytes { bytes throws(IndexError) in try dictionary.lookup(bytes) }
    }

    /// The terms from the first ≥ `key` on, in byte order.
    package func terms(from key: [UInt8] = []) throws(IndexError) -> TermIterator {
        try dictionary.terms(from: key)
    }


    /// The postings of a term, checked to lie inside the postings file.
    package func postings(_ entry: TermEntry) throws(IndexError) -> PostingsList {
        try PostingsList(segment: self, entry: entry)
    }

    // MARK: - Documents

    /// `len(d)`: indexed tokens of local document `document`'s text.
    @inline(__always)
    func length(of document: Int) -> UInt32 {
        UInt32(littleEndian: documentsBytes.loadUnaligned(fromByteOffset: lengthsStart + document * 4, as: UInt32.self))
    }

    /// `len(d)` of one field of local document `document`.
    @inline(__always)
    package func length(of document: Int, field: IndexField) -> UInt32 {
        let start = field == .title ? lengthsStart + documentCount * 4 : lengthsStart
        return UInt32(littleEndian: documentsBytes.loadUnaligned(fromByteOffset: start + document * 4, as: UInt32.self))
    }

    /// Every document's `len(d)` of one field, in document order: `documentCount` little-endian
    /// `UInt32`s (checked to lie inside the file when the segment was opened), for loops that
    /// read them all.
    package func lengths(_ field: IndexField) -> UnsafeRawBufferPointer {
        let start = field == .title ? lengthsStart + documentCount * 4 : lengthsStart
        return UnsafeRawBufferPointer(rebasing: documentsBytes[start..<(start + documentCount * 4)])
    }

    /// Indexed tokens of a field over the segment.
    func tokenCount(of field: IndexField) -> UInt64 {
        field == .title ? titleTokenCount : tokenCount
    }

    /// The stored id, title and text of local document `document`. Without `includeText`
    /// only the id and title are read (what a hit list needs; no text block is decompressed).
    func storedDocument(_ document: Int, includeText: Bool = true, includeMetadata: Bool = true) throws(IndexError) -> StoredDocument {
        var reader = StoredFieldsReader(storedFields)
        return try reader.document(document, includeText: includeText, includeMetadata: includeMetadata)
    }
}

/// The stored fields of a document, as given to the writer.
public struct StoredDocument: Sendable, Hashable, Codable, Identifiable {
    /// The document's id (its path, `#L<n>` for units, the JSON Lines id, or the id given to
    /// `IndexWriter.add`).
    public var id: String
    /// Its title.
    public var title: String
    /// Its text, exactly the bytes that were analyzed (possibly invalid UTF-8).
    public var textBytes: [UInt8]
    /// Its metadata (a JSON Lines record's other fields, Markdown front matter, or what was
    /// given to `IndexWriter.add`); empty when it has none.
    public var metadata: [String: String]

    /// Its text as a string (bytes that are not valid UTF-8 read as U+FFFD).
    public var text: String { String(decoding: textBytes, as: UTF8.self) }

    public init(id: String, title: String, textBytes: [UInt8], metadata: [String: String] = [:]) {
        self.id = id
        self.title = title
        self.textBytes = textBytes
        self.metadata = metadata
    }
}
