import SiftIngest

extension IndexReader {
    /// The table of indexed files, if the index was built from folders.
    func sourceTable() throws(IndexError) -> SourceTable? {
        guard let file = sourcesFile else { return nil }
        try IndexFormat.verifyChecksum(file.bytes, file: file.path)
        return try SourceTable.decode(file.bytes, file: file.path, segments: manifest.segments)
    }

    /// What `IndexWriter.update(with:)` would do with `files`, without writing or locking: the
    /// files that are new, changed and gone (a dry run). Document counts of new and changed
    /// files are not known before they are read, so `addedDocuments` and `updatedDocuments`
    /// stay 0; `documentsOfChangedFiles` tells how many documents the changed files hold now.
    public func planUpdate(with files: [CandidateFile], extractor: DocumentExtractor, jobs: Int = 1) throws(IndexError) -> IndexUpdateSummary {
        guard jobs >= 1 else { throw .invalidArgument(InvalidArgument(name: "jobs", value: jobs, requirement: "at least 1")) }
        let table = try sourceTable()
        let indexed = Dictionary(uniqueKeysWithValues: (table?.files ?? []).map { ($0.key, $0) })
        let tracked = indexed.values.reduce(0) { $0 + $1.documentCount }
        let rereadAll = table != nil && table!.unit != extractor.options.unit.rawValue
        var summary = UpdatePlanner.plan(files, indexed: indexed, replaceAll: rereadAll, extractor: extractor, jobs: jobs).summary
        // Documents no file accounts for (added by id) are not the update's: they stay.
        summary.unchangedDocuments += documentCount - tracked
        return summary
    }

    /// The indexed files that `files` (a walk) no longer has, and how many documents they
    /// hold: what a rebuild from `files` would delete. Without a table of files, every
    /// document is in the count.
    public func documentsMissing(from files: [CandidateFile]) throws(IndexError) -> MissingFiles {
        guard let table = try sourceTable() else { return MissingFiles(keys: [], documentCount: documentCount) }
        let found = Set(files.map(\.relativePath))
        var missing: [String] = []
        var documents = documentCount - table.files.reduce(0) { $0 + $1.documentCount }
        for file in table.files where !found.contains(file.key) {
            missing.append(file.key)
            documents += file.documentCount
        }
        return MissingFiles(keys: missing, documentCount: documents)
    }

    /// The unit the indexed files were cut into documents with; nil when the index was not
    /// built from files.
    public func indexedUnit() throws(IndexError) -> DocumentUnit? {
        try indexedFileSettings().flatMap { DocumentUnit(rawValue: $0.unit) }
    }

    /// How the indexed files were found and cut into documents (unit, include and exclude
    /// patterns, ids, links); nil when the index was not built from files.
    public func indexedFileSettings() throws(IndexError) -> IndexedFileSettings? {
        guard let file = sourcesFile else { return nil }
        try IndexFormat.verifyChecksum(file.bytes, file: file.path)
        return try SourceTable.settings(file.bytes, file: file.path)
    }
}

/// Indexed files a walk no longer finds (`IndexReader.documentsMissing(from:)`).
public struct MissingFiles: Sendable, Hashable, Codable {
    /// The files' keys (paths relative to the folder indexed), in byte order.
    public var keys: [String]
    /// The documents they hold, with those no file accounts for.
    public var documentCount: Int
}
