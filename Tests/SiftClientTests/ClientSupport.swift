import Foundation
import Sift

/// A fresh folder under the system's temporary directory, removed when the test ends.
final class TemporaryFolder: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "sift-client-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `relativePath` inside the folder, creating folders on the way.
    func write(_ text: String, to relativePath: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(atPath: path + "/" + relativePath)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A small index of three articles added by id, committed once.
func makeArticleIndex(at path: String) throws -> IndexWriter {
    let writer = try IndexWriter(path: path)
    try writer.add(id: "kabul", title: "Kabul falls", text: "The Taliban entered Kabul and the president fled the country.")
    try writer.add(id: "cafe", title: "Café culture", text: "A résumé of the cafés of Paris, where coffee is served all day.")
    try writer.add(id: "rivers", title: "Rivers", text: "The Danube and the Rhine are rivers of Europe; boats carry coffee upstream.")
    try writer.commit()
    return writer
}

/// The ids of the hits of `query`, best first.
func ids(_ query: String, in reader: IndexReader, options: SearchOptions = SearchOptions()) throws -> [String] {
    try Searcher(reader: reader).search(query, options: options).hits.map(\.id)
}
