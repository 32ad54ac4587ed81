import Foundation
import Testing

/// Locates `../shared/data` (the evaluation data that lives beside the repository, never in it).
///
/// A test that needs a data set takes the trait `SharedData.needs("cranfield")` and reads the
/// folder with `try SharedData.require("cranfield")`:
/// - present: the test runs;
/// - absent on a developer's machine: the test is skipped, and the test report says so and why;
/// - absent in CI (`CI=true`, which `.ci/run` sets): the test runs and fails, so missing data
///   cannot pass unseen.
///
/// `SIFT_SHARED_DATA` overrides the path.
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
        if let override = environment("SIFT_SHARED_DATA"), !override.isEmpty {
            return fm.fileExists(atPath: override) ? URL(fileURLWithPath: override) : nil
        }
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        return fm.fileExists(atPath: candidate.path) ? candidate : nil
    }()

    /// Whether this run is CI's (`CI=true`, as CI services and `.ci/run` set it).
    package static let isCI = isCI(environment("CI"))

    /// Whether a value of `CI` means CI: `true`, `1` or `yes`, in any case.
    package static func isCI(_ value: String?) -> Bool {
        guard let value = value?.lowercased() else { return false }
        return value == "true" || value == "1" || value == "yes"
    }

    /// `root/relative`, if it exists.
    package static func url(_ relative: String) -> URL? {
        guard let root else { return nil }
        let url = root.appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Whether a test needing `relative` should run: the data is there, or this is CI (the
    /// test then fails in `require`).
    package static func shouldRun(_ relative: String) -> Bool {
        shouldRun(isPresent: url(relative) != nil, isCI: isCI)
    }

    /// The rule itself: data present, or CI (where an absent set must fail, not vanish).
    package static func shouldRun(isPresent: Bool, isCI: Bool) -> Bool {
        isPresent || isCI
    }

    /// The trait of a test that needs `../shared/data/<relative>`: skipped (and shown as
    /// skipped) when the data is absent, except in CI.
    package static func needs(_ relative: String) -> ConditionTrait {
        .enabled(if: shouldRun(relative), "needs ../shared/data/\(relative) (absent here; set SIFT_SHARED_DATA to point at it)")
    }

    /// The folder or file `relative` of the shared data; throws (failing the test) when absent.
    package static func require(_ relative: String) throws -> URL {
        guard let url = url(relative) else { throw Missing(relative: relative, root: root) }
        return url
    }

    /// The error of a test whose data is absent where it must run.
    package struct Missing: Error, CustomStringConvertible {
        var relative: String
        var root: URL?
        package var description: String {
            let place = root.map { $0.appendingPathComponent(relative).path } ?? "../shared/data/\(relative)"
            return "\(place) is missing, and CI=true requires it (set SIFT_SHARED_DATA to point at the data)"
        }
    }

    /// The lines of a file, split on "\n" only, keeping empty lines (the stemmer vocabularies
    /// have an empty stem for the word `s`, so splitting on whitespace would misalign them).
    package static func lines(of url: URL) throws -> [String] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    private static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment[name]
    }
}
