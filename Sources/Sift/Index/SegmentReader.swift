/// One immutable segment, memory-mapped and decoded in place.
///
/// Opening checks each file's size and trailer against the manifest and the structure the
/// reader relies on (so a truncated or substituted file is caught in O(1)); a full checksum of
/// every byte is optional at open and always done by `sift check`. Every later access is
/// bounds-checked against the mapped length: damage gives `IndexError.corrupt`, never a trap.
final class SegmentReader: @unchecked Sendable {
    let name: String
    let documentCount: Int
    let tokenCount: UInt64
    let titleTokenCount: UInt64
    let files: [MappedFile]  // in FileKind.segmentKinds order

    // Terms file.
    let termCount: Int
    private let termOffsetsStart: Int
    private let blobStart: Int
    private let blobLength: Int
    private let entriesStart: Int
    // Documents file.
    private let lengthsStart: Int
    private let storedOffsetsStart: Int
    private let storedStart: Int

    var termsBytes: UnsafeRawBufferPointer { files[0].bytes }
    var postingsBytes: UnsafeRawBufferPointer { files[1].bytes }
    var positionsBytes: UnsafeRawBufferPointer { files[2].bytes }
    var documentsBytes: UnsafeRawBufferPointer { files[3].bytes }

    init(directory: String, entry: Manifest.Segment, verifyChecksums: Bool) throws(IndexError) {
        name = entry.name
        documentCount = Int(entry.documentCount)
        tokenCount = entry.tokenCount
        titleTokenCount = entry.titleTokenCount
        var mapped: [MappedFile] = []
        for (index, kind) in IndexFormat.FileKind.segmentKinds.enumerated() {
            let fileName = entry.name + "." + kind.fileExtension
            let path = directory + "/" + fileName
            let file: MappedFile
            do {
                file = try MappedFile(path: path)
            } catch {
                if error.code == ENOENT { throw .corrupt(file: path, reason: "file is missing (named by the manifest)") }
                throw .io(error)
            }
            let expected = entry.files[index]
            guard UInt64(file.bytes.count) == expected.size else {
                throw .corrupt(file: path, reason: "file is \(file.bytes.count) bytes, the manifest says \(expected.size) (truncated or replaced)")
            }
            try IndexFormat.validateHeader(file.bytes, kind: kind, file: path)
            let trailer = UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: file.bytes.count - 4, as: UInt32.self))
            guard trailer == expected.checksum else {
                throw .corrupt(file: path, reason: "checksum \(IndexFormat.hex(trailer)) differs from the manifest's \(IndexFormat.hex(expected.checksum))")
            }
            if verifyChecksums { try IndexFormat.verifyChecksum(file.bytes, file: path) }
            mapped.append(file)
        }
        files = mapped

        // Terms: count, reserved, blob offset, entries offset, (count + 1) u32 offsets, blob, entries.
        let terms = mapped[0].bytes
        let termsPath = mapped[0].path
        let termsEnd = terms.count - IndexFormat.trailerSize
        guard termsEnd >= 40 else { throw .corrupt(file: termsPath, reason: "too short for the term header") }
        let count = Int(UInt32(littleEndian: terms.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        let blob = Int(clamping: UInt64(littleEndian: terms.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        let entries = Int(clamping: UInt64(littleEndian: terms.loadUnaligned(fromByteOffset: 32, as: UInt64.self)))
        guard 40 + (count + 1) * 4 == blob, blob <= entries, entries + count * IndexFormat.termEntrySize == termsEnd else {
            throw .corrupt(file: termsPath, reason: "term table layout does not add up (\(count) terms)")
        }
        let blobEnd = Int(UInt32(littleEndian: terms.loadUnaligned(fromByteOffset: 40 + count * 4, as: UInt32.self)))
        guard blob + blobEnd <= entries else { throw .corrupt(file: termsPath, reason: "term bytes overrun the entries") }
        termCount = count
        termOffsetsStart = 40
        blobStart = blob
        blobLength = blobEnd
        entriesStart = entries

        // Documents: count, reserved, stored offset, u32 text lengths, u32 title lengths, pad to 8,
        // (count + 1) u64 offsets, records.
        let documents = mapped[3].bytes
        let documentsPath = mapped[3].path
        let documentsEnd = documents.count - IndexFormat.trailerSize
        guard documentsEnd >= 32 else { throw .corrupt(file: documentsPath, reason: "too short for the document header") }
        let storedDocuments = Int(UInt32(littleEndian: documents.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        guard storedDocuments == documentCount else {
            throw .corrupt(file: documentsPath, reason: "holds \(storedDocuments) documents, the manifest says \(documentCount)")
        }
        let stored = Int(clamping: UInt64(littleEndian: documents.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        let offsets = (32 + storedDocuments * 8 + 7) / 8 * 8
        guard offsets + (storedDocuments + 1) * 8 == stored, stored <= documentsEnd else {
            throw .corrupt(file: documentsPath, reason: "document table layout does not add up")
        }
        lengthsStart = 32
        storedOffsetsStart = offsets
        storedStart = stored
    }

    // MARK: - Terms

    /// The bytes of term `index` in sorted order.
    func term(at index: Int) throws(IndexError) -> UnsafeRawBufferPointer {
        let start = Int(UInt32(littleEndian: termsBytes.loadUnaligned(fromByteOffset: termOffsetsStart + index * 4, as: UInt32.self)))
        let end = Int(UInt32(littleEndian: termsBytes.loadUnaligned(fromByteOffset: termOffsetsStart + index * 4 + 4, as: UInt32.self)))
        guard start <= end, end <= blobLength else {
            throw .corrupt(file: files[0].path, reason: "term \(index) has bytes \(start)..<\(end) outside the term table")
        }
        return UnsafeRawBufferPointer(rebasing: termsBytes[(blobStart + start)..<(blobStart + end)])
    }

    /// Binary search for a term; its index in sorted order.
    func lookup(_ key: UnsafeRawBufferPointer) throws(IndexError) -> Int? {
        var low = 0
        var high = termCount
        while low < high {
            let middle = (low + high) / 2
            let candidate = try term(at: middle)
            let order = Self.compare(candidate, key)
            if order == 0 { return middle }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Binary search for a term given as bytes.
    func lookup(_ key: [UInt8]) throws(IndexError) -> Int? {
        do {
            return try key.withUnsafeBytes { try lookup($0) }
        } catch {
            throw error as! IndexError  // the closure throws only IndexError
        }
    }

    /// `lowerBound` for a key given as bytes.
    func lowerBound(_ key: [UInt8]) throws(IndexError) -> Int {
        do {
            return try key.withUnsafeBytes { try lowerBound($0) }
        } catch {
            throw error as! IndexError  // the closure throws only IndexError
        }
    }

    /// The first term index whose bytes are ≥ `key` (for prefix scans).
    func lowerBound(_ key: UnsafeRawBufferPointer) throws(IndexError) -> Int {
        var low = 0
        var high = termCount
        while low < high {
            let middle = (low + high) / 2
            if Self.compare(try term(at: middle), key) < 0 { low = middle + 1 } else { high = middle }
        }
        return low
    }

    static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let result = memcmp(a.baseAddress!, b.baseAddress!, common)
            if result != 0 { return Int(result) }
        }
        return a.count - b.count
    }

    /// The dictionary entry of term `index`.
    func entry(at index: Int) -> TermEntry {
        let base = entriesStart + index * IndexFormat.termEntrySize
        let bytes = termsBytes
        return TermEntry(
            documentFrequency: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt32.self)),
            maxTermFrequency: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self)),
            totalTermFrequency: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 8, as: UInt64.self)),
            postingsOffset: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 16, as: UInt64.self)),
            positionsOffset: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 24, as: UInt64.self)))
    }

    /// The postings of term `index`, checked to lie inside the postings file.
    func postings(at index: Int) throws(IndexError) -> PostingsList {
        try PostingsList(segment: self, entry: entry(at: index))
    }

    // MARK: - Documents

    /// `len(d)`: indexed tokens of local document `document`'s text.
    @inline(__always)
    func length(of document: Int) -> UInt32 {
        UInt32(littleEndian: documentsBytes.loadUnaligned(fromByteOffset: lengthsStart + document * 4, as: UInt32.self))
    }

    /// `len(d)` of one field of local document `document`.
    @inline(__always)
    func length(of document: Int, field: IndexField) -> UInt32 {
        let start = field == .title ? lengthsStart + documentCount * 4 : lengthsStart
        return UInt32(littleEndian: documentsBytes.loadUnaligned(fromByteOffset: start + document * 4, as: UInt32.self))
    }

    /// Indexed tokens of a field over the segment.
    func tokenCount(of field: IndexField) -> UInt64 {
        field == .title ? titleTokenCount : tokenCount
    }

    /// The stored id, title and text of local document `document`.
    /// The raw stored record of local document `document` (id, title, text as written), for
    /// merging segments without decoding and re-encoding every field.
    func storedRecord(_ document: Int) throws(IndexError) -> UnsafeRawBufferPointer {
        let bytes = documentsBytes
        let start = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: storedOffsetsStart + document * 8, as: UInt64.self)))
        let end = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: storedOffsetsStart + document * 8 + 8, as: UInt64.self)))
        guard start <= end, end <= bytes.count - IndexFormat.trailerSize - storedStart else {
            throw .corrupt(file: files[3].path, reason: "stored document \(document) spans \(start)..<\(end), outside the file")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[(storedStart + start)..<(storedStart + end)])
    }

    /// Without `includeText` only the id and title are decoded (what a hit list needs).
    func storedDocument(_ document: Int, includeText: Bool = true) throws(IndexError) -> StoredDocument {
        let bytes = documentsBytes
        let path = files[3].path
        guard document >= 0, document < documentCount else {
            throw .corrupt(file: path, reason: "document \(document) out of range")
        }
        let start = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: storedOffsetsStart + document * 8, as: UInt64.self)))
        let end = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: storedOffsetsStart + document * 8 + 8, as: UInt64.self)))
        let limit = bytes.count - IndexFormat.trailerSize - storedStart
        guard start <= end, end <= limit else {
            throw .corrupt(file: path, reason: "stored document \(document) spans \(start)..<\(end), outside the file")
        }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[(storedStart + start)..<(storedStart + end)]))
        do {
            let id = try reader.readString()
            let title = try reader.readString()
            let textLength = try reader.readLength(limit: reader.remaining)
            guard includeText else { return StoredDocument(id: id, title: title, text: []) }
            let text = Array(try reader.readBytes(textLength))
            guard reader.isAtEnd else { throw ByteReaderError.malformed("trailing bytes", at: reader.offset) }
            return StoredDocument(id: id, title: title, text: text)
        } catch let error as IndexError {
            throw error
        } catch {
            throw .corrupt(file: path, reason: "stored document \(document): \((error as? ByteReaderError)?.message ?? "\(error)")")
        }
    }
}

/// A term's entry in the dictionary.
struct TermEntry: Equatable, Sendable {
    var documentFrequency: UInt32
    var maxTermFrequency: UInt32
    var totalTermFrequency: UInt64
    var postingsOffset: UInt64
    var positionsOffset: UInt64
}

/// The stored fields of a document, as given to the writer.
public struct StoredDocument: Sendable, Equatable {
    /// The document's id (its path, `#L<n>` for units, or the JSONL id).
    public var id: String
    /// Its title.
    public var title: String
    /// Its text, the bytes that were analyzed.
    public var text: [UInt8]
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
