#if canImport(Glibc)
import Glibc
#endif
import Sift

/// Maps library errors to exit statuses — missing index 66, damage 65, locks and I/O 74,
/// settings an update cannot change 64 — and adds what the library cannot know: which `sift`
/// command fixes the problem. `hint` is added to the message of damage.
func mapIndexError(_ error: IndexError, hint: String = "") -> CLIError {
    switch error {
    case .missingIndex(let path):
        .noInput(error.description + " (run 'sift index DIR --index \(path)' first)")
    case .olderFormat, .missingManifest:
        .data(error.description + " with 'sift index --full'")
    case .corrupt, .newerFormat, .missingFile:
        .data(error.description + hint)
    case .settingsMismatch:
        .usage(error.description + "; rebuild it with 'sift index --full' to change it", usage: IndexCommand.spec.usage)
    case .analyzerVersionMismatch:
        .usage(error.description + " with 'sift index --full'", usage: IndexCommand.spec.usage)
    case .tooManyDeletions(let path, let files, let documents, let total):
        .usage(deletionRefusal(path: path, files: files, documents: documents, of: total), usage: IndexCommand.spec.usage)
    case .locked, .io, .writerClosed:
        .io(error.description)
    case .documentOutOfRange, .snapshotMismatch, .invalidArgument, .duplicateID:
        .data(error.description)
    case .noStoredText:
        .query(error.description + "; an index built with --store none keeps them after 'sift index --full --store text'")
    case .reorderNeedsMemory:
        .usage(error.description + "; raise --memory-budget", usage: OptimizeCommand.spec.usage)
    case .importedIndex:
        .usage(error.description + " with 'sift import'", usage: ImportCommand.spec.usage)
    case .noPositions:
        .usage(error.description, usage: SearchCommand.spec.usage)
    }
}

/// Why an update that would delete most of the index is refused, naming the first files.
func deletionRefusal(path: String, files: [String], documents: Int, of total: Int) -> String {
    let shown = files.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (files.count > 3 ? " and \(files.count - 3) more" : "")
    let what = documents == total ? "every one of the \(Format.count(total, "document"))" : "\(documents) of the \(Format.count(total, "document"))"
    return "this would delete \(what) of '\(path)' (\(Format.count(files.count, "file")) gone or no longer matched: \(shown)); "
        + "check the folders and --include/--exclude (--dry-run lists every change), or pass --allow-deletes to delete them"
}

/// A note on stderr when an index was analyzed by another analyzer version than this Sift's:
/// queries may not match as the documents were analyzed.
func warnIfAnalyzedByAnotherVersion(_ reader: IndexReader) {
    guard reader.analyzerVersion != Analyzer.version else { return }
    Output.warning("the index '\(reader.path)' was analyzed by analyzer version \(reader.analyzerVersion), this Sift analyzes with version \(Analyzer.version): queries may not match as they should; rebuild it with 'sift index --full'")
}

extension AnalyzerConfiguration {
    /// The settings as the `sift index` options that give them: `--stemmer porter --stopwords english`.
    var flags: String {
        let words: String
        switch stopWords {
        case .english, .none: words = stopWords.name
        case .custom: words = "FILE (\(stopWords.name))"
        }
        return "--stemmer \(stemmer.rawValue) --stopwords \(words)"
    }
}
