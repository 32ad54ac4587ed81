/// A file the walker found and the extractor will read.
///
/// Walking and reading are separate steps so that a caller can list, count or filter the work
/// before doing it, and can read candidates in parallel: a candidate is a plain value.
public struct CandidateFile: Sendable, Equatable {
    /// The path to open: the root as given joined with the path below it (`docs/a/b.txt`).
    /// Warnings show this path, since it is what the user typed plus what was found.
    public var path: String
    /// The file's document id for the `file` unit: its path below the root, `/`-separated,
    /// with `idPrefix` in front.
    public var relativePath: String
    /// How the file is read.
    public var kind: FileKind
    /// The size `lstat` reported during the walk, in bytes.
    public var size: Int
    /// Put in front of every id made from this file: the root folder's name and `/` when
    /// several roots are indexed together (so their ids cannot collide), otherwise empty.
    /// JSON Lines ids get it too.
    public var idPrefix: String
    /// The path's bytes, when a name on it is not valid UTF-8: `path` and `relativePath` then
    /// spell each byte that is not part of valid UTF-8 as `\\xHH`, and the file is opened by
    /// these bytes.
    package var rawPath: [UInt8]? = nil

    /// A candidate with every field given; `idPrefix` defaults to none.
    public init(path: String, relativePath: String, kind: FileKind, size: Int, idPrefix: String = "") {
        self.path = path
        self.relativePath = relativePath
        self.kind = kind
        self.size = size
        self.idPrefix = idPrefix
    }
}
