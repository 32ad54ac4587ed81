import Foundation
import Sift
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
    ]

    @Test("errors: usage 64, missing input 66, bad qrels 65", arguments: errorCases)
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
