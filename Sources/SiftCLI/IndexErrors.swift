import Sift

/// Maps library errors to exit statuses — missing index 66, damage 65, locks and I/O 74,
/// settings an update cannot change 64 — and adds what the library cannot know: which `sift`
/// command fixes the problem. `hint` is added to the message of damage.
func mapIndexError(_ error: IndexError, hint: String = "") -> CLIError {
    switch error {
    case .missingIndex(let path):
        .noInput(error.description + " (run 'sift index DIR --index \(path)' first)")
    case .olderFormat:
        .data(error.description + " with 'sift index --full'")
    case .corrupt, .newerFormat, .missingFile:
        .data(error.description + hint)
    case .settingsMismatch:
        .usage(error.description + "; rebuild it with 'sift index --full' to change it", usage: IndexCommand.spec.usage)
    case .locked, .io, .writerClosed:
        .io(error.description)
    case .documentOutOfRange:
        .data(error.description)
    }
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
