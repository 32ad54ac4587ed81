import Foundation
import Sift

/// A test collection of `../shared/data` (`docs/`, `queries.tsv`, `qrels.txt`), indexed with
/// default settings in a temporary folder, for the tests that run every query of it.
package enum SharedCollection {
    /// Runs `body` with a searcher over collection `name`'s documents, indexed as `sift index`
    /// does by default, and its queries (`id<TAB>text` lines); throws when the data is absent
    /// (the test's `SharedData.needs(name)` trait skips it first, except in CI).
    package static func withIndex(_ name: String, _ body: (Searcher, [(id: String, text: String)]) throws -> Void) throws {
        let directory = try SharedData.require(name)
        try IndexTestFolder.with { folder in
            let writer = try IndexWriter(path: folder.path, jobs: 2)
            let files = try CorpusWalker(roots: [directory.appendingPathComponent("docs").path]).candidates()
            _ = try writer.addFiles(files, extractor: DocumentExtractor())
            try writer.commit()
            writer.close()
            let queries = try SharedData.lines(of: directory.appendingPathComponent("queries.tsv")).compactMap { line -> (id: String, text: String)? in
                let parts = line.split(separator: "\t", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }
            try body(Searcher(reader: try IndexReader(path: folder.path)), queries)
        }
    }
}
