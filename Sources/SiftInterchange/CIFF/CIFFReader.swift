@_spi(SiftInternal) import SiftStorage

/// Reads a CIFF file a message at a time, checking everything it can on the way: message
/// framing, field types, counts against the header, document ids ascending and in range, each
/// list's df and cf against its postings, document records dense and in order, and nothing
/// after the last record. A damaged, truncated or lying file gives a `CIFFError` with the byte
/// offset of the problem, never a trap and never a half-read answer.
///
/// The file is memory-mapped, so a file larger than memory reads in one pass.
public struct CIFFReader {
    /// Why a CIFF file could not be read at all, or was refused.
    public enum ReadError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file could not be opened or mapped.
        case unreadable(FileError)
        /// The file's bytes are not a valid CIFF index.
        case malformed(CIFFError)

        public var description: String {
            switch self {
            case .unreadable(let error): error.description
            case .malformed(let error): error.description
            }
        }
    }

    /// Keeps the bytes alive (a mapping or a copy) while the reader walks them.
    private final class Source {
        let file: MappedFile?
        let copy: UnsafeMutableRawBufferPointer?
        var bytes: UnsafeRawBufferPointer { file?.bytes ?? UnsafeRawBufferPointer(copy!) }

        init(file: MappedFile) {
            self.file = file
            copy = nil
        }

        init(bytes: [UInt8]) {
            file = nil
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
            bytes.withUnsafeBytes { if let base = $0.baseAddress { buffer.baseAddress!.copyMemory(from: base, byteCount: bytes.count) } }
            copy = buffer
        }

        deinit { copy?.deallocate() }
    }

    private let source: Source
    private var wire: ProtobufReader
    /// The header, read when the reader was made.
    public let header: CIFFHeader
    /// Postings lists and document records read so far.
    public private(set) var postingsListsRead = 0
    public private(set) var documentRecordsRead = 0
    /// The byte offset of the next message: where a problem with it will be reported.
    public var offset: Int { wire.position }
    /// Document ids must be below this: the larger of the header's document counts.
    private let documentLimit: Int64

    /// Opens the CIFF file at `path` and reads its header.
    public init(path: String) throws(ReadError) {
        let file: MappedFile
        do {
            file = try MappedFile(path: path)
        } catch {
            throw .unreadable(error)
        }
        do {
            try self.init(source: Source(file: file))
        } catch {
            throw .malformed(error)
        }
    }

    /// Reads a CIFF file already in memory (tests, small files).
    public init(bytes: [UInt8]) throws(CIFFError) {
        try self.init(source: Source(bytes: bytes))
    }

    private init(source: Source) throws(CIFFError) {
        self.source = source
        var wire = ProtobufReader(source.bytes)
        let header: CIFFHeader
        do throws(ProtobufError) {
            guard !wire.isAtEnd else { throw wire.error("empty file: no CIFF header") }
            var message = try wire.readDelimited()
            header = try Self.decodeHeader(&message)
        } catch {
            throw CIFFError(message: error.message, offset: error.offset)
        }
        guard header.postingsListCount >= 0, header.documentRecordCount >= 0, header.totalPostingsLists >= 0,
              header.totalDocuments >= 0, header.totalTermsInCollection >= 0
        else {
            throw CIFFError(message: "header has a negative count", offset: 0)
        }
        guard header.totalPostingsLists >= header.postingsListCount, header.totalDocuments >= header.documentRecordCount else {
            throw CIFFError(message: "header counts do not add up: \(header.postingsListCount) postings lists of \(header.totalPostingsLists), \(header.documentRecordCount) document records of \(header.totalDocuments)", offset: 0)
        }
        self.wire = wire
        self.header = header
        documentLimit = Int64(max(header.totalDocuments, header.documentRecordCount))
    }

    /// The next postings list, or nil once the header's number of lists has been read.
    public mutating func nextPostingsList() throws(CIFFError) -> CIFFPostingsList? {
        guard postingsListsRead < Int(header.postingsListCount) else { return nil }
        let start = wire.position
        do throws(ProtobufError) {
            guard !wire.isAtEnd else {
                throw wire.error("the file ends after \(postingsListsRead) of \(header.postingsListCount) postings lists")
            }
            var message = try wire.readDelimited()
            let list = try decodePostingsList(&message, start: start)
            postingsListsRead += 1
            return list
        } catch {
            throw CIFFError(message: error.message, offset: error.offset)
        }
    }

    /// The next document record, or nil once the header's number of records has been read.
    /// Call it after every postings list was read.
    public mutating func nextDocumentRecord() throws(CIFFError) -> CIFFDocumentRecord? {
        precondition(postingsListsRead == Int(header.postingsListCount), "read every postings list before the document records")
        guard documentRecordsRead < Int(header.documentRecordCount) else { return nil }
        let start = wire.position
        do throws(ProtobufError) {
            guard !wire.isAtEnd else {
                throw wire.error("the file ends after \(documentRecordsRead) of \(header.documentRecordCount) document records")
            }
            var message = try wire.readDelimited()
            let record = try Self.decodeDocumentRecord(&message)
            guard Int(record.document) == documentRecordsRead else {
                throw ProtobufError(message: "document record \(documentRecordsRead) has docid \(record.document): records must be in docid order from 0", offset: start)
            }
            guard record.length >= 0 else {
                throw ProtobufError(message: "document \(record.document) has a negative length \(record.length)", offset: start)
            }
            documentRecordsRead += 1
            return record
        } catch {
            throw CIFFError(message: error.message, offset: error.offset)
        }
    }

    /// Checks that the file ends right after the last document record.
    public func finish() throws(CIFFError) {
        guard postingsListsRead == Int(header.postingsListCount), documentRecordsRead == Int(header.documentRecordCount) else {
            throw CIFFError(message: "not every message was read", offset: wire.position)
        }
        guard wire.isAtEnd else {
            throw CIFFError(message: "\(source.bytes.count - wire.position) bytes follow the last document record", offset: wire.position)
        }
    }

    // MARK: - Messages

    private static func decodeHeader(_ message: inout ProtobufReader) throws(ProtobufError) -> CIFFHeader {
        var header = CIFFHeader(version: 0, postingsListCount: 0, documentRecordCount: 0, totalPostingsLists: 0,
                                totalDocuments: 0, totalTermsInCollection: 0, averageDocumentLength: 0, description: "")
        while let (field, type) = try message.readTag() {
            switch field {
            case CIFF.HeaderField.version, CIFF.HeaderField.postingsLists, CIFF.HeaderField.documentRecords,
                 CIFF.HeaderField.totalPostingsLists, CIFF.HeaderField.totalDocuments:
                try message.expect(type, .varint, field: field, in: "header")
                let value = try message.readInt32()
                switch field {
                case CIFF.HeaderField.version: header.version = value
                case CIFF.HeaderField.postingsLists: header.postingsListCount = value
                case CIFF.HeaderField.documentRecords: header.documentRecordCount = value
                case CIFF.HeaderField.totalPostingsLists: header.totalPostingsLists = value
                default: header.totalDocuments = value
                }
            case CIFF.HeaderField.totalTerms:
                try message.expect(type, .varint, field: field, in: "header")
                header.totalTermsInCollection = try message.readInt64()
            case CIFF.HeaderField.averageLength:
                try message.expect(type, .fixed64, field: field, in: "header")
                header.averageDocumentLength = try message.readDouble()
            case CIFF.HeaderField.description:
                try message.expect(type, .lengthDelimited, field: field, in: "header")
                let text = try message.readDelimited()
                header.description = String(decoding: text.bytes, as: UTF8.self)
            default:
                try message.skip(type)
            }
        }
        return header
    }

    private func decodePostingsList(_ message: inout ProtobufReader, start: Int) throws(ProtobufError) -> CIFFPostingsList {
        var term: [UInt8] = []
        var documentFrequency: Int64 = 0
        var collectionFrequency: Int64 = 0
        var documents: [UInt32] = []
        var frequencies: [UInt32] = []
        var previous: Int64 = -1
        var frequencySum: Int64 = 0
        while let (field, type) = try message.readTag() {
            switch field {
            case CIFF.PostingsListField.term:
                try message.expect(type, .lengthDelimited, field: field, in: "postings list")
                term = Array(try message.readDelimited().bytes)
            case CIFF.PostingsListField.documentFrequency:
                try message.expect(type, .varint, field: field, in: "postings list")
                documentFrequency = try message.readInt64()
                if documentFrequency > 0 && documentFrequency <= documentLimit {
                    documents.reserveCapacity(Int(documentFrequency))
                    frequencies.reserveCapacity(Int(documentFrequency))
                }
            case CIFF.PostingsListField.collectionFrequency:
                try message.expect(type, .varint, field: field, in: "postings list")
                collectionFrequency = try message.readInt64()
            case CIFF.PostingsListField.postings:
                try message.expect(type, .lengthDelimited, field: field, in: "postings list")
                let postingStart = message.position
                var posting = try message.readDelimited()
                var gap: Int32 = 0
                var frequency: Int32 = 0
                while let (postingField, postingType) = try posting.readTag() {
                    switch postingField {
                    case CIFF.PostingField.document:
                        try posting.expect(postingType, .varint, field: postingField, in: "posting")
                        gap = try posting.readInt32()
                    case CIFF.PostingField.frequency:
                        try posting.expect(postingType, .varint, field: postingField, in: "posting")
                        frequency = try posting.readInt32()
                    default:
                        try posting.skip(postingType)
                    }
                }
                let name = String(decoding: term, as: UTF8.self)
                guard frequency >= 1 else {
                    throw ProtobufError(message: "term '\(name)': a posting has term frequency \(frequency)", offset: postingStart)
                }
                // The first id is absolute, each later one a gap of at least 1.
                guard documents.isEmpty ? gap >= 0 : gap >= 1 else {
                    throw ProtobufError(message: "term '\(name)': document ids do not ascend (gap \(gap))", offset: postingStart)
                }
                let document = previous < 0 ? Int64(gap) : previous + Int64(gap)
                guard document < documentLimit else {
                    throw ProtobufError(message: "term '\(name)': document \(document) is out of range (the collection has \(documentLimit))", offset: postingStart)
                }
                documents.append(UInt32(document))
                frequencies.append(UInt32(frequency))
                frequencySum += Int64(frequency)
                previous = document
            default:
                try message.skip(type)
            }
        }
        let name = String(decoding: term, as: UTF8.self)
        guard !term.isEmpty else { throw ProtobufError(message: "a postings list has no term", offset: start) }
        guard !documents.isEmpty else { throw ProtobufError(message: "term '\(name)' has no postings", offset: start) }
        guard documentFrequency == Int64(documents.count) else {
            throw ProtobufError(message: "term '\(name)' says df \(documentFrequency) but has \(documents.count) postings", offset: start)
        }
        guard collectionFrequency == frequencySum else {
            throw ProtobufError(message: "term '\(name)' says cf \(collectionFrequency) but its frequencies add up to \(frequencySum)", offset: start)
        }
        var list = CIFFPostingsList(term: term, documents: documents, frequencies: frequencies)
        list.documentFrequency = documentFrequency
        list.collectionFrequency = collectionFrequency
        return list
    }

    private static func decodeDocumentRecord(_ message: inout ProtobufReader) throws(ProtobufError) -> CIFFDocumentRecord {
        var record = CIFFDocumentRecord(document: 0, collectionDocumentID: "", length: 0)
        while let (field, type) = try message.readTag() {
            switch field {
            case CIFF.DocumentRecordField.document:
                try message.expect(type, .varint, field: field, in: "document record")
                record.document = try message.readInt32()
            case CIFF.DocumentRecordField.collectionID:
                try message.expect(type, .lengthDelimited, field: field, in: "document record")
                record.collectionDocumentID = String(decoding: try message.readDelimited().bytes, as: UTF8.self)
            case CIFF.DocumentRecordField.length:
                try message.expect(type, .varint, field: field, in: "document record")
                record.length = try message.readInt32()
            default:
                try message.skip(type)
            }
        }
        return record
    }
}
