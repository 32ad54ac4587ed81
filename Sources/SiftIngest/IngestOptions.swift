/// Which files a walk reads and how they are cut into documents.
///
/// One value configures both the walk (which files are candidates) and the extraction (how a
/// candidate becomes documents), so the command line and a library user describe a corpus the
/// same way.
public struct IngestOptions: Sendable, Equatable {
    /// The default largest file read: 64 MiB. Bigger files are almost always dumps or archives
    /// that would dominate the index; they are skipped with a warning instead.
    public static let defaultMaxFileSize = 64 << 20

    /// How much of a text, Markdown or HTML file becomes one document.
    public var unit: DocumentUnit = .file
    /// `fnmatch` patterns; when any is given, only files whose path relative to the folder
    /// indexed, or whose name, matches one of them are read.
    public var include: [String] = []
    /// `fnmatch` patterns of files, and of folders not to descend into, matched against the
    /// path relative to the folder indexed or against the name alone.
    public var exclude: [String] = []
    /// Files larger than this many bytes are skipped with `SkipReason.tooLarge`.
    public var maxFileSize: Int = IngestOptions.defaultMaxFileSize
    /// Whether the walk follows symbolic links below the folders (to files and folders alike;
    /// a link back to a folder being walked is skipped, so a loop ends). By default links are
    /// skipped.
    public var followSymbolicLinks = false
    /// Whether ids start with the name of the folder a file was found in (`notes/a.txt`); nil:
    /// when several folders are walked together, so their ids cannot collide.
    public var idsStartWithFolderName: Bool? = nil

    /// Options with every setting given or defaulted.
    public init(
        unit: DocumentUnit = .file,
        include: [String] = [],
        exclude: [String] = [],
        maxFileSize: Int = IngestOptions.defaultMaxFileSize,
        followSymbolicLinks: Bool = false,
        idsStartWithFolderName: Bool? = nil
    ) {
        self.unit = unit
        self.include = include
        self.exclude = exclude
        self.maxFileSize = maxFileSize
        self.followSymbolicLinks = followSymbolicLinks
        self.idsStartWithFolderName = idsStartWithFolderName
    }

    /// The first of `include` and `exclude` that is not a valid pattern (an unclosed `[`, a
    /// trailing `\\`), if any: such a pattern matches nothing, which is never what was meant.
    public var invalidPattern: String? {
        (include + exclude).first { !IngestPathFilter.isValidPattern($0) }
    }
}
