@_spi(SiftInternal) import SiftStorage

/// Postings made by another engine (a CIFF file), written as one segment of a new index:
/// terms taken as given, term frequencies without positions, the documents' lengths as the
/// exporter counted them, their ids, and no text — a forward index of each document's terms
/// instead (`TextStorage.none`), so RM3 works on it as on any index built without text.
///
/// Made by `IndexWriter.beginImport`; terms go in ascending byte order; `finish` hands the
/// segment to the writer, whose `commit()` makes it the index. A failure at any step, or
/// `abandon()`, removes every file written.
package struct ImportedSegment {
    private var encoder: SegmentEncoder
    private let ids: [String]
    private let lengths: [UInt32]
    private var documentCount: Int { lengths.count }
    private var previousTerm: [UInt8]? = nil
    private var postings = PostingsBuilder()
    /// Every posting's document, term ordinal and frequency, in term order: turned around
    /// into each document's terms (the forward index) when the segment is finished.
    private var forwardDocuments: [UInt32] = []
    private var forwardTerms: [UInt32] = []
    private var forwardFrequencies: [UInt32] = []
    private var termCount: UInt32 = 0

    fileprivate init(directory: String, ids: [String], lengths: [UInt32]) throws(IndexError) {
        self.ids = ids
        self.lengths = lengths
        let tokens = lengths.reduce(UInt64(0)) { $0 + UInt64($1) }
        encoder = try SegmentEncoder(directory: directory, lengths: lengths, titleLengths: [UInt32](repeating: 0, count: lengths.count),
                                     tokenCount: tokens, titleTokenCount: 0, storage: .none)
        encoder.writesPositions = false
    }

    /// Why a term cannot be imported; the caller says where it came from.
    package enum TermError: Error, Equatable {
        /// Empty, or starting with the byte that marks Sift's title terms.
        case invalidTerm([UInt8])
        /// Not after the previous term in byte order.
        case outOfOrder(previous: [UInt8], term: [UInt8])
        /// A posting's document is out of range, documents do not ascend, or a frequency is 0.
        case invalidPostings(term: [UInt8], reason: String)
        case index(IndexError)
    }

    /// Adds a term of the text field and its postings (documents ascending, frequencies ≥ 1).
    /// That a document's frequencies fit within its length is the caller's to check, before
    /// anything is written (`CIFFImporter` does it in its first pass over the file).
    package mutating func addTerm(_ term: [UInt8], documents: [UInt32], frequencies: [UInt32]) throws(TermError) {
        guard !term.isEmpty, IndexFormat.field(ofKey: term) == .text else { throw .invalidTerm(term) }
        if let previousTerm, !previousTerm.lexicographicallyPrecedes(term) {
            throw .outOfOrder(previous: previousTerm, term: term)
        }
        guard !documents.isEmpty, documents.count == frequencies.count else {
            throw .invalidPostings(term: term, reason: "\(documents.count) documents and \(frequencies.count) frequencies")
        }
        postings.removeAll()
        var previous: UInt32? = nil
        for (document, frequency) in zip(documents, frequencies) {
            guard Int(document) < documentCount else {
                throw .invalidPostings(term: term, reason: "document \(document) is out of range (\(documentCount) documents)")
            }
            if let previous, document <= previous {
                throw .invalidPostings(term: term, reason: "documents do not ascend (\(document) after \(previous))")
            }
            guard frequency >= 1 else { throw .invalidPostings(term: term, reason: "document \(document) has frequency 0") }
            postings.documents.append(document)
            postings.frequencies.append(frequency)
            previous = document
        }
        do {
            try encoder.addTerm(term, postings: postings)
        } catch {
            throw .index(error)
        }
        forwardDocuments.append(contentsOf: documents)
        forwardTerms.append(contentsOf: repeatElement(termCount, count: documents.count))
        forwardFrequencies.append(contentsOf: frequencies)
        termCount += 1
        previousTerm = term
    }

    /// Removes every file written so far.
    package mutating func abandon() {
        encoder.abandon()
    }

    fileprivate mutating func finish(avoiding taken: Set<String>) throws(IndexError) -> WrittenSegment {
        // Counting sort of the postings by document; stable, so each document's term
        // ordinals stay ascending.
        var start = [Int](repeating: 0, count: documentCount + 1)
        for document in forwardDocuments { start[Int(document) + 1] += 1 }
        for document in 0..<documentCount { start[document + 1] += start[document] }
        var next = start
        var byDocument = [(ordinal: UInt32, frequency: UInt32)](repeating: (0, 0), count: forwardDocuments.count)
        for index in forwardDocuments.indices {
            let document = Int(forwardDocuments[index])
            byDocument[next[document]] = (forwardTerms[index], forwardFrequencies[index])
            next[document] += 1
        }
        forwardDocuments = []
        forwardTerms = []
        forwardFrequencies = []
        do throws(IndexError) {
            let empty = UnsafeRawBufferPointer(start: nil, count: 0)
            for (document, id) in ids.enumerated() {
                let terms = Array(byDocument[start[document]..<start[document + 1]])
                let result = Array(id.utf8).withUnsafeBytes { id -> Result<Void, IndexError> in
                    do throws(IndexError) {
                        try encoder.addStoredDocument(id: id, title: empty, text: empty, terms: terms)
                        return .success(())
                    } catch {
                        return .failure(error)
                    }
                }
                try result.get()
            }
        } catch {
            encoder.abandon()
            throw error
        }
        return try encoder.finish(avoiding: taken)
    }
}

extension IndexWriter {
    /// Starts the one segment of an index imported from another engine's postings: `ids` and
    /// `lengths` per document, in document order. The writer must be new (`.create`, nothing
    /// added); the index it commits has no positions (`IndexReader.hasPositions` is false) and
    /// cannot be updated.
    package func beginImport(ids: [String], lengths: [UInt32]) throws(IndexError) -> ImportedSegment {
        guard lock != nil else { throw .writerClosed(path) }
        precondition(ids.count == lengths.count, "one length per id")
        precondition(documentCount == 0 && segments.isEmpty && hasPositions, "an import needs a new, empty writer")
        return try ImportedSegment(directory: path, ids: ids, lengths: lengths)
    }

    /// Adds the imported segment to what the next `commit()` writes.
    package func finishImport(_ segment: inout ImportedSegment) throws(IndexError) {
        let taken = Set(segments.map(\.entry.name)).union(committedSegmentNames)
        let written = try segment.finish(avoiding: taken)
        for (name, _) in written.files { uncommittedFiles.insert(name) }
        let reader = try SegmentReader(directory: path, entry: written.entry, verifyChecksums: false)
        segments.append(LiveSegment(entry: written.entry, reader: reader))
        hasPositions = false
        storage = .none
        structureChanged = true
    }
}
