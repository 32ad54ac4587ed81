import Foundation
import Sift
import SiftTestSupport
import Testing

private func sift(_ arguments: [String], input: String? = nil) throws -> SiftProcess.Result {
    try SiftProcess.run(arguments, input: input.map { Data($0.utf8) } ?? Data())
}

/// A usage error: status 64, nothing on stdout, one line "Error: … (see 'sift X --help')" on stderr.
private func expectUsageError(_ result: SiftProcess.Result, mentioning text: String? = nil,
                              sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 64, sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("Error: "), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasSuffix(" --help')\n"), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.filter { $0 == "\n" }.count == 1, "one line: \(result.stderr)", sourceLocation: sourceLocation)
    if let text {
        #expect(result.stderr.contains(text), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }
}

@Suite struct AnalyzeCommandTests {
    // MARK: - sift analyze

    @Test("analyze prints term, position, start and end, tab-separated, one token per line")
    func textFormat() throws {
        let result = try sift(["analyze", "The U.S. war-torn country"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        // `the` is a stop word but keeps position 0; two-letter `us` is not stemmed.
        #expect(result.stdout == "us\t1\t4\t7\nwar\t2\t9\t12\ntorn\t3\t13\t17\ncountri\t4\t18\t25\n")
    }

    @Test("several TEXT arguments are joined with spaces")
    func positionalsJoined() throws {
        let result = try sift(["analyze", "cats", "dogs"])
        #expect(result.status == 0)
        #expect(result.stdout == "cat\t0\t0\t4\ndog\t1\t5\t9\n")
    }

    @Test("analyze reads standard input when no TEXT is given")
    func readsStandardInput() throws {
        let result = try sift(["analyze"], input: "Afghanistan’s capital\n5,000 troops\n")
        #expect(result.status == 0)
        #expect(result.stdout == "afghanistan\t0\t0\t15\ncapit\t1\t16\t23\n5000\t2\t24\t29\ntroop\t3\t30\t36\n")
    }

    @Test("empty input prints nothing and succeeds")
    func emptyInput() throws {
        let text = try sift(["analyze"], input: "")
        #expect(text.status == 0)
        #expect(text.stdout == "")
        let json = try sift(["analyze", "--format", "json"], input: "  the  ")
        #expect(json.status == 0)
        #expect(json.stdout == "[]\n")
    }

    @Test("invalid UTF-8 on standard input separates words")
    func invalidInput() throws {
        let result = try SiftProcess.run(["analyze"], input: Data(Array("abc".utf8) + [0xFF] + Array("def".utf8)))
        #expect(result.status == 0)
        #expect(result.stdout == "abc\t0\t0\t3\ndef\t1\t4\t7\n")
    }

    @Test("CJK text gives one token per character with byte ranges")
    func cjk() throws {
        let result = try sift(["analyze", "東京タワー"])
        #expect(result.status == 0)
        #expect(result.stdout == "東\t0\t0\t3\n京\t1\t3\t6\nタ\t2\t6\t9\nワ\t3\t9\t12\nー\t4\t12\t15\n")
    }

    @Test("--format json prints an array of objects with term, position, start and end")
    func jsonFormat() throws {
        let result = try sift(["analyze", "--format", "json", "the “orderly & safe drawdown”"])
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("\n"))
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let items = try #require(parsed as? [[String: Any]])
        #expect(items.count == 3)
        for item in items { #expect(Set(item.keys) == ["term", "position", "start", "end"]) }
        #expect(items.compactMap { $0["term"] as? String } == ["orderli", "safe", "drawdown"])
        #expect(items.compactMap { $0["position"] as? Int } == [1, 2, 3])
        #expect(items.compactMap { $0["start"] as? Int } == [7, 17, 22])
        #expect(items.compactMap { $0["end"] as? Int } == [14, 21, 30])
    }

    @Test("json output is exact and keeps the key order")
    func jsonExact() throws {
        let result = try sift(["analyze", "--format=json", "cats"])
        #expect(result.status == 0)
        #expect(result.stdout == "[{\"term\":\"cat\",\"position\":0,\"start\":0,\"end\":4}]\n")
    }

    @Test("--stemmer chooses porter, porter2 or none", arguments: [
        ("porter", "gener\t0\t0\t10\nfairli\t1\t11\t17\n"),
        ("porter2", "generous\t0\t0\t10\nfair\t1\t11\t17\n"),
        ("none", "generously\t0\t0\t10\nfairly\t1\t11\t17\n"),
    ])
    func stemmerOption(stemmer: String, expected: String) throws {
        let separate = try sift(["analyze", "--stemmer", stemmer, "generously fairly"])
        #expect(separate.status == 0)
        #expect(separate.stdout == expected)
        let inline = try sift(["analyze", "--stemmer=\(stemmer)", "generously", "fairly"])
        #expect(inline.stdout == expected)
    }

    @Test("porter is the default stemmer")
    func defaultStemmer() throws {
        let plain = try sift(["analyze", "running"])
        let porter = try sift(["analyze", "--stemmer", "porter", "running"])
        #expect(plain.stdout == "run\t0\t0\t7\n")
        #expect(plain.stdout == porter.stdout)
    }

    @Test("--stopwords none keeps every word; english is the default")
    func stopWordsOption() throws {
        let none = try sift(["analyze", "--stopwords", "none", "--stemmer", "none", "the U.S. army"])
        #expect(none.status == 0)
        #expect(none.stdout == "the\t0\t0\t3\nus\t1\t4\t7\narmy\t2\t9\t13\n")
        let english = try sift(["analyze", "--stopwords", "english", "the cat"])
        let plain = try sift(["analyze", "the cat"])
        #expect(english.stdout == "cat\t1\t4\t7\n")
        #expect(plain.stdout == english.stdout)
    }

    @Test("--stopwords FILE uses the words of the file instead of the English list")
    func stopWordFile() throws {
        let directory = try SiftProcess.temporaryDirectory()
        defer { SiftProcess.removeTemporaryDirectory(directory) }
        try SiftProcess.write(["stop.txt": "# animals\ncat\n\nDog\n"], in: directory)
        let path = directory.appendingPathComponent("stop.txt").path
        let result = try sift(["analyze", "--stopwords", path, "--stemmer", "none"], input: "the cat dog bird")
        #expect(result.status == 0)
        #expect(result.stdout == "the\t0\t0\t3\nbird\t3\t12\t16\n")
    }

    // MARK: - sift stem

    /// Feeds a published vocabulary to `sift stem` and compares with its output file, byte for byte.
    private func checkVocabulary(_ folder: String, arguments: [String]) throws {
        let directory = try SharedData.require(folder)
        let words = try Data(contentsOf: directory.appendingPathComponent("voc.txt"))
        let expected = try Data(contentsOf: directory.appendingPathComponent("output.txt"))
        let result = try SiftProcess.run(["stem"] + arguments, input: words)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let output = Data(result.stdout.utf8)
        #expect(output.count == expected.count)
        if output != expected {
            let got = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let want = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }
            Issue.record("sift stem \(arguments) differs from \(folder)/output.txt; first difference: \(String(describing: first))")
        }
    }

    @Test("sift stem reproduces the porter vocabulary byte for byte", SharedData.needs("porter"))
    func porterVocabulary() throws {
        try checkVocabulary("porter", arguments: [])
    }

    @Test("sift stem --stemmer porter2 reproduces the porter2 vocabulary byte for byte", SharedData.needs("porter2"))
    func porter2Vocabulary() throws {
        try checkVocabulary("porter2", arguments: ["--stemmer", "porter2"])
    }

    @Test("sift stem writes one raw stem per line, an empty line for s", arguments: [
        ("porter", "s\ncats\nponies\nrelational\n", "\ncat\nponi\nrelat\n"),
        ("porter2", "s\ncats\nponies\ngenerously\n", "s\ncat\nponi\ngenerous\n"),
    ])
    func stemLines(stemmer: String, input: String, expected: String) throws {
        let result = try sift(["stem", "--stemmer", stemmer], input: input)
        #expect(result.status == 0)
        #expect(result.stdout == expected)
    }

    @Test("sift stem handles CRLF, a last line without newline, empty input, and does not fold")
    func stemEdges() throws {
        #expect(try sift(["stem"], input: "cats\r\ndogs\r\n").stdout == "cat\ndog\n")
        #expect(try sift(["stem"], input: "cats\ndogs").stdout == "cat\ndog\n")
        #expect(try sift(["stem"], input: "").stdout == "")
        #expect(try sift(["stem"], input: "\n\n").stdout == "\n\n")
        #expect(try sift(["stem"], input: "Cats\n").stdout == "Cat\n")
    }

    @Test("sift stem rejects --stemmer none and arguments")
    func stemErrors() throws {
        expectUsageError(try sift(["stem", "--stemmer", "none"], input: "cats\n"), mentioning: "none")
        expectUsageError(try sift(["stem", "cats"]), mentioning: "cats")
        expectUsageError(try sift(["stem", "--bogus"]), mentioning: "--bogus")
    }

    // MARK: - Errors

    @Test("an unknown option is a usage error (64)")
    func unknownOption() throws {
        expectUsageError(try sift(["analyze", "--bogus", "text"]), mentioning: "--bogus")
    }

    @Test("bad option values are usage errors (64)", arguments: [
        ["analyze", "--stemmer", "xyz", "text"],
        ["analyze", "--format", "xml", "text"],
        ["analyze", "--format=xml", "text"],
        ["analyze", "text", "--stemmer"],
        ["analyze", "--stemmer", "porter", "--stemmer", "none", "text"],
    ])
    func badValues(arguments: [String]) throws {
        let result = try sift(arguments)
        expectUsageError(result)
        if let bad = arguments.first(where: { $0 == "xyz" || $0.hasSuffix("xml") }) {
            #expect(result.stderr.contains(bad.replacingOccurrences(of: "--format=", with: "")))
        }
    }

    @Test("a missing stop-word file exits 66 naming the path")
    func missingStopWordFile() throws {
        let path = "/nonexistent/sift-\(UUID().uuidString).txt"
        let result = try sift(["analyze", "--stopwords", path, "text"])
        #expect(result.status == 66)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: "))
        #expect(result.stderr.contains(path))
    }

    @Test("an unknown or missing subcommand is a usage error (64)")
    func unknownSubcommand() throws {
        let unknown = try sift(["frobnicate"])
        expectUsageError(unknown, mentioning: "frobnicate")
        expectUsageError(try sift([]))
    }

    // MARK: - Version and help

    @Test("sift --version prints the version")
    func version() throws {
        let result = try sift(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "sift \(SiftVersion.current)\n")
        #expect(result.stderr.isEmpty)
    }

    @Test("sift analyze --help shows overview, usage and options")
    func analyzeHelp() throws {
        for flag in ["--help", "-h"] {
            let result = try sift(["analyze", flag])
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty)
            #expect(result.stdout.hasPrefix("OVERVIEW: "))
            #expect(result.stdout.contains("\nUSAGE: sift analyze"))
            #expect(result.stdout.contains("\nOPTIONS:\n"))
            for option in ["--stemmer", "--stopwords", "--format", "-h, --help"] {
                #expect(result.stdout.contains(option), "\(option) missing from help")
            }
        }
    }

    @Test("every subcommand answers --help", arguments: ["index", "search", "analyze", "stem", "stats", "check"])
    func subcommandHelp(name: String) throws {
        let result = try sift([name, "--help"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.hasPrefix("OVERVIEW: "))
        #expect(result.stdout.contains("\nUSAGE: sift \(name)"))
        #expect(result.stdout.contains("\nOPTIONS:\n"))
    }

    @Test("sift --help lists every subcommand")
    func topHelp() throws {
        let result = try sift(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("OVERVIEW:"))
        #expect(result.stdout.contains("USAGE: sift <subcommand>"))
        for name in ["index", "search", "analyze", "stem", "stats", "check"] {
            #expect(result.stdout.contains("  \(name) "), "\(name) missing from help")
        }
    }
}
