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
    /// Bytes of the files read.
    public var bytesRead = 0
}

/// What `update(with:)` found and did, file by file and document by document.
public struct IndexUpdateSummary: Sendable {
    /// Files new since the last run, changed (size or content), gone, and unchanged.
    public var addedFiles: [CandidateFile] = []
    public var changedFiles: [CandidateFile] = []
    public var removedFiles: [String] = []
    public var unchangedFileCount = 0
    /// Documents from new files.
    public var addedDocuments = 0
    /// Documents from changed files (their new versions).
    public var updatedDocuments = 0
    /// Documents of changed and removed files' old versions, now deleted.
    public var deletedDocuments = 0
    /// Documents of unchanged files, left as they were.
    public var unchangedDocuments = 0
    /// Skips and bytes of the files read for their documents.
    public var ingest = FileIngestSummary()

    /// An empty summary: nothing found yet.
    public init() {}

    /// Whether any file changed.
    public var hasChanges: Bool { !addedFiles.isEmpty || !changedFiles.isEmpty || !removedFiles.isEmpty }
}

extension IndexWriter {
    /// Brings the index up to date with `files` (a walk of the same folders as before): the
    /// documents of files that are new are added, those of files whose size or content changed
    /// are replaced, those of files not in `files` are deleted, and unchanged files are not
    /// read beyond hashing them. The caller commits. An index that does not come from files
    /// (or was cut with another unit) is replaced whole. Changes not yet committed are
    /// committed first, so that files are compared with what the index holds.
    public func update(with files: [CandidateFile], extractor: DocumentExtractor,
                       progress: ((IndexProgress) -> Void)? = nil) throws(IndexError) -> IndexUpdateSummary {
        if hasUncommittedDocuments { try commit() }
        let replaceAll = hasUntrackedDocuments || (indexedUnit != nil && indexedUnit != extractor.options.unit.rawValue)
        let indexed = indexedFiles
        var (summary, changed, toRead) = UpdatePlanner.plan(files, indexed: indexed, replaceAll: replaceAll, extractor: extractor, jobs: jobs)
        if replaceAll {
            // Documents no file accounts for go too.
            summary.deletedDocuments = committedDocumentCount
            deleteAll()
        }
        // From now on the index records its files, even if none is found (an empty folder
        // still fixes the unit).
        trackFiles(unit: extractor.options.unit.rawValue)
        for key in summary.removedFiles { deleteFile(key) }
        for key in changed { deleteFile(key) }
        let before = documentCount
        summary.ingest = try addFiles(toRead, extractor: extractor, progress: progress)
        let added = documentCount - before
        summary.updatedDocuments = pendingDocuments(ofKeys: changed)
        summary.addedDocuments = added - summary.updatedDocuments
        return summary
    }

    /// Reads, extracts and adds the documents of `files`, in order — what `sift index` does.
    /// Files are read and extracted on `jobs` threads, a batch at a time, and analyzed on
    /// `jobs` threads; documents keep the files' order, so the index does not depend on `jobs`.
    /// Each file read whole is recorded with its content's fingerprint, so a later `update`
    /// can tell whether it changed.
    public func addFiles(_ files: [CandidateFile], extractor: DocumentExtractor,
                         progress: ((IndexProgress) -> Void)? = nil) throws(IndexError) -> FileIngestSummary {
        var summary = FileIngestSummary()
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
                var wholeFileSkipped = false
                for skip in result.skipped {
                    summary.skipped.append(skip)
                    if case .badJSONLine = skip.reason {} else { wholeFileSkipped = true }
                }
                if !wholeFileSkipped { summary.filesIndexed += 1 }
                summary.bytesRead += file.size
                if !wholeFileSkipped, let fingerprint = result.fingerprint {
                    try recordSource(key: file.relativePath, fingerprint: fingerprint,
                                     firstDocument: documentCount + documents.count, documentCount: result.documents.count,
                                     unit: extractor.options.unit.rawValue)
                }
                documents.append(contentsOf: result.documents)
            }
            try add(contentsOf: documents)
            start = end
            progress?(IndexProgress(files: end, totalFiles: files.count, bytes: summary.bytesRead, documents: documentCount))
        }
        return summary
    }
}
