import Foundation
import SiftTestSupport
import Testing

/// `sift eval --run` and `sift eval --compare` on run files written by hand.
///
/// The judgments and runs are those of the library's RunComparisonTests, where every figure is
/// worked out: q1…q4 each have one relevant document; q5 has only a judged-0 one.
///   MRR   A: 1, 1/2, 1, 0 (mean 0.625)   B: 1, 1, 1/3, missing (0.5833)   C: 1/2, 1, 1, 1 (0.875)
///   B − A: 1 win, 2 ties, 1 loss; t-test p 0.8728885715695384; randomization p exactly 1.
///   C − A: 2 wins, 1 tie, 1 loss; t-test p 0.4950253460597111; randomization p exactly 0.75.
///   Holm (3 runs): t-test 0.9900506921194222 for both; randomization 1 for both.
@Suite struct EvalCompareCommandTests {
    typealias Kit = IndexCLITestKit

    static let qrels = "q1 0 a 1\nq2 0 b 1\nq3 0 c 1\nq4 0 d 1\nq5 0 e 0\n"
    /// Rank columns deliberately disagree with the scores: the scores decide.
    static let runA = "q1 Q0 a 1 3 A\nq2 Q0 x 9 2 A\nq2 Q0 b 1 1 A\nq3 Q0 c 1 1 A\nq4 Q0 x 1 1 A\n"
    static let runB = "q1 Q0 a 1 1 B\nq2 Q0 b 1 1 B\nq3 Q0 x 1 3 B\nq3 Q0 y 2 2 B\nq3 Q0 c 3 1 B\nq5 Q0 e 1 1 B\n"
    static let runC = "q1\tQ0\tx\t1\t2.5\tC\r\nq1\tQ0\ta\t2\t0.5\tC\r\nq2 Q0 b 1 1 C\nq3 Q0 c 1 1 C\nq4 Q0 d 1 1 C\n"

    /// Runs `body` with the folder and the paths of qrels.txt, a.trec, b.trec and c.trec.
    static func withRuns(_ body: (URL, String, [String]) throws -> Void) throws {
        try Kit.withFolder { folder throws in
            try SiftProcess.write(["qrels.txt": qrels, "a.trec": runA, "b.trec": runB, "c.trec": runC], in: folder)
            let path = { (name: String) in folder.appendingPathComponent(name).path }
            try body(folder, path("qrels.txt"), ["a.trec", "b.trec", "c.trec"].map(path))
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func close(_ value: Any?, _ expected: Double, _ tolerance: Double = 1e-10) -> Bool {
        guard let number = value as? Double else { return false }
        return abs(number - expected) <= tolerance
    }

    // MARK: - --run

    @Test("--run: the judged queries, a missing one scoring 0; unjudged ones in the run counted")
    func runFile() throws {
        try Self.withRuns { _, qrels, runs throws in
            let result = try Kit.sift(["eval", "--run", runs[1], "--qrels", qrels, "--metrics", "mrr,p@1"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == """
                mrr         0.5833
                p@1         0.5000
                queries: 4 in the run, 4 evaluated (1 judged but missing from the run, scored 0), 1 without relevant judgments (left out of the means)

                """)
            let json = try Self.json(try Kit.sift(["eval", "--run", runs[1], "--qrels", qrels, "--metrics", "mrr", "--format", "json", "--per-query"]).stdout)
            #expect(json["run"] as? String == runs[1])
            #expect(json["queries"] as? Int == 4)
            #expect(json["evaluated"] as? Int == 4)
            #expect(json["missing"] as? [String] == ["q4"])
            #expect(json["unjudged"] as? [String] == ["q5"])
            #expect(Self.close((json["means"] as? [String: Any])?["mrr"], 7.0 / 12))
            let perQuery = try #require(json["perQuery"] as? [[String: Any]])
            #expect(perQuery.map { $0["id"] as? String } == ["q1", "q2", "q3", "q4"])
            #expect(perQuery.map { $0["mrr"] as? Double } == [1, 1, 1.0 / 3, 0])
        }
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var run: String? = nil
        var status: Int32
        var message: String
        var testDescription: String { name }
    }

    static let errorCases = [
        ErrorCase(name: "a line of five fields", arguments: ["--run", "BAD", "--qrels", "QRELS"], run: "q1 Q0 a 1 3 A\nq1 Q0 b 2 2\n", status: 65,
                  message: "Error: FOLDER/bad.trec: run line 2 is not 'qid Q0 docid rank score tag': 'q1 Q0 b 2 2'"),
        ErrorCase(name: "a rank that is not a number", arguments: ["--run", "BAD", "--qrels", "QRELS"], run: "q1 Q0 a first 3 A\n", status: 65,
                  message: "Error: FOLDER/bad.trec: run line 1: rank 'first' is not a whole number"),
        ErrorCase(name: "a score that is not a number", arguments: ["--run", "BAD", "--qrels", "QRELS"], run: "\nq1 Q0 a 1 3,5 A\n", status: 65,
                  message: "Error: FOLDER/bad.trec: run line 2: score '3,5' is not a finite number"),
        ErrorCase(name: "a document twice in a query", arguments: ["--run", "BAD", "--qrels", "QRELS"], run: "q1 Q0 a 1 3 A\nq1 Q0 a 2 2 A\n",
                  status: 65, message: "Error: FOLDER/bad.trec: run line 2: document 'a' appears again for query 'q1' (first on line 1)"),
        ErrorCase(name: "an empty run", arguments: ["--run", "BAD", "--qrels", "QRELS"], run: "", status: 65,
                  message: "Error: FOLDER/bad.trec: the run has no lines (expected 'qid Q0 docid rank score tag')"),
        ErrorCase(name: "a run file that is not there", arguments: ["--run", "FOLDER/none.trec", "--qrels", "QRELS"], status: 66,
                  message: "Error: cannot read run file 'FOLDER/none.trec': No such file or directory"),
        ErrorCase(name: "--run with --queries", arguments: ["--run", "A", "--qrels", "QRELS", "--queries", "QRELS"], status: 64,
                  message: "Error: --queries is for searching an index, not with --run"),
        ErrorCase(name: "--run with --k1", arguments: ["--run", "A", "--qrels", "QRELS", "--k1", "0.9"], status: 64,
                  message: "Error: --k1 is for searching an index, not with --run"),
        ErrorCase(name: "--run with -k", arguments: ["--run", "A", "--qrels", "QRELS", "-k", "10"], status: 64,
                  message: "Error: -k/--top is for searching an index, not with --run"),
        ErrorCase(name: "--run with --run-out", arguments: ["--run", "A", "--qrels", "QRELS", "--run-out", "FOLDER/x.trec"], status: 64,
                  message: "Error: --run-out is for searching an index, not with --run"),
        ErrorCase(name: "--run with --seed", arguments: ["--run", "A", "--qrels", "QRELS", "--seed", "1"], status: 64,
                  message: "Error: --seed goes with --compare"),
        ErrorCase(name: "--run and --compare", arguments: ["--compare", "A", "B", "--run", "A", "--qrels", "QRELS"], status: 64,
                  message: "Error: give either --run RUN or --compare RUN RUN..., not both"),
        ErrorCase(name: "--run without --qrels", arguments: ["--run", "A"], status: 64, message: "Error: missing --qrels QRELS"),
        ErrorCase(name: "--run with a stray argument", arguments: ["--run", "A", "--qrels", "QRELS", "B"], status: 64,
                  message: "Error: unexpected argument"),
        ErrorCase(name: "qrels that judge nothing relevant", arguments: ["--run", "A", "--qrels", "BAD"], run: "q1 0 a 0\n", status: 65,
                  message: "Error: FOLDER/bad.trec: no query to evaluate has a document judged relevant"),
        ErrorCase(name: "--compare with one run", arguments: ["--compare", "A", "--qrels", "QRELS"], status: 64,
                  message: "Error: --compare needs at least two runs, not 1"),
        ErrorCase(name: "--compare with no run", arguments: ["--compare", "--qrels", "QRELS"], status: 64,
                  message: "Error: --compare needs at least two runs, not 0"),
        ErrorCase(name: "--compare with --index", arguments: ["--compare", "A", "B", "--qrels", "QRELS", "--index", "FOLDER"], status: 64,
                  message: "Error: --index is for searching an index, not with --compare"),
        ErrorCase(name: "--permutations 0", arguments: ["--compare", "A", "B", "--qrels", "QRELS", "--permutations", "0"], status: 64,
                  message: "Error: --permutations must be a whole number from 1 to 100000000, not '0'"),
        ErrorCase(name: "a negative --seed", arguments: ["--compare", "A", "B", "--qrels", "QRELS", "--seed", "-1"], status: 64,
                  message: "Error: --seed must be a whole number from 0 to 2^64-1, not '-1'"),
        ErrorCase(name: "a malformed run among those compared", arguments: ["--compare", "A", "BAD", "--qrels", "QRELS"], run: "q1 Q0 a 1 x A\n",
                  status: 65, message: "Error: FOLDER/bad.trec: run line 1: score 'x' is not a finite number"),
        ErrorCase(name: "a missing run among those compared", arguments: ["--compare", "A", "FOLDER/none.trec", "--qrels", "QRELS"], status: 66,
                  message: "Error: cannot read run file 'FOLDER/none.trec'"),
        ErrorCase(name: "comparing with qrels that judge nothing relevant", arguments: ["--compare", "A", "B", "--qrels", "BAD"], run: "q1 0 a 0\n",
                  status: 65, message: "Error: FOLDER/bad.trec: no query to evaluate has a document judged relevant"),
        ErrorCase(name: "comparing with an empty qrels file", arguments: ["--compare", "A", "B", "--qrels", "BAD"], run: "", status: 65,
                  message: "Error: FOLDER/bad.trec: no relevance judgments"),
    ]

    @Test("--run and --compare errors: usage 64, bad run or qrels 65 (file and line named), missing file 66", arguments: errorCases)
    func errors(_ testCase: ErrorCase) throws {
        try Self.withRuns { folder, qrels, runs throws in
            let bad = folder.appendingPathComponent("bad.trec").path
            if let text = testCase.run { try Data(text.utf8).write(to: URL(fileURLWithPath: bad)) }
            // Whole arguments only: a temporary folder's name is hex, and may hold "BAD".
            let arguments = testCase.arguments.map { argument -> String in
                switch argument {
                case "QRELS": qrels
                case "BAD": bad
                case "A": runs[0]
                case "B": runs[1]
                default: argument.replacingOccurrences(of: "FOLDER", with: folder.path)
                }
            }
            let result = try Kit.sift(["eval"] + arguments)
            #expect(result.status == testCase.status, "\(result.stderr)")
            let message = testCase.message.replacingOccurrences(of: "FOLDER", with: folder.path)
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: "))
            #expect(result.stdout.isEmpty)
        }
    }

    // MARK: - --compare

    @Test("--compare of two runs: means, difference, p-values, wins/ties/losses; no Holm columns")
    func compareTwo() throws {
        try Self.withRuns { _, qrels, runs throws in
            let result = try Kit.sift(["eval", "--compare", runs[0], runs[2], "--qrels", qrels, "--metrics", "mrr,p@1"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(Array(lines.prefix(3)) == [
                "baseline: a.trec",
                "queries:  4 with a relevant judgment (a query missing from a run scores 0; none missing)",
                "tests:    paired t-test and randomization test (10000 sign-flip permutations, seed 42), p two-sided",
            ])
            // P@1: A = (1, 0, 1, 0), C = (0, 1, 1, 1); C − A = (−1, 1, 0, 1): mean 1/4, 2 wins, 1 tie, 1 loss;
            // deviations −5/4, 3/4, −1/4, 3/4, s² = 44/16/3 = 11/12, t = (1/4)/(√(11/12)/2) = √(3/11) = 0.5222;
            // scipy.stats.ttest_rel: p = 0.6376180914006019.
            #expect(lines[3] == "")
            #expect(lines[4].split(separator: " ") == ["metric", "a.trec", "c.trec"])
            #expect(lines[5].split(separator: " ") == ["mrr", "0.6250", "0.8750"])
            #expect(lines[6].split(separator: " ") == ["p@1", "0.5000", "0.7500"])
            #expect(lines[7] == "")
            #expect(lines[8].split(separator: " ") == ["metric", "run", "diff", "t-test", "p", "rand.", "p", "wins", "ties", "losses"])
            let mrr = lines[9].split(separator: " ").map(String.init)
            #expect(mrr[0...3] == ["mrr", "c.trec", "+0.2500", "0.4950"])
            #expect(abs(Double(mrr[4])! - 0.75) < 0.018)
            #expect(mrr[5...] == ["2", "1", "1"])
            #expect(lines[10].split(separator: " ").map(String.init)[0...3] == ["p@1", "c.trec", "+0.2500", "0.6376"])
            #expect(lines[10].split(separator: " ").suffix(3) == ["2", "1", "1"])
            // The columns line up: every value starts where its header does.
            #expect(lines[9].range(of: "+0.2500")?.lowerBound.utf16Offset(in: lines[9]) == lines[8].range(of: "diff")?.lowerBound.utf16Offset(in: lines[8]))
            #expect(lines.count == 12 && lines[11] == "")
        }
    }

    @Test("--compare of three runs: each against the first, Holm-adjusted per metric; JSON carries every figure")
    func compareThree() throws {
        try Self.withRuns { _, qrels, runs throws in
            let text = try Kit.sift(["eval", "--compare"] + runs + ["--qrels", qrels, "--metrics", "mrr"])
            #expect(text.status == 0, "\(text.stderr)")
            let lines = text.stdout.split(separator: "\n").map(String.init)
            #expect(lines[1] == "queries:  4 with a relevant judgment (a query missing from a run scores 0; b.trec misses 1)")
            #expect(lines[3] == "holm:     p-values adjusted per metric, over its 2 comparisons against the baseline")
            #expect(lines[6].split(separator: " ") == ["metric", "run", "diff", "t-test", "p", "holm", "rand.", "p", "holm", "wins", "ties", "losses"])
            #expect(lines[7].split(separator: " ") == ["mrr", "b.trec", "-0.0417", "0.8729", "0.9901", "1.0000", "1.0000", "1", "2", "1"])
            #expect(lines[8].split(separator: " ").map(String.init)[0...4] == ["mrr", "c.trec", "+0.2500", "0.4950", "0.9901"])

            let result = try Kit.sift(["eval", "--compare"] + runs + ["--qrels", qrels, "--metrics", "mrr", "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try Self.json(result.stdout)
            #expect(json["queries"] as? Int == 4)
            #expect(json["permutations"] as? Int == 10_000)
            #expect(json["seed"] as? Int == 42)
            #expect(json["holmFamily"] as? String == "per metric, over the comparisons against the baseline")
            let runList = try #require(json["runs"] as? [[String: Any]])
            #expect(runList.map { $0["name"] as? String } == ["a.trec", "b.trec", "c.trec"])
            #expect(runList.map { $0["path"] as? String } == runs)
            #expect(runList.map { $0["missing"] as? [String] } == [[], ["q4"], []])
            let metrics = try #require(json["metrics"] as? [[String: Any]])
            #expect(metrics.count == 1)
            #expect(metrics[0]["metric"] as? String == "mrr")
            let means = try #require(metrics[0]["means"] as? [Double])
            #expect(zip(means, [0.625, 7.0 / 12, 0.875]).allSatisfy { abs($0 - $1) < 1e-12 })
            let comparisons = try #require(metrics[0]["comparisons"] as? [[String: Any]])
            #expect(comparisons.map { $0["run"] as? String } == ["b.trec", "c.trec"])
            #expect(comparisons.allSatisfy { $0["baseline"] as? String == "a.trec" })
            #expect(comparisons.map { [$0["wins"] as? Int, $0["ties"] as? Int, $0["losses"] as? Int] } == [[1, 2, 1], [2, 1, 1]])
            #expect(Self.close(comparisons[0]["meanDifference"], -1.0 / 24))
            let tB = try #require(comparisons[0]["tTest"] as? [String: Any])
            let tC = try #require(comparisons[1]["tTest"] as? [String: Any])
            #expect(Self.close(tB["p"], 0.8728885715695384))
            #expect(Self.close(tC["p"], 0.4950253460597111))
            #expect(Self.close(tC["t"], (3.0 / 5).squareRoot()))
            #expect(tC["degreesOfFreedom"] as? Int == 3)
            #expect(Self.close(tB["pHolm"], 2 * 0.4950253460597111))
            #expect(Self.close(tC["pHolm"], 2 * 0.4950253460597111))
            let randomB = try #require(comparisons[0]["randomization"] as? [String: Any])
            let randomC = try #require(comparisons[1]["randomization"] as? [String: Any])
            #expect(randomB["p"] as? Double == 1)
            #expect(randomB["atLeastAsExtreme"] as? Int == 10_000)
            #expect(abs((randomC["p"] as? Double ?? .nan) - 0.75) < 0.018)
            #expect(randomC["pHolm"] as? Double == 1)
            #expect(comparisons[0]["perQuery"] == nil)
        }
    }

    @Test("--compare --per-query: each query's difference, largest absolute first")
    func comparePerQuery() throws {
        try Self.withRuns { _, qrels, runs throws in
            let text = try Kit.sift(["eval", "--compare", runs[0], runs[2], "--qrels", qrels, "--metrics", "mrr", "--per-query"])
            #expect(text.status == 0, "\(text.stderr)")
            let blocks = text.stdout.components(separatedBy: "\n\n")
            let perQuery = try #require(blocks.last).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            // C − A = (q1 −1/2, q2 +1/2, q3 0, q4 +1): q4 first, then q1 and q2 (equal, in query order), q3.
            #expect(perQuery == [
                ["mrr:", "c.trec", "−", "a.trec", "per", "query,", "largest", "absolute", "difference", "first"],
                ["query", "a.trec", "c.trec", "diff"],
                ["q4", "0.0000", "1.0000", "+1.0000"],
                ["q1", "1.0000", "0.5000", "-0.5000"],
                ["q2", "0.5000", "1.0000", "+0.5000"],
                ["q3", "1.0000", "1.0000", "0.0000"],
            ])
            let json = try Self.json(try Kit.sift(["eval", "--compare", runs[0], runs[2], "--qrels", qrels, "--metrics", "mrr", "--per-query", "--format", "json"]).stdout)
            let comparison = try #require(((json["metrics"] as? [[String: Any]])?.first?["comparisons"] as? [[String: Any]])?.first)
            let rows = try #require(comparison["perQuery"] as? [[String: Any]])
            #expect(rows.map { $0["id"] as? String } == ["q4", "q1", "q2", "q3"])
            #expect(rows.map { $0["difference"] as? Double } == [1, -0.5, 0.5, 0])
            #expect(rows.map { $0["baseline"] as? Double } == [0, 1, 0.5, 1])
            #expect(rows.map { $0["run"] as? Double } == [1, 0.5, 1, 1])
        }
    }

    @Test("--seed and --permutations: the same seed repeats the output exactly; identical runs give p = 1")
    func seeded() throws {
        try Self.withRuns { _, qrels, runs throws in
            let arguments = ["eval", "--compare", runs[0], runs[2], "--qrels", qrels, "--format", "json", "--seed", "18446744073709551615", "--permutations", "999"]
            let first = try Kit.sift(arguments)
            let second = try Kit.sift(arguments)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == second.stdout)
            let json = try Self.json(first.stdout)
            #expect(json["permutations"] as? Int == 999)
            #expect(first.stdout.contains("\"seed\":18446744073709551615,"))
            let same = try Self.json(try Kit.sift(["eval", "--compare", runs[0], runs[0], "--qrels", qrels, "--format", "json"]).stdout)
            for metric in try #require(same["metrics"] as? [[String: Any]]) {
                let comparison = try #require((metric["comparisons"] as? [[String: Any]])?.first)
                #expect((comparison["tTest"] as? [String: Any])?["p"] as? Double == 1)
                #expect((comparison["randomization"] as? [String: Any])?["p"] as? Double == 1)
                #expect(comparison["ties"] as? Int == 4)
            }
        }
    }

    @Test("two runs with the same file name are told apart by their paths")
    func sameFileNames() throws {
        try Self.withRuns { folder, qrels, runs throws in
            let other = folder.appendingPathComponent("other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
            let copy = other.appendingPathComponent("a.trec").path
            try FileManager.default.copyItem(atPath: runs[2], toPath: copy)
            let result = try Kit.sift(["eval", "--compare", runs[0], copy, "--qrels", qrels, "--metrics", "map"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("baseline: \(runs[0])\n"))
            #expect(result.stdout.contains("\nmetric  \(runs[0])  \(copy)\n"))
        }
    }

    @Test("sift eval --help documents every option, the tie rule and the query set")
    func help() throws {
        let result = try Kit.sift(["eval", "--help"])
        #expect(result.status == 0)
        for option in ["--queries", "--qrels", "--index", "--run-out", "--run-tag", "--run <RUN>", "--compare", "--permutations", "--seed",
                       "--metrics", "--per-query", "--format", "-k, --top", "--mode", "--k1", "--b", "--syntax",
                       "sift eval --run RUN", "sift eval --compare RUN RUN", "document id descending", "rank column is ignored",
                       "scores 0 (trec_eval -c)", "Holm-adjusted per metric, over the comparisons against the baseline", "(count + 1)/(N + 1)"] {
            #expect(result.stdout.contains(option), "\(option)")
        }
    }

    /// Cranfield end to end: two BM25 settings written with --run-out, then compared. The
    /// comparison's means are each run's own figures, and its statistics are well-formed.
    @Test("Cranfield: two settings, their runs, and their comparison agree", SharedData.needs("cranfield"))
    func cranfield() throws {
        let collection = try SharedData.require("cranfield")
        try Kit.withFolder { folder throws in
            let index = folder.appendingPathComponent("index").path
            let built = try Kit.sift(["index", collection.appendingPathComponent("docs").path, "--index", index])
            #expect(built.status == 0, "\(built.stderr)")
            let queries = collection.appendingPathComponent("queries.tsv").path
            let qrels = collection.appendingPathComponent("qrels.txt").path
            var means: [[String: Double]] = []
            var runFiles: [String] = []
            for k1 in ["1.2", "0.9"] {
                let runFile = folder.appendingPathComponent("k1-\(k1).trec").path
                let result = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels, "--k1", k1,
                                           "--run-out", runFile, "--run-tag", "k1-\(k1)", "--format", "json"])
                #expect(result.status == 0, "\(result.stderr)")
                means.append(try #require(try Self.json(result.stdout)["means"] as? [String: Double]))
                runFiles.append(runFile)
                // Reading the run back gives the same figures to the last bit.
                let reread = try Kit.sift(["eval", "--run", runFile, "--qrels", qrels, "--format", "json"])
                #expect(try Self.json(reread.stdout)["means"] as? [String: Double] == means.last)
            }
            let result = try Kit.sift(["eval", "--compare"] + runFiles + ["--qrels", qrels, "--format", "json", "--per-query"])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try Self.json(result.stdout)
            #expect(json["queries"] as? Int == 225)
            let metrics = try #require(json["metrics"] as? [[String: Any]])
            #expect(metrics.map { $0["metric"] as? String } == ["map", "ndcg@10", "p@10", "recall@100", "mrr"])
            for metric in metrics {
                let name = metric["metric"] as! String
                #expect(metric["means"] as? [Double] == [means[0][name]!, means[1][name]!], "\(name)")
                let comparison = try #require((metric["comparisons"] as? [[String: Any]])?.first)
                let p = (comparison["tTest"] as? [String: Any])?["p"] as? Double ?? .nan
                let randomP = (comparison["randomization"] as? [String: Any])?["p"] as? Double ?? .nan
                #expect(p > 0 && p <= 1 && randomP > 0 && randomP <= 1, "\(name): \(p) \(randomP)")
                let counts = ["wins", "ties", "losses"].map { comparison[$0] as? Int ?? -1 }
                #expect(counts.reduce(0, +) == 225)
                let rows = try #require(comparison["perQuery"] as? [[String: Any]])
                #expect(rows.count == 225)
                let sizes = rows.map { abs($0["difference"] as? Double ?? .nan) }
                #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0 >= $1 })
                let mean = rows.reduce(0.0) { $0 + ($1["difference"] as? Double ?? .nan) } / 225
                #expect(abs(mean - (comparison["meanDifference"] as? Double ?? .nan)) < 1e-12)
            }
        }
    }
}
