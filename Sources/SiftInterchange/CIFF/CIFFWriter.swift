@_spi(SiftInternal) import SiftStorage

/// Writes a CIFF file: the header, then postings lists, then document records, each as a
/// size-prefixed protobuf message, exactly as `CommonIndexFileFormat.proto` encodes them
/// (proto3: fields equal to their default are left out; postings hold document-id gaps).
///
/// The file is written under a temporary name and renamed into place by `finish()`, so a
/// failed or interrupted export never leaves a half-written file at `path`. The writer checks
/// that what it is given adds up to the header (the counts, ascending documents, df and cf),
/// so it cannot write a file its own reader would refuse.
public struct CIFFWriter {
    /// Why an export could not be written.
    public enum WriteError: Error, Equatable, Sendable, CustomStringConvertible {
        /// A system call failed.
        case io(FileError)
        /// What was given does not match the header or CIFF's rules (a caller's mistake).
        case inconsistent(String)

        public var description: String {
            switch self {
            case .io(let error): error.description
            case .inconsistent(let message): message
            }
        }
    }

    public let path: String
    public let header: CIFFHeader
    private var sink: FileSink?
    private var message = ProtobufWriter()
    private var posting = ProtobufWriter()
    private var framed = ProtobufWriter()
    private var listsWritten = 0
    private var recordsWritten = 0

    /// Creates the file (as `path.tmp`) and writes `header`.
    public init(path: String, header: CIFFHeader) throws(WriteError) {
        self.path = path
        self.header = header
        do {
            sink = try FileSink(path: path + ".tmp")
        } catch {
            throw .io(error)
        }
        message.writeInteger(CIFF.HeaderField.version, Int64(header.version))
        message.writeInteger(CIFF.HeaderField.postingsLists, Int64(header.postingsListCount))
        message.writeInteger(CIFF.HeaderField.documentRecords, Int64(header.documentRecordCount))
        message.writeInteger(CIFF.HeaderField.totalPostingsLists, Int64(header.totalPostingsLists))
        message.writeInteger(CIFF.HeaderField.totalDocuments, Int64(header.totalDocuments))
        message.writeInteger(CIFF.HeaderField.totalTerms, header.totalTermsInCollection)
        message.writeDouble(CIFF.HeaderField.averageLength, header.averageDocumentLength)
        message.writeBytes(CIFF.HeaderField.description, Array(header.description.utf8))
        try emit()
    }

    /// Appends one postings list (documents ascending, frequencies at least 1).
    public mutating func write(_ list: CIFFPostingsList) throws(WriteError) {
        guard listsWritten < Int(header.postingsListCount) else {
            throw .inconsistent("more postings lists than the header's \(header.postingsListCount)")
        }
        guard !list.term.isEmpty, !list.documents.isEmpty, list.documents.count == list.frequencies.count,
              list.documentFrequency == Int64(list.documents.count),
              list.collectionFrequency == list.frequencies.reduce(0, { $0 + Int64($1) })
        else {
            throw .inconsistent("postings list '\(String(decoding: list.term, as: UTF8.self))' does not add up")
        }
        message.removeAll()
        message.writeBytes(CIFF.PostingsListField.term, list.term)
        message.writeInteger(CIFF.PostingsListField.documentFrequency, list.documentFrequency)
        message.writeInteger(CIFF.PostingsListField.collectionFrequency, list.collectionFrequency)
        var previous: UInt32 = 0
        for (index, document) in list.documents.enumerated() {
            guard index == 0 || document > previous, list.frequencies[index] >= 1 else {
                throw .inconsistent("postings list '\(String(decoding: list.term, as: UTF8.self))' is not ascending")
            }
            posting.removeAll()
            posting.writeInteger(CIFF.PostingField.document, Int64(index == 0 ? document : document - previous))
            posting.writeInteger(CIFF.PostingField.frequency, Int64(list.frequencies[index]))
            message.writeMessage(CIFF.PostingsListField.postings, posting)
            previous = document
        }
        try emit()
        listsWritten += 1
    }

    /// Appends one document record; records come after every postings list, in docid order from 0.
    public mutating func write(_ record: CIFFDocumentRecord) throws(WriteError) {
        guard listsWritten == Int(header.postingsListCount) else {
            throw .inconsistent("document records come after all \(header.postingsListCount) postings lists")
        }
        guard Int(record.document) == recordsWritten, recordsWritten < Int(header.documentRecordCount) else {
            throw .inconsistent("document record \(record.document) out of order or past the header's \(header.documentRecordCount)")
        }
        message.removeAll()
        message.writeInteger(CIFF.DocumentRecordField.document, Int64(record.document))
        message.writeBytes(CIFF.DocumentRecordField.collectionID, Array(record.collectionDocumentID.utf8))
        message.writeInteger(CIFF.DocumentRecordField.length, Int64(record.length))
        try emit()
        recordsWritten += 1
    }

    /// Syncs the file and renames it into place.
    public mutating func finish() throws(WriteError) {
        guard listsWritten == Int(header.postingsListCount), recordsWritten == Int(header.documentRecordCount) else {
            throw .inconsistent("wrote \(listsWritten) postings lists and \(recordsWritten) records; the header says \(header.postingsListCount) and \(header.documentRecordCount)")
        }
        do {
            try sink?.finishPlain()
            sink = nil
            try FileIO.rename(path + ".tmp", to: path)
            try FileIO.syncDirectory(FileIO.parent(of: path))
        } catch {
            throw .io(error)
        }
    }

    /// Removes the temporary file of an export that will not be finished.
    public mutating func abandon() {
        if let open = sink {
            var closing = open
            try? closing.closeForReading()
            closing.remove()
            sink = nil
        }
    }

    private mutating func emit() throws(WriteError) {
        framed.removeAll()
        framed.writeDelimited(message)
        do {
            try sink?.write(framed.bytes)
        } catch {
            throw .io(error)
        }
    }
}
