import Foundation
import Testing

/// Metadata end to end through the `sift` binary: JSON Lines fields and Markdown front matter
/// in, filters in the query and in `--filter`, metadata out in text, JSON and `sift show`.
@Suite struct MetadataCommandTests {
    typealias Kit = IndexCLITestKit

    static let files = [
        "news.jsonl": """
            {"id": "n1", "title": "Oil falls", "text": "Oil prices fell on a mild winter.", "category": "business", "date": "2005-01-12", "words": 7}
            {"id": "n2", "title": "Oil and chips", "text": "Chip makers worry about oil prices.", "category": "tech", "date": "2005-07-01", "words": 6}
            {"id": "n3", "title": "Cup final", "text": "The cup final was played in the rain.", "category": "sport", "date": "2004-12-30", "words": 8, "tags": ["cup", "rain"]}
            """,
        "post.md": """
            ---
            title: Oil on canvas
            category: "art"
            date: 2005-03-04
            tags: [paint, oil]
            ---
            # A heading in the body

            Working with oil needs patience.
            """,
        "plain.txt": "Plain\nOil lamps, no metadata at all.",
    ]

    @Test("filters restrict hits and keep their scores; metadata shows in text, JSON and sift show")
    func endToEnd() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(Self.files, in: folder)
            #expect(try Kit.searchIds(["oil"], index: index).sorted() == ["n1", "n2", "plain.txt", "post.md"])
            #expect(try Kit.searchIds(["oil", "category:tech"], index: index) == ["n2"])
            #expect(try Kit.searchIds(["oil", "date:2005-01..2005-06"], index: index).sorted() == ["n1", "post.md"])
            #expect(try Kit.searchIds(["oil -category:business -category:tech"], index: index).sorted() == ["plain.txt", "post.md"])
            #expect(try Kit.searchIds(["oil", "category:*"], index: index).sorted() == ["n1", "n2", "post.md"])
            #expect(try Kit.searchIds(["oil", "words:6..7"], index: index).sorted() == ["n1", "n2"])
            #expect(try Kit.searchIds(["category:(sport OR art)"], index: index).sorted() == ["n3", "post.md"])
            // Lists (a JSON Lines array, a front matter list) match item by item.
            #expect(try Kit.searchIds(["tags:rain"], index: index) == ["n3"])
            #expect(try Kit.searchIds(["oil", "tags:oil"], index: index) == ["post.md"])
            // Front matter is not text: its words are not searched.
            #expect(try Kit.searchIds(["paint"], index: index) == [])
            #expect(try Kit.searchIds(["title:canvas"], index: index) == ["post.md"])

            // Scores are the unfiltered ones.
            let all = try Kit.sift(["search", "--index", index, "--format", "trec", "oil"])
            let filtered = try Kit.sift(["search", "--index", index, "--format", "trec", "oil", "category:tech"])
            let line = filtered.stdout.split(separator: "\n").first.map { $0.split(separator: " ") }
            #expect(line != nil && all.stdout.split(separator: "\n").contains { $0.split(separator: " ")[2] == line![2] && $0.split(separator: " ")[4] == line![4] })

            let text = try Kit.sift(["search", "--index", index, "--color", "never", "oil", "category:tech"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("    category: tech · date: 2005-07-01 · words: 6\n"), "\(text.stdout)")

            let json = try Kit.sift(["search", "--index", index, "--format", "json", "oil", "category:art"])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let hit = (object?["hits"] as? [[String: Any]])?.first
            #expect(hit?["metadata"] as? [String: String] == ["category": "art", "date": "2005-03-04", "tags": #"["paint","oil"]"#])
            #expect(hit?["title"] as? String == "Oil on canvas")

            let show = try Kit.sift(["show", "--index", index, "n3"])
            #expect(show.stdout.contains("category: sport\ndate: 2004-12-30\ntags: [\"cup\",\"rain\"]\nwords: 8\n"), "\(show.stdout)")
            let stats = try Kit.sift(["stats", "--index", index])
            #expect(stats.stdout.contains("metadata:         category (4 documents, 4 values), date (4 documents, 4 values), tags (2 documents, 4 values), words (3 documents, 3 values)\n"), "\(stats.stdout)")
            let showJSON = try Kit.sift(["show", "--index", index, "--format", "json", "n1"])
            let shown = try JSONSerialization.jsonObject(with: Data(showJSON.stdout.utf8)) as? [String: Any]
            #expect(shown?["metadata"] as? [String: String] == ["category": "business", "date": "2005-01-12", "words": "7"])
        }
    }

    @Test("--filter applies to every query of a file and to plain syntax; a note names a field no document has")
    func filterOption() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(Self.files, in: folder)
            let queries = folder.appendingPathComponent("q.tsv")
            try Data("1\toil prices\n2\tcup rain oil\n".utf8).write(to: queries)
            let run = try Kit.sift(["search", "--index", index, "--queries", queries.path, "--format", "trec", "--filter", "category:tech OR category:sport"])
            #expect(run.status == 0, "\(run.stderr)")
            let ids = run.stdout.split(separator: "\n").map { $0.split(separator: " ")[2] }
            #expect(Set(ids) == ["n2", "n3"], "\(run.stdout)")
            let note = try Kit.sift(["search", "--index", index, "oil", "categroy:tech"])
            #expect(note.status == 0)
            #expect(note.stderr.contains("no document has the metadata field 'categroy'"), "\(note.stderr)")
        }
    }

    @Test("bad filters are usage errors (64) in one line", arguments: [
        (["oil", "--filter", "oil"], "Error: --filter 'oil': only filters (name:value) here, not search words"),
        (["oil", "--filter", "date:.."], "Error: --filter 'date:..': 'date:..' needs a bound on at least one side"),
        (["oil (cup OR category:tech)"], "Error: the filter on 'category' is inside a group of search words"),
    ])
    func badFilters(arguments: [String], message: String) throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(Self.files, in: folder)
            let result = try Kit.sift(["search", "--index", index] + arguments)
            #expect(result.status == 64, "\(result.stdout) \(result.stderr)")
            #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        }
    }

    @Test("an over-long metadata value skips the JSON Lines record with the reason; the others are indexed")
    func overLongValue() throws {
        try Kit.withFolder { folder in
            var files = Self.files
            files["big.jsonl"] = "{\"id\": \"big\", \"text\": \"oil\", \"note\": \"\(String(repeating: "x", count: 70_000))\"}\n"
            let corpus = folder.appendingPathComponent("corpus")
            for (name, text) in files {
                try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: corpus.appendingPathComponent(name))
            }
            let index = folder.appendingPathComponent("index").path
            let result = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("big.jsonl") && result.stderr.contains("\"note\""), "\(result.stderr)")
            #expect(try Kit.searchIds(["oil"], index: index).contains("n1"))
            #expect(!(try Kit.searchIds(["oil"], index: index).contains("big")))
        }
    }
}
