import Foundation
import Sift
import Testing

/// TREC runs as the query-language and eval tests read them.
enum QueryCLIKit {
    struct Row: Equatable {
        var query: String
        var id: String
        var rank: Int
        var score: Float
        var tag: String
    }

    /// Parses `qid Q0 docid rank score tag` lines, recording an issue for any other line.
    static func rows(_ output: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Row] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 6, fields[1] == "Q0", let rank = Int(fields[3]), let score = Float(fields[4]) else {
                Issue.record("not a TREC line: '\(line)'", sourceLocation: sourceLocation)
                return nil
            }
            return Row(query: fields[0], id: fields[2], rank: rank, score: score, tag: fields[5])
        }
    }

    /// The TREC rows of one search, 1000 deep.
    static func search(_ query: String, index: String, extra: [String] = [],
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> [Row] {
        let result = try IndexCLITestKit.sift(["search", "--index", index, "--format", "trec", "-k", "1000"] + extra + [query])
        #expect(result.status == 0, "search failed: \(result.stderr)", sourceLocation: sourceLocation)
        return rows(result.stdout, sourceLocation: sourceLocation)
    }
}

/// `sift search` with the query language, on the seed corpus indexed one line per document
/// (`sift index seeds --unit line`): 20 passages of one news article, ids `<file>#L<n>`.
@Suite struct QueryLanguageCLITests {
    typealias Kit = IndexCLITestKit

    /// The TREC docid of seed line `n`: the id without the file's extension.
    static func line(_ n: Int) -> String { "\(Kit.seedFile.replacingOccurrences(of: ".txt", with: ""))#L\(n)" }
    static func lines(_ numbers: [Int]) -> Set<String> { Set(numbers.map(line)) }

    /// Indexes `seeds/` one line per document into a fresh folder; runs `body` with the index path.
    static func withSeedIndex(_ body: (String, URL) throws -> Void) throws {
        try Kit.withFolder { folder throws in
            let index = folder.appendingPathComponent("index").path
            let seeds = SiftProcess.packageRoot.appendingPathComponent("seeds").path
            let result = try Kit.sift(["index", seeds, "--unit", "line", "--index", index])
            try #require(result.status == 0, "sift index failed: \(result.stderr)")
            try body(index, folder)
        }
    }

    /// The ids a query finds (TREC output, 1000 deep).
    static func ids(_ query: String, _ index: String, extra: [String] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        try QueryCLIKit.search(query, index: index, extra: extra, sourceLocation: sourceLocation).map(\.id)
    }

    struct QueryCase: Sendable, CustomTestStringConvertible {
        var query: String
        var extra: [String]
        var expected: [Int]
        var testDescription: String { (extra + [query]).joined(separator: " ") }
        init(_ query: String, _ expected: [Int], extra: [String] = []) {
            self.query = query
            self.expected = expected
            self.extra = extra
        }
    }

    // taliban: lines 1 2 4 9 10 15 16 18; ghani: 1 3 4; biden: 7 8; kabul: 1 6 12 14.
    static let queryCases: [QueryCase] = [
        QueryCase("\"fled the country\"", [1, 4]),
        QueryCase("(taliban OR ghani) AND NOT biden", [1, 2, 3, 4, 9, 10, 15, 16, 18]),
        QueryCase("(taliban OR biden) AND NOT ghani", [2, 7, 8, 9, 10, 15, 16, 18]),
        QueryCase("+taliban -kabul -ghani", [2, 9, 10, 15, 16, 18]),
        QueryCase("tajik*", [3]),
        QueryCase("taliban kabul", [1, 2, 4, 6, 9, 10, 12, 14, 15, 16, 18]),
        QueryCase("taliban kabul", [1], extra: ["--mode", "all"]),
        QueryCase("ghani fled", [1, 4], extra: ["--mode", "all"]),
        QueryCase("ghani OR biden", [1, 3, 4, 7, 8], extra: ["--mode", "all"]),
        // Every line of a file shares the file's title (its first line), which holds "Kabul".
        QueryCase("title:kabul", Array(1...20)),
        QueryCase("title:biden", []),
        QueryCase("+title:kabul +biden", [7, 8]),
        QueryCase("+title:kabul biden", Array(1...20)),
        QueryCase("NOT biden", []),
        // Reversed around the stop word's slot: country at +2, fled at −1 → 3 moves.
        QueryCase("\"country fled\"~2", []),
        QueryCase("\"country fled\"~3", [1, 4]),
        // A phrase left with one word after stop words is that word.
        QueryCase("\"the taliban\"", [1, 2, 4, 9, 10, 15, 16, 18]),
    ]

    @Test("each construct finds the right passages", arguments: queryCases)
    func constructs(_ testCase: QueryCase) throws {
        try Self.withSeedIndex { index, _ throws in
            let found = try Self.ids(testCase.query, index, extra: testCase.extra)
            #expect(Set(found) == Self.lines(testCase.expected))
            #expect(found.count == testCase.expected.count, "no passage twice")
        }
    }

    @Test("\"fled the country\" ranks line 1 above line 4 (shorter line, same phrase frequency)")
    func phraseOrder() throws {
        try Self.withSeedIndex { index, _ throws in
            #expect(try Self.ids("\"fled the country\"", index) == [Self.line(1), Self.line(4)])
        }
    }

    @Test("--explain (text): a sum per hit whose value is the hit's score, then one line per clause")
    func explainText() throws {
        try Self.withSeedIndex { index, _ throws in
            let query = "taliban^2 \"fled the country\""
            let result = try Kit.sift(["search", "--index", index, "-k", "2", "--explain", query])
            #expect(result.status == 0, "\(result.stderr)")
            let trec = try Kit.sift(["search", "--index", index, "-k", "2", "--format", "trec", query])
            let scores = QueryCLIKit.rows(trec.stdout).map(\.score)
            #expect(scores.count == 2)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            let sums = lines.filter { $0.hasSuffix(" = sum of:") }
            #expect(sums.count == 2, "\(result.stdout)")
            for (sum, score) in zip(sums, scores) {
                let value = sum.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
                #expect(Float(value) == score, "\(sum) vs \(score)")
                #expect(sum.hasPrefix("    ") && !sum.hasPrefix("     "))
            }
            let leaves = lines.filter { $0.contains(" tf=") }
            #expect(leaves.count == 4, "\(result.stdout)")
            #expect(leaves.filter { $0.contains("  taliban  tf=1 df=8 N=20 idf=") && $0.hasSuffix("k1=1.2 b=0.75 boost=2.0") }.count == 2)
            #expect(leaves.filter { $0.contains("  \"fled the country\"  tf=1 N=20 idf=") && $0.hasSuffix("boost=1.0") }.count == 2)
            #expect(leaves.allSatisfy { $0.hasPrefix("      ") }, "leaves indented under their sum")
            // The lines of hit 1: 15 indexed words, mean 14.90.
            #expect(leaves[0].contains("len=15 avgLen=14.90"))
        }
    }

    @Test("--explain --format json: a nested explanation object per hit")
    func explainJSON() throws {
        try Self.withSeedIndex { index, _ throws in
            let result = try Kit.sift(["search", "--index", index, "-k", "3", "--explain", "--format", "json",
                                       "(taliban OR ghani) AND NOT biden \"fled the country\""])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let hits = try #require(object["hits"] as? [[String: Any]])
            #expect(hits.count == 3)
            for hit in hits {
                let explanation = try #require(hit["explanation"] as? [String: Any])
                #expect(explanation["type"] as? String == "sum")
                let score = try #require(hit["score"] as? Double)
                #expect(Float(try #require(explanation["value"] as? Double)) == Float(score))
                try Self.checkNode(explanation)
            }
            // Hit 1 (line 1): [sum [sum [taliban, ghani]], phrase].
            let first = try #require(hits[0]["explanation"] as? [String: Any])
            let clauses = try #require(first["clauses"] as? [[String: Any]])
            #expect(clauses.map { $0["type"] as? String } == ["sum", "phrase"])
            let phrase = clauses[1]
            #expect(phrase["text"] as? String == "fled the country")
            #expect(phrase["df"] == nil, "a phrase has no df")
            #expect(phrase["N"] as? Int == 20)
            let group = try #require(clauses[0]["clauses"] as? [[String: Any]])
            let inner = try #require(group.first?["clauses"] as? [[String: Any]])
            #expect(inner.map { $0["text"] as? String } == ["taliban", "ghani"])
            #expect(inner.map { $0["df"] as? Int } == [8, 3])
        }
    }

    /// Sums add their clauses (in Float, in order); leaves carry every statistic.
    static func checkNode(_ node: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let value = Float(try #require(node["value"] as? Double, sourceLocation: sourceLocation))
        switch node["type"] as? String {
        case "sum":
            let clauses = try #require(node["clauses"] as? [[String: Any]], sourceLocation: sourceLocation)
            var total: Float = 0
            for clause in clauses {
                total += Float(try #require(clause["value"] as? Double, sourceLocation: sourceLocation))
                try checkNode(clause, sourceLocation: sourceLocation)
            }
            #expect(total == value, sourceLocation: sourceLocation)
        case "term", "phrase":
            for key in ["field", "text", "tf", "N", "idf", "length", "averageLength", "k1", "b", "boost"] {
                #expect(node[key] != nil, "missing \(key)", sourceLocation: sourceLocation)
            }
            #expect((node["df"] != nil) == (node["type"] as? String == "term"), sourceLocation: sourceLocation)
        default:
            Issue.record("unknown node type \(node["type"] ?? "nil")", sourceLocation: sourceLocation)
        }
    }

    struct SyntaxCase: Sendable, CustomTestStringConvertible {
        var query: String
        var message: String
        var testDescription: String { query }
    }

    static let syntaxCases = [
        SyntaxCase(query: "kabul \"fled the", message: "unclosed quote at column 7"),
        SyntaxCase(query: "\"unclosed quote", message: "unclosed quote at column 1"),
        SyntaxCase(query: "(taliban OR ghani", message: "unclosed parenthesis at column 1"),
        SyntaxCase(query: "taliban AND", message: "AND needs a clause after it at column 9"),
        SyntaxCase(query: "\"a b\"~x", message: "'~' needs a whole number of moves at column 6"),
        SyntaxCase(query: "kabul~2", message: "'~' (fuzzy matching) is only supported after a phrase at column 6"),
    ]

    @Test("a syntax error exits 64 with 'Error: <problem> at column N' and prints no hits", arguments: syntaxCases)
    func syntaxError(_ testCase: SyntaxCase) throws {
        try Self.withSeedIndex { index, _ throws in
            let result = try Kit.sift(["search", "--index", index, testCase.query])
            #expect(result.status == 64)
            #expect(result.stderr.hasPrefix("Error: \(testCase.message)\n"), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("--syntax plain reads operators and quotes as words")
    func plainSyntax() throws {
        try Self.withSeedIndex { index, _ throws in
            #expect(try Self.ids("(taliban \"kabul", index, extra: ["--syntax", "plain"]) == (try Self.ids("taliban kabul", index)))
            #expect(try Self.ids("taliban -ghani", index, extra: ["--syntax", "plain"]) == (try Self.ids("taliban ghani", index)))
            // The query language reads the same text as an exclusion.
            #expect(Set(try Self.ids("taliban -ghani", index)) == Self.lines([2, 9, 10, 15, 16, 18]))
        }
    }

    @Test("--max-expansions: a prefix cut to its most frequent terms, with a note on stderr and in JSON")
    func maxExpansions() throws {
        try Self.withSeedIndex { index, _ throws in
            let cut = try Kit.sift(["search", "--index", index, "--format", "trec", "-k", "1000", "--max-expansions", "1", "afghan*"])
            #expect(cut.status == 0)
            #expect(cut.stderr.contains("note: prefix 'afghan*' matches"), "\(cut.stderr)")
            #expect(cut.stderr.contains("searched the 1 most frequent"), "\(cut.stderr)")
            // afghanistan (lines 1 4 5 9 15 16 17 20) is more frequent than afghans (line 2).
            #expect(Set(QueryCLIKit.rows(cut.stdout).map(\.id)) == Self.lines([1, 4, 5, 9, 15, 16, 17, 20]))
            let full = try Self.ids("afghan*", index)
            #expect(Set(full) == Self.lines([1, 2, 4, 5, 9, 15, 16, 17, 20]))
            let json = try Kit.sift(["search", "--index", index, "--format", "json", "--max-expansions", "1", "afghan*"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let notes = try #require(object["notes"] as? [String])
            #expect(notes.count == 1 && notes[0].contains("afghan*"))
        }
    }

    static let batch = "q1\t\"fled the country\"\nq2\t(taliban OR ghani) AND NOT biden\n\nq3\tzzzunknown\nq4\ttajik*\n"

    @Test("--queries FILE.tsv: text output has one block per query")
    func batchText() throws {
        try Self.withSeedIndex { index, folder throws in
            let file = folder.appendingPathComponent("queries.tsv")
            try Data(Self.batch.utf8).write(to: file)
            let result = try Kit.sift(["search", "--index", index, "--queries", file.path, "--syntax", "query", "-k", "2"])
            #expect(result.status == 0, "\(result.stderr)")
            let headers = result.stdout.split(separator: "\n").filter { $0.hasPrefix("Query ") }
            #expect(headers == ["Query q1: \"fled the country\"", "Query q2: (taliban OR ghani) AND NOT biden",
                                "Query q3: zzzunknown", "Query q4: tajik*"])
            #expect(result.stdout.contains("Hits 1–2 of 2 for '\"fled the country\"'"))
            #expect(result.stdout.contains("No hits for 'zzzunknown'"))
            #expect(result.stdout.contains("Hits 1–1 of 1 for 'tajik*'"))
        }
    }

    @Test("--queries FILE.tsv: JSON is one document with a result per query")
    func batchJSON() throws {
        try Self.withSeedIndex { index, folder throws in
            let file = folder.appendingPathComponent("queries.tsv")
            try Data(Self.batch.utf8).write(to: file)
            let result = try Kit.sift(["search", "--index", index, "--queries", file.path, "--syntax", "query", "--format", "json", "-k", "1000"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let results = try #require(object["results"] as? [[String: Any]])
            #expect(results.map { $0["id"] as? String } == ["q1", "q2", "q3", "q4"])
            #expect(results.map { $0["query"] as? String } == ["\"fled the country\"", "(taliban OR ghani) AND NOT biden", "zzzunknown", "tajik*"])
            #expect(results.map { $0["totalHits"] as? Int } == [2, 9, 0, 1])
            let q1 = try #require(results[0]["hits"] as? [[String: Any]])
            #expect(q1.map { $0["id"] as? String } == ["\(Kit.seedFile)#L1", "\(Kit.seedFile)#L4"])  // JSON keeps full ids
        }
    }

    @Test("--format trec -k 1000 --run-tag: 'qid Q0 docid rank score tag' lines, ranks 1…n, scores non-increasing")
    func batchTrec() throws {
        try Self.withSeedIndex { index, folder throws in
            let file = folder.appendingPathComponent("queries.tsv")
            try Data(Self.batch.utf8).write(to: file)
            let result = try Kit.sift(["search", "--index", index, "--queries", file.path, "--syntax", "query", "--format", "trec", "-k", "1000", "--run-tag", "mytag"])
            #expect(result.status == 0, "\(result.stderr)")
            var byQuery: [String: [(id: String, rank: Int, score: Float)]] = [:]
            var order: [String] = []
            for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                guard fields.count == 6, fields[1] == "Q0", fields[5] == "mytag", let rank = Int(fields[3]), let score = Float(fields[4]) else {
                    Issue.record("not a TREC line: '\(line)'")
                    continue
                }
                if byQuery[fields[0]] == nil { order.append(fields[0]) }
                byQuery[fields[0], default: []].append((fields[2], rank, score))
            }
            #expect(result.stdout.hasSuffix("\n"))
            #expect(order == ["q1", "q2", "q4"], "a query without hits writes no line")
            #expect(byQuery["q2"]?.count == 9)
            for (query, rows) in byQuery {
                #expect(rows.map(\.rank) == Array(1...rows.count), "\(query)")
                for (earlier, later) in zip(rows, rows.dropFirst()) { #expect(earlier.score >= later.score, "\(query)") }
            }
            #expect(byQuery["q1"]?.map(\.id) == [Self.line(1), Self.line(4)])
            // The same as single searches.
            let single = try Kit.sift(["search", "--index", index, "--format", "trec", "-k", "1000", "(taliban OR ghani) AND NOT biden"])
            #expect(QueryCLIKit.rows(single.stdout).map(\.id) == byQuery["q2"]?.map(\.id))
            #expect(QueryCLIKit.rows(single.stdout).map(\.score) == byQuery["q2"]?.map(\.score))
        }
    }

    @Test("--queries with a syntax error names the query and exits 65")
    func batchSyntaxError() throws {
        try Self.withSeedIndex { index, folder throws in
            let file = folder.appendingPathComponent("bad.tsv")
            try Data("q1\ttaliban\nq2\t\"fled the\n".utf8).write(to: file)
            let result = try Kit.sift(["search", "--index", index, "--queries", file.path, "--syntax", "query", "--format", "trec"])
            #expect(result.status == 65)
            #expect(result.stderr.contains("Error: query q2: unclosed quote at column 1"), "\(result.stderr)")
        }
    }

    @Test("--queries: a file with CRLF line ends runs each line as its own query")
    func batchCRLF() throws {
        try Self.withSeedIndex { index, folder throws in
            // Expected: q1 finds the taliban lines, q2 the kabul lines. Actual: one query "q1"
            // whose text is "taliban\r\nq2\tkabul" (a search for taliban, q2 and kabul).
            let file = folder.appendingPathComponent("crlf.tsv")
            try Data("q1\ttaliban\r\nq2\tkabul\r\n".utf8).write(to: file)
            let result = try Kit.sift(["search", "--index", index, "--queries", file.path, "--syntax", "query", "--format", "trec", "-k", "1000"])
            #expect(result.status == 0)
            let qids = Set(result.stdout.split(separator: "\n").map { $0.split(separator: " ")[0] })
            #expect(qids == ["q1", "q2"])
        }
    }
}
