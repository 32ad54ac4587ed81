import SiftAnalysis
@_spi(SiftInternal) import SiftStorage
/// A read-only view of a committed index: the segments its manifest named when it was opened.
///
/// Readers never take the writer's lock and never block; a reader keeps the files of its
/// generation mapped even if a later commit removes them (a mapping outlives the unlinked
/// file), so an open reader always answers from one complete index. Document ids are global:
/// segment by segment, in manifest order, deleted documents included (`maxDocument`); a
/// search never returns a deleted document, and every statistic counts live documents only.
public final class IndexReader: @unchecked Sendable {
    /// The index folder.
    public let path: String
    /// The analyzer settings the index was built with; queries must use them.
    public let configuration: AnalyzerConfiguration
    let manifest: Manifest
    /// Bytes of the manifest file read at open.
    let manifestSize: Int
    package let segments: [SegmentReader]
    /// Global id of each segment's first document.
    package let segmentBases: [Int]
    /// The table of indexed files, if the index comes from files.
    let sourcesFile: MappedFile?

    /// Live documents in the index (`N` of BM25).
    public let documentCount: Int
    /// Document ids run `0..<maxDocument`: live and deleted documents.
    public let maxDocument: Int
    /// Indexed text tokens over the live documents.
    public let tokenCount: UInt64
    /// Indexed title tokens over the live documents.
    public let titleTokenCount: UInt64
    /// Deleted documents (kept in their segments until a merge drops them).
    public var deletedCount: Int { maxDocument - documentCount }
    /// One bit per document id, set for deleted documents; nil when none is deleted.
    package let deletedBits: UnsafeMutablePointer<UInt64>?
    /// What searchers derive from this index once and share (length factors per k1 and b).
    package let cache = ReaderCache()
    /// The skipped documents of recent filters (`skippedDocuments(_:)`).
    package let filterCache = FilterCache()
    /// The commit this reader reads: results it gives are valid for readers of the same
    /// snapshot only.
    public let snapshot: IndexSnapshot

    /// Opens the index at `path`: O(segments), the files are mapped, not read. Sizes, headers
    /// and checksum trailers are checked against the manifest (so truncated or swapped files
    /// are caught), and every later read is bounds-checked. With `verifyChecksums`, every byte
    /// of every file is also checked against its CRC-32C first (O(index size)), so a flipped
    /// bit anywhere is reported before it can change an answer.
    ///
    /// - Throws: `IndexError.missingIndex` when there is no index at `path`; `.corrupt`,
    ///   `.missingFile`, `.missingManifest`, `.olderFormat` or `.newerFormat` for an index that
    ///   cannot be read; `.io` when a system call fails.
    public convenience init(path: String, verifyChecksums: Bool = false) throws(IndexError) {
        try self.init(try Self.openCommit(path: path, verifyChecksums: verifyChecksums, reusing: nil))
    }

    /// A reader of the index's newest commit, or nil when it is still the one this reader
    /// reads — as Lucene's `DirectoryReader.openIfChanged`. Segments both commits hold are
    /// shared with this reader (their files stay mapped once), so reopening costs the segments
    /// that changed, not the index. This reader stays valid and keeps answering from its own
    /// snapshot until it is released.
    ///
    /// - Complexity: O(1) reads when nothing changed (the manifest alone is read and compared);
    ///   otherwise O(segments) plus, with `verifyChecksums`, the bytes of the new files.
    public func reopenIfChanged(verifyChecksums: Bool = false) throws(IndexError) -> IndexReader? {
        guard try !isCurrent() else { return nil }
        let opened = try Self.openCommit(path: path, verifyChecksums: verifyChecksums, reusing: self)
        guard opened.fingerprint != snapshot.fingerprint else { return nil }
        return try IndexReader(opened)
    }

    /// Whether the index's newest commit is the one this reader reads (Lucene's `isCurrent`):
    /// one small read of the manifest.
    public func isCurrent() throws(IndexError) -> Bool {
        let manifestPath = path + "/" + IndexFormat.manifestName
        let file: MappedFile
        do {
            file = try MappedFile(path: manifestPath)
        } catch {
            throw Self.manifestOpenError(error, path: path, manifestPath: manifestPath)
        }
        return Self.fingerprint(of: file.bytes) == snapshot.fingerprint
    }

    /// What opening one commit of an index found: its manifest and its segments, mapped.
    struct OpenedCommit {
        var path: String
        var manifest: Manifest
        var manifestSize: Int
        var fingerprint: UInt64
        var segments: [SegmentReader]
        var sourcesFile: MappedFile?
    }

    /// Reads the manifest of the index at `path` and maps the files it names; a segment that
    /// `previous` has open with the same deletions is taken from it rather than mapped again.
    static func openCommit(path: String, verifyChecksums: Bool, reusing previous: IndexReader?) throws(IndexError) -> OpenedCommit {
        let manifestPath = path + "/" + IndexFormat.manifestName
        var shared: [String: SegmentReader] = [:]
        if let previous {
            for (entry, segment) in zip(previous.manifest.segments, previous.segments) {
                shared[Self.reuseKey(entry)] = segment
            }
        }
        // A writer may replace the manifest and delete old segments between our reading the
        // manifest and mapping the segments: then read the new manifest and try again.
        var attempt = 0
        while true {
            attempt += 1
            let manifestFile: MappedFile
            do {
                manifestFile = try MappedFile(path: manifestPath)
            } catch {
                throw Self.manifestOpenError(error, path: path, manifestPath: manifestPath)
            }
            let manifest = try Manifest.decode(manifestFile.bytes, file: manifestPath)
            do {
                var segments: [SegmentReader] = []
                for entry in manifest.segments {
                    if let reused = shared[Self.reuseKey(entry)] {
                        segments.append(reused)
                    } else {
                        segments.append(try SegmentReader(directory: path, entry: entry, verifyChecksums: verifyChecksums))
                    }
                }
                // The source table is only decoded by writers and checks, but its size, header
                // and trailer are checked now, and the reader holds it like its segments.
                let sourcesFile = try manifest.sources.map { named throws(IndexError) in
                    try SegmentReader.openFile(path + "/" + named.name, kind: .sources, expected: named.info, verifyChecksums: verifyChecksums)
                }
                return OpenedCommit(path: path, manifest: manifest, manifestSize: manifestFile.bytes.count,
                                    fingerprint: fingerprint(of: manifestFile.bytes), segments: segments, sourcesFile: sourcesFile)
            } catch {
                if case .missingFile = error, attempt < 5 { continue }
                throw error
            }
        }
    }

    /// A segment entry's files, deletions included: equal keys name the same bytes.
    private static func reuseKey(_ entry: Manifest.Segment) -> String {
        entry.name + "/" + (entry.deletions?.file.name ?? "")
    }

    /// The snapshot fingerprint of a manifest's bytes.
    static func fingerprint(of manifest: UnsafeRawBufferPointer) -> UInt64 {
        ByteInterner.hash(manifest.assumingMemoryBound(to: UInt8.self))
    }

    private init(_ opened: OpenedCommit) throws(IndexError) {
        path = opened.path
        manifest = opened.manifest
        manifestSize = opened.manifestSize
        segments = opened.segments
        sourcesFile = opened.sourcesFile
        snapshot = IndexSnapshot(generation: opened.manifest.generation, fingerprint: opened.fingerprint)
        configuration = manifest.configuration
        var bases: [Int] = []
        var total = 0
        var live = 0
        var tokens: UInt64 = 0
        var titleTokens: UInt64 = 0
        for segment in segments {
            guard segment.storedFields.storesText == (manifest.storage == .text) else {
                throw .corrupt(file: segment.documentsFile.path, reason: "its stored text does not match the manifest's stored-text setting (\(manifest.storage.rawValue))")
            }
            bases.append(total)
            total += segment.documentCount
            if let deletions = segment.deletions, deletions.tokenCount > segment.tokenCount || deletions.titleTokenCount > segment.titleTokenCount {
                throw .corrupt(file: deletions.path, reason: "deleted documents hold more tokens than their segment")
            }
            live += segment.documentCount - segment.deletedCount
            tokens += segment.tokenCount - (segment.deletions?.tokenCount ?? 0)
            titleTokens += segment.titleTokenCount - (segment.deletions?.titleTokenCount ?? 0)
        }
        segmentBases = bases
        maxDocument = total
        documentCount = live
        tokenCount = tokens
        titleTokenCount = titleTokens
        if live < total {
            let words = (total + 63) / 64
            let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
            bits.initialize(repeating: 0, count: words)
            for (index, segment) in segments.enumerated() {
                guard let deletions = segment.deletions else { continue }
                for word in 0..<((segment.documentCount + 63) / 64) {
                    var value = deletions.word(word)
                    while value != 0 {
                        let document = bases[index] + word * 64 + value.trailingZeroBitCount
                        bits[document >> 6] |= 1 << UInt64(document & 63)
                        value &= value - 1
                    }
                }
            }
            deletedBits = bits
        } else {
            deletedBits = nil
        }
    }

    deinit {
        deletedBits?.deallocate()
    }

    /// What a manifest that cannot be mapped means: no index, one whose manifest is gone
    /// while its segments are there, a manifest that is not a file, or a failed system call.
    static func manifestOpenError(_ error: FileError, path: String, manifestPath: String) -> IndexError {
        if FileIO.isDirectory(manifestPath) { return .corrupt(file: manifestPath, reason: "it is a folder, not a file") }
        guard error.code == ENOENT || error.code == ENOTDIR else { return .io(error) }
        let names = (try? FileIO.listDirectory(path)) ?? []
        if names.contains(where: { $0.hasPrefix("seg-") && IndexFormat.isIndexFileName($0) }) { return .missingManifest(path) }
        return .missingIndex(path)
    }

    /// Whether global document `document` is deleted.
    public func isDeleted(_ document: Int) throws(IndexError) -> Bool {
        guard document >= 0, document < maxDocument else { throw .documentOutOfRange(document, count: maxDocument) }
        return !Self.isLive(UInt32(document), deletedBits)
    }

    /// False for a document `deleted` (the reader's `deletedBits`, read once outside the loop)
    /// marks; no range check, for the loops that collect hits.
    @inlinable @inline(__always)
    @_spi(SiftInternal) public static func isLive(_ document: UInt32, _ deleted: UnsafeMutablePointer<UInt64>?) -> Bool {
        guard let deleted else { return true }
        return deleted[Int(document >> 6)] & (1 << UInt64(document & 63)) == 0
    }

    /// Segments of the index.
    public var segmentCount: Int { segments.count }

    /// Whether the documents keep their text (snippets, `sift show`) or only a forward index
    /// of their terms.
    public var storage: TextStorage { manifest.storage }

    /// The commit the reader sees: 1 for a fresh build, one more for each later commit.
    public var generation: UInt64 { manifest.generation }

    /// The `Analyzer.version` that analyzed the documents. When it is not this Sift's, queries
    /// may be analyzed differently from the documents: the index should be rebuilt.
    public var analyzerVersion: UInt32 { manifest.analyzerVersion }
    /// Whether postings carry positions: false for an index imported from another engine's
    /// postings (CIFF), where phrase queries cannot be answered.
    public var hasPositions: Bool { manifest.hasPositions }

    /// Mean indexed tokens per document (`avgLen` of BM25); 0 for an empty index.
    public var averageDocumentLength: Double {
        documentCount == 0 ? 0 : Double(tokenCount) / Double(documentCount)
    }

    /// The stored id, title and text of document number `number` of this reader (deleted
    /// documents keep theirs until a merge drops them). Numbers come from this reader
    /// (`documentNumbers(withID:)`, `documentSummaries(offset:limit:)`); for a search hit, use
    /// `document(for:)`, which checks that the hit is of this reader's snapshot.
    /// - Throws: `IndexError.documentOutOfRange` unless `0 <= number < maxDocument`;
    ///   `.noStoredText` for an index that keeps no text (`storage == .none`: `documentHeader`
    ///   still gives the id and title); `.corrupt` when the stored record cannot be read.
    public func document(at number: Int) throws(IndexError) -> StoredDocument {
        guard number >= 0, number < maxDocument else { throw .documentOutOfRange(number, count: maxDocument) }
        guard storage == .text else { throw .noStoredText(path: path) }
        let (segment, local) = locate(number)
        return try segments[segment].storedDocument(local)
    }

    /// Throws `IndexError.snapshotMismatch` unless `snapshot` is this reader's.
    public func requireSnapshot(_ snapshot: IndexSnapshot) throws(IndexError) {
        guard snapshot == self.snapshot else { throw .snapshotMismatch(given: snapshot, reader: self.snapshot) }
    }

    /// The id and title of global document `document` (in range), without copying its text.
    package func documentHeader(_ document: Int) throws(IndexError) -> (id: String, title: String) {
        let (segment, local) = locate(document)
        let stored = try segments[segment].storedDocument(local, includeText: false, includeMetadata: false)
        return (stored.id, stored.title)
    }

    /// The id, title and metadata of global document `document` (in range), without its text:
    /// what a hit carries.
    package func documentHeaderAndMetadata(_ document: Int) throws(IndexError) -> StoredDocument {
        let (segment, local) = locate(document)
        return try segments[segment].storedDocument(local, includeText: false)
    }

    /// The metadata of document `number` (empty when it has none) — also in an index that
    /// keeps no text.
    /// - Throws: `IndexError.documentOutOfRange` for a number outside `0..<maxDocument`;
    ///   `.corrupt` when the stored record cannot be read.
    public func metadata(at number: Int) throws(IndexError) -> [String: String] {
        guard number >= 0, number < maxDocument else { throw .documentOutOfRange(number, count: maxDocument) }
        let (segment, local) = locate(number)
        return try segments[segment].storedFields.metadata(local)
    }

    /// `len(d)` of global document `document`.
    public func length(of document: Int) throws(IndexError) -> Int {
        guard document >= 0, document < maxDocument else { throw .documentOutOfRange(document, count: maxDocument) }
        let (segment, local) = locate(document)
        return Int(segments[segment].length(of: local))
    }

    /// Live documents containing `term` (an already analyzed term of the text field), over all segments.
    public func documentFrequency(of term: String) throws(IndexError) -> Int {
        try lookUp(Array(term.utf8)).frequency
    }

    /// A dictionary key's entry in each segment, and the live documents containing it over all.
    package func lookUp(_ key: [UInt8]) throws(IndexError) -> (frequency: Int, entries: [TermEntry?]) {
        var total = 0
        var entries: [TermEntry?] = []
        entries.reserveCapacity(segments.count)
        for segment in segments {
            let entry = try segment.lookup(key)
            if let entry { total += try segment.liveFrequency(key, entry) }
            entries.append(entry)
        }
        return (total, entries)
    }

    package func locate(_ document: Int) -> (segment: Int, local: Int) {
        var segment = segments.count - 1
        while segment > 0 && segmentBases[segment] > document { segment -= 1 }
        return (segment, document - segmentBases[segment])
    }

    /// Counts and sizes: documents, terms, postings, tokens, segments, files, metadata keys.
    /// - Complexity: O(terms + metadata values and their documents) — it reads the dictionary
    ///   and the metadata indexes, not the postings.
    public func statistics() throws(IndexError) -> IndexStatistics {
        var postings: UInt64 = 0
        var files = [IndexFile(name: IndexFormat.manifestName, byteCount: manifestSize)]
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
            for file in segment.files + (segment.deletions.map { [$0.file] } ?? []) {
                files.append(IndexFile(name: String(file.path.split(separator: "/").last ?? ""), byteCount: file.bytes.count))
            }
        }
        if let sources = manifest.sources { files.append(IndexFile(name: sources.name, byteCount: Int(sources.info.size))) }
        if segments.count > 1 {
            counts = [.text: distinct[.text]!.count, .title: distinct[.title]!.count]
        }
        return IndexStatistics(documentCount: documentCount, termCount: counts[.text]!, titleTermCount: counts[.title]!,
                               postingCount: postings, tokenCount: tokenCount, titleTokenCount: titleTokenCount,
                               averageDocumentLength: averageDocumentLength, deletedCount: deletedCount,
                               generation: manifest.generation,
                               segmentCount: segments.count, files: files, configuration: configuration,
                               analyzerVersion: manifest.analyzerVersion, metadataFields: try metadataFieldStatistics())
    }
}

/// Counts and sizes of an index (what `IndexReader.statistics()` gives).
public struct IndexStatistics: Sendable, Hashable, Codable {
    /// Live documents.
    public var documentCount: Int
    /// Distinct terms of the text field.
    public var termCount: Int
    /// Distinct terms of the title field.
    public var titleTermCount: Int
    /// Term–document pairs of the text field (deleted documents' included until merged away).
    public var postingCount: UInt64
    /// Indexed tokens of the text field.
    public var tokenCount: UInt64
    /// Indexed tokens of the title field.
    public var titleTokenCount: UInt64
    /// Mean indexed tokens per live document, in the text field.
    public var averageDocumentLength: Double
    /// Deleted documents still held by their segments.
    public var deletedCount: Int
    /// Commits since the index was created.
    public var generation: UInt64
    /// Segments of the index.
    public var segmentCount: Int
    /// Each file of the index (the manifest, the segments' files, deletions, the table of
    /// indexed files) with its size.
    public var files: [IndexFile]
    /// The analyzer settings the index was built with.
    public var configuration: AnalyzerConfiguration
    /// The `Analyzer.version` that analyzed the documents.
    public var analyzerVersion: UInt32
    /// The metadata keys documents have (what filters can name), in byte order.
    public var metadataFields: [MetadataFieldStatistics] = []
}

/// One metadata key of an index: how many live documents have it, and how many distinct
/// values (list items counted one by one) the segments hold for it, deleted documents' values
/// included until their segment is merged.
public struct MetadataFieldStatistics: Sendable, Hashable, Codable {
    public var name: String
    public var documentCount: Int
    public var distinctValues: Int
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
