#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import SiftAnalysis
@_spi(SiftInternal) import SiftStorage
import SiftIngest

/// Builds and updates an index folder and commits each change atomically.
///
/// A writer holds the index's lock from `init` until `close()`, so a second writer fails at
/// once instead of interleaving. Documents are analyzed on `jobs` threads (the output does not
/// depend on how many); when the buffered postings pass `memoryBudget`, they are written out as
/// a partial segment, and `commit()` merges the partial segments into one new segment.
///
/// Segments are immutable. Deleting a document marks it in its segment's deletion bitmap,
/// written with the commit; statistics (N, document frequencies, average lengths) count live
/// documents only, so scores are those of an index rebuilt from the live documents. At each
/// commit the `mergePolicy` merges segments of similar size and rewrites segments with many
/// deletions; `forceMerge()` asks for a single segment. A commit writes every new file under a
/// fresh name, syncs it, then renames a new manifest into place: a crash at any instant leaves
/// either the previous index or the new one, never a mix. Files the new manifest no longer
/// names are removed after it is in place; readers that mapped them keep their pages.
///
/// Ids are keys: a live document's id is its own. `add` refuses an id that is taken,
/// `updateDocument(id:title:text:)` replaces a document (the last update before a commit
/// wins), and `deleteDocuments(withID:)` also drops documents added since the last commit.
///
/// A writer is not thread-safe: use it from one task at a time (`SearchIndex.write` does that
/// for a program that shares one index).
public final class IndexWriter {
    /// What the writer does with the index at its path.
    ///
    /// The default, `openOrCreate`, never loses a document: it adds to the index that is there
    /// (as Lucene's `CREATE_OR_APPEND` and tantivy's `Index::open_or_create` do). Dropping an
    /// index takes `replace`, said at the call.
    public enum OpenMode: Sendable, Hashable, CaseIterable {
        /// Opens the index at the path, or starts an empty one where there is none. Its
        /// documents are kept: commits add documents, deletions and merges to them.
        case openOrCreate
        /// Opens the index at the path, which must exist (`IndexError.missingIndex` otherwise).
        case open
        /// Replaces the index at the path, if any: the first commit writes an index of only
        /// the documents added to this writer, and every document the old one held is gone.
        /// Until that commit, readers see the old index.
        case replace
    }

    /// The index folder.
    public let path: String
    /// The analyzer settings stored with the index.
    public let configuration: AnalyzerConfiguration
    /// Whether documents keep their text or a forward index of their terms.
    public internal(set) var storage: TextStorage
    /// Analysis threads (at least 1).
    public let jobs: Int
    /// Bytes of buffered postings and stored text before a partial segment is written (1 MiB
    /// at least).
    public let memoryBudget: Int
    /// When segments are merged at a commit.
    public var mergePolicy = MergePolicy()

    var workers: [AnalysisWorker]
    var buffer = SegmentBuffer()
    /// Dictionary keys (text terms as they are, title terms behind `titleKeyPrefix`).
    var keys = ByteInterner(capacity: 4096)
    /// Partial segments written when the buffer passed the budget, in document order.
    var flushed: [(segment: WrittenSegment, reader: SegmentReader)] = []
    var flushedDocuments = 0
    var lock: FileLock?

    /// A committed segment and the deletions made to it since.
    struct LiveSegment {
        var entry: Manifest.Segment
        let reader: SegmentReader
        var deletions: SegmentDeletions?
        /// Deleted since the last commit: their terms are not yet counted in `deletions`.
        var pendingDeletions: [Int] = []

        var liveCount: Int { reader.documentCount - (deletions?.count ?? 0) }
    }

    /// The committed segments, as this writer will commit them.
    var segments: [LiveSegment] = []
    /// Documents added by id since the last commit (not those of a folder sync), by id: their
    /// places among the documents added since the last commit (one, unless a place was
    /// superseded).
    var pendingIDs: [String: [Int]] = [:]
    /// Ids of documents a folder sync added since the last commit, as far as they are known
    /// without keeping every one: all of them when ids are checked (JSON Lines, or documents
    /// added by id), else each file's own id. `add` refuses them, as taken.
    var pendingFileIDs: Set<String> = []
    /// Places of documents added since the last commit that were deleted or replaced before
    /// it: the commit writes them as deleted in its new segment.
    var supersededDocuments: [Int] = []
    var generation: UInt64
    /// Indexed files by key (their `segment` is a position in `segments`); nil when the index
    /// does not come from files.
    var sources: [String: SourceFile]?
    /// How the indexed files were found and cut.
    var sourceSettings: IndexedFileSettings?
    /// The unit the indexed files were cut with.
    var sourceUnit: String? { sourceSettings?.unit }
    /// The keys of `sources` as of the last commit, in byte order (a commit merges the new keys
    /// in rather than sorting the whole table again).
    var sourceOrder: [String] = []
    /// Files whose documents are in the buffer: `firstDocument` counts from the first
    /// uncommitted document.
    var pendingSources: [SourceFile] = []
    /// Whether anything was deleted, or a merge asked for, since the last commit.
    var structureChanged = false
    var mergeEverything = false
    /// False once an imported segment (postings without positions) was added: the manifest
    /// says so, and phrase queries refuse the index.
    var hasPositions = true
    /// Whether the next commit renumbers the (single, merged) segment's documents.
    var reorderDocuments = false
    /// The source table the last commit (or the index opened) named.
    var committedSources: Manifest.NamedFile?
    /// Names of the segments the manifest on disk names: new segments avoid them too, so a
    /// file a failed commit removes is never one the index still uses.
    var committedSegmentNames: Set<String> = []
    /// Files this writer wrote that no commit has made part of the index yet: what a failed
    /// commit, or closing without one, removes.
    var uncommittedFiles: Set<String> = []

    /// Opens the index at `path` for writing (by default, creating it where there is none) and
    /// takes its lock.
    ///
    /// Opening an existing index checks the CRC-32C of every byte of it and its analyzer
    /// version first (O(index size)): a commit on top of a damaged segment would make the
    /// damage look like a sound, newer index.
    ///
    /// - Parameters:
    ///   - path: the index folder; created (with its parents' permission) when missing.
    ///   - configuration: the analyzer settings of a new index. For an existing index, nil
    ///     (the default) takes the index's own settings; given settings must equal them
    ///     (`IndexError.settingsMismatch` otherwise). A replaced index gets these settings, or
    ///     the defaults when nil.
    ///   - jobs: analysis threads, at least 1 (default 1).
    ///   - memoryBudget: bytes of postings and stored text held before a partial segment is
    ///     written (default 512 MiB); at least 1, and a budget under 1 MiB counts as 1 MiB.
    ///   - mode: `.openOrCreate` (the default) keeps the index at `path` and adds to it;
    ///     `.open` requires one; `.replace` drops it at the first commit.
    ///   - storage: whether documents keep their text or only a forward index of their terms.
    ///     Nil (the default): the existing index's when it is kept, text for a new index; a
    ///     given one must equal a kept index's (`IndexError.settingsMismatch` otherwise).
    /// - Throws: `IndexError.invalidArgument` for `jobs` or `memoryBudget` out of range;
    ///   `.missingIndex` (`.open` only); `.missingManifest` when the folder holds index files
    ///   but no manifest (unless replacing); `.locked` when another writer holds the index;
    ///   `.corrupt`, `.analyzerVersionMismatch` or `.settingsMismatch` for an index that cannot
    ///   be added to; `.importedIndex` for an index imported from postings; `.io` when a
    ///   system call fails.
    public init(path: String, configuration: AnalyzerConfiguration? = nil, jobs: Int = 1,
                memoryBudget: Int = 512 << 20, mode: OpenMode = .openOrCreate, storage: TextStorage? = nil) throws(IndexError) {
        guard jobs >= 1 else { throw .invalidArgument(InvalidArgument(name: "jobs", value: jobs, requirement: "at least 1")) }
        guard memoryBudget >= 1 else {
            throw .invalidArgument(InvalidArgument(name: "memoryBudget", value: memoryBudget, requirement: "at least 1"))
        }
        let manifestPath = path + "/" + IndexFormat.manifestName
        if mode == .open && !FileIO.exists(manifestPath) {
            throw IndexReader.manifestOpenError(FileError(path: manifestPath, operation: "open", code: ENOENT), path: path,
                                                manifestPath: manifestPath)
        }
        self.path = path
        self.storage = storage ?? .text
        self.jobs = jobs
        self.memoryBudget = max(1 << 20, memoryBudget)
        do {
            try FileIO.makeDirectory(path)
        } catch {
            throw .io(error)
        }
        do {
            lock = try FileLock(path: path + "/" + IndexFormat.lockName)
        } catch {
            switch error {
            case .busy(_, let inThisProcess): throw .locked(path, inThisProcess: inThisProcess)
            case .io(let fileError): throw .io(fileError)
            }
        }
        generation = 1
        var reader: IndexReader? = nil
        if mode != .replace {
            // Index files without a manifest are a lost index, not an empty folder: starting a
            // new one would remove them for good.
            if FileIO.exists(manifestPath) || IndexReader.manifestOpenError(
                FileError(path: manifestPath, operation: "open", code: ENOENT), path: path, manifestPath: manifestPath) != .missingIndex(path)
            {
                do {
                    reader = try IndexReader(path: path)
                } catch {
                    lock = nil
                    throw error
                }
            }
        }
        let resolved = configuration ?? reader?.configuration ?? AnalyzerConfiguration()
        self.configuration = resolved
        workers = (0..<jobs).map { _ in AnalysisWorker(configuration: resolved) }
        removeLeftovers()
        // A new index is written at the first commit even if empty; so is a replacement.
        guard let reader else {
            structureChanged = true
            return
        }
        do {
            try open(reader, requestedConfiguration: configuration, requestedStorage: storage)
        } catch {
            lock = nil
            throw error
        }
    }

    /// Takes `reader`'s index as the one this writer adds to, after checking every byte of it,
    /// its analyzer version and (when asked for) its settings.
    private func open(_ reader: IndexReader, requestedConfiguration: AnalyzerConfiguration?,
                      requestedStorage: TextStorage?) throws(IndexError) {
        // Its terms came from another engine's analyzer and it has no positions: new
        // documents would not match the old ones, and merges have no positions to copy.
        guard reader.hasPositions else { throw .importedIndex(path) }
        try reader.verifyChecksums(jobs: jobs)
        guard reader.analyzerVersion == Analyzer.version else {
            throw .analyzerVersionMismatch(path: path, stored: reader.analyzerVersion, current: Analyzer.version)
        }
        if let requestedConfiguration, reader.configuration != requestedConfiguration {
            throw .settingsMismatch(path: path, setting: "analyzer", stored: reader.configuration.description,
                                    requested: requestedConfiguration.description)
        }
        if let requestedStorage, requestedStorage != reader.storage {
            throw .settingsMismatch(path: path, setting: "stored text", stored: reader.storage.rawValue, requested: requestedStorage.rawValue)
        }
        storage = reader.storage
        generation = reader.generation + 1
        for (entry, segment) in zip(reader.manifest.segments, reader.segments) {
            segments.append(LiveSegment(entry: entry, reader: segment, deletions: try segment.deletions.map { file throws(IndexError) in
                try SegmentDeletions(file, extending: true)
            }))
        }
        committedSegmentNames = Set(reader.manifest.segments.map(\.name))
        committedSources = reader.manifest.sources
        if let table = try reader.sourceTable() {
            sourceSettings = table.settings
            sources = Dictionary(uniqueKeysWithValues: table.files.map { ($0.key, $0) })
            sourceOrder = table.files.map(\.key)
        }
    }

    deinit {
        close()
    }

    /// Documents added and not yet committed.
    public var documentCount: Int { flushedDocuments + buffer.documentCount }
    /// Indexed tokens so far.
    public var tokenCount: UInt64 { flushed.reduce(buffer.tokenCount) { $0 + $1.segment.entry.tokenCount } }
    /// Partial segments written so far because of the memory budget.
    public var partialSegmentCount: Int { flushed.count }
    /// Whether a commit would change the index: documents added or deleted, or a merge asked for.
    public var hasChanges: Bool { documentCount > 0 || structureChanged || !pendingSources.isEmpty }

    /// Adds a document under a new id: analyzes its text and title, and keeps id, title,
    /// text and metadata for display. It is searchable after `commit()`.
    ///
    /// `metadata` is not searched as words: it is returned with the document's hits and
    /// matched exactly by filters (`category:tech`, `date:2005-01..2005-06`, or
    /// `SearchOptions.filter`). Keys are 1 to 256 bytes of UTF-8, values at most 65,536.
    ///
    /// Ids are keys: an id names one live document. Adding an id that a live document already
    /// has (a committed one not deleted, or one added since the last commit) is refused rather
    /// than keeping both or silently replacing one — use `updateDocument(id:title:text:)` to
    /// replace a document.
    /// - Throws: `IndexError.duplicateID` when a live document has the id;
    ///   `.invalidArgument` for a metadata key or value out of bounds;
    ///   `.writerClosed` after `close()`; `.io` when a partial segment cannot be written.
    public func add(id: String, title: String, text: String, metadata: [String: String] = [:]) throws(IndexError) {
        try add(contentsOf: [SourceDocument(id: id, title: title, text: Array(text.utf8), metadata: metadata)])
    }

    /// Adds a document whose text is bytes (UTF-8 expected; invalid sequences are analyzed as
    /// U+FFFD but stored as given). Ids as in `add(id:title:text:)`.
    /// - Throws: as `add(id:title:text:)`.
    public func add(id: String, title: String, text: [UInt8], metadata: [String: String] = [:]) throws(IndexError) {
        try add(contentsOf: [SourceDocument(id: id, title: title, text: text, metadata: metadata)])
    }

    /// Adds a document from ingest (`DocumentExtractor`). Ids as in `add(id:title:text:)`.
    /// - Throws: as `add(id:title:text:)`.
    public func add(_ document: SourceDocument) throws(IndexError) {
        try add(contentsOf: [document])
    }

    /// Adds documents in order, analyzing them on `jobs` threads. Ids as in
    /// `add(id:title:text:)`: when one is refused, none of `documents` is added.
    /// - Throws: `IndexError.duplicateID` naming the first id a live document (or an earlier
    ///   one of `documents`) has; as `add(id:title:text:)` otherwise.
    public func add(contentsOf documents: [SourceDocument]) throws(IndexError) {
        guard lock != nil else { throw .writerClosed(path) }
        var batch = Set<String>()
        for document in documents {
            guard batch.insert(document.id).inserted, try !containsDocument(withID: document.id) else {
                throw .duplicateID(document.id)
            }
        }
        try addTracked(documents)
    }

    /// Replaces the document whose id is `id` with this one, or adds it when there is none
    /// (an upsert, as Lucene's `updateDocument`): the old document is deleted and the new one
    /// added at the same commit, so readers see either the old document or the new one,
    /// never both or neither. Updating one id several times before a commit keeps the last.
    ///
    /// A committed document of an indexed file is deleted with the file's other documents,
    /// as `deleteDocuments(withID:)` explains.
    /// - Returns: whether a document with the id was replaced.
    /// - Throws: `.writerClosed` after `close()`; `.corrupt` when a stored id cannot be read;
    ///   `.io` when a partial segment cannot be written.
    /// - Complexity: O(segments × log documents) for the lookup, plus the analysis.
    @discardableResult
    public func updateDocument(id: String, title: String, text: String, metadata: [String: String] = [:]) throws(IndexError) -> Bool {
        try updateDocument(SourceDocument(id: id, title: title, text: Array(text.utf8), metadata: metadata))
    }

    /// `updateDocument(id:title:text:)` for a document of bytes or from ingest.
    @discardableResult
    public func updateDocument(_ document: SourceDocument) throws(IndexError) -> Bool {
        try Self.validateMetadata(of: [document])
        // A document a folder sync added since the last commit belongs to its file: it is
        // replaced by updating the file, not by id.
        if pendingFileIDs.contains(document.id) { throw .duplicateID(document.id) }
        let replaced = try deleteDocuments(withID: document.id)
        try addTracked([document])
        return replaced > 0
    }

    /// Adds `documents`, their ids checked, remembering each one's place among the documents
    /// added since the last commit, so a later delete or update of its id can drop it.
    private func addTracked(_ documents: [SourceDocument]) throws(IndexError) {
        var ordinal = documentCount
        try addUnchecked(contentsOf: documents)
        for document in documents {
            pendingIDs[document.id, default: []].append(ordinal)
            ordinal += 1
        }
    }

    /// Text analyzed per round of the worker threads: their output (postings, positions, a
    /// copy of the stored fields) is several times the text, so a round is kept small.
    static let analysisRoundBytes = 2 << 20

    /// Adds documents in order, analyzing them on `jobs` threads, without checking their ids
    /// (a folder sync checks them itself, against the index and each other).
    func addUnchecked(contentsOf documents: [SourceDocument]) throws(IndexError) {
        guard lock != nil else { throw .writerClosed(path) }
        try Self.validateMetadata(of: documents)
        var start = 0
        while start < documents.count {
            var end = start
            var bytes = 0
            while end < documents.count && (end == start || bytes + documents[end].text.count <= Self.analysisRoundBytes) {
                bytes += documents[end].text.count
                end += 1
            }
            try addRound(documents[start..<end])
            start = end
        }
    }

    /// Throws `.invalidArgument` for the first metadata key or value out of bounds, before
    /// anything is added.
    static func validateMetadata(of documents: [SourceDocument]) throws(IndexError) {
        for document in documents where !document.metadata.isEmpty {
            do {
                try MetadataCoding.validate(document.metadata)
            } catch {
                throw .invalidArgument(error)
            }
        }
    }

    func addRound(_ documents: ArraySlice<SourceDocument>) throws(IndexError) {
        guard !documents.isEmpty else { return }
        let chunks = min(jobs, documents.count)
        let chunkSize = (documents.count + chunks - 1) / chunks
        let first = documents.startIndex
        if chunks == 1 {
            workers[0].analyze(documents)
        } else {
            let workers = self.workers
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = first + chunk * chunkSize
                let end = min(start + chunkSize, documents.endIndex)
                if start < end { workers[chunk].analyze(documents[start..<end]) }
            }
        }
        for chunk in 0..<chunks {
            let worker = workers[chunk]
            worker.mapKeys(into: &keys)
            for document in 0..<worker.documentCount {
                let postings = worker.postingRange(document)
                let positions = worker.positionRange(document)
                buffer.add(storedRecord: worker.storedRecord(document), length: worker.lengths[document],
                           titleLength: worker.titleLengths[document],
                           keys: worker.globalKeys[postings], frequencies: worker.frequencies[postings],
                           positions: worker.positions[positions])
                if buffer.estimatedBytes >= memoryBudget { try flush() }
            }
            worker.reset()
        }
    }

    /// Writes the buffer as a partial segment and empties it.
    func flush() throws(IndexError) {
        guard buffer.documentCount > 0 else { return }
        let written = try SegmentWriter.write(buffer, terms: keys, directory: path, prefix: "flush-", storage: storage)
        for (name, _) in written.files { uncommittedFiles.insert(name) }
        let reader = try SegmentReader(directory: path, entry: written.entry, verifyChecksums: false)
        flushed.append((written, reader))
        flushedDocuments += buffer.documentCount
        buffer = SegmentBuffer()
    }

    /// Releases the lock. The writer cannot be used afterwards. Changes not committed are
    /// dropped, and the files written for them removed.
    public func close() {
        guard lock != nil else { return }
        removeUncommittedFiles()
        lock = nil
    }

    /// Removes the files this writer wrote that the manifest on disk does not name, and any
    /// temporary: after a failed commit (or none), the folder holds the index as it was and
    /// nothing else of this writer's. A commit that failed after its manifest was renamed into
    /// place (a failed sync of the folder) is the index now, and its files stay.
    func removeUncommittedFiles() {
        let onDisk = (try? MappedFile(path: path + "/" + IndexFormat.manifestName)).flatMap { file in
            try? Manifest.decode(file.bytes, file: file.path)
        }
        if let onDisk {
            // The lock is held: whatever of Sift's naming the manifest does not name is stale
            // (this writer's files, or the previous generation's if the manifest was replaced).
            removeUnreferencedFiles(keeping: Self.fileNames(onDisk))
        } else {
            for name in uncommittedFiles { FileIO.remove(path + "/" + name) }
        }
        uncommittedFiles = []
        flushed = []
        flushedDocuments = 0
        buffer = SegmentBuffer()
        removeTemporaries()
    }

    /// Removes what writers that failed or died left (the lock is held, so no other writer is
    /// at work): temporaries always, and files of Sift's naming the manifest does not name when
    /// the manifest can be read (segments renamed into place by a commit that never finished).
    func removeLeftovers() {
        removeTemporaries()
        guard let file = try? MappedFile(path: path + "/" + IndexFormat.manifestName),
              let manifest = try? Manifest.decode(file.bytes, file: file.path) else { return }
        removeUnreferencedFiles(keeping: Self.fileNames(manifest))
    }

    func removeTemporaries() {
        Self.removeTemporaryFiles(inIndex: path)
    }

    /// Makes every later file operation of writers under the index folder `path` fail (for a
    /// process that is being interrupted and must not start another file).
    package static func refuseWrites(inIndex path: String) {
        FileFaults.install(under: path) { _, _ in ECANCELED }
    }

    /// Removes the temporary files of the index folder `path` (segments being built, partial
    /// segments, `….tmp`): for a process that holds the index's lock and is being interrupted.
    package static func removeTemporaryFiles(inIndex path: String) {
        guard let names = try? FileIO.listDirectory(path) else { return }
        for name in names where IndexFormat.isTemporaryFileName(name) { FileIO.remove(path + "/" + name) }
    }

    /// Every file `manifest` names, itself included.
    static func fileNames(_ manifest: Manifest) -> Set<String> {
        var live: Set<String> = [IndexFormat.manifestName]
        for segment in manifest.segments {
            for kind in IndexFormat.FileKind.segmentKinds { live.insert(segment.name + "." + kind.fileExtension) }
            if let deletions = segment.deletions { live.insert(deletions.file.name) }
        }
        if let sources = manifest.sources { live.insert(sources.name) }
        return live
    }
}
