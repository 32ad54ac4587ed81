@_spi(SiftInternal) import SiftStorage
/// The documents file: field lengths, and each document's id, title and text — the text
/// LZ-compressed in blocks of whole documents — or, without stored text, each document's
/// terms and their counts (a forward index) (docs/FORMAT.md).
struct StoredFields: @unchecked Sendable {
    static let lengthsStart = 48
    /// Header flags: the records hold text locations, or forward-index terms.
    static let textFlag: UInt32 = 1
    static let forwardFlag: UInt32 = 2
    /// Header flag: some records end with metadata (`MetadataCoding`); without it no record
    /// may carry anything after its text location or terms.
    static let metadataFlag: UInt32 = 4

    let bytes: UnsafeRawBufferPointer
    let path: String
    let documentCount: Int
    let blockCount: Int
    let recordOffsetsStart: Int
    let recordsStart: Int
    let blockIndexStart: Int
    let blocksStart: Int
    /// The records locate each document's text in the text blocks (else: no text is stored).
    let storesText: Bool
    /// The records hold each document's terms and counts.
    let hasForwardIndex: Bool
    /// Records may end with the document's metadata, and the file ends with its index.
    let hasMetadata: Bool
    /// The metadata index at the end of the file (empty without metadata).
    let metadataIndex: MetadataIndex

    init(bytes file: UnsafeRawBufferPointer, path: String, documentCount: Int) throws(IndexError) {
        var end = file.count - IndexFormat.trailerSize
        guard end >= Self.lengthsStart else { throw .corrupt(file: path, reason: "too short for the document header") }
        let stored = Int(UInt32(littleEndian: file.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        guard stored == documentCount else {
            throw .corrupt(file: path, reason: "holds \(stored) documents, the manifest says \(documentCount)")
        }
        let blocks = Int(UInt32(littleEndian: file.loadUnaligned(fromByteOffset: 20, as: UInt32.self)))
        let records = Int(clamping: UInt64(littleEndian: file.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        let blockIndex = Int(clamping: UInt64(littleEndian: file.loadUnaligned(fromByteOffset: 32, as: UInt64.self)))
        let flags = UInt32(littleEndian: file.loadUnaligned(fromByteOffset: 40, as: UInt32.self))
        let kind = flags & ~Self.metadataFlag
        guard kind == Self.textFlag || kind == Self.forwardFlag else {
            throw .corrupt(file: path, reason: "unknown document flags \(flags)")
        }
        storesText = kind == Self.textFlag
        hasForwardIndex = kind == Self.forwardFlag
        hasMetadata = flags & Self.metadataFlag != 0
        if hasMetadata {
            // The metadata index, then its start as a u64, end the file before its trailer.
            guard end >= Self.lengthsStart + 8 else { throw .corrupt(file: path, reason: "too short for its metadata index") }
            let sectionStart = Int(clamping: UInt64(littleEndian: file.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self)))
            guard sectionStart >= Self.lengthsStart, sectionStart <= end - 8 else {
                throw .corrupt(file: path, reason: "the metadata index starts at \(sectionStart), outside the file")
            }
            metadataIndex = try MetadataIndex(bytes: UnsafeRawBufferPointer(rebasing: file[sectionStart..<(end - 8)]), path: path,
                                              documentCount: documentCount)
            end = sectionStart
        } else {
            metadataIndex = MetadataIndex(empty: path, documentCount: documentCount)
        }
        let offsets = (Self.lengthsStart + documentCount * 8 + 7) / 8 * 8
        let blocksStart = blockIndex &+ (blocks + 1) * 8 &+ blocks * 4
        guard blocks <= end, offsets + (documentCount + 1) * 8 == records, records <= blockIndex,
              blockIndex <= end, blocksStart >= blockIndex, blocksStart <= end
        else {
            throw .corrupt(file: path, reason: "document table layout does not add up")
        }
        guard storesText || blocks == 0 else { throw .corrupt(file: path, reason: "text blocks in a segment that stores no text") }
        bytes = UnsafeRawBufferPointer(rebasing: file[0..<end])
        self.path = path
        self.documentCount = documentCount
        blockCount = blocks
        recordOffsetsStart = offsets
        recordsStart = records
        blockIndexStart = blockIndex
        self.blocksStart = blocksStart
    }

    /// The bytes of `document`'s record.
    private func recordBytes(_ document: Int) throws(IndexError) -> UnsafeRawBufferPointer {
        guard document >= 0, document < documentCount else {
            throw .corrupt(file: path, reason: "document \(document) out of range")
        }
        let start = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: recordOffsetsStart + document * 8, as: UInt64.self)))
        let end = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: recordOffsetsStart + document * 8 + 8, as: UInt64.self)))
        guard start <= end, end <= blockIndexStart - recordsStart else {
            throw .corrupt(file: path, reason: "stored document \(document) spans \(start)..<\(end), outside the records")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[(recordsStart + start)..<(recordsStart + end)])
    }

    /// The record of `document`: id, title, and its text's block, offset and length (all 0
    /// without stored text); with `includeMetadata`, its metadata too (else empty), the record
    /// then checked to its last byte — all in one pass over the record.
    func record(_ document: Int, includeMetadata: Bool = false)
        throws(IndexError) -> (id: String, title: String, block: Int, offset: Int, length: Int, metadata: [String: String]) {
        var reader = ByteReader(try recordBytes(document))
        do throws(ByteReaderError) {
            let id = try reader.readString()
            let title = try reader.readString()
            var block = 0, offset = 0, length = 0
            if storesText {
                block = try reader.readLength(limit: max(blockCount - 1, 0))
                offset = try reader.readLength(limit: Int(UInt32.max))
                length = try reader.readLength(limit: Int(UInt32.max))
            } else if includeMetadata && hasMetadata {
                // The forward index's terms come before the metadata: passed over unchecked
                // (`forwardTerms` checks them).
                let count = try reader.readLength(limit: reader.remaining)
                for _ in 0..<count where try reader.readVarint() & 1 == 1 { _ = try reader.readVarint() }
            } else {
                return (id, title, 0, 0, 0, [:])
            }
            var metadata: [String: String] = [:]
            if includeMetadata && hasMetadata {
                do throws(ByteReaderError) {
                    metadata = try MetadataCoding.decode(&reader)
                } catch {
                    throw ByteReaderError.malformed("metadata: \(error.message)", at: reader.offset)
                }
                guard reader.isAtEnd else { throw ByteReaderError.malformed("trailing bytes after the metadata", at: reader.offset) }
            } else {
                guard reader.isAtEnd || hasMetadata else { throw ByteReaderError.malformed("trailing bytes", at: reader.offset) }
            }
            return (id, title, block, offset, length, metadata)
        } catch {
            throw .corrupt(file: path, reason: "stored document \(document): \(error.message)")
        }
    }

    /// `document`'s terms as dictionary ordinals (ascending) with their counts, from the
    /// forward index; checked to ascend, lie below `termCount` and count at least once.
    func forwardTerms(_ document: Int, termCount: Int, into terms: inout [(ordinal: UInt32, frequency: UInt32)]) throws(IndexError) {
        terms.removeAll(keepingCapacity: true)
        guard hasForwardIndex else { throw .corrupt(file: path, reason: "no forward index: the segment stores text") }
        var reader = ByteReader(try recordBytes(document))
        do throws(ByteReaderError) {
            _ = try reader.readBytes(try reader.readLength(limit: reader.remaining))
            _ = try reader.readBytes(try reader.readLength(limit: reader.remaining))
            let count = try reader.readLength(limit: reader.remaining)
            var ordinal: UInt64 = 0
            for index in 0..<count {
                let code = try reader.readVarint()
                let step = code >> 1
                guard index == 0 || step > 0 else { throw ByteReaderError.malformed("terms do not ascend", at: reader.offset) }
                ordinal &+= step
                guard ordinal < UInt64(termCount) else { throw ByteReaderError.malformed("term \(ordinal) of \(termCount)", at: reader.offset) }
                var frequency: UInt64 = 1
                if code & 1 == 1 {
                    frequency = try reader.readVarint() &+ 2
                    guard frequency <= UInt64(UInt32.max), frequency >= 2 else { throw ByteReaderError.malformed("count past 2^32", at: reader.offset) }
                }
                terms.append((UInt32(ordinal), UInt32(frequency)))
            }
            guard reader.isAtEnd || hasMetadata else { throw ByteReaderError.malformed("trailing bytes", at: reader.offset) }
        } catch {
            throw .corrupt(file: path, reason: "stored document \(document) terms: \(error.message)")
        }
    }

    /// `document`'s metadata: what its record holds after the text location or the terms
    /// (empty when nothing), checked to the last byte.
    func metadata(_ document: Int) throws(IndexError) -> [String: String] {
        guard hasMetadata else { return [:] }
        return try record(document, includeMetadata: true).metadata
    }

    /// The file offset where the compressed block holding `document`'s text starts (pages
    /// before it are no longer needed when reading in document order).
    func blockStart(of document: Int) throws(IndexError) -> Int {
        guard storesText else { return recordsStart }
        let block = try record(document).block
        return blocksStart + Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: blockIndexStart + block * 8, as: UInt64.self)))
    }

    /// Text block `block`, decompressed (at least its first `prefix` bytes).
    func block(_ block: Int, prefix: Int = .max) throws(IndexError) -> [UInt8] {
        guard block >= 0, block < blockCount else { throw .corrupt(file: path, reason: "text block \(block) out of range") }
        let start = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: blockIndexStart + block * 8, as: UInt64.self)))
        let end = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: blockIndexStart + block * 8 + 8, as: UInt64.self)))
        let size = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: blockIndexStart + (blockCount + 1) * 8 + block * 4, as: UInt32.self)))
        guard start <= end, end <= bytes.count - blocksStart else {
            throw .corrupt(file: path, reason: "text block \(block) spans \(start)..<\(end), outside the file")
        }
        do throws(ByteReaderError) {
            return try LZCompression.decompress(UnsafeRawBufferPointer(rebasing: bytes[(blocksStart + start)..<(blocksStart + end)]), size: size,
                                                prefix: prefix)
        } catch {
            throw .corrupt(file: path, reason: "text block \(block): \(error.message)")
        }
    }
}

/// Reads stored documents, keeping the last decompressed text block, so reading documents in
/// order (merging, checking) decompresses each block about once. A block is first expanded
/// only as far as the document asked for (random reads: snippets, deleted documents); a later
/// document past that point expands it whole.
struct StoredFieldsReader {
    let fields: StoredFields
    private var cachedBlock = -1
    private var cached: [UInt8] = []
    private var cachedWhole = false

    init(_ fields: StoredFields) {
        self.fields = fields
    }

    mutating func document(_ document: Int, includeText: Bool = true, includeMetadata: Bool = true) throws(IndexError) -> StoredDocument {
        let record = try fields.record(document, includeMetadata: includeMetadata)
        let metadata = record.metadata
        guard includeText else { return StoredDocument(id: record.id, title: record.title, textBytes: [], metadata: metadata) }
        if record.length == 0 { return StoredDocument(id: record.id, title: record.title, textBytes: [], metadata: metadata) }
        let end = record.offset &+ record.length
        if cachedBlock != record.block || (!cachedWhole && cached.count < end) {
            let first = cachedBlock != record.block
            cached = try fields.block(record.block, prefix: first ? end : .max)
            cachedBlock = record.block
            cachedWhole = !first || cached.count < end
        }
        guard record.offset <= cached.count, record.length <= cached.count - record.offset else {
            throw .corrupt(file: fields.path, reason: "stored document \(document) text lies outside its block")
        }
        return StoredDocument(id: record.id, title: record.title, textBytes: Array(cached[record.offset..<(record.offset + record.length)]),
                              metadata: metadata)
    }
}
