/// How much of a file becomes one searchable document.
///
/// Whole files suit short articles. Long files (books, manuals, logs) are better searched by
/// paragraph or by line, so that a hit points at the passage that matched rather than at a
/// file of a thousand pages. JSON Lines input ignores the unit: each of its lines already is
/// one document.
public enum DocumentUnit: String, Sendable, CaseIterable {
    /// One document per file; its id is the file's path relative to the folder indexed.
    case file
    /// One document per block of lines separated by blank (empty or whitespace-only) lines;
    /// its id is the file's id followed by `#L<n>`, the 1-based number of the block's first line
    /// in the file (Markdown front matter is counted, though it is not a passage).
    case paragraph
    /// One document per non-blank line; its id is the file's id followed by `#L<n>`.
    case line
}
