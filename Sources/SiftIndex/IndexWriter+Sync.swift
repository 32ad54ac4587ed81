import Dispatch
import SiftIngest

/// How far `addFiles` has got, for progress lines.
public struct IndexProgress: Sendable {
    /// Files read so far, of `totalFiles`.
    public var files: Int
    public var totalFiles: Int
    /// Bytes of the files read so far.
    public var bytes: Int
    /// Documents added so far.
    public var documents: Int
}

/// What `addFiles` did besides adding documents.
public struct FileIngestSummary: Sendable {
    /// Files or lines skipped, with why, in the order met.
    public var skipped: [SkippedInput] = []
    /// Files whose documents were indexed (a JSONL file with a bad line still counts).
    public var filesIndexed = 0
    /// Bytes of the files whose documents were indexed (skipped files are not counted).
    public var bytesRead = 0
}

/// What `update(with:)` found and did, file by file and document by document. Each file is in
/// exactly one of the lists or counts, and each document is counted once: the index held
/// `updated + deleted + unchanged` documents before and holds `added + updated + unchanged`
/// after.
public struct IndexUpdateSummary: Sendable {
    /// Files new since the last run and indexed (a new file that is skipped is only in
    /// `ingest.skipped`).
    public var addedFiles: [CandidateFile] = []
    /// Indexed files whose content changed, read again and replaced.
    public var changedFiles: [CandidateFile] = []
    /// Keys of indexed files no longer found (or no longer matched by the patterns): their
    /// documents are deleted.
    public var removedFiles: [String] = []
    /// Indexed files still there but now skipped (too large, binary): their documents are
    /// deleted. The path is the file's key.
    public var nowSkippedFiles: [SkippedInput] = []
    /// Indexed files that could not be read: their documents are kept as they were. The path
    /// is the file's key.
    public var unreadableFiles: [SkippedInput] = []
    /// Indexed files found unchanged.
    public var unchangedFileCount = 0
    /// Documents new to the index: those of new files, and those a changed file has more of.
    public var addedDocuments = 0
    /// Documents of changed files replaced by their new versions (as many as the file holds
    /// both before and after).
    public var updatedDocuments = 0
    /// Documents gone: those of removed and now skipped files, and those a changed file has
    /// fewer of.
    public var deletedDocuments = 0
    /// Documents left as they were: those of unchanged and unreadable files.
    public var unchangedDocuments = 0
    /// Documents the changed files held before the update (a plan knows no more of them).
    public var documentsOfChangedFiles = 0
    /// Skips and bytes of the files read for their documents.
    public var ingest = FileIngestSummary()

    /// An empty summary: nothing found yet.
    public init() {}

    /// Whether any file changed.
    public var hasChanges: Bool {
        !addedFiles.isEmpty || !changedFiles.isEmpty || !removedFiles.isEmpty || !nowSkippedFiles.isEmpty
    }
}

/// What became of one file given to `addFiles`.
enum FileOutcome {
    /// Its documents were added (after dropping those whose id was taken).
    case indexed(documents: Int)
    /// It was skipped whole (too large, binary, unreadable).
    case skipped(SkipReason)
}

extension IndexWriter {
    /// Brings the index up to date with `files` (a walk of the same folders as before): the
    /// documents of files that are new are added, those of files whose size or content changed
    /// are replaced, those of files not in `files` (or now too large or binary) are deleted,
    /// and unchanged files are not read beyond hashing them. An indexed file that cannot be
    /// read keeps its documents. The caller commits. Changes not yet committed are committed
    /// first, so that files are compared with what the index holds.
    ///
    /// The update owns the documents of the files it indexed, and only those: documents added
    /// with `add` (by id) are kept as they are. A file whose document has the id of a kept
    /// document is indexed without that document, which is reported in `ingest.skipped`
    /// (`SkipReason.duplicateID`). When the files are cut with another unit than the index's
    /// files were, every indexed file is read again.
    ///
    /// - Parameter allowingMassDeletion: when false, an update that would delete more than
    ///   half of the index's documents (or every one) throws `IndexError.tooManyDeletions`
    ///   before changing anything.
    public func update(with files: [CandidateFile], extractor: DocumentExtractor, allowingMassDeletion: Bool = true,
                       progress: ((IndexProgress) -> Void)? = nil) throws(IndexError) -> IndexUpdateSummary {
        if hasUncommittedDocuments { try commit() }
        let rereadAll = indexedUnit != nil && indexedUnit != extractor.options.unit.rawValue
        let indexed = indexedFiles
        let total = committedDocumentCount
        var plan = UpdatePlanner.plan(files, indexed: indexed, replaceAll: rereadAll, extractor: extractor, jobs: jobs)
        // Documents no file accounts for (added by id) are not the update's: they stay.
        plan.summary.unchangedDocuments += total - indexed.values.reduce(0) { $0 + $1.documentCount }
        if !allowingMassDeletion && total > 0 && plan.summary.deletedDocuments * 2 > total {
            throw .tooManyDeletions(path: path, files: plan.deleted.sorted(by: SourceTable.precedes),
                                    documents: plan.summary.deletedDocuments, of: total)
        }
        // From now on the index records its files, even if none is found (an empty folder
        // still fixes the unit), with the settings they were found with.
        trackFiles(Self.fileSettings(extractor, files: files))
        for key in plan.deleted { deleteDocuments(ofFileAtRelativePath: key) }
        var summary = plan.summary
        var outcomes: [FileOutcome] = []
        summary.ingest = try addFiles(plan.toRead, extractor: extractor, replacing: Set(plan.changed.keys), outcomes: &outcomes,
                                      progress: progress)
        // Changed files: replaced if read, kept if they could not be read, deleted if now skipped.
        var changedFiles: [CandidateFile] = []
        var addedFiles: [CandidateFile] = []
        for (file, outcome) in zip(plan.toRead, outcomes) {
            guard let old = plan.changed[file.relativePath] else {
                if case .indexed = outcome { addedFiles.append(file) }
                if case .indexed(let count) = outcome { summary.addedDocuments += count }
                continue
            }
            switch outcome {
            case .indexed(let count):
                deleteDocuments(ofFileAtRelativePath: file.relativePath)
                changedFiles.append(file)
                summary.updatedDocuments += min(old, count)
                summary.addedDocuments += max(0, count - old)
                summary.deletedDocuments += max(0, old - count)
            case .skipped(.unreadable(let reason)):
                summary.unreadableFiles.append(SkippedInput(path: file.relativePath, reason: .unreadable(reason)))
                summary.unchangedDocuments += old
            case .skipped(let reason):
                deleteDocuments(ofFileAtRelativePath: file.relativePath)
                summary.nowSkippedFiles.append(SkippedInput(path: file.relativePath, reason: reason))
                summary.deletedDocuments += old
            }
        }
        summary.addedFiles = addedFiles
        summary.changedFiles = changedFiles
        // Changed files skipped whole are reported as now skipped or unreadable instead.
        let changedPaths = Set(plan.toRead.filter { plan.changed[$0.relativePath] != nil }.map(\.path))
        summary.ingest.skipped.removeAll { skip in
            if case .badJSONLine = skip.reason { return false }
            return changedPaths.contains(skip.path)
        }
        return summary
    }

    /// Reads, extracts and adds the documents of `files`, in order, as a folder sync does (without comparing them with the index).
    /// Files are read and extracted on `jobs` threads, a batch at a time, and analyzed on
    /// `jobs` threads; documents keep the files' order, so the index does not depend on `jobs`.
    /// Each file read whole is recorded with its content's fingerprint, so a later `update`
    /// can tell whether it changed.
    ///
    /// A document whose id another document already has — the same id on two lines of JSON
    /// Lines files, or a JSON Lines id equal to an indexed file's path — is skipped with
    /// `SkipReason.duplicate`: the document indexed first is kept.
    public func addFiles(_ files: [CandidateFile], extractor: DocumentExtractor,
                         progress: ((IndexProgress) -> Void)? = nil) throws(IndexError) -> FileIngestSummary {
        var outcomes: [FileOutcome] = []
        return try addFiles(files, extractor: extractor, replacing: [], outcomes: &outcomes, progress: progress)
    }

    /// `addFiles`, telling what became of each file. `replacing`: keys of indexed files whose
    /// documents these replace (their ids are free again).
    func addFiles(_ files: [CandidateFile], extractor: DocumentExtractor, replacing: Set<String>, outcomes: inout [FileOutcome],
                  progress: ((IndexProgress) -> Void)?) throws(IndexError) -> FileIngestSummary {
        var summary = FileIngestSummary()
        let settings = Self.fileSettings(extractor, files: files)
        var ids = DocumentIDs(writer: self, replacing: replacing, files: files)
        var start = 0
        while start < files.count {
            // A batch: up to 4 MiB or 256 files, whichever comes first (its documents are held
            // in memory until analyzed, on top of the memory budget).
            var end = start
            var batchBytes = 0
            while end < files.count && (end == start || (batchBytes < 4 << 20 && end - start < 256)) {
                batchBytes += files[end].size
                end += 1
            }
            let batch = Array(files[start..<end])
            let results = extractor.extract(batch, jobs: jobs)
            var documents: [SourceDocument] = []
            for (file, result) in zip(batch, results) {
                var wholeFileSkipped: SkipReason? = nil
                for skip in result.skipped {
                    summary.skipped.append(skip)
                    if case .badJSONLine = skip.reason {} else { wholeFileSkipped = skip.reason }
                }
                if let wholeFileSkipped {
                    outcomes.append(.skipped(wholeFileSkipped))
                    continue
                }
                var kept = result.documents
                if ids.isNeeded {
                    kept = try ids.admit(result.documents, from: file, skipped: &summary.skipped)
                    for document in kept { pendingFileIDs.insert(document.id) }
                } else {
                    pendingFileIDs.insert(file.relativePath)
                }
                summary.filesIndexed += 1
                summary.bytesRead += file.size
                if let fingerprint = result.fingerprint {
                    try recordSource(key: file.relativePath, fingerprint: fingerprint,
                                     firstDocument: documentCount + documents.count, documentCount: kept.count,
                                     settings: settings)
                }
                outcomes.append(.indexed(documents: kept.count))
                documents.append(contentsOf: kept)
            }
            try addUnchecked(contentsOf: documents)
            start = end
            progress?(IndexProgress(files: end, totalFiles: files.count, bytes: summary.bytesRead, documents: documentCount))
        }
        return summary
    }
}

/// The ids a run of `addFiles` must not give twice. Ids of files other than JSON Lines are
/// their paths (behind `#L<n>` for passages), unique by construction; only a JSON Lines id, or
/// a document added by id, can repeat one. So ids are checked only when a JSON Lines file is
/// among the files or in the index, or the index holds documents no file accounts for — a
/// corpus of plain files pays nothing — and then every document's id is, against the index's
/// live documents (read once) and the documents added before it.
struct DocumentIDs {
    /// Id → the key of the file that gave it, once built.
    private var taken: [String: String]?
    private let active: Bool
    private let writer: IndexWriter
    private let replacing: Set<String>

    init(writer: IndexWriter, replacing: Set<String>, files: [CandidateFile]) {
        self.writer = writer
        self.replacing = replacing
        active = files.contains { $0.kind == .jsonl }
            || writer.indexedFiles.keys.contains { $0.hasSuffix(".jsonl") && !replacing.contains($0) }
            || writer.hasUntrackedDocuments || !writer.pendingIDs.isEmpty
    }

    /// Whether documents must be checked at all.
    var isNeeded: Bool { active }

    /// The documents of `file` whose ids are free; the others are reported as skipped.
    mutating func admit(_ documents: [SourceDocument], from file: CandidateFile,
                        skipped: inout [SkippedInput]) throws(IndexError) -> [SourceDocument] {
        if taken == nil {
            var ids = try writer.liveDocumentIDs(excluding: replacing)
            // Documents added by id since the last commit are live too.
            for (id, places) in writer.pendingIDs where !places.isEmpty { ids[id] = id }
            taken = ids
        }
        var kept: [SourceDocument] = []
        kept.reserveCapacity(documents.count)
        for document in documents {
            if let first = taken![document.id] {
                skipped.append(SkippedInput(path: file.path, reason: .duplicateID(document.id, keptFrom: first)))
                continue
            }
            taken![document.id] = file.relativePath
            kept.append(document)
        }
        return kept
    }
}

extension IndexWriter {
    /// The ids of the committed live documents, but those of the files `excluded`, each with
    /// its file's key (or the id itself for a document no file accounts for).
    /// - Complexity: O(live documents): each record is read, without its text.
    func liveDocumentIDs(excluding excluded: Set<String>) throws(IndexError) -> [String: String] {
        var owner: [Int: [(range: Range<Int>, key: String)]] = [:]
        for (key, file) in indexedFiles where file.segment >= 0 {
            if file.scatteredDocuments.isEmpty {
                owner[file.segment, default: []].append((file.firstDocument..<(file.firstDocument + file.documentCount), key))
            } else {
                // A reordered file's documents, one range each.
                for local in file.scatteredDocuments { owner[file.segment, default: []].append((Int(local)..<(Int(local) + 1), key)) }
            }
        }
        var ids: [String: String] = [:]
        for index in segments.indices {
            let files = (owner[index] ?? []).sorted { $0.range.lowerBound < $1.range.lowerBound }
            var next = 0
            var stored = StoredFieldsReader(segments[index].reader.storedFields)
            for local in 0..<segments[index].reader.documentCount where segments[index].deletions?.contains(local) != true {
                while next < files.count && files[next].range.upperBound <= local { next += 1 }
                let key = next < files.count && files[next].range.contains(local) ? files[next].key : nil
                if let key, excluded.contains(key) { continue }
                let id = try stored.document(local, includeText: false, includeMetadata: false).id
                ids[id] = key ?? id
            }
        }
        return ids
    }
}
