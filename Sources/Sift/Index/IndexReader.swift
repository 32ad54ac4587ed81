/// A read-only view of a committed index: the segments its manifest named when it was opened.
///
/// Readers never take the writer's lock and never block; a reader keeps the files of its
/// generation mapped even if a later commit removes them, so an open reader always answers
/// from one complete index. Document ids are global: segment by segment, in manifest order.
public final class IndexReader: @unchecked Sendable {
    /// The index folder.
    public let path: String
    /// The analyzer settings the index was built with; queries must use them.
    public let configuration: AnalyzerConfiguration
    let manifest: Manifest
    /// Bytes of the manifest file read at open.
    let manifestSize: Int
    let segments: [SegmentReader]
    /// Global id of each segment's first document.
    let segmentBases: [Int]

    /// Documents in the index (`N` of BM25).
    public let documentCount: Int
    /// Indexed tokens over all documents.
    public let tokenCount: UInt64

    /// Opens the index at `path`: O(segments), the files are mapped, not read. Sizes, headers
    /// and checksum trailers are checked against the manifest (so truncated or swapped files
    /// are caught), and every later read is bounds-checked. With `verifyChecksums`, every byte
    /// of every file is also checked against its CRC-32C first (O(index size)), so a flipped
    /// bit anywhere is reported before it can change an answer.
    public init(path: String, verifyChecksums: Bool = false) throws(IndexError) {
        self.path = path
        let manifestPath = path + "/" + IndexFormat.manifestName
        // A writer may replace the manifest and delete old segments between our reading the
        // manifest and mapping the segments: then read the new manifest and try again.
        var attempt = 0
        while true {
            attempt += 1
            let manifestFile: MappedFile
            do {
                manifestFile = try MappedFile(path: manifestPath)
            } catch {
                if error.code == ENOENT || error.code == ENOTDIR { throw .missingIndex(path) }
                throw .io(error)
            }
            let manifest = try Manifest.decode(manifestFile.bytes, file: manifestPath)
            do {
                var segments: [SegmentReader] = []
                for entry in manifest.segments {
                    segments.append(try SegmentReader(directory: path, entry: entry, verifyChecksums: verifyChecksums))
                }
                self.manifest = manifest
                manifestSize = manifestFile.bytes.count
                self.segments = segments
                break
            } catch {
                if case .corrupt(_, let reason) = error, reason.hasPrefix("file is missing"), attempt < 5 { continue }
                throw error
            }
        }
        configuration = manifest.configuration
        var bases: [Int] = []
        var total = 0
        for segment in segments {
            bases.append(total)
            total += segment.documentCount
        }
        segmentBases = bases
        documentCount = total
        tokenCount = manifest.tokenCount
    }

    /// Mean indexed tokens per document (`avgLen` of BM25); 0 for an empty index.
    public var averageDocumentLength: Double {
        documentCount == 0 ? 0 : Double(tokenCount) / Double(documentCount)
    }

    /// The stored fields of global document `document`.
    public func document(_ document: Int) throws(IndexError) -> StoredDocument {
        guard document >= 0, document < documentCount else { throw .documentOutOfRange(document, count: documentCount) }
        let (segment, local) = locate(document)
        return try segments[segment].storedDocument(local)
    }

    /// The id and title of global document `document`, without copying its text.
    func documentHeader(_ document: Int) throws(IndexError) -> (id: String, title: String) {
        let (segment, local) = locate(document)
        let stored = try segments[segment].storedDocument(local, includeText: false)
        return (stored.id, stored.title)
    }

    /// `len(d)` of global document `document`.
    public func length(of document: Int) -> Int {
        precondition(document >= 0 && document < documentCount, "document \(document) out of range 0..<\(documentCount)")
        let (segment, local) = locate(document)
        return Int(segments[segment].length(of: local))
    }

    /// Documents containing `term` (an already analyzed term of the text field), over all segments.
    public func documentFrequency(of term: String) throws(IndexError) -> Int {
        try lookUp(Array(term.utf8)).frequency
    }

    /// A dictionary key's entry in each segment, and the documents containing it over all.
    func lookUp(_ key: [UInt8]) throws(IndexError) -> (frequency: Int, entries: [TermEntry?]) {
        var total = 0
        var entries: [TermEntry?] = []
        entries.reserveCapacity(segments.count)
        for segment in segments {
            let entry = try segment.lookup(key)
            if let entry { total += Int(entry.documentFrequency) }
            entries.append(entry)
        }
        return (total, entries)
    }

    func locate(_ document: Int) -> (segment: Int, local: Int) {
        var segment = segments.count - 1
        while segment > 0 && segmentBases[segment] > document { segment -= 1 }
        return (segment, document - segmentBases[segment])
    }

    /// Counts and sizes for `sift stats`.
    /// - Complexity: O(terms) — it reads the dictionary, not the postings.
    public func statistics() throws(IndexError) -> IndexStatistics {
        var postings: UInt64 = 0
        var files: [(String, Int)] = [(IndexFormat.manifestName, manifestSize)]
        var distinct: [IndexField: ByteInterner] = [.text: ByteInterner(capacity: 1 << 12), .title: ByteInterner(capacity: 1 << 10)]
        var counts: [IndexField: Int] = [.text: 0, .title: 0]
        for segment in segments {
            var terms = try segment.terms()
            while let (key, entry) = try terms.next() {
                let field = IndexFormat.field(ofKey: key)
                if field == .text { postings += UInt64(entry.documentFrequency) }
                if segments.count == 1 {
                    counts[field, default: 0] += 1
                } else {
                    _ = distinct[field]!.intern(key)
                }
            }
            for file in segment.files {
                files.append((String(file.path.split(separator: "/").last ?? ""), file.bytes.count))
            }
        }
        if segments.count > 1 {
            counts = [.text: distinct[.text]!.count, .title: distinct[.title]!.count]
        }
        return IndexStatistics(documentCount: documentCount, termCount: counts[.text]!, titleTermCount: counts[.title]!,
                               postingCount: postings, tokenCount: tokenCount, titleTokenCount: manifest.titleTokenCount,
                               averageDocumentLength: averageDocumentLength,
                               segmentCount: segments.count, files: files, configuration: configuration)
    }
}

/// What `sift stats` shows.
public struct IndexStatistics: Sendable {
    public var documentCount: Int
    /// Distinct terms of the text field.
    public var termCount: Int
    /// Distinct terms of the title field.
    public var titleTermCount: Int
    /// Term–document pairs of the text field.
    public var postingCount: UInt64
    /// Indexed tokens of the text field.
    public var tokenCount: UInt64
    /// Indexed tokens of the title field.
    public var titleTokenCount: UInt64
    public var averageDocumentLength: Double
    public var segmentCount: Int
    /// Each file's name and size in bytes.
    public var files: [(String, Int)]
    public var configuration: AnalyzerConfiguration
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
