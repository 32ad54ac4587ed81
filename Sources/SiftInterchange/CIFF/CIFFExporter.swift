@_spi(SiftInternal) import SiftIndex
import SiftAnalysis
@_spi(SiftInternal) import SiftStorage

/// Writes the live documents of an index as a CIFF file, so PISA, Anserini (and through it
/// Lucene), Terrier or JASS can search what Sift indexed.
///
/// Documents are numbered densely from 0 in the index's order, deleted ones left out. The
/// terms are the text field's, as Sift's analyzer made them (CIFF has one field: title terms
/// are not exported); a document's length is the text length BM25 uses; `collection_docid` is
/// the document's id. The header's description names the analyzer, so the receiver knows how
/// to analyse queries. The same index gives the same bytes.
public enum CIFFExporter {
    /// What an export wrote.
    public struct Summary: Sendable, Equatable {
        public var postingsLists: Int
        public var documents: Int
        public var postings: Int
        public var bytes: Int
    }

    /// Why an export failed.
    public enum ExportError: Error, Equatable, Sendable, CustomStringConvertible {
        case index(IndexError)
        case write(CIFFWriter.WriteError)

        public var description: String {
            switch self {
            case .index(let error): error.description
            case .write(let error): error.description
            }
        }
    }

    /// The description written into the header: the exporter and the analysis of the terms.
    public static func description(of reader: IndexReader) -> String {
        let configuration = reader.configuration
        return "Sift \(SiftInterchangeVersion.current) export; field text; analyzer version \(Analyzer.version): "
            + "Sift's tokenizer and folding, \(configuration.description); document length = text tokens after stop words"
    }

    /// Exports the live documents of `reader` to `path` (written under a temporary name and
    /// renamed into place when complete).
    /// - Complexity: O(postings + documents); one term's postings in memory at a time.
    @discardableResult
    public static func export(_ reader: IndexReader, to path: String) throws(ExportError) -> Summary {
        // Dense numbers of the live documents, in index order.
        var dense = [Int32](repeating: -1, count: reader.maxDocument)
        var live = 0
        let deleted = reader.deletedBits
        for document in 0..<reader.maxDocument where IndexReader.isLive(UInt32(document), deleted) {
            dense[document] = Int32(live)
            live += 1
        }
        // First pass over the dictionaries: how many terms still have a live document.
        var listCount = 0
        do {
            var terms = try TextTermWalk(reader)
            while let term = try terms.next() { if term.frequency > 0 { listCount += 1 } }
        } catch {
            throw .index(error)
        }
        let header = CIFFHeader(
            postingsListCount: Int32(listCount), documentRecordCount: Int32(live), totalPostingsLists: Int32(listCount),
            totalDocuments: Int32(live), totalTermsInCollection: Int64(reader.tokenCount),
            averageDocumentLength: reader.averageDocumentLength, description: description(of: reader))
        var writer: CIFFWriter
        do {
            writer = try CIFFWriter(path: path, header: header)
        } catch {
            throw .write(error)
        }
        do throws(ExportError) {
            let postings = try writeLists(reader, dense: dense, into: &writer)
            for document in 0..<reader.maxDocument where dense[document] >= 0 {
                let stored: (id: String, title: String)
                let length: Int
                do {
                    stored = try reader.documentHeader(document)
                    length = try reader.length(of: document)
                } catch {
                    throw ExportError.index(error)
                }
                do {
                    try writer.write(CIFFDocumentRecord(document: dense[document], collectionDocumentID: stored.id,
                                                        length: Int32(clamping: length)))
                } catch {
                    throw ExportError.write(error)
                }
            }
            do {
                try writer.finish()
            } catch {
                throw ExportError.write(error)
            }
            return Summary(postingsLists: listCount, documents: live, postings: postings, bytes: FileIO.size(of: path) ?? 0)
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Writes every text term's live postings, renumbered densely; returns the postings written.
    private static func writeLists(_ reader: IndexReader, dense: [Int32], into writer: inout CIFFWriter) throws(ExportError) -> Int {
        let buffers = BlockBuffers.allocate()
        defer { buffers.deallocate() }
        let deleted = reader.deletedBits
        var postings = 0
        var documents: [UInt32] = []
        var frequencies: [UInt32] = []
        do {
            var terms = try TextTermWalk(reader)
            while let term = try terms.next() {
                guard term.frequency > 0 else { continue }
                documents.removeAll(keepingCapacity: true)
                frequencies.removeAll(keepingCapacity: true)
                for (index, entry) in term.entries.enumerated() {
                    guard let entry else { continue }
                    let base = reader.segmentBases[index]
                    var cursor = try PostingsCursor(try reader.segments[index].postings(entry), buffers: buffers)
                    while cursor.document != PostingsCursor.exhausted {
                        let global = base + Int(cursor.document)
                        if IndexReader.isLive(UInt32(global), deleted) {
                            documents.append(UInt32(dense[global]))
                            frequencies.append(cursor.frequency)
                        }
                        try cursor.next()
                    }
                }
                postings += documents.count
                do {
                    try writer.write(CIFFPostingsList(term: term.key, documents: documents, frequencies: frequencies))
                } catch {
                    throw ExportError.write(error)
                }
            }
        } catch let error as ExportError {
            throw error
        } catch let error as IndexError {
            throw .index(error)
        } catch {
            preconditionFailure("unexpected \(error)")
        }
        return postings
    }
}

/// The text terms of an index in byte order, merged over its segments: each with its entry in
/// every segment and its live document frequency.
struct TextTermWalk {
    struct Term {
        var key: [UInt8]
        var entries: [TermEntry?]
        var frequency: Int
    }

    private let reader: IndexReader
    private var iterators: [TermIterator] = []
    private var heads: [(key: [UInt8], entry: TermEntry)?] = []

    init(_ reader: IndexReader) throws(IndexError) {
        self.reader = reader
        for segment in reader.segments {
            var iterator = try segment.terms()
            heads.append(try iterator.next())
            iterators.append(iterator)
        }
    }

    mutating func next() throws(IndexError) -> Term? {
        while true {
            var smallest: [UInt8]? = nil
            for head in heads {
                if let head, smallest == nil || head.key.lexicographicallyPrecedes(smallest!) { smallest = head.key }
            }
            guard let key = smallest else { return nil }
            var entries = [TermEntry?](repeating: nil, count: heads.count)
            var frequency = 0
            for index in heads.indices {
                guard let head = heads[index], head.key == key else { continue }
                entries[index] = head.entry
                frequency += try reader.segments[index].liveFrequency(key, head.entry)
                heads[index] = try iterators[index].next()
            }
            // Only the text field: its keys are the terms' bytes; other fields' keys start with a
            // control byte (the title's with 0x01), which analysis never produces.
            if IndexFormat.field(ofKey: key) == .text, let first = key.first, first >= 0x20 {
                return Term(key: key, entries: entries, frequency: frequency)
            }
        }
    }
}

/// The version written into exports' descriptions.
enum SiftInterchangeVersion {
    static let current = "0.1.0"
}
