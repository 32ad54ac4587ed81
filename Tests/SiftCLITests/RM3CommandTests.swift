import Foundation
import Sift
import Testing

/// `--rm3` from the command line: `sift search` (one query and `--queries`), `sift eval`, the
/// tuning flags, what `--explain` and JSON show, and the usage errors. The CLI must give
/// exactly what the library gives for the same settings.
@Suite struct RM3CommandTests {
    typealias Kit = IndexCLITestKit

    /// Three documents about flutter among 27 fillers, so that no topical word is in more than
    /// 10% of the documents and every one can be an expansion term.
    static let files: [String: String] = [
        "wing.txt": "Wing\nWing flutter of a swept wing at transonic speed.",
        "flutter.txt": "Flutter\nPanel flutter and wing divergence: flutter margins.",
        "panel.txt": "Panel\nPanel buckling under heating of the skin.",
    ].merging((0..<27).map { ("filler\($0).txt", "Filler \($0)\nnote\($0) entry\($0)") }) { first, _ in first }

    static func withIndex(_ body: (String, URL) throws -> Void) throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(files, in: folder)
            try body(index, folder)
        }
    }

    static func library(_ index: String, _ query: String, _ options: SearchOptions) throws -> SearchResults {
        try Searcher(reader: try IndexReader(path: index)).search(query, options: options)
    }

    static func object(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    }

    @Test("json: hits as the library's, and the expansion with its feedback documents and weighted terms")
    func json() throws {
        try Self.withIndex { index, _ in
            let result = try Kit.sift(["search", "--index", index, "--rm3", "--format", "json", "wing"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try Self.object(result.stdout)
            let expected = try Self.library(index, "wing", SearchOptions(rm3: RM3Parameters()))
            let expectedExpansion = try #require(expected.expansion)
            let hits = try #require(object["hits"] as? [[String: Any]])
            #expect(hits.map { $0["id"] as? String } == expected.hits.map(\.id))
            #expect(hits.map { ($0["score"] as? Double).map(Float.init) } == expected.hits.map(\.score))

            let expansion = try #require(object["expansion"] as? [String: Any])
            #expect(expansion["originalWeight"] as? Double == 0.5)
            #expect(expansion["originalBoost"] as? Double == expectedExpansion.originalBoost)
            let documents = try #require(expansion["feedbackDocuments"] as? [[String: Any]])
            #expect(documents.map { $0["id"] as? String } == ["wing.txt", "flutter.txt"])
            #expect(documents.map { ($0["score"] as? Double).map(Float.init) } == expectedExpansion.feedbackDocuments.map(\.score))
            let terms = try #require(expansion["terms"] as? [[String: Any]])
            #expect(terms.map { $0["term"] as? String } == expectedExpansion.terms.map(\.term))
            // Full precision: each term's object as the shortest text of the library's values
            // (compared as text: JSONSerialization may read the last bit differently).
            for term in expectedExpansion.terms {
                let text = "{\"term\":\"\(term.term)\",\"probability\":\(term.probability),\"weight\":\(term.weight)}"
                #expect(result.stdout.contains(text), "\(text) in \(result.stdout)")
            }
            #expect(terms.contains { $0["term"] as? String == "flutter" })
            // The expansion finds the panel document, which lacks the query word.
            #expect(hits.contains { $0["id"] as? String == "panel.txt" })

            let plain = try Self.object(try Kit.sift(["search", "--index", index, "--format", "json", "wing"]).stdout)
            #expect(plain["expansion"] == nil, "no expansion without --rm3")
        }
    }

    @Test("--fb-docs, --fb-terms and --original-weight reach the library")
    func tuning() throws {
        try Self.withIndex { index, _ in
            let arguments = ["--rm3", "--fb-docs", "1", "--fb-terms", "2", "--original-weight", "0.3"]
            let result = try Kit.sift(["search", "--index", index, "--format", "json", "-k", "20"] + arguments + ["wing"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try Self.object(result.stdout)
            let parameters = RM3Parameters(feedbackDocuments: 1, feedbackTerms: 2, originalWeight: 0.3)
            let expected = try Self.library(index, "wing", SearchOptions(limit: 20, rm3: parameters))
            let expansion = try #require(object["expansion"] as? [String: Any])
            #expect(expansion["originalWeight"] as? Double == 0.3)
            #expect((expansion["feedbackDocuments"] as? [Any])?.count == 1)
            #expect((expansion["terms"] as? [[String: Any]])?.map { $0["term"] as? String } == expected.expansion?.terms.map(\.term))
            #expect(expected.expansion?.terms.count == 2)
            let hits = try #require(object["hits"] as? [[String: Any]])
            #expect(hits.map { ($0["score"] as? Double).map(Float.init) } == expected.hits.map(\.score))
        }
    }

    @Test("--explain: the feedback documents, the original boost and each term's weight and P, then per-hit boosts")
    func explain() throws {
        try Self.withIndex { index, _ in
            let result = try Kit.sift(["search", "--index", index, "--rm3", "--explain", "-k", "1", "wing"])
            #expect(result.status == 0, "\(result.stderr)")
            let expansion = try #require(try Self.library(index, "wing", SearchOptions(limit: 1, rm3: RM3Parameters())).expansion)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "RM3: 2 feedback documents (wing.txt, flutter.txt)", "\(result.stdout)")
            #expect(lines.count > expansion.terms.count + 2)
            #expect(lines[1].hasPrefix("    original query boosts ×0.500000 (weight 0.5)"), "\(lines[1])")
            for (line, term) in zip(lines.dropFirst(2), expansion.terms) {
                let fields = line.split(separator: " ").map(String.init)
                #expect(fields.count == 3 && fields[0] == term.term, "\(line)")
                guard fields.count == 3, let weight = Double(fields[1].dropFirst("weight=".count)),
                      let probability = Double(fields[2].dropFirst("P=".count)) else { continue }
                #expect(abs(weight - term.weight) <= 5e-7 && abs(probability - term.probability) <= 5e-7, "\(line)")
            }
            // The hit's explanation lists its clauses with their RM3 boosts: wing's is the
            // interpolation 0.5 · 1 + 0.5 · P(wing), flutter's (1 − 0.5) · P(flutter).
            let wing = try #require(expansion.terms.first { $0.term == "wing" })
            let flutter = try #require(expansion.terms.first { $0.term == "flutter" })
            #expect(lines.contains { $0.contains(" wing  tf=") && $0.hasSuffix("boost=\(0.5 * 1.0 + 0.5 * wing.probability)") },
                    "\(result.stdout)")
            #expect(lines.contains { $0.contains(" flutter  tf=") && $0.hasSuffix("boost=\(flutter.weight)") }, "\(result.stdout)")
            // Without --explain the text output is as before: no RM3 lines.
            let quiet = try Kit.sift(["search", "--index", index, "--rm3", "-k", "1", "wing"])
            #expect(!quiet.stdout.contains("RM3"))
        }
    }

    @Test("--queries --rm3: every query expanded, in TREC and JSON")
    func batch() throws {
        try Self.withIndex { index, folder in
            let queries = folder.appendingPathComponent("queries.tsv")
            try Data("1\twing\n2\tpanel heating\n3\tzebra\n".utf8).write(to: queries)
            let trec = try Kit.sift(["search", "--index", index, "--queries", queries.path, "--rm3", "--format", "trec", "-k", "100"])
            #expect(trec.status == 0, "\(trec.stderr)")
            var expected: [String] = []
            for (id, text) in [("1", "wing"), ("2", "panel heating"), ("3", "zebra")] {
                let results = try Self.library(index, text, SearchOptions(limit: 100, syntax: .plain, rm3: RM3Parameters()))
                expected += results.hits.map { "\(id) Q0 \($0.trecDocumentID) \($0.rank) \($0.score) sift" }
            }
            #expect(trec.stdout.split(separator: "\n").map(String.init) == expected)

            let json = try Kit.sift(["search", "--index", index, "--queries", queries.path, "--rm3", "--format", "json"])
            let results = try #require(try Self.object(json.stdout)["results"] as? [[String: Any]])
            #expect(results.count == 3)
            #expect(results.allSatisfy { $0["expansion"] is [String: Any] })
            let none = try #require(results[2]["expansion"] as? [String: Any])
            #expect((none["terms"] as? [Any])?.isEmpty == true, "zebra matches nothing: no expansion")
        }
    }

    @Test("sift eval --rm3: the figures of the library's RM3 rankings, and a run file that --run reads back")
    func eval() throws {
        try Self.withIndex { index, folder in
            let queries = folder.appendingPathComponent("queries.tsv")
            let qrels = folder.appendingPathComponent("qrels.txt")
            try Data("1\twing\n2\tpanel heating\n".utf8).write(to: queries)
            // panel.txt is relevant to "wing" too: only the expansion finds it.
            try Data("1 0 wing 1\n1 0 flutter 1\n1 0 panel 1\n2 0 panel 1\n2 0 flutter 1\n".utf8).write(to: qrels)
            let run = folder.appendingPathComponent("rm3.trec").path
            let common = ["eval", "--index", index, "--queries", queries.path, "--qrels", qrels.path, "--metrics", "map,recall@1000", "--format", "json"]
            let expanded = try Kit.sift(common + ["--rm3", "--run-out", run])
            #expect(expanded.status == 0, "\(expanded.stderr)")
            let means = try #require(try Self.object(expanded.stdout)["means"] as? [String: Double])
            let plain = try #require(try Self.object(try Kit.sift(common).stdout)["means"] as? [String: Double])
            #expect(plain["recall@1000"]! < 1)
            #expect(means["recall@1000"] == 1, "RM3 finds panel.txt for 'wing'")

            var rankings: [(id: String, ranking: [String])] = []
            for (id, text) in [("1", "wing"), ("2", "panel heating")] {
                let results = try Self.library(index, text, SearchOptions(limit: 1000, syntax: .plain, rm3: RM3Parameters()))
                var run = TrecRun()
                try run.append(query: id, entries: results.hits.map { RunEntry(documentID: $0.trecDocumentID, score: Double($0.score)) })
                rankings.append((id, run.queries[0].entries.map(\.documentID)))
            }
            let report = EvaluationReport(rankings: rankings, judgments: try RelevanceJudgments(parsing: String(contentsOf: qrels, encoding: .utf8)),
                                          metrics: [.averagePrecision, .recall(1000)])
            #expect(abs(means["map"]! - report.means[0]) < 1e-12)

            let reread = try Kit.sift(["eval", "--run", run, "--qrels", qrels.path, "--metrics", "map,recall@1000", "--format", "json"])
            #expect(try Self.object(reread.stdout)["means"] as? [String: Double] == means)
        }
    }

    struct UsageCase: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let usageCases = [
        UsageCase(arguments: ["search", "--fb-docs", "5", "wing"], message: "--fb-docs goes with --rm3"),
        UsageCase(arguments: ["search", "--original-weight", "0.2", "wing"], message: "--original-weight goes with --rm3"),
        UsageCase(arguments: ["search", "--rm3", "--fb-docs", "0", "wing"], message: "--fb-docs must be a whole number from 1 to 10000, not '0'"),
        UsageCase(arguments: ["search", "--rm3", "--fb-terms", "many", "wing"], message: "--fb-terms must be a whole number from 1 to 10000, not 'many'"),
        UsageCase(arguments: ["search", "--rm3", "--original-weight", "1.5", "wing"], message: "--original-weight must be a number from 0.0 to 1.0, not '1.5'"),
        UsageCase(arguments: ["eval", "--run", "x.trec", "--qrels", "q.txt", "--rm3"], message: "--rm3 is for searching an index, not with --run"),
        UsageCase(arguments: ["eval", "--compare", "a.trec", "b.trec", "--qrels", "q.txt", "--fb-terms", "3"],
                  message: "--fb-terms is for searching an index, not with --compare"),
    ]

    @Test("usage errors exit 64 with one Error line", arguments: usageCases)
    func usageErrors(_ usage: UsageCase) throws {
        try Self.withIndex { index, _ in
            let result = try Kit.sift(usage.arguments + (usage.arguments[0] == "search" ? ["--index", index] : []))
            #expect(result.status == 64)
            // One line: the message and where to read more.
            #expect(result.stderr == "Error: \(usage.message) (see 'sift \(usage.arguments[0]) --help')\n", "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("help lists the RM3 options of search and eval")
    func help() throws {
        for command in ["search", "eval"] {
            let result = try Kit.sift([command, "--help"])
            for option in ["--rm3", "--fb-docs <N>", "--fb-terms <N>", "--original-weight <X>"] {
                #expect(result.stdout.contains(option), "\(command): \(option)")
            }
        }
    }
}
