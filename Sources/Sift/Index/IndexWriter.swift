/// Builds an index folder from documents and commits it atomically.
///
/// A writer holds the index's lock from `init` until it is released, so a second writer fails
/// at once instead of interleaving. `commit()` writes the new segment's files under fresh
/// names, syncs them, then renames a new manifest into place: a crash at any instant leaves
/// either the previous index or the new one, never a mix. Today every commit replaces the
/// whole index with the documents added since the writer was opened.
public final class IndexWriter {
    /// The index folder.
    public let path: String
    /// The analyzer settings stored with the index.
    public let configuration: AnalyzerConfiguration

    private let analyzer: Analyzer
    private var buffer = SegmentBuffer()
    private var tokens: [AnalyzedToken] = []
    private var titleTokens: [AnalyzedToken] = []
    /// Dictionary keys (text terms as they are, title terms behind `titleKeyPrefix`).
    private var keys = ByteInterner(capacity: 4096)
    /// Analyzer term id → key id of that term in the text and in the title field (−1: not yet).
    private var textKey: [Int32] = []
    private var titleKey: [Int32] = []
    private var lock: FileLock?

    /// Opens (creating if needed) the index folder at `path` for writing and takes its lock.
    public init(path: String, configuration: AnalyzerConfiguration = AnalyzerConfiguration()) throws(IndexError) {
        self.path = path
        self.configuration = configuration
        analyzer = Analyzer(configuration: configuration)
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
    public var documentCount: Int { buffer.documentCount }
    /// Indexed tokens so far.
    public var tokenCount: UInt64 { buffer.tokenCount }

    /// Adds a document: analyzes its text and keeps id, title and text for display.
    public func add(id: String, title: String, text: [UInt8]) {
        tokens.removeAll(keepingCapacity: true)
        titleTokens.removeAll(keepingCapacity: true)
        text.withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
        Array(title.utf8).withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &titleTokens) }
        mapToKeys(&tokens, field: .text)
        mapToKeys(&titleTokens, field: .title)
        buffer.add(id: id, title: title, text: text, tokens: tokens, titleTokens: titleTokens)
    }

    /// Replaces analyzer term ids with dictionary key ids of `field`, interning new keys once.
    private func mapToKeys(_ tokens: inout [AnalyzedToken], field: IndexField) {
        let termCount = analyzer.termCount
        if textKey.count < termCount {
            textKey.append(contentsOf: repeatElement(-1, count: termCount - textKey.count))
            titleKey.append(contentsOf: repeatElement(-1, count: termCount - titleKey.count))
        }
        for index in tokens.indices {
            let term = Int(tokens[index].termID)
            var key = field == .title ? titleKey[term] : textKey[term]
            if key < 0 {
                key = keys.intern(IndexFormat.key(analyzer.termBytes(Int32(term)), field: field))
                if field == .title { titleKey[term] = key } else { textKey[term] = key }
            }
            tokens[index].termID = key
        }
    }

    /// Adds a document from ingest.
    public func add(_ document: SourceDocument) {
        add(id: document.id, title: document.title, text: document.text)
    }

    /// Writes the added documents as the index's only segment and makes it live atomically.
    /// Returns the bytes written. The lock is kept; call `close()` (or drop the writer) to free it.
    @discardableResult
    public func commit() throws(IndexError) -> CommitSummary {
        let segment = SegmentWriter.write(buffer, terms: keys)
        let manifest = Manifest(configuration: configuration, segments: [segment.entry])
        var fileSizes: [(String, Int)] = []
        do {
            for (kind, bytes) in zip(IndexFormat.FileKind.segmentKinds, segment.files) {
                let name = segment.entry.name + "." + kind.fileExtension
                // Write beside, then rename: even a file of the same name (an identical
                // rebuild) is replaced whole, never rewritten in place under a reader.
                try FileIO.atomicReplace(path + "/" + name, with: bytes)
                fileSizes.append((name, bytes.count))
            }
            let manifestBytes = manifest.encode()
            try FileIO.atomicReplace(path + "/" + IndexFormat.manifestName, with: manifestBytes)
            fileSizes.append((IndexFormat.manifestName, manifestBytes.count))
        } catch {
            throw .io(error)
        }
        removeUnreferencedFiles(keeping: Set(fileSizes.map(\.0)))
        return CommitSummary(documentCount: buffer.documentCount, termCount: segment.termCount,
                             postingCount: segment.postingCount, tokenCount: buffer.tokenCount, files: fileSizes)
    }

    /// Releases the lock. The writer cannot be used afterwards.
    public func close() {
        lock = nil
    }

    /// Deletes segment files and stale temporaries the new manifest does not name. Readers that
    /// mapped them keep their pages until they close, so this never breaks a running search.
    private func removeUnreferencedFiles(keeping live: Set<String>) {
        guard let names = try? FileIO.listDirectory(path) else { return }
        for name in names where !live.contains(name) {
            if name.hasPrefix("seg-") || name.hasSuffix(".tmp") {
                FileIO.remove(path + "/" + name)
            }
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
