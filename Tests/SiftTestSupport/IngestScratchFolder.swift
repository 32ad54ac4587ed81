import Foundation

/// A fresh folder under the system's temporary directory for one ingest test.
///
/// Each test makes its own (named by a UUID), so tests can run in parallel, and removes it
/// when done through `IngestScratchFolder.with(_:)`.
package struct IngestScratchFolder {
    package let url: URL

    /// The folder's path, as a user would pass it to `sift index`.
    package var path: String { url.path }

    private init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sift-ingest-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Runs `body` with a new folder and removes the folder afterwards, even if `body` throws.
    package static func with<Result>(_ body: (IngestScratchFolder) throws -> Result) throws -> Result {
        let folder = try IngestScratchFolder()
        defer { try? FileManager.default.removeItem(at: folder.url) }
        return try body(folder)
    }

    /// Writes `text` as UTF-8 to `relative`, creating the folders on the way.
    @discardableResult
    package func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, bytes: Array(text.utf8))
    }

    /// Writes `bytes` to `relative`, creating the folders on the way; returns the full path.
    @discardableResult
    package func write(_ relative: String, bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }

    /// Makes the folder `relative` (and its parents); returns the full path.
    @discardableResult
    package func makeFolder(_ relative: String) throws -> String {
        let folder = url.appendingPathComponent(relative, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }

    /// Makes a symbolic link at `relative` pointing at `destination` (a path, as written).
    package func link(_ relative: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(
            atPath: url.appendingPathComponent(relative).path, withDestinationPath: destination)
    }
}
