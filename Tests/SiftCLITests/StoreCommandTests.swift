import Foundation
import Testing

/// `sift index --store text|none`: an index without stored text searches as one with it, says
/// clearly what it cannot do (snippets, `sift show`), keeps its choice on updates, and changes
/// it only with --full.
@Suite struct StoreCommandTests {
    typealias Kit = IndexCLITestKit

    static let files = [
        "a.txt": "Alpha title\nthe quick brown fox jumps over the lazy dog",
        "b.txt": "Beta\nbrown dogs and quick foxes, brown and quick",
        "c.md": "# Gamma\n\nlazy afternoons with a quick nap",
        "d.txt": "Delta\nnothing about animals here, only brown paper",
    ]

    /// Both indexes of `files`: with stored text and without.
    static func makeBoth(in folder: URL) throws -> (corpus: String, text: String, none: String) {
        let (corpus, text) = try Kit.makeIndex(files, in: folder)
        let none = folder.appendingPathComponent("index-none").path
        let result = try Kit.sift(["index", corpus, "--index", none, "--store", "none"])
        #expect(result.status == 0, "\(result.stderr)")
        return (corpus, text, none)
    }

    @Test("--store none searches identically to --store text: terms, phrases, prefixes, RM3, TREC and JSON ids")
    func searchesIdentically() throws {
        try Kit.withFolder { folder in
            let (_, text, none) = try Self.makeBoth(in: folder)
            for query in [["brown"], ["quick", "brown"], ["\"quick brown\""], ["+lazy", "quick"], ["qu*"], ["title:beta"]] {
                let a = try Kit.sift(["search", "--index", text, "--format", "trec"] + query)
                let b = try Kit.sift(["search", "--index", none, "--format", "trec"] + query)
                #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
                #expect(a.stdout == b.stdout, "\(query)")
                #expect(!a.stdout.isEmpty, "\(query) should match")
                #expect(try Kit.searchIds(query, index: text) == Kit.searchIds(query, index: none))
            }
            let a = try Kit.sift(["search", "--index", text, "--format", "trec", "--rm3", "--fb-docs", "2", "brown"])
            let b = try Kit.sift(["search", "--index", none, "--format", "trec", "--rm3", "--fb-docs", "2", "brown"])
            #expect(a.status == 0 && a.stdout == b.stdout, "\(a.stderr) \(b.stderr)")
            // Index sizes: the documents file is what differs, and it is smaller without text.
            let textDocs = try Kit.indexFiles(text).filter { $0.key.hasSuffix(".docs") }.map(\.value.count).reduce(0, +)
            let noneDocs = try Kit.indexFiles(none).filter { $0.key.hasSuffix(".docs") }.map(\.value.count).reduce(0, +)
            #expect(noneDocs < textDocs)
            let check = try Kit.sift(["check", "--index", none])
            #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        }
    }

    @Test("without stored text: hits print without snippets, --snippet-length and sift show exit 64 saying why")
    func noTextReportedClearly() throws {
        try Kit.withFolder { folder in
            let (_, _, none) = try Self.makeBoth(in: folder)
            let plain = try Kit.sift(["search", "--index", none, "brown"])
            #expect(plain.status == 0, "\(plain.stderr)")
            #expect(plain.stdout.contains("a.txt") && plain.stdout.contains("Alpha title"))
            #expect(!plain.stdout.contains("lazy dog"), "no snippet text: \(plain.stdout)")
            let json = try Kit.sift(["search", "--index", none, "--format", "json", "brown"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let hits = try #require(object["hits"] as? [[String: Any]])
            #expect(!hits.isEmpty && hits.allSatisfy { $0["snippet"] == nil && $0["id"] != nil })

            let snippets = try Kit.sift(["search", "--index", none, "--snippet-length", "80", "brown"])
            #expect(snippets.status == 64)
            #expect(snippets.stderr.contains("keeps no text") && snippets.stderr.contains("--store none"), "\(snippets.stderr)")
            #expect(snippets.stdout.isEmpty)
            let show = try Kit.sift(["show", "--index", none, "a.txt"])
            #expect(show.status == 64)
            #expect(show.stderr.contains("keeps no text") && show.stderr.contains("--full --store text"), "\(show.stderr)")
            #expect(show.stdout.isEmpty)
            // Ids and titles are still listed.
            let list = try Kit.sift(["list", "--index", none])
            #expect(list.status == 0 && list.stdout.contains("Alpha title"))
        }
    }

    @Test("an update keeps --store none and deletes exactly; --store text on it needs --full; a bad value is a usage error")
    func updatesKeepTheChoice() throws {
        try Kit.withFolder { folder in
            let (corpus, text, none) = try Self.makeBoth(in: folder)
            // Change the corpus: one file gone, one changed, one added. Both indexes are updated.
            try FileManager.default.removeItem(atPath: corpus + "/b.txt")
            try Data("Delta\nbrown paper and a quick fox".utf8).write(to: URL(fileURLWithPath: corpus + "/d.txt"))
            try Data("Epsilon\nfox fox fox".utf8).write(to: URL(fileURLWithPath: corpus + "/e.txt"))
            for index in [text, none] {
                let update = try Kit.sift(["index", corpus, "--index", index])
                #expect(update.status == 0, "\(update.stderr)")
            }
            let show = try Kit.sift(["show", "--index", none, "e.txt"])
            #expect(show.status == 64, "the update kept --store none: \(show.stdout)")
            for query in [["fox"], ["brown", "quick"], ["\"brown paper\""]] {
                let a = try Kit.sift(["search", "--index", text, "--format", "trec", "--count"] + query)
                let b = try Kit.sift(["search", "--index", none, "--format", "trec", "--count"] + query)
                #expect(a.stdout == b.stdout && !a.stdout.isEmpty, "\(query)")
            }
            let check = try Kit.sift(["check", "--index", none])
            #expect(check.status == 0, "\(check.stdout) \(check.stderr)")

            let before = try Kit.indexFiles(none)
            let refused = try Kit.sift(["index", corpus, "--index", none, "--store", "text"])
            #expect(refused.status == 64)
            #expect(refused.stderr.contains("--store none") && refused.stderr.contains("--full"), "\(refused.stderr)")
            #expect(try Kit.indexFiles(none) == before, "a refused update writes nothing")
            let same = try Kit.sift(["index", corpus, "--index", none, "--store", "none"])
            #expect(same.status == 0, "asking for the index's own choice is fine: \(same.stderr)")

            // sift optimize (a merge) and --reorder keep it too.
            for extra in [[], ["--reorder"]] {
                for index in [text, none] {
                    let optimized = try Kit.sift(["optimize", "--index", index] + extra)
                    #expect(optimized.status == 0, "\(optimized.stderr)")
                }
                #expect(try Kit.sift(["show", "--index", none, "e.txt"]).status == 64)
                let a = try Kit.sift(["search", "--index", text, "--format", "trec", "fox"])
                let b = try Kit.sift(["search", "--index", none, "--format", "trec", "fox"])
                #expect(a.stdout == b.stdout && !a.stdout.isEmpty)
                #expect(try Kit.sift(["check", "--index", none, "--deep"]).status == 0)
            }

            let rebuilt = try Kit.sift(["index", corpus, "--index", none, "--full", "--store", "text"])
            #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
            let shown = try Kit.sift(["show", "--index", none, "e.txt"])
            #expect(shown.status == 0 && shown.stdout.contains("fox fox fox"))

            let bad = try Kit.sift(["index", corpus, "--index", folder.appendingPathComponent("other").path, "--store", "compressed"])
            #expect(bad.status == 64 && bad.stderr.contains("--store"), "\(bad.stderr)")
        }
    }
}
