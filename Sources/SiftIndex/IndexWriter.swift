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
    /// Analysis threads.
    public let jobs: Int
    /// Bytes of buffered postings and stored text before a partial segment is written.
    public let memoryBudget: Int
    /// When segments are merged at a commit.
    public var mergePolicy = MergePolicy()

    private var workers: [AnalysisWorker]
    private var buffer = SegmentBuffer()
    /// Dictionary keys (text terms as they are, title terms behind `titleKeyPrefix`).
    private var keys = ByteInterner(capacity: 4096)
    /// Partial segments written when the buffer passed the budget, in document order.
    private var flushed: [(segment: WrittenSegment, reader: SegmentReader)] = []
    private var flushedDocuments = 0
    private var lock: FileLock?

    /// A committed segment and the deletions made to it since.
    private struct LiveSegment {
        var entry: Manifest.Segment
        let reader: SegmentReader
        var deletions: SegmentDeletions?
        /// Deleted since the last commit: their terms are not yet counted in `deletions`.
        var pendingDeletions: [Int] = []

        var liveCount: Int { reader.documentCount - (deletions?.count ?? 0) }
    }

    /// The committed segments, as this writer will commit them.
    private var segments: [LiveSegment] = []
    private var generation: UInt64
    /// Indexed files by key (their `segment` is a position in `segments`); nil when the index
    /// does not come from files.
    private var sources: [String: SourceFile]?
    /// The unit the indexed files were cut with.
    private var sourceUnit: String?
    /// The keys of `sources` as of the last commit, in byte order (a commit merges the new keys
    /// in rather than sorting the whole table again).
    private var sourceOrder: [String] = []
    /// Files whose documents are in the buffer: `firstDocument` counts from the first
    /// uncommitted document.
    private var pendingSources: [SourceFile] = []
    /// Whether anything was deleted, or a merge asked for, since the last commit.
    private var structureChanged = false
    private var mergeEverything = false
    /// The source table the last commit (or the index opened) named.
    private var committedSources: Manifest.NamedFile?

    /// Opens (creating if needed) the index folder at `path` for writing and takes its lock.
    /// - Parameters:
    ///   - configuration: the analyzer settings. With `.update`, an existing index's settings
    ///     must equal them (`IndexError.settingsMismatch` otherwise).
    ///   - jobs: analysis threads (default 1; `sift index` uses the core count).
    ///   - memoryBudget: bytes of postings and stored text held before a partial segment is
    ///     written (default 512 MiB).
    ///   - mode: `.create` (default) replaces any index at `path` at the first commit;
    ///     `.update` keeps it and adds to it.
    public init(path: String, configuration: AnalyzerConfiguration = AnalyzerConfiguration(), jobs: Int = 1,
                memoryBudget: Int = 512 << 20, mode: OpenMode = .create) throws(IndexError) {
        self.path = path
        self.configuration = configuration
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
        // A new index is written at the first commit even if empty; so is a replacement.
        structureChanged = mode == .create || !FileIO.exists(path + "/" + IndexFormat.manifestName)
        guard !structureChanged else { return }
        switch mode {
        case .create:
            break
        case .update:
            let reader = try IndexReader(path: path)
            guard reader.configuration == configuration else {
                throw .settingsMismatch(path: path, setting: "analyzer", stored: reader.configuration.description,
                                        requested: configuration.description)
            }
            generation = reader.generation + 1
            for (entry, segment) in zip(reader.manifest.segments, reader.segments) {
                // Deletions are carried into the next deletions file with a fresh checksum:
                // damage must be caught before that.
                segments.append(LiveSegment(entry: entry, reader: segment, deletions: try segment.deletions.map { file throws(IndexError) in
                    try IndexFormat.verifyChecksum(file.file.bytes, file: file.path)
                    return try SegmentDeletions(file, extending: true)
                }))
            }
            committedSources = reader.manifest.sources
            if let table = try reader.sourceTable() {
                sourceUnit = table.unit
                sources = Dictionary(uniqueKeysWithValues: table.files.map { ($0.key, $0) })
                sourceOrder = table.files.map(\.key)
            }
        }
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

    private func addRound(_ documents: ArraySlice<SourceDocument>) throws(IndexError) {
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
    private func flush() throws(IndexError) {
        guard buffer.documentCount > 0 else { return }
        let written = try SegmentWriter.write(buffer, terms: keys, directory: path, prefix: "flush-")
        let reader = try SegmentReader(directory: path, entry: written.entry, verifyChecksums: false)
        flushed.append((written, reader))
        flushedDocuments += buffer.documentCount
        buffer = SegmentBuffer()
    }

    // MARK: - Files and deletions

    /// Records that the `count` documents from uncommitted document `firstDocument` on come
    /// from the file `key`.
    func recordSource(key: String, fingerprint: FileFingerprint, firstDocument: Int, documentCount count: Int,
                      unit: String) throws(IndexError) {
        if let sourceUnit, sourceUnit != unit, !(sources?.isEmpty ?? true) || !pendingSources.isEmpty {
            throw .settingsMismatch(path: path, setting: "unit", stored: sourceUnit, requested: unit)
        }
        sourceUnit = unit
        if sources == nil { sources = [:] }
        pendingSources.append(SourceFile(key: key, fingerprint: fingerprint, segment: -1, firstDocument: firstDocument,
                                         documentCount: count))
    }

    /// Starts (or keeps) recording files cut with `unit`; the table is written even if empty.
    func trackFiles(unit: String) {
        guard sources == nil || sourceUnit != unit else { return }
        if sources == nil { sources = [:] }
        sourceUnit = unit
        structureChanged = true
    }

    /// The committed files of the index, by key (empty when it does not come from files).
    var indexedFiles: [String: SourceFile] { sources ?? [:] }

    /// Whether documents were added or deleted since the last commit.
    var hasUncommittedDocuments: Bool {
        documentCount > 0 || !pendingSources.isEmpty || segments.contains { !$0.pendingDeletions.isEmpty }
    }

    /// Live committed documents.
    var committedDocumentCount: Int { segments.reduce(0) { $0 + $1.liveCount } }

    /// Whether the committed index holds documents that no file accounts for (built with
    /// `add` rather than from files), which an update from files replaces.
    var hasUntrackedDocuments: Bool {
        let tracked = (sources ?? [:]).values.reduce(0) { $0 + $1.documentCount }
        return committedDocumentCount != tracked
    }

    /// The unit the committed files were cut with, if the index comes from files.
    var indexedUnit: String? { sourceUnit }

    /// Uncommitted documents that come from the files `keys`.
    func pendingDocuments(ofKeys keys: Set<String>) -> Int {
        pendingSources.reduce(0) { $0 + (keys.contains($1.key) ? $1.documentCount : 0) }
    }

    /// Marks the committed documents of the indexed file `key` deleted; returns how many.
    /// Documents added since the last commit are not affected.
    @discardableResult
    public func deleteFile(_ key: String) -> Int {
        guard let file = sources?.removeValue(forKey: key) else { return 0 }
        // Even a file that gave no document changes the table.
        structureChanged = true
        for local in file.firstDocument..<(file.firstDocument + file.documentCount) {
            delete(segment: file.segment, local: local)
        }
        return file.documentCount
    }

    /// Marks the committed documents whose stored id is `id` deleted; returns how many.
    /// - Complexity: O(committed documents): ids are not indexed, so each is read.
    @discardableResult
    public func deleteDocuments(withID id: String) throws(IndexError) -> Int {
        var deleted = 0
        for index in segments.indices {
            var stored = StoredFieldsReader(segments[index].reader.storedFields)
            for local in 0..<segments[index].reader.documentCount where segments[index].deletions?.contains(local) != true {
                guard try stored.document(local, includeText: false).id == id else { continue }
                delete(segment: index, local: local)
                deleted += 1
            }
        }
        // A file whose document went is no longer whole: forget it, so an update re-reads it.
        if deleted > 0, let current = sources {
            sources = current.filter { _, file in
                file.segment < 0 || !(file.firstDocument..<(file.firstDocument + file.documentCount)).contains { local in
                    segments[file.segment].deletions?.contains(local) == true
                }
            }
        }
        return deleted
    }

    /// Marks every committed document deleted (documents added since the last commit stay).
    public func deleteAll() {
        for index in segments.indices {
            for local in 0..<segments[index].reader.documentCount { delete(segment: index, local: local) }
        }
        if sources != nil { sources = [:] }
    }

    private func delete(segment index: Int, local: Int) {
        if segments[index].deletions == nil {
            segments[index].deletions = SegmentDeletions(documentCount: segments[index].reader.documentCount)
        }
        if segments[index].deletions!.insert(local) {
            segments[index].pendingDeletions.append(local)
            structureChanged = true
        }
    }

    /// Asks the next commit to merge the whole index into one segment without deletions.
    public func forceMerge() {
        mergeEverything = true
        structureChanged = true
    }

    // MARK: - Commit

    /// Makes the added documents, the deletions and the chosen merges live atomically.
    /// The lock is kept; call `close()` to free it. If it throws, the index on disk is the
    /// previous one, untouched, but the writer's view of it is not: close it and open another.
    @discardableResult
    public func commit() throws(IndexError) -> CommitSummary {
        // Without the lock another writer may be at work: never replace the index under it.
        guard lock != nil else { throw .writerClosed(path) }
        var summary = CommitSummary()
        guard hasChanges else {
            // Nothing to commit: the index stays byte for byte as it is; only leftovers of an
            // interrupted run are cleared.
            let manifest = Manifest(configuration: configuration, generation: generation - 1, segments: segments.map(\.entry),
                                    sources: committedSources)
            return finishCommit(manifest, summary: summary)
        }
        if documentCount > 0 {
            let segment: WrittenSegment
            let taken = Set(segments.map(\.entry.name))
            if flushed.isEmpty {
                segment = try SegmentWriter.write(buffer, terms: keys, directory: path, avoiding: taken)
            } else {
                try flush()
                segment = try SegmentMerger.merge(flushed.map(\.reader), directory: path, avoiding: taken).segment
            }
            summary.termCount = segment.termCount
            summary.postingCount = segment.postingCount
            summary.addedDocumentCount = Int(segment.entry.documentCount)
            let reader = try SegmentReader(directory: path, entry: segment.entry, verifyChecksums: false)
            segments.append(LiveSegment(entry: segment.entry, reader: reader))
        }
        let freshKeys = pendingSources.map(\.key).sorted(by: SourceTable.precedes)
        for var file in pendingSources {
            // A file that gave no document (empty, or only bad JSON lines) is still recorded,
            // so that the next run finds it unchanged.
            file.segment = file.documentCount > 0 ? segments.count - 1 : -1
            sources![file.key] = file
        }
        pendingSources = []
        buffer = SegmentBuffer()
        flushed = []
        flushedDocuments = 0

        // Segments with no live document left go; then the policy's merges.
        keepSegments(segments.indices.filter { segments[$0].liveCount > 0 })
        var merges = mergeEverything ? (segments.count > 1 || segments.contains { $0.deletions != nil } ? [Array(segments.indices)] : [])
                                     : mergePolicy.merges(segments.map { (documents: $0.reader.documentCount, live: $0.liveCount) })
        while let group = merges.first {
            try merge(group)
            summary.mergedSegmentCount += group.count
            merges = mergeEverything ? [] : mergePolicy.merges(segments.map { (documents: $0.reader.documentCount, live: $0.liveCount) })
        }
        mergeEverything = false

        // Deletions files for the segments that keep deletions.
        for index in segments.indices where !segments[index].pendingDeletions.isEmpty {
            try countDeletedTerms(index)
            let bytes = segments[index].deletions!.encode(segment: segments[index].entry.name)
            segments[index].entry.deletions = Manifest.Deletions(
                count: UInt32(segments[index].deletions!.count),
                file: try writeContentFile(bytes, kind: IndexFormat.deletionsExtension))
            segments[index].pendingDeletions = []
        }

        var manifest = Manifest(configuration: configuration, generation: generation, segments: segments.map(\.entry))
        if let sources, let sourceUnit {
            let table = SourceTable(unit: sourceUnit, files: Self.mergeTable(sourceOrder, freshKeys, from: sources))
            sourceOrder = table.files.map(\.key)
            manifest.sources = try writeContentFile(table.encode(), kind: IndexFormat.sourcesExtension)
        }
        do {
            // One sync of the folder makes the renames of every file above durable.
            try FileIO.syncDirectory(path)
            try FileIO.atomicReplace(path + "/" + IndexFormat.manifestName, with: manifest.encode())
        } catch {
            throw .io(error)
        }
        generation += 1
        structureChanged = false
        committedSources = manifest.sources
        return finishCommit(manifest, summary: summary)
    }

    /// Removes what `manifest` does not name and completes the summary.
    private func finishCommit(_ manifest: Manifest, summary: CommitSummary) -> CommitSummary {
        var summary = summary
        // Files of replaced segments (and partial segments) are dropped only now, after the
        // manifest no longer needs them.
        var live: Set<String> = [IndexFormat.manifestName]
        for segment in manifest.segments {
            for kind in IndexFormat.FileKind.segmentKinds { live.insert(segment.name + "." + kind.fileExtension) }
            if let deletions = segment.deletions { live.insert(deletions.file.name) }
        }
        if let sources = manifest.sources { live.insert(sources.name) }
        removeUnreferencedFiles(keeping: live)

        summary.documentCount = committedDocumentCount
        summary.deletedCount = segments.reduce(0) { $0 + ($1.deletions?.count ?? 0) }
        summary.tokenCount = segments.reduce(0) { $0 + $1.entry.tokenCount - ($1.deletions?.tokenCount ?? 0) }
        summary.segmentCount = segments.count
        summary.generation = manifest.generation
        for name in live.sorted() {
            if let size = FileIO.size(of: path + "/" + name) { summary.files.append((name, size)) }
        }
        return summary
    }

    /// Keeps the segments at `indices` (ascending), renumbering the files that point at them.
    private func keepSegments(_ indices: [Int]) {
        guard indices.count != segments.count else { return }
        var newPosition = [Int](repeating: -1, count: segments.count)
        for (position, index) in indices.enumerated() { newPosition[index] = position }
        segments = indices.map { segments[$0] }
        if let current = sources {
            sources = current.compactMapValues { file in
                guard file.segment >= 0 else { return file }
                var file = file
                file.segment = newPosition[file.segment]
                return file.segment >= 0 ? file : nil
            }
        }
    }

    /// Merges the segments at `group` (ascending) into one, in the place of the first.
    private func merge(_ group: [Int]) throws(IndexError) {
        // A merge writes fresh checksums: damage in its input must be caught now, not carried
        // into a segment that would then look sound.
        for index in group {
            for file in segments[index].reader.files { try IndexFormat.verifyChecksum(file.bytes, file: file.path) }
        }
        // Live segments' names are avoided, as for a new segment.
        let (written, maps) = try SegmentMerger.merge(group.map { segments[$0].reader }, deletions: group.map { segments[$0].deletions },
                                                      directory: path, avoiding: Set(segments.map(\.entry.name)))
        let reader = try SegmentReader(directory: path, entry: written.entry, verifyChecksums: false)
        let target = group[0]
        if let current = sources {
            var updated = current
            for (key, file) in current where file.segment >= 0 {
                guard let member = group.firstIndex(of: file.segment) else { continue }
                var moved = file
                moved.segment = target
                let first = maps[member][file.firstDocument]
                // Files are deleted whole, so a file's documents are all live or all gone.
                moved.firstDocument = Int(first)
                updated[key] = first == SegmentMerger.dropped ? nil : moved
            }
            sources = updated
        }
        segments[target] = LiveSegment(entry: written.entry, reader: reader)
        keepSegments(segments.indices.filter { !group.dropFirst().contains($0) })
    }

    /// Adds the terms and lengths of the documents deleted from segment `index` since the last
    /// commit to its deletions, by analyzing their stored text again.
    private func countDeletedTerms(_ index: Int) throws(IndexError) {
        let reader = segments[index].reader
        // Taken out of the array while it grows, so its tables are not copied on write.
        var deletions = segments[index].deletions!
        segments[index].deletions = nil
        defer { segments[index].deletions = deletions }
        // The analysis threads and the writer's keys: their caches are warm from the documents
        // just added (often new versions of the deleted ones). Keys interned here and never
        // posted are not written to any segment. Each thread reads and analyzes a share of a
        // round (reading means expanding compressed text: the larger part of the work).
        var counts: [UInt32] = []
        let pending = segments[index].pendingDeletions.sorted()
        var start = 0
        while start < pending.count {
            let round = Array(pending[start..<min(start + 256 * jobs, pending.count)])
            let shares = min(jobs, round.count)
            let shareSize = (round.count + shares - 1) / shares
            var failures = [IndexError?](repeating: nil, count: shares)
            let workers = self.workers
            failures.withUnsafeMutableBufferPointer { failures in
                nonisolated(unsafe) let failures = failures
                DispatchQueue.concurrentPerform(iterations: shares) { share in
                    var stored = StoredFieldsReader(reader.storedFields)
                    var documents: [SourceDocument] = []
                    do throws(IndexError) {
                        for local in round[(share * shareSize)..<min((share + 1) * shareSize, round.count)] {
                            let fields = try stored.document(local)
                            documents.append(SourceDocument(id: fields.id, title: fields.title, text: fields.text))
                        }
                        workers[share].analyze(documents[...])
                    } catch {
                        failures[share] = error
                    }
                }
            }
            if let failure = failures.compactMap({ $0 }).first {
                for share in 0..<shares { workers[share].reset() }
                throw failure
            }
            for share in 0..<shares {
                let worker = workers[share]
                defer { worker.reset() }
                worker.mapKeys(into: &keys)
                for (slot, local) in round[(share * shareSize)..<min((share + 1) * shareSize, round.count)].enumerated() {
                    let length = reader.length(of: local, field: .text)
                    let titleLength = reader.length(of: local, field: .title)
                    guard worker.lengths[slot] == length, worker.titleLengths[slot] == titleLength else {
                        throw .corrupt(file: reader.files[3].path, reason: "document \(local) analyzes to \(worker.lengths[slot]) tokens, the segment says \(length)")
                    }
                    deletions.tokenCount += UInt64(length)
                    deletions.titleTokenCount += UInt64(titleLength)
                    for key in worker.globalKeys[worker.postingRange(slot)] {
                        if Int(key) >= counts.count { counts.append(contentsOf: repeatElement(0, count: Int(key) + 1 - counts.count)) }
                        counts[Int(key)] += 1
                    }
                }
            }
            start += round.count
        }
        for key in 0..<counts.count where counts[key] > 0 {
            deletions.frequencies[Array(keys.bytes(Int32(key))), default: 0] += counts[key]
        }
    }

    /// The entries of `sources` in key order, from `old` (ascending, possibly naming files
    /// since removed) and `fresh` (ascending, possibly repeated) merged: one lookup per key,
    /// no sort of the whole table.
    private static func mergeTable(_ old: [String], _ fresh: [String], from sources: [String: SourceFile]) -> [SourceFile] {
        var merged: [SourceFile] = []
        merged.reserveCapacity(sources.count)
        var i = 0
        var j = 0
        while i < old.count || j < fresh.count {
            let key: String
            if j == fresh.count || (i < old.count && SourceTable.precedes(old[i], fresh[j])) {
                key = old[i]
                i += 1
            } else {
                if i < old.count && old[i] == fresh[j] { i += 1 }
                key = fresh[j]
                j += 1
                while j < fresh.count && fresh[j] == key { j += 1 }
            }
            if let file = sources[key] { merged.append(file) }
        }
        return merged
    }

    /// Writes a deletions or sources file under its content name, synced; the folder is
    /// synced once for all of them before the manifest is replaced.
    private func writeContentFile(_ bytes: [UInt8], kind: String) throws(IndexError) -> Manifest.NamedFile {
        let name = IndexFormat.contentName(bytes, kind: kind)
        do {
            try FileIO.atomicReplace(path + "/" + name, with: bytes, syncingFolder: false)
        } catch {
            throw .io(error)
        }
        let trailer = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self)) }
        return Manifest.NamedFile(name: name, info: Manifest.FileInfo(size: UInt64(bytes.count), checksum: trailer))
    }

    /// Releases the lock. The writer cannot be used afterwards.
    public func close() {
        lock = nil
    }

    /// Deletes segment files and stale temporaries the new manifest does not name — only files
    /// of Sift's own naming, so nothing else in the folder is ever touched. Readers that mapped
    /// them keep their pages until they close, so this never breaks a running search.
    private func removeUnreferencedFiles(keeping live: Set<String>) {
        guard let names = try? FileIO.listDirectory(path) else { return }
        for name in names where !live.contains(name) && IndexFormat.isIndexFileName(name) {
            FileIO.remove(path + "/" + name)
        }
    }
}

/// When a commit merges segments.
///
/// Segments are grouped in levels by their live document count (level `l` holds counts in
/// `mergeFactor^l ..< mergeFactor^(l+1)`); a level with `mergeFactor` segments is merged into
/// one, so after any commit each level holds fewer than `mergeFactor` segments and an index of
/// N documents has at most `(mergeFactor − 1) · (⌊log_mergeFactor N⌋ + 1)` segments. Each
/// document is rewritten about `log_mergeFactor N` times over the index's life. A segment whose
/// deleted share passes `maxDeletedShare` is rewritten without its deleted documents, so
/// deletions never hold more than that share of a segment for long.
public struct MergePolicy: Sendable, Equatable {
    /// Segments per level that trigger a merge; 0 turns merging off.
    public var mergeFactor: Int
    /// The deleted share of a segment above which it is rewritten.
    public var maxDeletedShare: Double

    public init(mergeFactor: Int = 4, maxDeletedShare: Double = 0.2) {
        self.mergeFactor = mergeFactor
        self.maxDeletedShare = maxDeletedShare
    }

    /// The level of a segment of `live` documents.
    func level(_ live: Int) -> Int {
        var level = 0
        var remaining = max(live, 1)
        while remaining >= mergeFactor {
            remaining /= mergeFactor
            level += 1
        }
        return level
    }

    /// The next merge, if any: positions of the segments to merge, ascending. A segment with
    /// too many deletions is purged alone unless its level is full anyway.
    func merges(_ segments: [(documents: Int, live: Int)]) -> [[Int]] {
        guard mergeFactor >= 2 else { return [] }
        var levels: [Int: [Int]] = [:]
        for (index, segment) in segments.enumerated() { levels[level(segment.live), default: []].append(index) }
        if let full = levels.keys.sorted().first(where: { levels[$0]!.count >= mergeFactor }) {
            return [levels[full]!]
        }
        if let purge = segments.indices.first(where: {
            segments[$0].documents > 0 && Double(segments[$0].documents - segments[$0].live) > maxDeletedShare * Double(segments[$0].documents)
        }) {
            return [[purge]]
        }
        return []
    }
}

/// What a commit wrote.
public struct CommitSummary: Sendable {
    /// Live documents in the committed index.
    public var documentCount = 0
    /// Documents the commit's new segment holds (those added since the last commit).
    public var addedDocumentCount = 0
    /// Deleted documents the index still holds (until merges drop them).
    public var deletedCount = 0
    /// Distinct terms of the text field in the commit's new segment.
    public var termCount = 0
    /// Term–document pairs of the text field in the commit's new segment.
    public var postingCount = 0
    /// Indexed tokens of the live documents.
    public var tokenCount: UInt64 = 0
    /// Segments of the committed index.
    public var segmentCount = 0
    /// Segments the commit merged into others.
    public var mergedSegmentCount = 0
    /// The committed generation.
    public var generation: UInt64 = 0
    /// Each file of the committed index, with its size in bytes.
    public var files: [(String, Int)] = []

    /// Total bytes of the index files.
    public var byteCount: Int { files.reduce(0) { $0 + $1.1 } }
}

/// One analysis thread's state: its analyzer (whose caches persist across batches) and the
/// analyzed documents of the current batch, postings grouped by key with worker-local ids.
final class AnalysisWorker: @unchecked Sendable {
    private let analyzer: Analyzer
    private var tokens: [AnalyzedToken] = []
    private var sortKeys: [UInt64] = []

    // The current batch, flat.
    private(set) var lengths: [UInt32] = []
    private(set) var titleLengths: [UInt32] = []
    /// Local key = analyzer term id · 2 + (1 for the title field).
    private(set) var localKeys: [Int32] = []
    private(set) var globalKeys: [Int32] = []
    private(set) var frequencies: [UInt32] = []
    private(set) var positions: [UInt32] = []
    private var postingEnds: [Int] = []
    private var positionEnds: [Int] = []
    private var stored = ByteWriter()
    private var storedEnds: [Int] = []
    /// Local key → dictionary key id, −1 until first seen.
    private var keyMap: [Int32] = []

    init(configuration: AnalyzerConfiguration) {
        analyzer = Analyzer(configuration: configuration)
    }

    var documentCount: Int { lengths.count }

    func postingRange(_ document: Int) -> Range<Int> {
        (document == 0 ? 0 : postingEnds[document - 1])..<postingEnds[document]
    }

    func positionRange(_ document: Int) -> Range<Int> {
        (document == 0 ? 0 : positionEnds[document - 1])..<positionEnds[document]
    }

    func storedRecord(_ document: Int) -> ArraySlice<UInt8> {
        stored.bytes[(document == 0 ? 0 : storedEnds[document - 1])..<storedEnds[document]]
    }

    func analyze(_ documents: ArraySlice<SourceDocument>) {
        // The batch arrays are moved into locals for the loop: appending to a class's stored
        // arrays would make a dynamic exclusivity check per token.
        var positions = self.positions, localKeys = self.localKeys, frequencies = self.frequencies
        var tokens = self.tokens, keys = self.sortKeys, stored = self.stored
        self.positions = []; self.localKeys = []; self.frequencies = []; self.tokens = []; self.sortKeys = []
        self.stored = ByteWriter()
        defer {
            self.positions = positions; self.localKeys = localKeys; self.frequencies = frequencies
            self.tokens = tokens; self.sortKeys = keys; self.stored = stored
        }
        for document in documents {
            tokens.removeAll(keepingCapacity: true)
            document.text.withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
            let textCount = tokens.count
            Array(document.title.utf8).withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
            lengths.append(UInt32(textCount))
            titleLengths.append(UInt32(tokens.count - textCount))
            // Group by key (term id · 2 + field), positions ascending within each key: sort
            // plain integers (key in the high half, token index in the low) — no closure.
            keys.removeAll(keepingCapacity: true)
            for (index, token) in tokens.enumerated() {
                let key = UInt64(UInt32(bitPattern: token.termID)) * 2 + (index < textCount ? 0 : 1)
                keys.append(key << 32 | UInt64(index))
            }
            keys.sort()
            var index = 0
            while index < keys.count {
                let key = keys[index] >> 32
                var end = index
                while end < keys.count && keys[end] >> 32 == key {
                    positions.append(tokens[Int(keys[end] & 0xFFFF_FFFF)].position)
                    end += 1
                }
                localKeys.append(Int32(truncatingIfNeeded: key))
                frequencies.append(UInt32(end - index))
                index = end
            }
            postingEnds.append(localKeys.count)
            positionEnds.append(positions.count)
            stored.writeVarint(UInt64(document.id.utf8.count)); stored.write(bytes: document.id.utf8)
            stored.writeVarint(UInt64(document.title.utf8.count)); stored.write(bytes: document.title.utf8)
            stored.writeVarint(UInt64(document.text.count)); stored.write(bytes: document.text)
            storedEnds.append(stored.count)
        }
    }

    /// Resolves the batch's local keys to dictionary key ids, interning new keys (on the
    /// writer's thread, in document order).
    func mapKeys(into keys: inout ByteInterner) {
        globalKeys.removeAll(keepingCapacity: true)
        for local in localKeys {
            let index = Int(local)
            if index >= keyMap.count { keyMap.append(contentsOf: repeatElement(-1, count: index + 1 - keyMap.count)) }
            var key = keyMap[index]
            if key < 0 {
                let field: IndexField = local & 1 == 1 ? .title : .text
                key = keys.intern(IndexFormat.key(analyzer.termBytes(local >> 1), field: field))
                keyMap[index] = key
            }
            globalKeys.append(key)
        }
    }

    func reset() {
        lengths.removeAll(keepingCapacity: true)
        titleLengths.removeAll(keepingCapacity: true)
        localKeys.removeAll(keepingCapacity: true)
        globalKeys.removeAll(keepingCapacity: true)
        frequencies.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        postingEnds.removeAll(keepingCapacity: true)
        positionEnds.removeAll(keepingCapacity: true)
        stored.removeAll()
        storedEnds.removeAll(keepingCapacity: true)
    }
}
