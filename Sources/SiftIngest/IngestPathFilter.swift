#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies `--include` and `--exclude` patterns to paths found by the walk.
///
/// Patterns are matched with `fnmatch` without `FNM_PATHNAME`, so `*` also matches `/`:
/// `docs/*` takes everything below `docs`, however deep, which is what people mean on a
/// command line. A pattern matches a path if it matches the path relative to the root or the
/// bare name, so `*.md` works at any depth. Exclude patterns apply to folders as well, and an
/// excluded folder is not entered at all (`--exclude node_modules`).
struct IngestPathFilter: Sendable {
    var include: [String]
    var exclude: [String]

    /// Whether a file of a known kind is to be read.
    func admitsFile(relativePath: String, name: String) -> Bool {
        if !include.isEmpty && !Self.anyMatches(include, relativePath: relativePath, name: name) {
            return false
        }
        return !Self.anyMatches(exclude, relativePath: relativePath, name: name)
    }

    /// Whether a folder is to be entered.
    func admitsDirectory(relativePath: String, name: String) -> Bool {
        !Self.anyMatches(exclude, relativePath: relativePath, name: name)
    }

    /// Whether `pattern` is a well-formed `fnmatch` pattern: not empty, every `[` closed by a
    /// `]` (one right after `[`, `[!` or `[^` is literal), no `\\` at the end.
    static func isValidPattern(_ pattern: String) -> Bool {
        let bytes = Array(pattern.utf8)
        guard !bytes.isEmpty else { return false }
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return false }
                index += 2
            case UInt8(ascii: "["):
                var close = index + 1
                if close < bytes.count && (bytes[close] == UInt8(ascii: "!") || bytes[close] == UInt8(ascii: "^")) { close += 1 }
                if close < bytes.count && bytes[close] == UInt8(ascii: "]") { close += 1 }
                while close < bytes.count && bytes[close] != UInt8(ascii: "]") { close += 1 }
                guard close < bytes.count else { return false }
                index = close + 1
            default:
                index += 1
            }
        }
        return true
    }

    private static func anyMatches(_ patterns: [String], relativePath: String, name: String) -> Bool {
        for pattern in patterns {
            if fnmatch(pattern, relativePath, 0) == 0 || fnmatch(pattern, name, 0) == 0 {
                return true
            }
        }
        return false
    }
}
