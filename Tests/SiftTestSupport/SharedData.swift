import Foundation

/// Locates `../shared/data` (the evaluation data that lives beside the repository, never in it).
///
/// Tests that need it call `SharedData.directory(_:)`; when it is absent (a user's clone) they
/// print why and return early, so the suite still passes. `SIFT_SHARED_DATA` overrides the path.
package enum SharedData {
    /// The package root, found from this file's own path.
    package static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // file, SiftTestSupport, Tests
        return url
    }()

    /// The shared data folder, if present.
    package static let root: URL? = {
        let fm = FileManager.default
        if let override = ProcessInfo.processInfo.environment["SIFT_SHARED_DATA"], !override.isEmpty {
            return fm.fileExists(atPath: override) ? URL(fileURLWithPath: override) : nil
        }
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return fm.fileExists(atPath: candidate.path) ? candidate : nil
    }()

    /// `root/relative` when it exists; otherwise prints the reason the caller skips and returns nil.
    package static func directory(_ relative: String, for test: String = #function) -> URL? {
        guard let root else {
            print("SKIP \(test): ../shared/data is absent (set SIFT_SHARED_DATA to run it)")
            return nil
        }
        let url = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("SKIP \(test): \(url.path) is absent")
            return nil
        }
        return url
    }

    /// The lines of a file, split on "\n" only, keeping empty lines (the stemmer vocabularies
    /// have an empty stem for the word `s`, so splitting on whitespace would misalign them).
    package static func lines(of url: URL) throws -> [String] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}
