import SiftIngest

/// Compares a walk of folders with the table of files an index was built from: which files
/// are new, which changed (by size and content hash, never by timestamp), which are gone.
/// Shared by the writer's update and the reader's dry run, so both plan alike.
enum UpdatePlanner {
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
        let fingerprints = extractor.fingerprints(of: known, jobs: jobs)
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
}
