import Foundation
import Sift
import Testing

/// Helpers shared by the index, search, stats/check and crash-safety CLI tests.
enum IndexCLITestKit {
    /// Runs `body` in a fresh temporary folder, removed afterwards.
    static func withFolder<R>(_ body: (URL) throws -> R) throws -> R {
        let folder = try SiftProcess.temporaryDirectory()
        defer { SiftProcess.removeTemporaryDirectory(folder) }
        return try body(folder)
    }

    /// Runs `sift` with stdin closed at once (so nothing waits on it).
    @discardableResult
    static func sift(_ arguments: [String], in directory: URL? = nil) throws -> SiftProcess.Result {
        try SiftProcess.run(arguments, in: directory, input: Data())
    }

    /// Writes raw bytes to `relative` under `directory`.
    static func write(bytes: [UInt8], to relative: String, in directory: URL) throws {
        let url = directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Writes `files` under `folder/name` and indexes them into `folder/index`; returns both paths.
    static func makeIndex(_ files: [String: String], in folder: URL, extra: [String] = [],
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> (corpus: String, index: String) {
        let corpus = folder.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try SiftProcess.write(files, in: corpus)
        let index = folder.appendingPathComponent("index").path
        let result = try sift(["index", corpus.path, "--index", index] + extra)
        #expect(result.status == 0, "sift index failed: \(result.stderr)", sourceLocation: sourceLocation)
        return (corpus.path, index)
    }

    /// One line of a TREC run: `qid Q0 docid rank score sift`.
    struct TrecLine: Equatable {
        var id: String
        var rank: Int
        var score: Float
    }

    /// Parses TREC output, recording an issue for any malformed line.
    static func trec(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) -> [TrecLine] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, fields[0] == "1", fields[1] == "Q0", fields[5] == "sift",
                  let rank = Int(fields[3]), let score = Float(fields[4]) else {
                Issue.record("not a TREC line: '\(line)'", sourceLocation: sourceLocation)
                return nil
            }
            return TrecLine(id: fields[2], rank: rank, score: score)
        }
    }

    /// The ids of a search (from its JSON output), best first.
    static func searchIds(_ query: [String], index: String, extra: [String] = [],
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        let result = try sift(["search", "--index", index, "--format", "json", "-k", "1000"] + extra + query)
        #expect(result.status == 0, "search failed: \(result.stderr)", sourceLocation: sourceLocation)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let hits = object?["hits"] as? [[String: Any]]
        #expect(hits != nil, "no hits array in \(result.stdout)", sourceLocation: sourceLocation)
        return (hits ?? []).map { $0["id"] as? String ?? "?" }
    }

    /// The `documents` count of `sift stats --format json`.
    static func documentCount(_ index: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int? {
        let result = try sift(["stats", "--index", index, "--format", "json"])
        #expect(result.status == 0, "stats failed: \(result.stderr)", sourceLocation: sourceLocation)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["documents"] as? Int
    }

    /// Every file of an index folder but the lock: name → bytes.
    static func indexFiles(_ index: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: index) where name != "write.lock" {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: index).appendingPathComponent(name))
        }
        return files
    }

    /// The seed article's file name.
    static let seedFile = "000_fb07d6c771e3af61.txt"
}

@Suite struct IndexCommandTests {
    typealias Kit = IndexCLITestKit

    @Test("txt, md, html and jsonl files are indexed with their ids and titles")
    func fileKinds() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex([
                "a.txt": "Alpha title\nzebra text here",
                "sub/b.md": "# Markdown Heading\n\nquokka paragraph",
                "c.html": "<html><head><title>Page &amp; Title</title><style>p { stylish: 1 }</style></head><body><p>narwhal &amp; friends</p><script>var hiddenscript = 1;</script></body></html>",
                "d.jsonl": #"{"id": "j1", "title": "J One", "text": "axolotl"}"# + "\n" + #"{"id": "j2", "title": "J Two", "contents": "axolotl pangolin"}"# + "\n",
                "e.htm": "<p>okapi</p>",
                "notes.pdf": "capybara",
                "README": "capybara",
            ], in: folder)
            #expect(try Kit.searchIds(["zebra"], index: index) == ["a.txt"])
            #expect(try Kit.searchIds(["quokka"], index: index) == ["sub/b.md"])
            #expect(try Kit.searchIds(["narwhal"], index: index) == ["c.html"])
            #expect(try Kit.searchIds(["okapi"], index: index) == ["e.htm"])
            #expect(try Kit.searchIds(["axolotl"], index: index) == ["j1", "j2"])
            #expect(try Kit.searchIds(["hiddenscript"], index: index).isEmpty, "scripts are not text")
            #expect(try Kit.searchIds(["stylish"], index: index).isEmpty, "styles are not text")
            #expect(try Kit.searchIds(["capybara"], index: index).isEmpty, "other extensions are not read")
            #expect(try Kit.documentCount(index) == 6)

            let json = try Kit.sift(["search", "--index", index, "--format", "json", "-k", "20",
                                     "zebra quokka narwhal pangolin okapi"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let hits = try #require(object["hits"] as? [[String: Any]])
            var titles: [String: String] = [:]
            for hit in hits { titles[hit["id"] as? String ?? "?"] = hit["title"] as? String }
            #expect(titles["a.txt"] == "Alpha title")
            #expect(titles["sub/b.md"] == "Markdown Heading")
            #expect(titles["c.html"] == "Page & Title")
            #expect(titles["j2"] == "J Two")
        }
    }

    @Test("the summary names the documents, files and index")
    func summary() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try SiftProcess.write(["one.txt": "alpha beta", "two.txt": "gamma", "three.md": "# T\n\ndelta"], in: corpus)
            let index = folder.appendingPathComponent("idx").path
            let result = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(result.status == 0)
            #expect(result.stdout.contains("Indexed 3 documents from 3 files into \(index)"), "\(result.stdout)")
            #expect(result.stdout.contains("skipped:  0"))
            #expect(result.stderr.isEmpty, "no warnings: \(result.stderr)")
        }
    }

    @Test("hidden files and folders are skipped")
    func hiddenFiles() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex([
                ".secret.txt": "wombat", ".git/config.txt": "wombat", "sub/.hidden/x.txt": "wombat",
                "sub/.draft.md": "wombat", "visible.txt": "koala",
            ], in: folder)
            #expect(try Kit.searchIds(["wombat"], index: index).isEmpty)
            #expect(try Kit.searchIds(["koala"], index: index) == ["visible.txt"])
            #expect(try Kit.documentCount(index) == 1)
        }
    }

    @Test("--include keeps only matching files; --exclude drops files and folders")
    func includeExclude() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try SiftProcess.write(["keep/a.txt": "common alpha", "drop/b.txt": "common beta", "c.md": "common gamma",
                                   "keep/d.md": "common delta"], in: corpus)
            let included = folder.appendingPathComponent("inc").path
            #expect(try Kit.sift(["index", corpus.path, "--index", included, "--include", "*.txt"]).status == 0)
            #expect(Set(try Kit.searchIds(["common"], index: included)) == ["keep/a.txt", "drop/b.txt"])

            let excluded = folder.appendingPathComponent("exc").path
            #expect(try Kit.sift(["index", corpus.path, "--index", excluded, "--exclude", "drop", "--exclude", "*.md"]).status == 0)
            #expect(try Kit.searchIds(["common"], index: excluded) == ["keep/a.txt"])

            let both = folder.appendingPathComponent("both").path
            #expect(try Kit.sift(["index", corpus.path, "--index", both, "--include", "*.md", "--exclude", "keep"]).status == 0)
            #expect(try Kit.searchIds(["common"], index: both) == ["c.md"])
        }
    }

    @Test("a binary file and a file over --max-file-size are skipped with warnings and counted")
    func skippedFiles() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try SiftProcess.write(["ok.txt": "fine words here", "big.txt": String(repeating: "huge ", count: 600_000)], in: corpus)
            try Kit.write(bytes: Array("binary\u{0}stuff uniqueword".utf8), to: "bin.txt", in: corpus)
            let index = folder.appendingPathComponent("idx").path
            let result = try Kit.sift(["index", corpus.path, "--index", index, "--max-file-size", "4096"])
            #expect(result.status == 0)
            let warnings = result.stderr.split(separator: "\n").filter { $0.contains("warning") }
            #expect(warnings.contains { $0.contains("bin.txt") && $0.contains("binary") }, "stderr: \(result.stderr)")
            #expect(warnings.contains { $0.contains("big.txt") && $0.contains("too large") }, "stderr: \(result.stderr)")
            let skippedLine = result.stdout.split(separator: "\n").first { $0.contains("skipped:") }
            #expect(skippedLine?.contains("2") == true, "stdout: \(result.stdout)")
            #expect(skippedLine?.contains("binary") == true)
            #expect(skippedLine?.contains("too large") == true)
            #expect(result.stdout.contains("Indexed 1 document from 1 file into"), "stdout: \(result.stdout)")
            // MB/s counts the bytes read for documents: ok.txt's 15, not the skipped files' 3 MB.
            #expect(result.stdout.contains("(0.0 MB/s"), "stdout: \(result.stdout)")
            #expect(try Kit.searchIds(["uniqueword"], index: index).isEmpty)
            #expect(try Kit.searchIds(["huge"], index: index).isEmpty)
            #expect(try Kit.searchIds(["fine"], index: index) == ["ok.txt"])
        }
    }

    @Test("a file with invalid UTF-8 is still indexed")
    func invalidUTF8() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try Kit.write(bytes: [0x68, 0x65, 0x6C, 0x6C, 0x6F, 0x20, 0xFF, 0xFE, 0x77, 0x6F, 0x72, 0x6C, 0x64, 0x20, 0xC3, 0x28, 0x20,
                                  0x6D, 0x61, 0x72, 0x6D, 0x6F, 0x74, 0xE2, 0x82],  // hello \xFF\xFEworld \xC3( marmot\xE2\x82
                          to: "bad.txt", in: corpus)
            let index = folder.appendingPathComponent("idx").path
            let result = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(result.status == 0)
            #expect(try Kit.searchIds(["world"], index: index) == ["bad.txt"])
            #expect(try Kit.searchIds(["marmot"], index: index) == ["bad.txt"])
            // Text output shows the snippet with replacement characters, not raw bytes.
            let text = try Kit.sift(["search", "--index", index, "marmot"])
            #expect(text.status == 0)
            #expect(text.stdout.contains("bad.txt"))
        }
    }

    @Test("an empty folder gives exit 0, a warning, and an empty index that answers no hits")
    func emptyFolder() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("empty")
            try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
            let index = folder.appendingPathComponent("idx").path
            let result = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(result.status == 0)
            #expect(result.stderr.contains("warning"), "stderr: \(result.stderr)")
            #expect(result.stdout.contains("Indexed 0 documents"))
            #expect(try Kit.documentCount(index) == 0)
            let search = try Kit.sift(["search", "--index", index, "anything"])
            #expect(search.status == 0, "stderr: \(search.stderr)")
            #expect(search.stdout.contains("No hits"))
            #expect(try Kit.searchIds(["anything"], index: index).isEmpty)
            #expect(try Kit.sift(["check", "--index", index]).status == 0)
        }
    }

    @Test("a missing folder exits 66 naming it, and writes no index")
    func missingFolder() throws {
        try Kit.withFolder { folder in
            let missing = folder.appendingPathComponent("nope").path
            let index = folder.appendingPathComponent("idx").path
            let result = try Kit.sift(["index", missing, "--index", index])
            #expect(result.status == 66)
            #expect(result.stderr.contains(missing), "stderr: \(result.stderr)")
            #expect(result.stderr.hasPrefix("Error:"))
            #expect(!FileManager.default.fileExists(atPath: index + "/manifest"))
        }
    }

    @Test("a file given as the folder exits 66")
    func fileAsFolder() throws {
        try Kit.withFolder { folder in
            try SiftProcess.write(["f.txt": "x"], in: folder)
            let result = try Kit.sift(["index", folder.appendingPathComponent("f.txt").path, "--index", folder.appendingPathComponent("idx").path])
            #expect(result.status == 66)
        }
    }

    @Test("bad arguments exit 64 with one line pointing to the help", arguments: [
        ["index"],
        ["index", ".", "--bogus"],
        ["index", ".", "--unit", "word"],
        ["index", ".", "--max-file-size", "abc"],
        ["index", ".", "--max-file-size", "0"],
        ["index", ".", "--stemmer", "snowball"],
        ["index", ".", "--index"],
    ])
    func usageErrors(arguments: [String]) throws {
        try Kit.withFolder { folder in
            let result = try Kit.sift(arguments, in: folder)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.hasSuffix("(see 'sift index --help')\n"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("index-data/manifest").path))
        }
    }

    @Test("--unit line makes one document per non-blank line, id path#L<n>")
    func unitLine() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(["f.txt": "first alpha\n\nthird beta\n   \nfifth gamma alpha\n"],
                                               in: folder, extra: ["--unit", "line"])
            #expect(try Kit.documentCount(index) == 3)
            #expect(try Kit.searchIds(["beta"], index: index) == ["f.txt#L3"])
            #expect(try Kit.searchIds(["gamma"], index: index) == ["f.txt#L5"])
            #expect(Set(try Kit.searchIds(["alpha"], index: index)) == ["f.txt#L1", "f.txt#L5"])
        }
    }

    @Test("--unit paragraph makes one document per blank-line-separated block, id of its first line")
    func unitParagraph() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(["p.md": "one apple\ntwo pear\n\nthree plum\n\n\nfour fig\nfive kiwi"],
                                               in: folder, extra: ["--unit", "paragraph"])
            #expect(try Kit.documentCount(index) == 3)
            #expect(try Kit.searchIds(["pear"], index: index) == ["p.md#L1"])
            #expect(try Kit.searchIds(["plum"], index: index) == ["p.md#L4"])
            #expect(try Kit.searchIds(["kiwi"], index: index) == ["p.md#L7"])
        }
    }

    @Test("re-indexing an existing index from another folder is refused, and with --allow-deletes replaces it")
    func reindexReplaces() throws {
        try Kit.withFolder { folder in
            let first = folder.appendingPathComponent("first")
            let second = folder.appendingPathComponent("second")
            try SiftProcess.write(["a.txt": "old alpha", "b.txt": "old beta", "c.txt": "old gamma"], in: first)
            try SiftProcess.write(["z.txt": "new zeta"], in: second)
            let index = folder.appendingPathComponent("idx").path
            #expect(try Kit.sift(["index", first.path, "--index", index]).status == 0)
            #expect(try Kit.documentCount(index) == 3)
            let before = try Kit.indexFiles(index)
            let refused = try Kit.sift(["index", second.path, "--index", index])
            #expect(refused.status == 64 && refused.stderr.contains("--allow-deletes"), "\(refused.stdout) \(refused.stderr)")
            #expect(try Kit.indexFiles(index) == before, "a refused update writes nothing")
            #expect(try Kit.sift(["index", second.path, "--index", index, "--allow-deletes"]).status == 0)
            #expect(try Kit.documentCount(index) == 1)
            #expect(try Kit.searchIds(["old"], index: index).isEmpty)
            #expect(try Kit.searchIds(["zeta"], index: index) == ["z.txt"])
            let after = try Kit.indexFiles(index)
            #expect(after.count == 6, "manifest, four segment files and the file table: \(after.keys.sorted())")
            #expect(Set(after.keys).intersection(before.keys) == ["manifest"], "old segment files removed")
            #expect(try Kit.sift(["check", "--index", index]).status == 0)
        }
    }

    @Test("indexing the same folder twice gives byte-identical files")
    func deterministic() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            var files: [String: String] = [:]
            var random = IndexCLIRandom(seed: 7)
            let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "Café", "naïve", "日本"]
            for number in 0..<60 {
                files["dir\(number % 4)/file\(number).txt"] = (0..<random.below(80)).map { _ in words[random.below(words.count)] }.joined(separator: " ")
            }
            files["page.html"] = "<title>T</title><p>alpha &amp; beta</p>"
            files["recs.jsonl"] = #"{"id":"r1","text":"gamma"}"#
            try SiftProcess.write(files, in: corpus)
            let one = folder.appendingPathComponent("one").path
            let two = folder.appendingPathComponent("two").path
            #expect(try Kit.sift(["index", corpus.path, "--index", one]).status == 0)
            #expect(try Kit.sift(["index", corpus.path, "--index", two]).status == 0)
            let a = try Kit.indexFiles(one)
            let b = try Kit.indexFiles(two)
            #expect(a.keys.sorted() == b.keys.sorted())
            #expect(a.count == 6)
            for (name, bytes) in a { #expect(b[name] == bytes, "\(name) differs") }
            // Again into the first folder: the same files, unchanged.
            #expect(try Kit.sift(["index", corpus.path, "--index", one]).status == 0)
            #expect(try Kit.indexFiles(one) == a)
        }
    }

    @Test("index-data/ is exactly what `sift index seeds --unit line` builds")
    func committedIndexData() throws {
        let root = SiftProcess.packageRoot
        let committed = root.appendingPathComponent("index-data")
        // index-data/ is committed with the sources: its absence is a failure, not a skip.
        try #require(FileManager.default.fileExists(atPath: committed.appendingPathComponent("manifest").path),
                     "\(committed.path)/manifest is missing")
        try Kit.withFolder { folder in
            let index = folder.appendingPathComponent("rebuilt").path
            let result = try Kit.sift(["index", "seeds", "--unit", "line", "--index", index], in: root)
            #expect(result.status == 0, "\(result.stderr)")
            let rebuilt = try Kit.indexFiles(index)
            let expected = try Kit.indexFiles(committed.path)
            #expect(rebuilt.keys.sorted() == expected.keys.sorted())
            for (name, bytes) in expected {
                #expect(rebuilt[name] == bytes, "index-data/\(name) differs from a rebuild (rebuild it with the Quick start command)")
            }
        }
    }

    @Test("a second writer fails at once with 74 while the lock is held; after close() it succeeds")
    func lockHeld() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try SiftProcess.write(["a.txt": "locked words"], in: corpus)
            let index = folder.appendingPathComponent("idx").path
            #expect(try Kit.sift(["index", corpus.path, "--index", index]).status == 0)
            let before = try Kit.indexFiles(index)

            let writer = try IndexWriter(path: index)
            let blocked = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(blocked.status == 74)
            #expect(blocked.stderr.contains("lock") || blocked.stderr.contains("another process"), "stderr: \(blocked.stderr)")
            #expect(blocked.stderr.contains(index))
            #expect(try Kit.indexFiles(index) == before, "the failed run changed nothing")
            // Readers are not blocked by the writer.
            #expect(try Kit.searchIds(["locked"], index: index) == ["a.txt"])
            writer.close()

            let after = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(after.status == 0, "stderr: \(after.stderr)")
        }
    }

    @Test("files in the index folder that Sift did not write survive a commit")
    func foreignFilesSurvive() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try SiftProcess.write(["a.txt": "hello"], in: corpus)
            let index = folder.appendingPathComponent("mine")
            try SiftProcess.write(["report.txt": "my data", "seg-notes.txt": "my notes"], in: index)
            #expect(try Kit.sift(["index", corpus.path, "--index", index.path]).status == 0)
            let names = try FileManager.default.contentsOfDirectory(atPath: index.path)
            #expect(names.contains("report.txt"))
            #expect(names.contains("seg-notes.txt"), "not a name Sift ever writes (seg- and 16 hex digits)")
        }
    }

    @Test("several folders: ids are prefixed by each folder's name")
    func severalRoots() throws {
        try Kit.withFolder { folder in
            try SiftProcess.write(["left/a.txt": "shared left", "right/a.txt": "shared right"], in: folder)
            let index = folder.appendingPathComponent("idx").path
            let result = try Kit.sift(["index", folder.appendingPathComponent("left").path,
                                       folder.appendingPathComponent("right").path, "--index", index])
            #expect(result.status == 0)
            #expect(Set(try Kit.searchIds(["shared"], index: index)) == ["left/a.txt", "right/a.txt"])
        }
    }
}

/// SplitMix64 for the CLI tests' generated corpora.
struct IndexCLIRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
