import Dispatch

/// Builds an index folder from documents and commits it atomically.
///
/// A writer holds the index's lock from `init` until `close()`, so a second writer fails at
/// once instead of interleaving. Documents are analyzed on `jobs` threads (the output does not
/// depend on how many); when the buffered postings pass `memoryBudget`, they are written out as
/// a partial segment, and `commit()` merges the partial segments into one. `commit()` writes
/// the new segment under a fresh name, syncs it, then renames a new manifest into place: a crash
/// at any instant leaves either the previous index or the new one, never a mix. Today every
/// commit replaces the whole index with the documents added since the writer was opened.
public final class IndexWriter {
    /// The index folder.
    public let path: String
    /// The analyzer settings stored with the index.
    public let configuration: AnalyzerConfiguration
    /// Analysis threads.
    public let jobs: Int
    /// Bytes of buffered postings and stored text before a partial segment is written.
    public let memoryBudget: Int

    private var workers: [AnalysisWorker]
    private var buffer = SegmentBuffer()
    /// Dictionary keys (text terms as they are, title terms behind `titleKeyPrefix`).
    private var keys = ByteInterner(capacity: 4096)
    /// Partial segments written when the buffer passed the budget, in document order.
    private var flushed: [(segment: WrittenSegment, reader: SegmentReader)] = []
    private var flushedDocuments = 0
    private var lock: FileLock?

    /// Opens (creating if needed) the index folder at `path` for writing and takes its lock.
    /// - Parameters:
    ///   - jobs: analysis threads (default 1; `sift index` uses the core count).
    ///   - memoryBudget: bytes of postings and stored text held before a partial segment is
    ///     written (default 512 MiB).
    public init(path: String, configuration: AnalyzerConfiguration = AnalyzerConfiguration(), jobs: Int = 1,
                memoryBudget: Int = 512 << 20) throws(IndexError) {
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
    }

    /// Documents added and not yet committed.
    public var documentCount: Int { flushedDocuments + buffer.documentCount }
    /// Indexed tokens so far.
    public var tokenCount: UInt64 { flushed.reduce(buffer.tokenCount) { $0 + $1.segment.entry.tokenCount } }
    /// Partial segments written so far because of the memory budget.
    public var partialSegmentCount: Int { flushed.count }

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

    /// Writes the added documents as the index's only segment and makes it live atomically.
    /// The lock is kept; call `close()` to free it.
    @discardableResult
    public func commit() throws(IndexError) -> CommitSummary {
        // Without the lock another writer may be at work: never replace the index under it.
        guard lock != nil else { throw .writerClosed(path) }
        let segment: WrittenSegment
        if flushed.isEmpty {
            segment = try SegmentWriter.write(buffer, terms: keys, directory: path)
        } else {
            try flush()
            segment = try SegmentMerger.merge(flushed.map(\.reader), directory: path)
        }
        let manifest = Manifest(configuration: configuration, segments: [segment.entry])
        let manifestBytes = manifest.encode()
        do {
            try FileIO.atomicReplace(path + "/" + IndexFormat.manifestName, with: manifestBytes)
        } catch {
            throw .io(error)
        }
        let files = segment.files + [(IndexFormat.manifestName, manifestBytes.count)]
        // Partial segments are dropped only now, after the manifest no longer needs them.
        removeUnreferencedFiles(keeping: Set(files.map(\.0)))
        let summary = CommitSummary(documentCount: Int(segment.entry.documentCount), termCount: segment.termCount,
                                    postingCount: segment.postingCount, tokenCount: segment.entry.tokenCount, files: files)
        // Later documents are added to what was committed: the next commit merges this segment
        // with them, so every commit holds everything added since the writer was opened.
        buffer = SegmentBuffer()
        let committed = try SegmentReader(directory: path, entry: segment.entry, verifyChecksums: false)
        flushed = [(segment, committed)]
        flushedDocuments = Int(segment.entry.documentCount)
        return summary
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

/// What a commit wrote.
public struct CommitSummary: Sendable {
    /// Documents in the committed index.
    public var documentCount: Int
    /// Distinct terms of the text field.
    public var termCount: Int
    /// Term–document pairs of the text field.
    public var postingCount: Int
    /// Indexed tokens (after stop words).
    public var tokenCount: UInt64
    /// Each file written, with its size in bytes.
    public var files: [(String, Int)]

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
