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
public final class IndexWriter {
    /// What happens to an index already at the path.
    public enum OpenMode: Sendable {
        /// The first commit replaces it with the documents added to this writer.
        case create
        /// Its segments are kept: commits add new documents and deletions to them.
        case update
    }

    /// The index folder.
    public let path: String
    /// The analyzer settings stored with the index.
    public let configuration: AnalyzerConfiguration
    /// Whether documents keep their text or a forward index of their terms.
    public internal(set) var storage: TextStorage
    /// Analysis threads.
    public let jobs: Int
    /// Bytes of buffered postings and stored text before a partial segment is written.
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

    /// Opens (creating if needed) the index folder at `path` for writing and takes its lock.
    /// - Parameters:
    ///   - configuration: the analyzer settings. With `.update`, an existing index's settings
    ///     must equal them (`IndexError.settingsMismatch` otherwise).
    ///   - jobs: analysis threads (default 1; `sift index` uses the core count).
    ///   - memoryBudget: bytes of postings and stored text held before a partial segment is
    ///     written (default 512 MiB).
    ///   - mode: `.create` (default) replaces any index at `path` at the first commit;
    ///     `.update` keeps it and adds to it.
    ///   - storage: whether documents keep their text or only a forward index of their terms.
    ///     Nil (the default): the existing index's with `.update`, text for a new index. With
    ///     `.update`, a given one must equal the index's (`IndexError.settingsMismatch`
    ///     otherwise).
    public init(path: String, configuration: AnalyzerConfiguration = AnalyzerConfiguration(), jobs: Int = 1,
                memoryBudget: Int = 512 << 20, mode: OpenMode = .create, storage: TextStorage? = nil) throws(IndexError) {
        self.path = path
        self.configuration = configuration
        self.storage = storage ?? .text
        self.jobs = max(1, jobs)
        self.memoryBudget = max(1 << 20, memoryBudget)
        workers = (0..<max(1, jobs)).map { _ in AnalysisWorker(configuration: configuration) }
        do {
            try FileIO.makeDirectory(path)
        } catch {
            throw .io(error)
        }
        do {
            lock = try FileLock(path: path + "/" + IndexFormat.lockName)
        } catch {
            switch error {
            case .busy: throw .locked(path)
            case .io(let fileError): throw .io(fileError)
            }
        }
        generation = 1
        removeLeftovers()
        // A new index is written at the first commit even if empty; so is a replacement.
        structureChanged = mode == .create || !FileIO.exists(path + "/" + IndexFormat.manifestName)
        guard !structureChanged else { return }
        switch mode {
        case .create:
            break
        case .update:
            // Every byte of what the update builds on is checked first: a commit on top of a
            // damaged segment would make the damage look like a sound, newer index.
            let reader = try IndexReader(path: path)
            // Its terms came from another engine's analyzer and it has no positions: new
            // documents would not match the old ones, and merges have no positions to copy.
            guard reader.hasPositions else { throw .importedIndex(path) }
            try reader.verifyChecksums(jobs: self.jobs)
            guard reader.analyzerVersion == Analyzer.version else {
                throw .analyzerVersionMismatch(path: path, stored: reader.analyzerVersion, current: Analyzer.version)
            }
            guard reader.configuration == configuration else {
                throw .settingsMismatch(path: path, setting: "analyzer", stored: reader.configuration.description,
                                        requested: configuration.description)
            }
            if let storage, storage != reader.storage {
                throw .settingsMismatch(path: path, setting: "stored text", stored: reader.storage.rawValue, requested: storage.rawValue)
            }
            self.storage = reader.storage
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

    /// Adds a document: analyzes its text and title, and keeps id, title and text for display.
    public func add(id: String, title: String, text: [UInt8]) throws(IndexError) {
        try add(contentsOf: [SourceDocument(id: id, title: title, text: text)])
    }

    /// Adds a document from ingest.
    public func add(_ document: SourceDocument) throws(IndexError) {
        try add(contentsOf: [document])
    }

    /// Text analyzed per round of the worker threads: their output (postings, positions, a
    /// copy of the stored fields) is several times the text, so a round is kept small.
    static let analysisRoundBytes = 2 << 20

    /// Adds documents in order, analyzing them on `jobs` threads.
    public func add(contentsOf documents: [SourceDocument]) throws(IndexError) {
        guard lock != nil else { throw .writerClosed(path) }
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
