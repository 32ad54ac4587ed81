import Foundation
import Sift
import Testing

@Suite struct SearchCommandTests {
    typealias Kit = IndexCLITestKit

    static let animals: [String: String] = [
        "cats.txt": "Cats\nThe cat sat on the mat. Cats purr. A cat is a small feline.",
        "dogs.txt": "Dogs\nThe dog barked at the cat. Dogs are loyal.",
        "birds.md": "# Birds\n\nBirds fly. A bird sang near the cat and the dog.",
        "fish.txt": "Fish\nFish swim in water, far from any feline.",
        "mixed.txt": "Mixed \"quoted\" title\tand a tab\nCat dog bird fish, all of them together: cat cat.",
        "long.txt": "Long\n" + String(repeating: "filler words without the animal ", count: 40) + "a cat at the end.",
    ]

    /// Builds the animals index in a fresh folder.
    static func withAnimals(_ body: (String) throws -> Void) throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(animals, in: folder)
            try body(index)
        }
    }

    /// The library's answer for the same index and query, for comparing with the CLI.
    static func library(_ index: String, _ query: String, _ options: SearchOptions = SearchOptions(limit: 1000)) throws -> SearchResults {
        try Searcher(reader: try IndexReader(path: index)).search(query, options: options)
    }

    @Test("text output: rank, score, id and title, a marked snippet, and a summary line")
    func textFormat() throws {
        try Self.withAnimals { index in
            let result = try Kit.sift(["search", "--index", index, "cat"])
            #expect(result.status == 0)
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let expected = try Self.library(index, "cat")
            #expect(expected.hits.count == 5)
            #expect(lines.count == expected.hits.count * 2 + 2, "\(result.stdout)")  // last "" after the final newline
            for (index, hit) in expected.hits.enumerated() {
                let head = lines[2 * index]
                let score = String(format: "%.4f", Double(hit.score))
                // Control characters are escaped: the tab of mixed.txt's title shows as \t.
                let title = hit.title.replacingOccurrences(of: "\t", with: "\\t")
                #expect(head == "\(hit.rank). \(score)  \(hit.id)  \(title)", "line \(2 * index)")
                let snippet = lines[2 * index + 1]
                #expect(snippet.hasPrefix("    "))
                #expect(snippet.lowercased().contains("[cat]") || snippet.lowercased().contains("[cats]"), "\(snippet)")
                #expect(!snippet.contains("\u{1B}"), "no terminal escapes when stdout is not a terminal")
            }
            let summary = lines[lines.count - 2]
            #expect(summary.hasPrefix("Hits 1–5 of 5 for 'cat' ("), "\(summary)")
            #expect(summary.hasSuffix(" ms)"))
        }
    }

    @Test("json output parses and carries query, totalHits, tookMicroseconds and hits")
    func jsonFormat() throws {
        try Self.withAnimals { index in
            let result = try Kit.sift(["search", "--index", index, "--format", "json", "-k", "3", "cat", "dog"])
            #expect(result.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["query"] as? String == "cat dog")
            let expected = try Self.library(index, "cat dog")
            #expect(object["totalHits"] as? Int == expected.totalHits)
            let took = try #require(object["tookMicroseconds"] as? Int)
            #expect(took >= 0)
            let hits = try #require(object["hits"] as? [[String: Any]])
            #expect(hits.count == 3)
            for (hit, want) in zip(hits, expected.hits) {
                #expect(Set(hit.keys).isSuperset(of: ["rank", "id", "title", "score", "snippet"]))
                #expect(hit["rank"] as? Int == want.rank)
                #expect(hit["id"] as? String == want.id)
                #expect(hit["title"] as? String == want.title)
                let score = try #require(hit["score"] as? Double)
                #expect(Float(score) == want.score, "JSON scores are full precision")
                let snippet = try #require(hit["snippet"] as? String)
                #expect(snippet.lowercased().contains("cat") || snippet.lowercased().contains("dog"))
                if let highlights = hit["highlights"] as? [[String: Int]] {
                    let bytes = Array(snippet.utf8)
                    for range in highlights {
                        let start = try #require(range["start"]), end = try #require(range["end"])
                        #expect(0 <= start && start < end && end <= bytes.count)
                        let word = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
                        #expect(word.hasPrefix("cat") || word.hasPrefix("dog"), "highlight '\(word)'")
                    }
                }
            }
        }
    }

    @Test("json escapes titles with quotes and tabs")
    func jsonEscaping() throws {
        try Self.withAnimals { index in
            let result = try Kit.sift(["search", "--index", index, "--format", "json", "together"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let hits = try #require(object["hits"] as? [[String: Any]])
            #expect(hits.first?["title"] as? String == "Mixed \"quoted\" title\tand a tab")
        }
    }

    @Test("trec output: one `1 Q0 docid rank score sift` line per hit, scores as the library's")
    func trecFormat() throws {
        try Self.withAnimals { index in
            let result = try Kit.sift(["search", "--index", index, "--format", "trec", "cat", "feline"])
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty)
            let lines = Kit.trec(result.stdout)
            let expected = try Self.library(index, "cat feline", SearchOptions(limit: 10))
            // TREC docids are the ids without their file extension.
            #expect(lines.map(\.id) == expected.hits.map(\.trecDocumentID))
            #expect(lines.map(\.id).contains("cats"))
            #expect(lines.map(\.rank) == Array(1...expected.hits.count))
            #expect(lines.map(\.score) == expected.hits.map(\.score))
            #expect(zip(lines, lines.dropFirst()).allSatisfy { $0.score >= $1.score })
            #expect(result.stdout.hasSuffix("\n"))
            #expect(!result.stdout.contains("Hits"), "no summary line in a TREC run")
        }
    }

    @Test("-k, --top=, and --offset page through the ranking")
    func paging() throws {
        try Self.withAnimals { index in
            let full = try Kit.trec(Kit.sift(["search", "--index", index, "--format", "trec", "cat"]).stdout)
            #expect(full.count == 5)
            let top2 = Kit.trec(try Kit.sift(["search", "--index", index, "--format", "trec", "-k", "2", "cat"]).stdout)
            #expect(top2 == Array(full.prefix(2)))
            let top3 = Kit.trec(try Kit.sift(["search", "--index", index, "--format", "trec", "--top=3", "cat"]).stdout)
            #expect(top3 == Array(full.prefix(3)))
            let page = Kit.trec(try Kit.sift(["search", "--index", index, "--format", "trec", "-k", "2", "--offset", "1", "cat"]).stdout)
            #expect(page == Array(full[1..<3]))
            #expect(page.map(\.rank) == [2, 3])
            let past = try Kit.sift(["search", "--index", index, "--format", "trec", "--offset", "10", "cat"])
            #expect(past.status == 0)
            #expect(past.stdout.isEmpty)
            let none = try Kit.sift(["search", "--index", index, "-k", "0", "cat"])
            #expect(none.status == 0)
            let text = try Kit.sift(["search", "--index", index, "-k", "2", "--offset", "2", "cat"])
            #expect(text.stdout.contains("Hits 3–4 of 5 for 'cat'"), "\(text.stdout)")
        }
    }

    @Test("--k1 and --b change the scores exactly as the library's BM25Parameters", arguments: [
        ("2", "0"), ("0.5", "1"), ("1.2", "0.75"), ("0", "0.3"),
    ])
    func bm25Parameters(k1: String, b: String) throws {
        try Self.withAnimals { index in
            let result = try Kit.sift(["search", "--index", index, "--format", "trec", "--k1", k1, "--b=\(b)", "cat", "feline", "dog"])
            #expect(result.status == 0, "\(result.stderr)")
            let expected = try Self.library(index, "cat feline dog",
                                            SearchOptions(limit: 10, bm25: BM25Parameters(k1: Double(k1)!, b: Double(b)!)))
            let lines = Kit.trec(result.stdout)
            #expect(lines.map(\.id) == expected.hits.map(\.trecDocumentID))
            #expect(lines.map(\.score) == expected.hits.map(\.score))
        }
    }

    @Test("--b 0 and --b 1 rank long and short documents differently")
    func lengthNormalizationMatters() throws {
        try Self.withAnimals { index in
            let flat = Kit.trec(try Kit.sift(["search", "--index", index, "--format", "trec", "--b", "0", "cat"]).stdout)
            let full = Kit.trec(try Kit.sift(["search", "--index", index, "--format", "trec", "--b", "1", "cat"]).stdout)
            let flatScore = try #require(flat.first { $0.id == "long" }?.score)
            let fullScore = try #require(full.first { $0.id == "long" }?.score)
            #expect(fullScore < flatScore, "the long document loses with full length normalization")
        }
    }

    @Test("no index: exit 66 with a hint to run sift index")
    func noIndex() throws {
        try Kit.withFolder { folder in
            let index = folder.appendingPathComponent("none").path
            let result = try Kit.sift(["search", "--index", index, "cat"])
            #expect(result.status == 66)
            #expect(result.stderr.contains("sift index"), "stderr: \(result.stderr)")
            #expect(result.stderr.contains(index))
            #expect(result.stdout.isEmpty)
            // The default index is ./index-data, relative to the working folder.
            let here = try Kit.sift(["search", "cat"], in: folder)
            #expect(here.status == 66)
            #expect(here.stderr.contains("index-data"))
        }
    }

    @Test("bad arguments exit 64", arguments: [
        ["search", "--index", "IDX", ""],
        ["search", "--index", "IDX", "   "],
        ["search", "--index", "IDX"],
        ["search", "--index", "IDX", "--bogus", "cat"],
        ["search", "--index", "IDX", "-k", "abc", "cat"],
        ["search", "--index", "IDX", "-k", "-1", "cat"],
        ["search", "--index", "IDX", "--offset", "x", "cat"],
        ["search", "--index", "IDX", "--b", "2", "cat"],
        ["search", "--index", "IDX", "--b", "-0.5", "cat"],
        ["search", "--index", "IDX", "--k1", "abc", "cat"],
        ["search", "--index", "IDX", "--k1", "nan", "cat"],
        ["search", "--index", "IDX", "--format", "xml", "cat"],
        ["search", "--index", "IDX", "-k"],
    ])
    func usageErrors(arguments: [String]) throws {
        try Self.withAnimals { index in
            let result = try Kit.sift(arguments.map { $0 == "IDX" ? index : $0 })
            #expect(result.status == 64, "\(arguments): status \(result.status), \(result.stderr)")
            #expect(result.stderr.hasPrefix("Error:"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("a query of only stop words: exit 0, no hits, a note on stderr")
    func stopWordsOnly() throws {
        try Self.withAnimals { index in
            let result = try Kit.sift(["search", "--index", index, "the of and"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("No hits"))
            #expect(result.stderr.contains("note:"), "stderr: \(result.stderr)")
            #expect(result.stderr.contains("stop words"))
            let trec = try Kit.sift(["search", "--index", index, "--format", "trec", "the", "of", "and"])
            #expect(trec.status == 0)
            #expect(trec.stdout.isEmpty)
            let json = try Kit.sift(["search", "--index", index, "--format", "json", "the of and"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["totalHits"] as? Int == 0)
            #expect((object["hits"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a word in no document: exit 0 and no hits")
    func noHits() throws {
        try Self.withAnimals { index in
            let result = try Kit.sift(["search", "--index", index, "zeppelin"])
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("No hits for 'zeppelin'"), "\(result.stdout)")
        }
    }

    @Test("the query is analyzed with the index's stored analyzer")
    func storedAnalyzer() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(["a.txt": "the runner runs", "b.txt": "a running start"], in: folder,
                                               extra: ["--stemmer", "none", "--stopwords", "none"])
            #expect(try Kit.searchIds(["the"], index: index) == ["a.txt"], "stop words kept")
            #expect(try Kit.searchIds(["run"], index: index).isEmpty, "no stemming")
            #expect(try Kit.searchIds(["RUNS"], index: index) == ["a.txt"], "case still folds")

            let stemmed = folder.appendingPathComponent("stemmed").path
            #expect(try Kit.sift(["index", folder.appendingPathComponent("corpus").path, "--index", stemmed]).status == 0)
            #expect(Set(try Kit.searchIds(["run"], index: stemmed)) == ["a.txt", "b.txt"])
        }
    }

    @Test("seed corpus: 'Ghani Tajikistan' ranks line 3 first; 'Blinken' line 17")
    func seedCorpus() throws {
        try Kit.withFolder { folder in
            let index = folder.appendingPathComponent("seeds-index").path
            let result = try Kit.sift(["index", "seeds", "--unit", "line", "--index", index], in: SiftProcess.packageRoot)
            #expect(result.status == 0, "\(result.stderr)")
            let ghani = try Kit.searchIds(["Ghani Tajikistan"], index: index)
            #expect(ghani.first == "\(Kit.seedFile)#L3", "\(ghani)")
            let blinken = try Kit.searchIds(["Blinken"], index: index)
            #expect(blinken.first == "\(Kit.seedFile)#L17", "\(blinken)")
            // Every hit of a multi-word query holds at least one of its words.
            for id in ghani {
                let line = try #require(Int(id.split(separator: "L").last ?? ""))
                let text = try String(contentsOf: SiftProcess.packageRoot.appendingPathComponent("seeds/\(Kit.seedFile)"), encoding: .utf8)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines[line - 1].contains("Ghani") || lines[line - 1].contains("Tajikistan"), "\(id)")
            }
        }
    }
}
