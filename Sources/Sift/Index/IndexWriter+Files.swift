import Dispatch

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
        var (summary, changed, toRead) = Self.plan(files, indexed: indexed, replaceAll: replaceAll, extractor: extractor, jobs: jobs)
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

    /// Sorts `files` into new, changed and unchanged against the `indexed` table (by key, then
    /// by fingerprint of the current bytes), and finds the indexed files that are gone. Also
    /// gives the new and changed files in walk order: the order a full build adds them in.
    static func plan(_ files: [CandidateFile], indexed: [String: SourceFile], replaceAll: Bool, extractor: DocumentExtractor,
                     jobs: Int) -> (summary: IndexUpdateSummary, changed: Set<String>, toRead: [CandidateFile]) {
        var summary = IndexUpdateSummary()
        // One lookup per file; a set of the keys found only when some indexed file is gone.
        var known: [CandidateFile] = []
        var knownPositions: [Int] = []
        var old: [SourceFile] = []
        var readPositions: [Int] = []
        known.reserveCapacity(min(files.count, indexed.count))
        old.reserveCapacity(min(files.count, indexed.count))
        for (position, file) in files.enumerated() {
            if !replaceAll, let entry = indexed[file.relativePath] {
                known.append(file)
                knownPositions.append(position)
                old.append(entry)
            } else {
                summary.addedFiles.append(file)
                readPositions.append(position)
            }
        }
        let fingerprints = fingerprints(known, extractor: extractor, jobs: jobs)
        var changed: Set<String> = []
        for index in known.indices {
            if fingerprints[index] == old[index].fingerprint {
                summary.unchangedFileCount += 1
                summary.unchangedDocuments += old[index].documentCount
            } else {
                summary.changedFiles.append(known[index])
                summary.deletedDocuments += old[index].documentCount
                changed.insert(old[index].key)
                readPositions.append(knownPositions[index])
            }
        }
        if known.count < indexed.count {
            let present = Set(old.map(\.key))
            for (key, file) in indexed where !present.contains(key) {
                summary.removedFiles.append(key)
                summary.deletedDocuments += file.documentCount
            }
        }
        summary.removedFiles.sort(by: SourceTable.precedes)
        readPositions.sort()
        return (summary, changed, readPositions.map { files[$0] })
    }

    /// Reads and fingerprints `files` on `jobs` threads, each taking a contiguous share (so
    /// files of one folder mostly go to one thread) and opening them by name within their
    /// open folder: resolving whole paths was most of the cost of an update.
    private static func fingerprints(_ files: [CandidateFile], extractor: DocumentExtractor, jobs: Int) -> [FileFingerprint?] {
        var results = [FileFingerprint?](repeating: nil, count: files.count)
        guard !files.isEmpty else { return results }
        let workers = min(jobs, files.count)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var folderPath: Substring = ""
                var folder: Int32 = -1
                var scratch = [UInt8](repeating: 0, count: 1 << 16)
                defer { IngestFileSystem.closeFolder(folder) }
                for index in (files.count * worker / workers)..<(files.count * (worker + 1) / workers) {
                    let path = files[index].path
                    guard let slash = path.lastIndex(of: "/") else {
                        slots[index] = extractor.fingerprint(files[index], name: path, relativeTo: IngestFileSystem.currentFolder,
                                                             scratch: &scratch)
                        continue
                    }
                    if path[..<slash] != folderPath || folder < 0 {
                        IngestFileSystem.closeFolder(folder)
                        folderPath = path[..<slash]
                        folder = IngestFileSystem.openFolder(folderPath.isEmpty ? "/" : String(folderPath))
                    }
                    slots[index] = folder < 0
                        ? extractor.fingerprint(files[index], name: path, relativeTo: IngestFileSystem.currentFolder, scratch: &scratch)
                        : extractor.fingerprint(files[index], name: String(path[path.index(after: slash)...]), relativeTo: folder,
                                                scratch: &scratch)
                }
            }
        }
        return results
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
            let results = Self.extract(batch, extractor: extractor, jobs: jobs)
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

    private static func extract(_ files: [CandidateFile], extractor: DocumentExtractor, jobs: Int)
        -> [(documents: [SourceDocument], skipped: [SkippedInput], fingerprint: FileFingerprint?)]
    {
        var results = [(documents: [SourceDocument], skipped: [SkippedInput], fingerprint: FileFingerprint?)](
            repeating: ([], [], nil), count: files.count)
        if jobs == 1 || files.count == 1 {
            for (index, file) in files.enumerated() { results[index] = extractor.extract(file) }
            return results
        }
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: min(jobs, files.count)) { worker in
                var index = worker
                while index < files.count {
                    slots[index] = extractor.extract(files[index])
                    index += min(jobs, files.count)
                }
            }
        }
        return results
    }
}

extension IndexReader {
    /// What `IndexWriter.update(with:)` would do with `files`, without writing or locking: the
    /// files that are new, changed and gone (`--dry-run`). Document counts of new and changed
    /// files are not known before they are read, so `addedDocuments` and `updatedDocuments`
    /// stay 0.
    public func planUpdate(with files: [CandidateFile], extractor: DocumentExtractor, jobs: Int = 1) throws(IndexError) -> IndexUpdateSummary {
        let table = try sourceTable()
        let indexed = Dictionary(uniqueKeysWithValues: (table?.files ?? []).map { ($0.key, $0) })
        let tracked = indexed.values.reduce(0) { $0 + $1.documentCount }
        let replaceAll = tracked != documentCount || (table != nil && table!.unit != extractor.options.unit.rawValue)
        var summary = IndexWriter.plan(files, indexed: indexed, replaceAll: replaceAll, extractor: extractor, jobs: max(1, jobs)).summary
        if replaceAll { summary.deletedDocuments = documentCount }
        return summary
    }

    /// The unit the indexed files were cut into documents with (`file`, `paragraph`, `line`);
    /// nil when the index was not built from files.
    public func indexedUnit() throws(IndexError) -> String? {
        guard let file = sourcesFile else { return nil }
        try IndexFormat.verifyChecksum(file.bytes, file: file.path)
        return try SourceTable.unit(file.bytes, file: file.path)
    }
}
