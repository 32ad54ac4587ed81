import Foundation
import Sift
import SiftTestSupport
import Testing

/// `sift eval` on a collection small enough to score by hand.
///
/// Documents (default analysis; lengths 3 2 2 1 1, mean 9/5 = 1.8):
///   a "apple apple apple"   b "apple banana"   c "banana cherry"   d "cherry"   e "date"
/// Query 1 "apple": a (tf 3, len 3: 3·2.2/(3 + 1.2·(0.25 + 0.75·3/1.8)) = 6.6/4.8) before
///   b (tf 1, len 2: 2.2/2.3) → ranking [a, b]. Judged b:1, a:0.
///   AP = (1/2)/1 = 0.5; nDCG@10 = (1/log2 3)/1 = 0.6309; P@10 = 1/10; recall@100 = 1; MRR = 1/2.
/// Query 2 "cherry": d (len 1, 2.2/1.8) before c (len 2, 2.2/2.3) → [d, c]. Judged d:2, c:1, e:1.
///   AP = (1/1 + 2/2)/3 = 0.6667; nDCG@10 = (2 + 1/log2 3)/(2 + 1/log2 3 + 1/log2 4) = 0.8403;
///   P@10 = 0.2; recall@100 = 2/3; MRR = 1.
/// Query 3 "zebra": no hits and no judgments → left out of the means.
/// Means: map 0.5833, ndcg@10 0.7356, p@10 0.15, recall@100 0.8333, mrr 0.75.
@Suite struct EvalCommandTests {
    typealias Kit = IndexCLITestKit

    static let documents = [
        "a.txt": "apple apple apple",
        "b.txt": "apple banana",
        "c.txt": "banana cherry",
        "d.txt": "cherry",
        "e.txt": "date",
    ]
    static let queries = "1\tapple\n2\tcherry\n3\tzebra\n"
    static let qrels = "1 0 b 1\n1 0 a 0\n2 0 d 2\n2 0 c 1\n2 0 e 1\n"

    static let q1 = [0.5, 1 / log2(3.0), 0.1, 1, 0.5]
    static let q2 = [2.0 / 3, (2 + 1 / log2(3.0)) / (2 + 1 / log2(3.0) + 0.5), 0.2, 2.0 / 3, 1]
    static let means = zip(q1, q2).map { ($0 + $1) / 2 }
    static let metricNames = ["map", "ndcg@10", "p@10", "recall@100", "mrr"]

    /// Runs `body` with (index, queries file, qrels file, folder).
    static func withCollection(_ body: (String, String, String, URL) throws -> Void) throws {
        try Kit.withFolder { folder throws in
            let (_, index) = try Kit.makeIndex(documents, in: folder)
            let queriesFile = folder.appendingPathComponent("queries.tsv")
            let qrelsFile = folder.appendingPathComponent("qrels.txt")
            try Data(queries.utf8).write(to: queriesFile)
            try Data(qrels.utf8).write(to: qrelsFile)
            try body(index, queriesFile.path, qrelsFile.path, folder)
        }
    }

    static func format(_ value: Double) -> String { String(format: "%.4f", value) }

    @Test("the rankings behind the hand-worked figures")
    func rankings() throws {
        try Self.withCollection { index, _, _, _ throws in
            #expect(try QueryCLIKit.search("apple", index: index).map(\.id) == ["a", "b"])
            #expect(try QueryCLIKit.search("cherry", index: index).map(\.id) == ["d", "c"])
        }
    }

    @Test("text: one line per metric mean (4 decimals), then the query counts")
    func text() throws {
        try Self.withCollection { index, queries, qrels, _ throws in
            let result = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 6, "\(result.stdout)")
            for (line, (name, mean)) in zip(lines, zip(Self.metricNames, Self.means)) {
                let fields = line.split(separator: " ").map(String.init)
                #expect(fields == [name, Self.format(mean)], "\(line)")
                #expect(line.hasPrefix(name.padding(toLength: 12, withPad: " ", startingAt: 0)))
            }
            #expect(lines.last == "queries: 3 run, 2 evaluated, 1 without relevant judgments (left out of the means)")
            // The hand figures, spelled out.
            #expect(lines.prefix(5).map { $0.split(separator: " ").last.map(String.init) ?? "" }
                    == ["0.5833", "0.7356", "0.1500", "0.8333", "0.7500"])
        }
    }

    @Test("text --per-query: a tab-separated table before the means")
    func perQueryText() throws {
        try Self.withCollection { index, queries, qrels, _ throws in
            let result = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels, "--per-query"])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines[0] == (["query"] + Self.metricNames).joined(separator: "\t"))
            #expect(lines[1] == (["1"] + Self.q1.map(Self.format)).joined(separator: "\t"))
            #expect(lines[2] == (["2"] + Self.q2.map(Self.format)).joined(separator: "\t"))
            #expect(lines[3] == "")
            #expect(lines[4].hasPrefix("map"))
        }
    }

    @Test("json: counts, unjudged queries, means and per-query values")
    func json() throws {
        try Self.withCollection { index, queries, qrels, _ throws in
            let result = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels, "--format", "json", "--per-query"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["queries"] as? Int == 3)
            #expect(object["evaluated"] as? Int == 2)
            #expect(object["unjudged"] as? [String] == ["3"])
            let means = try #require(object["means"] as? [String: Double])
            #expect(Set(means.keys) == Set(Self.metricNames))
            for (name, mean) in zip(Self.metricNames, Self.means) {
                #expect(abs((means[name] ?? .nan) - mean) < 1e-9, "\(name): \(means[name] ?? .nan) vs \(mean)")
            }
            let perQuery = try #require(object["perQuery"] as? [[String: Any]])
            #expect(perQuery.map { $0["id"] as? String } == ["1", "2"])
            for (entry, values) in zip(perQuery, [Self.q1, Self.q2]) {
                for (name, value) in zip(Self.metricNames, values) {
                    #expect(abs((entry[name] as? Double ?? .nan) - value) < 1e-9, "\(name)")
                }
            }
        }
    }

    @Test("--metrics and -k choose the measures and the ranking depth")
    func metricsAndDepth() throws {
        try Self.withCollection { index, queries, qrels, _ throws in
            // p@1: q1 [a] judged 0 → 0; q2 [d] → 1. recall@1: 0 and 1/3. MRR 1/2 and 1.
            let chosen = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels,
                                       "--metrics", "P@1, recall@1,mrr", "--format", "json"])
            #expect(chosen.status == 0, "\(chosen.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(chosen.stdout.utf8)) as? [String: Any])
            let means = try #require(object["means"] as? [String: Double])
            #expect(Set(means.keys) == ["p@1", "recall@1", "mrr"])
            #expect(abs(means["p@1"]! - 0.5) < 1e-9)
            #expect(abs(means["recall@1"]! - 1.0 / 6) < 1e-9)
            #expect(abs(means["mrr"]! - 0.75) < 1e-9)
            // -k 1: q1 retrieves [a] (AP 0); q2 [d] (AP (1/1)/3). Mean 1/6.
            let shallow = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels, "-k", "1", "--metrics", "map"])
            #expect(shallow.stdout.split(separator: "\n").first.map(String.init) == "map         \(Self.format(1.0 / 6))")
        }
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var qrels: String?
        var status: Int32
        var message: String
        var testDescription: String { name }
    }

    static let errorCases = [
        ErrorCase(name: "missing --qrels", arguments: ["--queries", "QUERIES"], qrels: nil, status: 64, message: "Error: missing --qrels QRELS"),
        ErrorCase(name: "missing --queries", arguments: ["--qrels", "QRELS"], qrels: nil, status: 64, message: "Error: missing --queries FILE.tsv"),
        ErrorCase(name: "unreadable qrels", arguments: ["--queries", "QUERIES", "--qrels", "FOLDER/none.txt"], qrels: nil, status: 66,
                  message: "Error: cannot read qrels file"),
        ErrorCase(name: "malformed qrels", arguments: ["--queries", "QUERIES", "--qrels", "QRELS"], qrels: "1 0 b 1\n1 0 a\n", status: 65,
                  message: "qrels line 2 is not 'qid iteration docno relevance': '1 0 a'"),
        ErrorCase(name: "unknown metric", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--metrics", "map,foo@3"], qrels: nil,
                  status: 64, message: "Error: unknown metric 'foo@3'"),
        ErrorCase(name: "a cutoff of 0", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--metrics", "ndcg@0"], qrels: nil,
                  status: 64, message: "Error: unknown metric 'ndcg@0'"),
        ErrorCase(name: "unreadable queries", arguments: ["--queries", "FOLDER/none.tsv", "--qrels", "QRELS"], qrels: nil, status: 66,
                  message: "Error: cannot read queries file"),
        ErrorCase(name: "a stray argument", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "extra"], qrels: nil, status: 64,
                  message: "Error: unexpected argument 'extra'"),
        // Expected: exit 65. Actual before: exit 0, every mean 0.0000.
        ErrorCase(name: "an empty qrels file", arguments: ["--queries", "QUERIES", "--qrels", "QRELS"], qrels: "", status: 65,
                  message: "qrels.txt: no relevance judgments (expected 'qid iteration docno relevance' lines)"),
        ErrorCase(name: "qrels of blank lines", arguments: ["--queries", "QUERIES", "--qrels", "QRELS"], qrels: "\n  \n", status: 65,
                  message: "qrels.txt: no relevance judgments"),
        // Expected: exit 65. Actual before: exit 0, every mean 0.0000.
        ErrorCase(name: "qrels judging nothing relevant", arguments: ["--queries", "QUERIES", "--qrels", "QRELS"], qrels: "1 0 a 0\n2 0 c 0\n",
                  status: 65, message: "none of the 3 queries of"),
        ErrorCase(name: "qrels for other queries", arguments: ["--queries", "QUERIES", "--qrels", "QRELS"], qrels: "7 0 a 1\n", status: 65,
                  message: "has a document judged relevant in"),
        // Expected: exit 64. Actual before: exit 0, every mean 0.0000.
        ErrorCase(name: "-k 0", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "-k", "0"], qrels: nil, status: 64,
                  message: "Error: --top must be a whole number from 1 to 1000000, not '0'"),
        // Expected: exit 64. Actual before: exit 0 and only the query counts.
        ErrorCase(name: "--metrics ''", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--metrics", ""], qrels: nil, status: 64,
                  message: "Error: --metrics needs at least one metric (map, ndcg@K, p@K, recall@K, mrr)"),
        ErrorCase(name: "--metrics ' , '", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--metrics", " , "], qrels: nil, status: 64,
                  message: "Error: --metrics needs at least one metric"),
        ErrorCase(name: "an empty metric in the list", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--metrics", "map,,mrr"], qrels: nil,
                  status: 64, message: "Error: unknown metric ''"),
        ErrorCase(name: "a metric twice", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--metrics", "map,MAP"], qrels: nil, status: 64,
                  message: "Error: metric 'map' is given twice"),
        ErrorCase(name: "--seed without --compare", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--seed", "3"], qrels: nil, status: 64,
                  message: "Error: --seed goes with --compare"),
        ErrorCase(name: "--permutations without --compare", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--permutations", "3"], qrels: nil,
                  status: 64, message: "Error: --permutations goes with --compare"),
        ErrorCase(name: "an unwritable --run-out", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--run-out", "FOLDER/none/run.trec"],
                  qrels: nil, status: 74, message: "Error: cannot open '"),
        ErrorCase(name: "a --run-tag of two words", arguments: ["--queries", "QUERIES", "--qrels", "QRELS", "--run-tag", "a b"], qrels: nil,
                  status: 64, message: "Error: --run-tag must be one word, not 'a b'"),
    ]

    @Test("errors: usage 64, missing input 66, bad qrels 65, unwritable run 74", arguments: errorCases)
    func errors(_ testCase: ErrorCase) throws {
        try Self.withCollection { index, queries, qrels, folder throws in
            if let bad = testCase.qrels { try Data(bad.utf8).write(to: URL(fileURLWithPath: qrels)) }
            let arguments = testCase.arguments.map {
                $0.replacingOccurrences(of: "QUERIES", with: queries).replacingOccurrences(of: "QRELS", with: qrels)
                    .replacingOccurrences(of: "FOLDER", with: folder.path)
            }
            let result = try Kit.sift(["eval", "--index", index] + arguments)
            #expect(result.status == testCase.status, "\(result.stderr)")
            #expect(result.stderr.contains(testCase.message), "\(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: "))
            #expect(result.stdout.isEmpty)
        }
    }

    struct QueryFileCase: Sendable, CustomTestStringConvertible {
        var name: String
        var queries: String
        var message: String
        var testDescription: String { name }
    }

    // Expected: exit 65. Actual before: exit 0 (an empty file printed 0.0000 for every metric; a
    // repeated id was run and averaged twice).
    static let queryFileCases = [
        QueryFileCase(name: "an empty query file", queries: "", message: "queries.tsv: no queries (expected 'id<TAB>query' lines)"),
        QueryFileCase(name: "a query file of blank lines", queries: "\n\n", message: "queries.tsv: no queries"),
        QueryFileCase(name: "a repeated query id", queries: "1\tapple\n2\tcherry\n1\tbanana\n", message: "queries.tsv: query id '1' appears more than once"),
    ]

    @Test("bad query files are bad data (65), named", arguments: queryFileCases)
    func badQueryFiles(_ testCase: QueryFileCase) throws {
        try Self.withCollection { index, queries, qrels, _ throws in
            try Data(testCase.queries.utf8).write(to: URL(fileURLWithPath: queries))
            let result = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels])
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: "))
            #expect(result.stderr.contains(testCase.message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("eval with no index exits 66")
    func missingIndex() throws {
        try Self.withCollection { _, queries, qrels, folder throws in
            let result = try Kit.sift(["eval", "--index", folder.appendingPathComponent("nowhere").path, "--queries", queries, "--qrels", qrels])
            #expect(result.status == 66)
            #expect(result.stderr.hasPrefix("Error: "))
        }
    }

    @Test("qrels with CRLF line ends are read")
    func crlfQrels() throws {
        try Self.withCollection { index, queries, qrels, _ throws in
            // Expected: the same figures as with LF. Actual: exit 65, "qrels line 1 is not …".
            try Data(Self.qrels.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: URL(fileURLWithPath: qrels))
            let result = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("map         0.5833\n"))
        }
    }
}

/// Ties between equal scores, ranked as trec_eval ranks them, and the run `--run-out` writes.
///
/// x.txt and y.txt are both "apple" and score the same for the query "apple"; z.txt "apple pie"
/// is longer and scores lower. Sift returns x before y (document number); trec_eval ranks
/// equal scores by document id descending: y, x, then z. With x judged relevant (R = 1):
/// AP = 1/2 in trec_eval's order (it was 1 in Sift's order); MRR 1/2; P@1 0.
@Suite struct EvalTieOrderTests {
    typealias Kit = IndexCLITestKit

    static let documents = ["x.txt": "apple", "y.txt": "apple", "z.txt": "apple pie"]

    static func withTies(_ body: (String, String, String, URL) throws -> Void) throws {
        try Kit.withFolder { folder throws in
            let (_, index) = try Kit.makeIndex(documents, in: folder)
            let queries = folder.appendingPathComponent("queries.tsv")
            let qrels = folder.appendingPathComponent("qrels.txt")
            try Data("7\tapple\n".utf8).write(to: queries)
            try Data("7 0 x 1\n7 0 z 0\n".utf8).write(to: qrels)
            try body(index, queries.path, qrels.path, folder)
        }
    }

    @Test("tied scores are ranked by document id descending before the metrics are computed")
    func tiesChangeTheFigures() throws {
        try Self.withTies { index, queries, qrels, _ throws in
            // Sift's own order puts x first.
            #expect(try QueryCLIKit.search("apple", index: index).map(\.id) == ["x", "y", "z"])
            // Expected: map 0.5000. Actual before: map 1.0000 (x first, as Sift listed it).
            let result = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels, "--metrics", "map,mrr,p@1"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.split(separator: "\n").prefix(3).map(String.init) == ["map         0.5000", "mrr         0.5000", "p@1         0.0000"])
        }
    }

    @Test("--run-out writes the run in the evaluated order, with --run-tag, and --run reads it back to the same figures")
    func runOut() throws {
        try Self.withTies { index, queries, qrels, folder throws in
            let runFile = folder.appendingPathComponent("out.trec").path
            let evaluated = try Kit.sift(["eval", "--index", index, "--queries", queries, "--qrels", qrels, "--run-out", runFile, "--run-tag", "bm25"])
            #expect(evaluated.status == 0, "\(evaluated.stderr)")
            let lines = try String(contentsOfFile: runFile, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(lines.map { $0.count } == [6, 6, 6])
            #expect(lines.map { [$0[0], $0[1], $0[2], $0[3], $0[5]] } == [["7", "Q0", "y", "1", "bm25"], ["7", "Q0", "x", "2", "bm25"], ["7", "Q0", "z", "3", "bm25"]])
            #expect(lines[0][4] == lines[1][4])
            #expect(Float(lines[0][4])! > Float(lines[2][4])!)
            // The scores are written as `sift search --format trec` writes them.
            let searched = try QueryCLIKit.search("apple", index: index)
            #expect(Set(lines.map { $0[4] }) == Set(searched.map { "\($0.score)" }))

            let reread = try Kit.sift(["eval", "--run", runFile, "--qrels", qrels])
            #expect(reread.status == 0, "\(reread.stderr)")
            let means = { (text: String) in text.split(separator: "\n").dropLast().map(String.init) }
            #expect(means(reread.stdout) == means(evaluated.stdout))
            #expect(reread.stdout.split(separator: "\n").last
                    == "queries: 1 in the run, 1 evaluated (0 judged but missing from the run, scored 0), 0 without relevant judgments (left out of the means)")
        }
    }

    @Test("two documents whose ids differ only in extension cannot be told apart in a run: exit 65")
    func sameTrecID() throws {
        try Kit.withFolder { folder throws in
            let (_, index) = try Kit.makeIndex(["a.txt": "apple", "a.md": "apple"], in: folder)
            let queries = folder.appendingPathComponent("queries.tsv")
            let qrels = folder.appendingPathComponent("qrels.txt")
            try Data("1\tapple\n".utf8).write(to: queries)
            try Data("1 0 a 1\n".utf8).write(to: qrels)
            let result = try Kit.sift(["eval", "--index", index, "--queries", queries.path, "--qrels", qrels.path])
            #expect(result.status == 65)
            #expect(result.stderr == "Error: query '1' retrieved two documents with the id 'a' (ids without file extension must differ to be evaluated)\n")
        }
    }
}
