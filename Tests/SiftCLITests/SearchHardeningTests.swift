import Foundation
import Sift
import SiftTestSupport
import Testing

/// What `sift search` does with hostile or unusual input: no query crashes it or costs without
/// bound, odd file names and control characters cannot break its output, and what it prints is
/// true.
@Suite struct SearchHardeningTests {
    typealias Kit = IndexCLITestKit

    static func withIndex(_ files: [String: String], extra: [String] = [], _ body: (String, URL) throws -> Void) throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(files, in: folder, extra: extra)
            try body(index, folder)
        }
    }

    static let news = ["a.txt": "Chelsea\nChelsea beat Arsenal at home.", "b.txt": "Arsenal\nArsenal lost to Chelsea.",
                       "c.txt": "Kabul\nThe Taliban entered Kabul."]

    // MARK: - Item 1: nesting

    static let deep = String(repeating: "(", count: 10_000) + "chelsea" + String(repeating: ")", count: 10_000)

    @Test("10,000 nested parentheses: exit 64 naming the limit, as a query, in --queries and in sift eval")
    func deepNesting() throws {
        try Self.withIndex(Self.news) { index, folder in
            let search = try Kit.sift(["search", "--index", index, Self.deep])
            #expect(search.status == 64, "\(search.status) \(search.stderr.prefix(200))")
            #expect(search.stderr == "Error: query nesting deeper than 100 at column 101\n")

            let queries = folder.appendingPathComponent("q.tsv")
            try Data("deep\t\(Self.deep)\nok\tchelsea\n".utf8).write(to: queries)
            let batch = try Kit.sift(["search", "--index", index, "--syntax", "query", "--queries", queries.path, "--format", "trec"])
            #expect(batch.status == 65, "\(batch.status)")
            #expect(batch.stderr.contains("Error: query deep: query nesting deeper than 100 at column 101\n"), "\(batch.stderr.prefix(300))")
            #expect(batch.stdout.contains("ok Q0 a 1 "), "the other query still ran: \(batch.stdout)")

            let qrels = folder.appendingPathComponent("qrels.txt")
            try Data("ok 0 a 1\ndeep 0 a 1\n".utf8).write(to: qrels)
            let eval = try Kit.sift(["eval", "--index", index, "--syntax", "query", "--queries", queries.path, "--qrels", qrels.path])
            #expect(eval.status == 65, "\(eval.status)")
            #expect(eval.stderr.contains("query nesting deeper than 100"))
        }
    }

    // MARK: - Item 2: cost

    @Test("a 1 MB query is refused at once with the byte limit; 1025 clauses with the clause limit and the option that raises it")
    func queryCost() throws {
        try Self.withIndex(Self.news) { index, folder in
            let words = ["chelsea", "arsenal", "kabul", "taliban", "home", "lost"]
            var big = ""
            var number = 0
            while big.utf8.count < 1_000_000 {
                big += number % 26 == 0 ? "\"chelsea beat arsenal\" " : words[number % words.count] + " "
                number += 1
            }
            let queries = folder.appendingPathComponent("big.tsv")
            try Data("big\t\(big)\n".utf8).write(to: queries)
            let refused = try Kit.sift(["search", "--index", index, "--syntax", "query", "--queries", queries.path])
            #expect(refused.status == 65)
            #expect(refused.stderr.contains("is longer than the limit of 65536 bytes"), "\(refused.stderr)")

            let many = (0..<1025).map { words[$0 % words.count] }.joined(separator: " ")
            let tooMany = try Kit.sift(["search", "--index", index, many])
            #expect(tooMany.status == 64)
            #expect(tooMany.stderr == "Error: query has more than 1024 clauses (terms, phrase words and prefix expansions together); raise --max-clauses or lower --max-expansions\n")
            #expect(try Kit.sift(["search", "--index", index, "--max-clauses", "2000", many]).status == 0)
            #expect(try Kit.sift(["search", "--index", index, "--max-clauses", "3", "chelsea arsenal kabul taliban"]).status == 64)
        }
    }

    // MARK: - Item 3: names and control characters

    @Test("file names with a space, a tab or a newline keep TREC lines at six fields and text lines whole")
    func oddFileNames() throws {
        try Self.withIndex(["with space.txt": "Spaced\nzebra one", "tab\there.txt": "Tabbed\nzebra two",
                            "new\nline.txt": "Lined\nzebra three", "plain.txt": "Plain\nzebra four"]) { index, folder in
            let trec = try Kit.sift(["search", "--index", index, "--format", "trec", "zebra"])
            #expect(trec.status == 0)
            let lines = trec.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == 4, "\(trec.stdout)")
            let ids = Set(lines.map { line in
                let fields = line.split(separator: " ", omittingEmptySubsequences: false)
                #expect(fields.count == 6, "\(line)")
                #expect(!line.contains("\t"))
                return fields.count > 2 ? String(fields[2]) : ""
            })
            #expect(ids == ["with%20space", "tab%09here", "new%0Aline", "plain"])

            let text = try Kit.sift(["search", "--index", index, "zebra"])
            #expect(text.stdout.contains("tab\\there.txt"), "\(text.stdout)")
            #expect(text.stdout.contains("new\\nline.txt"))
            #expect(!text.stdout.contains("\t"))
            // Four hits: two lines each, and the summary.
            #expect(text.stdout.split(separator: "\n").count == 9, "\(text.stdout)")

            // A query id with white space, in TREC output.
            let queries = folder.appendingPathComponent("q.tsv")
            try Data("query one\tzebra\n".utf8).write(to: queries)
            let batch = try Kit.sift(["search", "--index", index, "--queries", queries.path, "--format", "trec", "-k", "1"])
            #expect(batch.stdout.hasPrefix("query%20one Q0 "), "\(batch.stdout)")
            #expect(batch.stdout.split(separator: " ").count == 6)
        }
    }

    @Test("escape sequences, BEL and bidi overrides from documents and queries are shown, not obeyed")
    func controlCharacters() throws {
        let title = "Evil \u{1B}[31mred\u{1B}[0m \u{07}bell \u{202E}txt.exe"
        try Self.withIndex(["evil.txt": title + "\nquokka \u{1B}]0;pwned\u{07} quokka \u{9B}2J"]) { index, _ in
            for arguments in [["quokka"], ["--color", "always", "quokka"], ["quokka\u{1B}[2J"]] {
                let result = try Kit.sift(["search", "--index", index] + arguments)
                #expect(result.status == 0)
                let controls = result.stdout.unicodeScalars.filter {
                    ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}"
                }
                // Only the bold of --color always is an escape sequence.
                let allowed = arguments.contains("always") ? controls.allSatisfy { $0 == "\u{1B}" } : controls.isEmpty
                #expect(allowed, "\(arguments): \(result.stdout.debugDescription)")
                #expect(result.stdout.contains("Evil \\u{1B}[31mred\\u{1B}[0m \\u{7}bell \\u{202E}txt.exe"), "\(result.stdout.debugDescription)")
            }
            let show = try Kit.sift(["show", "--index", index, "evil.txt"])
            #expect(!show.stdout.unicodeScalars.contains("\u{1B}") && !show.stdout.unicodeScalars.contains("\u{07}"))
            let json = try Kit.sift(["search", "--index", index, "--format", "json", "quokka"])
            #expect(json.stdout.contains("\\u001b"), "JSON escapes control characters its own way")
        }
    }

    // MARK: - Item 5: what is printed is true

    @Test("-k 0 --count and an offset past the hits say how many matched, not 'No hits'")
    func countsWithoutHits() throws {
        try Self.withIndex(Self.news) { index, _ in
            let counted = try Kit.sift(["search", "--index", index, "-k", "0", "--count", "chelsea"])
            #expect(counted.stdout.hasPrefix("2 hits for 'chelsea', none shown (-k 0) ("), "\(counted.stdout)")
            let paged = try Kit.sift(["search", "--index", index, "--offset", "69", "chelsea"])
            #expect(paged.stdout.hasPrefix("2 hits for 'chelsea', none after --offset 69 ("), "\(paged.stdout)")
            let one = try Kit.sift(["search", "--index", index, "--offset", "5", "kabul"])
            #expect(one.stdout.hasPrefix("1 hit for 'kabul', none after --offset 5 ("), "\(one.stdout)")
            let none = try Kit.sift(["search", "--index", index, "zeppelin"])
            #expect(none.stdout.hasPrefix("No hits for 'zeppelin' ("))
        }
    }

    @Test("misread queries are errors (64), one line each", arguments: [
        ("arsenal +-chelsea", "Error: '+-': give one '+' or '-' per clause at column 9\n"),
        ("title:", "Error: 'title:' needs a clause right after it at column 1\n"),
        ("kabul (chelsea OR category:tech)", "Error: the filter on 'category' is inside a group of search words; filters restrict the whole query: put them at the top level, or group them only with other filters at column 19\n"),
        ("category:..", "Error: 'category:..' needs a bound on at least one side at column 10\n"),
        ("\"chel* beat\"", "Error: '*' inside a phrase: prefixes work outside phrases only (\\* is a literal star) at column 6\n"),
        ("**", "Error: a prefix needs a letter or digit before '*' at column 1\n"),
        ("\"a b\"~4000000000", "Error: '~' allows at most 1000000 moves, not 4000000000 at column 6\n"),
        ("\"a b\"^2~3", "Error: '~' goes before '^': write \"…\"~N^B at column 8\n"),
        ("(chelsea", "Error: unclosed parenthesis at column 1\n"),
    ])
    func misreadQueries(query: String, expected: String) throws {
        try Self.withIndex(Self.news) { index, _ in
            let result = try Kit.sift(["search", "--index", index, query])
            #expect(result.status == 64)
            #expect(result.stderr == expected)
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("notes say what happened: no words, a word too long, invalid UTF-8, stop words")
    func notes() throws {
        try Self.withIndex(Self.news) { index, folder in
            func note(_ query: [UInt8]) throws -> String {
                // Through a query file, so the bytes reach sift as they are.
                let file = folder.appendingPathComponent("n.tsv")
                try Data(Array("n\t".utf8) + query + [0x0A]).write(to: file)
                let result = try Kit.sift(["search", "--index", index, "--syntax", "query", "--queries", file.path])
                #expect(result.status == 0, "\(result.stderr)")
                return result.stderr
            }
            let backslash = try note(Array("\\".utf8))
            #expect(backslash == "note: query n: the query has no words (letters or digits) to search for\n")
            let invalid = try note([0xFF, 0xFE])
            #expect(invalid.contains("not valid UTF-8"))
            let long = try note(Array(repeating: UInt8(ascii: "a"), count: 300))
            #expect(long == "note: query n: a word of 300 bytes was left out: words longer than 255 bytes are not indexed\n")
            let stopWords = try note(Array("the of".utf8))
            #expect(stopWords == "note: query n: the query has only stop words, which are not indexed\n")
        }
    }

    @Test("every error is one line", arguments: [["search", "--bogus"], ["search"], ["search", "-k", "x", "a"], ["nosuch"], [],
                                                 ["search", "--color", "sometimes", "a"], ["show"], ["list", "--limit", "0"]])
    func oneLineErrors(arguments: [String]) throws {
        let result = try Kit.sift(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: "))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    }

    // MARK: - Item 7: what a user expects

    @Test("passages are grouped under their article, the passage shown once, the title not repeated")
    func passages() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(["news.txt": "Ghani flees Kabul\nGhani left for Tajikistan.\nThe Taliban took Kabul.\nGhani spoke.",
                                                "other.txt": "Other\nGhani was mentioned."], in: folder, extra: ["--unit", "line"])
            let result = try Kit.sift(["search", "--index", index, "ghani"])
            let lines = result.stdout.split(separator: "\n").map(String.init)
            // Headings: one per run of hits from one article; each hit line: rank, score, #Ln, passage.
            let headings = lines.filter { !$0.hasPrefix("  ") && !$0.hasPrefix("Hits") }
            #expect(headings.allSatisfy { $0.hasPrefix("news.txt  Ghani flees Kabul") || $0.hasPrefix("other.txt  Other") }, "\(result.stdout)")
            #expect(headings.count <= 3, "\(result.stdout)")
            let hits = lines.filter { $0.hasPrefix("  ") }
            #expect(hits.count == 4, "\(result.stdout)")
            #expect(hits.contains { $0.hasSuffix("#L2  [Ghani] left for Tajikistan.") }, "\(result.stdout)")
            #expect(!result.stdout.contains("Ghani flees Kabul  [Ghani]"))

            // title: for passages: every passage of an article whose title matches, equal scores.
            let title = try Kit.sift(["search", "--index", index, "--format", "json", "title:kabul"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(title.stdout.utf8)) as? [String: Any])
            let scores = (object["hits"] as? [[String: Any]] ?? []).compactMap { $0["score"] as? Double }
            #expect(scores.count == 4 && Set(scores).count == 1, "\(title.stdout)")
        }
    }

    @Test("a whole file's snippet does not repeat its title line")
    func wholeFileSnippet() throws {
        try Self.withIndex(Self.news) { index, _ in
            let result = try Kit.sift(["search", "--index", index, "kabul"])
            #expect(result.stdout.contains("1. ") && result.stdout.contains("  c.txt  Kabul\n    The Taliban entered [Kabul].\n"), "\(result.stdout)")
        }
    }

    @Test("sift show prints a document (text and JSON); a file of passages shows every passage; an unknown id exits 66")
    func show() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(["a.txt": "Alpha\nfirst line\n\nsecond\tpart"], in: folder)
            let text = try Kit.sift(["show", "--index", index, "a.txt"])
            #expect(text.status == 0)
            #expect(text.stdout == "id:     a.txt\ntitle:  Alpha\n\nAlpha\nfirst line\n\nsecond\tpart\n")
            let json = try Kit.sift(["show", "--index", index, "--format", "json", "a.txt"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["id"] as? String == "a.txt" && object["title"] as? String == "Alpha")
            #expect(object["text"] as? String == "Alpha\nfirst line\n\nsecond\tpart")
            let missing = try Kit.sift(["show", "--index", index, "b.txt"])
            #expect(missing.status == 66)
            #expect(missing.stderr.contains("no document 'b.txt'"))

            let lines = folder.appendingPathComponent("lines").path
            #expect(try Kit.sift(["index", folder.appendingPathComponent("corpus").path, "--unit", "line", "--index", lines]).status == 0)
            let article = try Kit.sift(["show", "--index", lines, "a.txt"])
            #expect(article.stdout == "id:     a.txt (3 passages)\ntitle:  Alpha\n\n#L1  Alpha\n\n#L2  first line\n\n#L4  second\tpart\n", "\(article.stdout)")
            let passage = try Kit.sift(["show", "--index", lines, "--format", "json", "a.txt#L2"])
            #expect(passage.stdout.contains("\"text\":\"first line\""))
        }
    }

    @Test("sift list pages through ids and titles")
    func list() throws {
        try Self.withIndex(Self.news) { index, _ in
            let all = try Kit.sift(["list", "--index", index])
            #expect(all.stdout == "a.txt  Chelsea\nb.txt  Arsenal\nc.txt  Kabul\nDocuments 1–3 of 3\n")
            let page = try Kit.sift(["list", "--index", index, "--offset", "1", "--limit", "1"])
            #expect(page.stdout == "b.txt  Arsenal\nDocuments 2–2 of 3 (--offset 2 for more)\n")
            let past = try Kit.sift(["list", "--index", index, "--offset", "9"])
            #expect(past.stdout == "No documents after --offset 9 (3 documents in all)\n")
            let json = try Kit.sift(["list", "--index", index, "--format", "json", "--limit", "2"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["total"] as? Int == 3)
            #expect((object["documents"] as? [[String: String]])?.map { $0["id"] ?? "" } == ["a.txt", "b.txt"])
        }
    }

    @Test("colour: --color always bolds matches, never and NO_COLOR do not; --quiet drops notes")
    func colourAndQuiet() throws {
        try Self.withIndex(Self.news) { index, _ in
            let always = try Kit.sift(["search", "--index", index, "--color", "always", "kabul"])
            #expect(always.stdout.contains("\u{1B}[1mKabul\u{1B}[0m"))
            let before = try Kit.sift(["--color=always", "search", "--index", index, "kabul"])
            #expect(before.stdout == always.stdout.replacingOccurrences(of: #"\(\d+\.\d+ ms\)"#, with: before.stdout.firstMatch(of: /\(\d+\.\d+ ms\)/).map { String($0.output) } ?? "", options: .regularExpression))
            let never = try Kit.sift(["search", "--index", index, "--color", "never", "kabul"])
            #expect(never.stdout.contains("[Kabul]") && !never.stdout.contains("\u{1B}"))
            // auto: a pipe is not a terminal, so no styles (NO_COLOR and TERM=dumb are checked
            // the same way on a terminal).
            let auto = try SiftProcess.run(["search", "--index", index, "kabul"], environment: ["NO_COLOR": "1", "TERM": "dumb"])
            #expect(!auto.stdout.contains("\u{1B}"))
            let noisy = try Kit.sift(["search", "--index", index, "the"])
            #expect(noisy.stderr.hasPrefix("note: "))
            let quiet = try Kit.sift(["search", "--index", index, "--quiet", "the"])
            #expect(quiet.stderr.isEmpty && quiet.status == 0)
            #expect(try Kit.sift(["-q", "search", "--index", index, "the"]).stderr.isEmpty)
        }
    }

    /// `script`, which runs a command on a pseudo-terminal, where `--color auto` decides.
    static let script = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("on a terminal, matches are bold unless NO_COLOR is set, TERM is dumb or --color never", .enabled(if: script != nil))
    func terminalColour() throws {
        try Self.withIndex(Self.news) { index, _ in
            func onTerminal(_ arguments: [String], _ environment: [String: String] = [:]) throws -> String {
                // The test runner may have NO_COLOR set itself: start from an environment without it.
                let settings = ["TERM": "xterm"].merging(environment) { _, new in new }.map { "\($0.key)=\($0.value)" }.sorted()
                let command = (["env", "-u", "NO_COLOR"] + settings + [SiftProcess.executable.path, "search", "--index", index]
                               + arguments + ["kabul"]).joined(separator: " ")
                return try SiftProcess.run(["-qec", command, "/dev/null"], executable: URL(fileURLWithPath: Self.script!)).stdout
            }
            let plain = try onTerminal([])
            #expect(plain.contains("\u{1B}[1mKabul\u{1B}[0m"), "\(plain.debugDescription)")
            #expect(try onTerminal([], ["NO_COLOR": ""]).contains("\u{1B}[1m"), "an empty NO_COLOR does not count")
            for (arguments, environment) in [([], ["NO_COLOR": "1"]), ([], ["TERM": "dumb"]), (["--color", "never"], [:])] {
                let output = try onTerminal(arguments, environment)
                #expect(output.contains("[Kabul]") && !output.contains("\u{1B}"), "\(arguments) \(environment): \(output)")
            }
        }
    }

    @Test("--queries - reads standard input; a bad query is reported with its id and the others run (exit 65)")
    func batch() throws {
        try Self.withIndex(Self.news) { index, _ in
            let input = "q1\tchelsea\nq2\t(unclosed\nq3\tkabul\n"
            let result = try SiftProcess.run(["search", "--index", index, "--queries", "-", "--syntax", "query", "--format", "trec"],
                                             input: Data(input.utf8))
            #expect(result.status == 65)
            #expect(result.stderr == "Error: query q2: unclosed parenthesis at column 1\nError: 1 of 3 queries failed: q2; the other 2 ran\n")
            #expect(Set(result.stdout.split(separator: "\n").map { String($0.prefix(2)) }) == ["q1", "q3"])
            let json = try SiftProcess.run(["search", "--index", index, "--queries", "-", "--syntax", "query", "--format", "json"],
                                           input: Data(input.utf8))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let results = try #require(object["results"] as? [[String: Any]])
            #expect(results.count == 3)
            #expect(results[1]["error"] as? String == "unclosed parenthesis at column 1")
        }
    }

    @Test("options that do not apply are errors", arguments: [
        (["--format", "trec", "--explain"], "--explain does not apply to --format trec"),
        (["--run-tag", "x"], "--run-tag applies to --format trec only"),
        (["--format", "json", "--run-tag", "x"], "--run-tag applies to --format trec only"),
        (["--format", "trec", "--snippet-length", "50"], "--snippet-length does not apply to --format trec"),
    ])
    func inapplicableOptions(extra: [String], message: String) throws {
        try Self.withIndex(Self.news) { index, _ in
            let result = try Kit.sift(["search", "--index", index] + extra + ["kabul"])
            #expect(result.status == 64)
            #expect(result.stderr.hasPrefix("Error: \(message)"), "\(result.stderr)")
        }
    }

    @Test("sift eval: --run-tag without --run-out is an error")
    func evalRunTag() throws {
        try Self.withIndex(Self.news) { index, folder in
            let queries = folder.appendingPathComponent("q.tsv")
            let qrels = folder.appendingPathComponent("qrels.txt")
            try Data("q1\tchelsea\n".utf8).write(to: queries)
            try Data("q1 0 a 1\n".utf8).write(to: qrels)
            let arguments = ["eval", "--index", index, "--queries", queries.path, "--qrels", qrels.path, "--run-tag", "mine"]
            let result = try Kit.sift(arguments)
            #expect(result.status == 64)
            #expect(result.stderr.hasPrefix("Error: --run-tag goes with --run-out FILE"), "\(result.stderr)")
            let run = folder.appendingPathComponent("run.txt").path
            #expect(try Kit.sift(arguments + ["--run-out", run]).status == 0)
            #expect(try String(contentsOfFile: run, encoding: .utf8).hasSuffix(" mine\n"))
        }
    }

    @Test("--snippet-length is a hard bound in bytes", arguments: [20, 50, 200])
    func snippetLength(length: Int) throws {
        let long = (0..<60).map { "word\($0), kabul’s “quoted” text!" }.joined(separator: " ")
        try Self.withIndex(["long.txt": "Long\n" + long]) { index, _ in
            let result = try Kit.sift(["search", "--index", index, "--format", "json", "--snippet-length", "\(length)", "kabul"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let snippet = try #require((object["hits"] as? [[String: Any]])?.first?["snippet"] as? String)
            #expect(snippet.utf8.count <= length, "\(snippet)")
        }
    }
}
