/// Failures that stop ingest before any file is read.
///
/// Only a bad root is fatal: everything found below a root that cannot be read is skipped
/// and reported instead (see `SkipReason`). The command line exits 66 (missing input) for both.
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A folder to index does not exist or cannot be reached; the path as given.
    case missingDirectory(String)
    /// A path given as a folder to index is a file (or another non-folder); the path as given.
    case notADirectory(String)
    /// Two folders to index have the same name, so their documents' ids would collide (ids
    /// start with the folder's name when several are indexed); the two paths as given.
    case duplicateRootName(String, String)
    /// A folder to index is inside another one (or is the same folder by another path), so
    /// its files would be indexed twice; the outer and the inner path as given.
    case overlappingRoots(String, String)
    /// A folder to index is a folder the walk must skip (the index itself) or inside one; the
    /// folder to index and the skipped folder, as given.
    case insideSkippedFolder(String, String)

    /// A one-line message naming the path.
    public var description: String {
        switch self {
        case .missingDirectory(let path):
            return "no such directory: \(path)"
        case .notADirectory(let path):
            return "not a directory: \(path)"
        case .duplicateRootName(let first, let second):
            return "'\(first)' and '\(second)' have the same name, so their documents' ids would collide; index them into separate indexes or rename one"
        case .overlappingRoots(let outer, let inner):
            return "'\(inner)' is inside '\(outer)' (or is the same folder), so its files would be indexed twice; give only '\(outer)'"
        case .insideSkippedFolder(let root, let folder):
            return "'\(root)' is the folder '\(folder)' or inside it, which is not indexed"
        }
    }
}
