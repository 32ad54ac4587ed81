import SiftIngest

extension IndexReader {
    /// The table of indexed files, if the index was built from folders.
    func sourceTable() throws(IndexError) -> SourceTable? {
        guard let file = sourcesFile else { return nil }
        try IndexFormat.verifyChecksum(file.bytes, file: file.path)
        return try SourceTable.decode(file.bytes, file: file.path, segments: manifest.segments)
    }

    /// What `IndexWriter.update(with:)` would do with `files`, without writing or locking: the
    /// files that are new, changed and gone (`--dry-run`). Document counts of new and changed
    /// files are not known before they are read, so `addedDocuments` and `updatedDocuments`
    /// stay 0; `documentsOfChangedFiles` tells how many documents the changed files hold now.
    public func planUpdate(with files: [CandidateFile], extractor: DocumentExtractor, jobs: Int = 1) throws(IndexError) -> IndexUpdateSummary {
        let table = try sourceTable()
        let indexed = Dictionary(uniqueKeysWithValues: (table?.files ?? []).map { ($0.key, $0) })
        let tracked = indexed.values.reduce(0) { $0 + $1.documentCount }
        let replaceAll = tracked != documentCount || (table != nil && table!.unit != extractor.options.unit.rawValue)
        var summary = UpdatePlanner.plan(files, indexed: indexed, replaceAll: replaceAll, extractor: extractor, jobs: max(1, jobs)).summary
        if replaceAll {
            summary.deletedDocuments = documentCount
            summary.unchangedDocuments = 0
        }
        return summary
    }

    /// The indexed files that `files` (a walk) no longer has, and how many documents they
    /// hold: what a rebuild from `files` would delete. Without a table of files, every
    /// document is in the count.
    public func documentsMissing(from files: [CandidateFile]) throws(IndexError) -> (files: [String], documents: Int) {
        guard let table = try sourceTable() else { return ([], documentCount) }
        let found = Set(files.map(\.relativePath))
        var missing: [String] = []
        var documents = documentCount - table.files.reduce(0) { $0 + $1.documentCount }
        for file in table.files where !found.contains(file.key) {
            missing.append(file.key)
            documents += file.documentCount
        }
        return (missing, documents)
    }

    /// The unit the indexed files were cut into documents with (`file`, `paragraph`, `line`);
    /// nil when the index was not built from files.
    public func indexedUnit() throws(IndexError) -> String? {
        try indexedFileSettings()?.unit
    }

    /// How the indexed files were found and cut into documents (unit, include and exclude
    /// patterns, ids, links); nil when the index was not built from files.
    public func indexedFileSettings() throws(IndexError) -> IndexedFileSettings? {
        guard let file = sourcesFile else { return nil }
        try IndexFormat.verifyChecksum(file.bytes, file: file.path)
        return try SourceTable.settings(file.bytes, file: file.path)
    }
}
