import Dispatch
import SiftAnalysis
@_spi(SiftInternal) import SiftStorage
import SiftIngest

extension IndexWriter {
    /// Records that the `count` documents from uncommitted document `firstDocument` on come
    /// from the file `key`.
    func recordSource(key: String, fingerprint: FileFingerprint, firstDocument: Int, documentCount count: Int,
                      settings: IndexedFileSettings) throws(IndexError) {
        if let sourceUnit, sourceUnit != settings.unit, !(sources?.isEmpty ?? true) || !pendingSources.isEmpty {
            throw .settingsMismatch(path: path, setting: "unit", stored: sourceUnit, requested: settings.unit)
        }
        if sourceSettings != settings { structureChanged = true }
        sourceSettings = settings
        if sources == nil { sources = [:] }
        pendingSources.append(SourceFile(key: key, fingerprint: fingerprint, segment: -1, firstDocument: firstDocument,
                                         documentCount: count))
    }

    /// Starts (or keeps) recording files found and cut with `settings`; the table is written
    /// even if empty, and again whenever the settings change.
    func trackFiles(_ settings: IndexedFileSettings) {
        guard sources == nil || sourceSettings != settings else { return }
        if sources == nil { sources = [:] }
        sourceSettings = settings
        structureChanged = true
    }

    /// The settings `files`, walked and cut by `extractor`, are recorded with.
    static func fileSettings(_ extractor: DocumentExtractor, files: [CandidateFile]) -> IndexedFileSettings {
        let options = extractor.options
        return IndexedFileSettings(unit: options.unit.rawValue, include: options.include, exclude: options.exclude,
                                   idsStartWithFolderName: options.idsStartWithFolderName ?? files.contains { !$0.idPrefix.isEmpty },
                                   followsSymbolicLinks: options.followSymbolicLinks)
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
}
