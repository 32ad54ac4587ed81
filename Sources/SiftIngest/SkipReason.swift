/// Why an input, or part of one, was left out of the index.
///
/// Bad input is never fatal to indexing: each skip is reported with its reason and
/// counted in the summary, and the rest of the corpus is indexed.
public enum SkipReason: Sendable, Equatable, CustomStringConvertible {
    /// The file is larger than `IngestOptions.maxFileSize`.
    case tooLarge(size: Int, limit: Int)
    /// The file has a NUL byte in its first 8 KiB, so it is not text.
    case binary
    /// The file (or folder) could not be opened or read; the system's description of why.
    case unreadable(String)
    /// One line of a JSON Lines file is not a JSON object with an `id` and a body, or has a
    /// field that cannot be metadata (an empty name, a name over 256 bytes or a value over
    /// 65,536 bytes); the 1-based line number and what is wrong. The file's other lines are
    /// still indexed.
    case badJSONLine(line: Int, reason: String)
    /// The file was reached before, under the path given (the same file by a link, a hard link
    /// or an overlapping path, or a name that gives the same id): it is indexed once, from there.
    case duplicate(of: String)
    /// A document whose id an earlier document already has (two JSON Lines records with one
    /// id, or a JSON Lines id equal to a file's path); the id, and the file that keeps it.
    case duplicateID(String, keptFrom: String)
    /// A symbolic link to a folder the walk is inside of: following it would never end.
    case symbolicLinkLoop
    /// A folder that is never walked into: the index being written (the folder as given).
    case skippedFolder(String)

    /// A short phrase for a warning line, e.g. `too large (70000000 bytes, limit 67108864)`.
    public var description: String {
        switch self {
        case .tooLarge(let size, let limit):
            return "too large (\(size) bytes, limit \(limit))"
        case .binary:
            return "binary (a NUL byte in the first 8 KiB)"
        case .unreadable(let reason):
            return "unreadable: \(reason)"
        case .badJSONLine(let line, let reason):
            return "line \(line): \(reason)"
        case .duplicate(let first):
            return "the same file (or id) as \(first), which is indexed"
        case .duplicateID(let id, let first):
            return "a document with id '\(id)', which \(first) already gives (that one is kept)"
        case .symbolicLinkLoop:
            return "a symbolic link to a folder that contains it (a loop)"
        case .skippedFolder(let folder):
            return "the index folder \(folder) is not indexed"
        }
    }
}
