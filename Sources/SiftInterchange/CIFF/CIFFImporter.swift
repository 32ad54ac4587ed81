@_spi(SiftInternal) import SiftIndex
import SiftAnalysis
@_spi(SiftInternal) import SiftStorage

/// Builds a Sift index from a CIFF file written by any engine (Anserini, PISA, Terrier, JASS,
/// or `CIFFExporter`).
///
/// The terms are taken as given (they become the text field's); `configuration` records how
/// queries must be analysed to match them, which only the caller can know. Document numbers,
/// lengths and ids (`collection_docid`) come from the file. The index has no positions and no
/// text: term, boolean and prefix queries are answered with BM25 and pruning as usual, phrase
/// queries are refused (`IndexError.noPositions`), and the index cannot be updated.
///
/// The file is read twice, streaming: first to check all of it and collect the document
/// records (which come last), then to write the postings. Nothing is written before the whole
/// file has been found sound, and a failure after that removes what was written: a bad file
/// never leaves a half-written index behind, and an index already at the path is replaced only
/// by a complete commit.
public enum CIFFImporter {
    /// What an import wrote.
    public struct Summary: Sendable, Equatable {
        public var documents: Int
        public var terms: Int
        public var postings: Int
        /// The header's description: the exporter and its analysis, for the record.
        public var description: String
    }

    /// Why an import failed.
    public enum ImportError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The file could not be opened or mapped.
        case unreadable(FileError)
        /// The file is not a valid CIFF index, or is inconsistent: the problem and its byte offset.
        case malformed(CIFFError)
        /// Writing the index failed (the index at the path is as it was).
        case index(IndexError)

        public var description: String {
            switch self {
            case .unreadable(let error): error.description
            case .malformed(let error): error.description
            case .index(let error): error.description
            }
        }
    }

    /// Imports the CIFF file at `path` as a new index at `indexPath` (replacing one there at
    /// the commit), recording `configuration` as the analysis of queries.
    /// - Complexity: O(postings) time; memory for the documents' ids and lengths and one
    ///   postings list at a time.
    @discardableResult
    public static func importIndex(from path: String, to indexPath: String, configuration: AnalyzerConfiguration) throws(ImportError) -> Summary {
        // Pass 1: every message checked; the document records kept.
        var reader = try open(path)
        let header = reader.header
        guard header.documentRecordCount == header.totalDocuments else {
            throw .malformed(CIFFError(message: "the file describes \(header.documentRecordCount) of \(header.totalDocuments) documents: a partial export cannot be searched with the collection's statistics", offset: 0))
        }
        var terms = 0
        var postings = 0
        var listOffsets: [Int] = []
        var previousTerm: [UInt8]? = nil
        // Term frequencies summed per document, checked against the lengths once the records
        // are read: postings that add up to more than a document's length are a lie.
        var frequencySums = [UInt64](repeating: 0, count: Int(header.totalDocuments))
        do throws(CIFFError) {
            while true {
                let offset = reader.offset
                guard let list = try reader.nextPostingsList() else { break }
                if let previousTerm, !previousTerm.lexicographicallyPrecedes(list.term) {
                    throw CIFFError(message: "term '\(String(decoding: list.term, as: UTF8.self))' does not come after '\(String(decoding: previousTerm, as: UTF8.self))' in byte order (terms must be sorted and distinct)", offset: offset)
                }
                guard list.term.first != 0x01 else {
                    throw CIFFError(message: "term \(list.term.map { String($0, radix: 16) }) starts with byte 0x01, which Sift reserves", offset: offset)
                }
                previousTerm = list.term
                listOffsets.append(offset)
                terms += 1
                postings += list.documents.count
                for (document, frequency) in zip(list.documents, list.frequencies) {
                    frequencySums[Int(document)] += UInt64(frequency)
                }
            }
        } catch {
            throw .malformed(error)
        }
        var ids: [String] = []
        var lengths: [UInt32] = []
        ids.reserveCapacity(Int(header.documentRecordCount))
        lengths.reserveCapacity(Int(header.documentRecordCount))
        var seen: [String: Int] = [:]
        do throws(CIFFError) {
            while true {
                let offset = reader.offset
                guard let record = try reader.nextDocumentRecord() else { break }
                // An id names one document: Sift finds, shows and deletes documents by id.
                let id = record.collectionDocumentID.isEmpty ? String(record.document) : record.collectionDocumentID
                if let first = seen.updateValue(ids.count, forKey: id) {
                    throw CIFFError(message: "documents \(first) and \(ids.count) have the same collection_docid '\(id)'", offset: offset)
                }
                guard frequencySums[ids.count] <= UInt64(record.length) else {
                    throw CIFFError(message: "document \(record.document) has length \(record.length), but its term frequencies add up to \(frequencySums[ids.count])", offset: offset)
                }
                ids.append(id)
                lengths.append(UInt32(record.length))
            }
            try reader.finish()
        } catch {
            throw .malformed(error)
        }
        seen = [:]
        frequencySums = []

        // Pass 2: the postings, written as one segment, checked against the lengths on the way.
        let writer: IndexWriter
        do {
            writer = try IndexWriter(path: indexPath, configuration: configuration, mode: .replace)
        } catch {
            throw .index(error)
        }
        defer { writer.close() }
        var segment: ImportedSegment
        do {
            segment = try writer.beginImport(ids: ids, lengths: lengths)
        } catch {
            throw .index(error)
        }
        do throws(ImportError) {
            reader = try open(path)
            var index = 0
            while let list = try next(&reader) {
                do {
                    try segment.addTerm(list.term, documents: list.documents, frequencies: list.frequencies)
                } catch {
                    throw describe(error, offset: listOffsets[index])
                }
                index += 1
            }
            do {
                try writer.finishImport(&segment)
            } catch {
                throw .index(error)
            }
        } catch {
            segment.abandon()
            throw error
        }
        do {
            try writer.commit()
        } catch {
            throw .index(error)
        }
        return Summary(documents: ids.count, terms: terms, postings: postings, description: header.description)
    }

    private static func open(_ path: String) throws(ImportError) -> CIFFReader {
        do {
            return try CIFFReader(path: path)
        } catch {
            switch error {
            case .unreadable(let inner): throw .unreadable(inner)
            case .malformed(let inner): throw .malformed(inner)
            }
        }
    }

    private static func next(_ reader: inout CIFFReader) throws(ImportError) -> CIFFPostingsList? {
        do {
            return try reader.nextPostingsList()
        } catch {
            throw .malformed(error)
        }
    }

    private static func describe(_ error: ImportedSegment.TermError, offset: Int) -> ImportError {
        func name(_ term: [UInt8]) -> String { String(decoding: term, as: UTF8.self) }
        switch error {
        case .invalidTerm(let term):
            return .malformed(CIFFError(message: "term '\(name(term))' cannot be imported", offset: offset))
        case .outOfOrder(let previous, let term):
            return .malformed(CIFFError(message: "term '\(name(term))' does not come after '\(name(previous))'", offset: offset))
        case .invalidPostings(let term, let reason):
            return .malformed(CIFFError(message: "term '\(name(term))': \(reason)", offset: offset))
        case .index(let inner):
            return .index(inner)
        }
    }
}
