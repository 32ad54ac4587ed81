/// The Common Index File Format (CIFF, from the OSIRRC initiative), the way Anserini
/// (Lucene), PISA, Terrier and JASS exchange inverted indexes.
///
/// A file is a sequence of protobuf messages, each preceded by its size as a varint: one
/// `Header`, then `Header.postingsListCount` postings lists (term, df, cf, postings with
/// document ids as gaps from the previous posting's), then `Header.documentRecordCount`
/// document records (docid, collection docid, length). Field numbers follow
/// `CommonIndexFileFormat.proto` of the `osirrc/ciff` repository.
public enum CIFF {
    /// The header fields' numbers.
    enum HeaderField {
        static let version = 1, postingsLists = 2, documentRecords = 3, totalPostingsLists = 4, totalDocuments = 5
        static let totalTerms = 6, averageLength = 7, description = 8
    }

    enum PostingsListField {
        static let term = 1, documentFrequency = 2, collectionFrequency = 3, postings = 4
    }

    enum PostingField {
        static let document = 1, frequency = 2
    }

    enum DocumentRecordField {
        static let document = 1, collectionID = 2, length = 3
    }
}

/// The first message of a CIFF file: counts and collection statistics.
public struct CIFFHeader: Sendable, Equatable {
    /// The CIFF version (1 is what every exporter writes).
    public var version: Int32
    /// Postings lists that follow the header.
    public var postingsListCount: Int32
    /// Document records that follow the postings lists.
    public var documentRecordCount: Int32
    /// Terms in the whole collection (at least `postingsListCount`: an export may hold some).
    public var totalPostingsLists: Int32
    /// Documents in the whole collection (at least `documentRecordCount`).
    public var totalDocuments: Int32
    /// Tokens in the whole collection: the sum of the documents' lengths.
    public var totalTermsInCollection: Int64
    /// The mean document length, as the exporter computed it.
    public var averageDocumentLength: Double
    /// For people: the exporter and its analysis (stemmer, stop words).
    public var description: String

    public init(version: Int32 = 1, postingsListCount: Int32, documentRecordCount: Int32, totalPostingsLists: Int32,
                totalDocuments: Int32, totalTermsInCollection: Int64, averageDocumentLength: Double, description: String) {
        self.version = version
        self.postingsListCount = postingsListCount
        self.documentRecordCount = documentRecordCount
        self.totalPostingsLists = totalPostingsLists
        self.totalDocuments = totalDocuments
        self.totalTermsInCollection = totalTermsInCollection
        self.averageDocumentLength = averageDocumentLength
        self.description = description
    }
}

/// One term's postings: its documents ascending (absolute ids, not gaps) and their frequencies.
public struct CIFFPostingsList: Sendable, Equatable {
    /// The term's UTF-8 bytes, as the exporter indexed it.
    public var term: [UInt8]
    /// Documents holding the term (must equal the number of postings).
    public var documentFrequency: Int64
    /// The term's occurrences over the collection (the sum of the frequencies).
    public var collectionFrequency: Int64
    /// Document ids, strictly ascending.
    public var documents: [UInt32]
    /// The term's frequency in each document, each at least 1.
    public var frequencies: [UInt32]

    public init(term: [UInt8], documents: [UInt32], frequencies: [UInt32]) {
        self.term = term
        self.documents = documents
        self.frequencies = frequencies
        documentFrequency = Int64(documents.count)
        collectionFrequency = frequencies.reduce(0) { $0 + Int64($1) }
    }
}

/// One document: its internal id (the one postings use), its id in the collection, and its
/// length (the `len(d)` of BM25).
public struct CIFFDocumentRecord: Sendable, Equatable {
    public var document: Int32
    public var collectionDocumentID: String
    public var length: Int32

    public init(document: Int32, collectionDocumentID: String, length: Int32) {
        self.document = document
        self.collectionDocumentID = collectionDocumentID
        self.length = length
    }
}

/// Why a CIFF file was refused: what is wrong, and the byte offset in the file where it is.
public struct CIFFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The problem, in words.
    public var message: String
    /// The byte offset in the file.
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) (at byte \(offset))" }
}
