import SiftIngest

/// Compares a walk of folders with the table of files an index was built from: which files
/// are new, which changed (by size and content hash, never by timestamp), which are gone,
/// which are now over the size limit and which cannot be read. Shared by the writer's update
/// and the reader's dry run, so both plan alike.
enum UpdatePlanner {
    /// What an update is to do, before any file is read for its documents.
    struct Plan {
        var summary = IndexUpdateSummary()
        /// Changed files: key → how many documents they hold now (to be replaced).
        var changed: [String: Int] = [:]
        /// Keys of indexed files whose documents go: gone from the walk, or now too large.
        var deleted: [String] = []
        /// New and changed files, in walk order: the order a full build adds them in.
        var toRead: [CandidateFile] = []
    }

    /// Sorts `files` into new, changed and unchanged against the `indexed` table (by key, then
    /// by fingerprint of the current bytes), and finds the indexed files that are gone. An
    /// indexed file that cannot be hashed keeps its documents (a warning, not a deletion); one
    /// now over the size limit loses them.
    static func plan(_ files: [CandidateFile], indexed: [String: SourceFile], replaceAll: Bool, extractor: DocumentExtractor,
                     jobs: Int) -> Plan {
        var plan = Plan()
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
                plan.summary.addedFiles.append(file)
                readPositions.append(position)
            }
        }
        let fingerprints = extractor.fingerprints(of: known, jobs: jobs)
        for index in known.indices {
            let documents = old[index].documentCount
            switch fingerprints[index] {
            case .fingerprint(let fingerprint) where fingerprint == old[index].fingerprint:
                plan.summary.unchangedFileCount += 1
                plan.summary.unchangedDocuments += documents
            case .fingerprint:
                plan.summary.changedFiles.append(known[index])
                plan.summary.documentsOfChangedFiles += documents
                plan.changed[old[index].key] = documents
                readPositions.append(knownPositions[index])
            case .tooLarge(let size):
                plan.summary.nowSkippedFiles.append(SkippedInput(
                    path: known[index].relativePath, reason: .tooLarge(size: size, limit: extractor.options.maxFileSize)))
                plan.summary.deletedDocuments += documents
                plan.deleted.append(old[index].key)
            case .unreadable(let reason):
                plan.summary.unreadableFiles.append(SkippedInput(path: known[index].relativePath, reason: .unreadable(reason)))
                plan.summary.unchangedDocuments += documents
            }
        }
        if known.count < indexed.count {
            let present = Set(old.map(\.key))
            for (key, file) in indexed where !present.contains(key) {
                plan.summary.removedFiles.append(key)
                plan.summary.deletedDocuments += file.documentCount
                plan.deleted.append(key)
            }
        }
        plan.summary.removedFiles.sort(by: SourceTable.precedes)
        readPositions.sort()
        plan.toRead = readPositions.map { files[$0] }
        return plan
    }
}
