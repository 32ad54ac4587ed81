import Foundation
import Testing
@testable import SiftEvaluation
import SiftTestSupport

/// Ranking metrics as trec_eval defines them, worked by hand on a tiny run.
///
/// Query q1 retrieves d1 d2 d3 d4 d5; judged d1:1, d3:2, d6:1 (relevant, R = 3), d4:0 and
/// d9:0 (judged non-relevant); d2 and d5 are unjudged (non-relevant).
/// Query q2 retrieves x y z; judged y:1 (R = 1).
@Suite struct EvaluationTests {
    static let q1Ranking = ["d1", "d2", "d3", "d4", "d5"]
    static let q1Judgments = ["d1": 1, "d3": 2, "d6": 1, "d4": 0, "d9": 0]
    static let q2Ranking = ["x", "y", "z"]
    static let q2Judgments = ["y": 1]

    static func close(_ actual: Double, _ expected: Double) -> Bool { abs(actual - expected) < 1e-12 }

    struct MetricCase: Sendable, CustomTestStringConvertible {
        var metric: EvaluationMetric
        var query: Int
        var expected: Double
        var testDescription: String { "q\(query) \(metric)" }
        init(_ metric: EvaluationMetric, _ query: Int, _ expected: Double) {
            self.metric = metric
            self.query = query
            self.expected = expected
        }
    }

    static let idealQ1 = 2 + 1 / log2(3.0) + 1 / log2(4.0)  // gains 2, 1, 1 at ranks 1, 2, 3 = 3.1309

    static let metricCases: [MetricCase] = [
        // AP: relevant at ranks 1 and 3 → (1/1 + 2/3) / R = (5/3) / 3 = 5/9; d6 is never retrieved.
        MetricCase(.averagePrecision, 1, 5.0 / 9),
        // P@k divides by k: 1 relevant in the top 1; 2 in the top 5; still 2 in the top 10 → 2/10.
        MetricCase(.precision(1), 1, 1),
        MetricCase(.precision(2), 1, 0.5),
        MetricCase(.precision(5), 1, 0.4),
        MetricCase(.precision(10), 1, 0.2),
        // Recall@k: relevant in the top k over R = 3.
        MetricCase(.recall(1), 1, 1.0 / 3),
        MetricCase(.recall(2), 1, 1.0 / 3),
        MetricCase(.recall(3), 1, 2.0 / 3),
        MetricCase(.recall(100), 1, 2.0 / 3),
        // MRR: the first relevant is at rank 1.
        MetricCase(.reciprocalRank, 1, 1),
        // nDCG@1: DCG = 1/log2(2) = 1; ideal = 2 → 0.5.
        MetricCase(.ndcg(1), 1, 0.5),
        // nDCG@2: DCG = 1 + 0; ideal = 2 + 1/log2(3).
        MetricCase(.ndcg(2), 1, 1 / (2 + 1 / log2(3.0))),
        // nDCG@3: DCG = 1 + 0 + 2/log2(4) = 2; ideal = 3.1309 → 0.6388.
        MetricCase(.ndcg(3), 1, 2 / idealQ1),
        // nDCG@10: d4 (judged 0) and d5 (unjudged) add nothing; the ideal has only 3 gains.
        MetricCase(.ndcg(10), 1, 2 / idealQ1),
        // q2: y at rank 2. AP = (1/2)/1; MRR 1/2; P@1 0; P@2 1/2; recall@1 0, @2 1; nDCG@2 = (1/log2 3)/1.
        MetricCase(.averagePrecision, 2, 0.5),
        MetricCase(.reciprocalRank, 2, 0.5),
        MetricCase(.precision(1), 2, 0),
        MetricCase(.precision(2), 2, 0.5),
        MetricCase(.recall(1), 2, 0),
        MetricCase(.recall(2), 2, 1),
        MetricCase(.ndcg(1), 2, 0),
        MetricCase(.ndcg(2), 2, 1 / log2(3.0)),
        MetricCase(.ndcg(10), 2, 1 / log2(3.0)),
    ]

    @Test("each metric on the hand-worked run", arguments: metricCases)
    func metricValue(_ testCase: MetricCase) {
        let (ranking, judgments) = testCase.query == 1 ? (Self.q1Ranking, Self.q1Judgments) : (Self.q2Ranking, Self.q2Judgments)
        let value = testCase.metric.value(ranking: ranking, judgments: judgments)
        #expect(Self.close(value, testCase.expected), "\(value) vs \(testCase.expected)")
    }

    @Test("no relevant document retrieved, or none judged relevant: every metric is 0")
    func zeroes() {
        let metrics: [EvaluationMetric] = [.averagePrecision, .ndcg(10), .precision(5), .recall(10), .reciprocalRank]
        for metric in metrics {
            #expect(metric.value(ranking: ["a", "b"], judgments: ["c": 1]) == 0, "\(metric)")
            #expect(metric.value(ranking: [], judgments: ["c": 1]) == 0, "\(metric)")
            #expect(metric.value(ranking: ["a", "b"], judgments: ["a": 0, "b": 0]) == 0, "\(metric)")
            #expect(metric.value(ranking: ["a"], judgments: [:]) == 0, "\(metric)")
        }
    }

    @Test("graded gains: a grade-3 document first beats a grade-1 document first")
    func gradedGains() {
        let judgments = ["hi": 3, "lo": 1]
        // Best order: 3/1 + 1/log2(3) = ideal → 1. Swapped: 1 + 3/log2(3) over the same ideal.
        let ideal = 3 + 1 / log2(3.0)
        #expect(Self.close(EvaluationMetric.ndcg(10).value(ranking: ["hi", "lo"], judgments: judgments), 1))
        #expect(Self.close(EvaluationMetric.ndcg(10).value(ranking: ["lo", "hi"], judgments: judgments), (1 + 3 / log2(3.0)) / ideal))
        // A negative grade gains nothing and does not count as relevant.
        #expect(Self.close(EvaluationMetric.ndcg(10).value(ranking: ["neg", "hi"], judgments: ["neg": -1, "hi": 3]), 1 / log2(3.0)))
        #expect(EvaluationMetric.precision(1).value(ranking: ["neg"], judgments: ["neg": -1, "hi": 3]) == 0)
    }

    @Test("the report averages over judged queries and lists the others as unjudged")
    func report() {
        // q3's only judgment is 0 and q4 has none: both left out. q5 has a relevant document but
        // retrieved nothing: it counts, with zeroes.
        let judgments = RelevanceJudgments(["q1": Self.q1Judgments, "q2": Self.q2Judgments, "q3": ["u": 0], "q5": ["r": 1]])
        let metrics: [EvaluationMetric] = [.averagePrecision, .ndcg(10), .precision(10), .recall(100), .reciprocalRank]
        let report = EvaluationReport(rankings: [("q1", Self.q1Ranking), ("q3", ["u"]), ("q2", Self.q2Ranking), ("q4", ["a"]), ("q5", [])],
                                      judgments: judgments, metrics: metrics)
        #expect(report.metrics == metrics)
        #expect(report.unjudged == ["q3", "q4"])
        #expect(report.perQuery.map(\.id) == ["q1", "q2", "q5"])
        #expect(report.perQuery[2].values == [0, 0, 0, 0, 0])
        // Means over 3 queries:
        //   map     (5/9 + 1/2 + 0) / 3                    = 0.351852
        //   ndcg@10 (2/3.1309 + 1/log2(3) + 0) / 3         = 0.423239
        //   p@10    (2/10 + 1/10 + 0) / 3                  = 0.1
        //   recall@100 (2/3 + 1 + 0) / 3                   = 0.555556
        //   mrr     (1 + 1/2 + 0) / 3                      = 0.5
        let expected = [(5.0 / 9 + 0.5) / 3, (2 / Self.idealQ1 + 1 / log2(3.0)) / 3, 0.1, (2.0 / 3 + 1) / 3, 0.5]
        #expect(report.means.count == expected.count)
        for (mean, want) in zip(report.means, expected) { #expect(Self.close(mean, want), "\(mean) vs \(want)") }
        // Nothing judged at all: means are 0, every query unjudged.
        let empty = EvaluationReport(rankings: [("a", ["x"])], judgments: RelevanceJudgments([:]), metrics: [.averagePrecision])
        #expect(empty.means == [0])
        #expect(empty.unjudged == ["a"])
        #expect(empty.perQuery.isEmpty)
    }

    /// The run has q1 and q3 (unjudged) and not q2 or q5; the judgments are `report()`'s.
    static func partialRun() throws -> TrecRun {
        var run = TrecRun()
        try run.append(query: "q3", entries: [RunEntry(documentID: "u", score: 1)])
        try run.append(query: "q1", entries: Self.q1Ranking.enumerated().map { RunEntry(documentID: $1, score: Double(10 - $0)) })
        return run
    }

    static let reportJudgments = RelevanceJudgments(["q1": q1Judgments, "q2": q2Judgments, "q3": ["u": 0], "q5": ["r": 1]])

    @Test("a run over the judged queries: a judged query missing from the run scores 0 (trec_eval -c)")
    func reportOverJudgedQueries() throws {
        let report = try EvaluationReport(run: Self.partialRun(), judgments: Self.reportJudgments, metrics: [.averagePrecision, .reciprocalRank], queries: .judged)
        // q1, q2 and q5 have a relevant document; q2 and q5 are missing. MAP (5/9 + 0 + 0)/3, MRR (1 + 0 + 0)/3.
        #expect(report.perQuery.map(\.id) == ["q1", "q2", "q5"])
        #expect(report.missing == ["q2", "q5"])
        #expect(report.unjudged == ["q3"])
        #expect(Self.close(report.means[0], 5.0 / 27))
        #expect(Self.close(report.means[1], 1.0 / 3))
    }

    @Test("a run over its own queries: only those with a relevant document, in the run's order")
    func reportOverRunQueries() throws {
        let report = try EvaluationReport(run: Self.partialRun(), judgments: Self.reportJudgments, metrics: [.averagePrecision], queries: .run)
        #expect(report.perQuery.map(\.id) == ["q1"])
        #expect(Self.close(report.perQuery[0].values[0], 5.0 / 9))
        #expect(report.missing.isEmpty)
        #expect(report.unjudged == ["q3"])
    }

    @Test("nothing to evaluate is an error, not a mean of 0", arguments: [EvaluatedQueries.run, .judged])
    func reportWithoutRelevantJudgments(_ queries: EvaluatedQueries) throws {
        var run = TrecRun()
        try run.append(query: "q3", entries: [RunEntry(documentID: "u", score: 1)])
        #expect(throws: EvaluationError.noRelevantJudgments) {
            try EvaluationReport(run: run, judgments: RelevanceJudgments(["q3": ["u": 0], "q4": [:]]), metrics: [.averagePrecision], queries: queries)
        }
    }

    struct NameCase: Sendable, CustomTestStringConvertible {
        var name: String
        var metric: EvaluationMetric?
        var testDescription: String { "«\(name)»" }
        init(_ name: String, _ metric: EvaluationMetric?) {
            self.name = name
            self.metric = metric
        }
    }

    static let nameCases: [NameCase] = [
        NameCase("map", .averagePrecision), NameCase("MAP", .averagePrecision),
        NameCase("mrr", .reciprocalRank), NameCase("recip_rank", .reciprocalRank),
        NameCase("ndcg@10", .ndcg(10)), NameCase("NDCG@5", .ndcg(5)), NameCase("p@10", .precision(10)),
        NameCase("P@1", .precision(1)), NameCase("recall@100", .recall(100)), NameCase("Recall@1000", .recall(1000)),
        NameCase("ndcg", nil), NameCase("ndcg@", nil), NameCase("ndcg@0", nil), NameCase("p@-1", nil), NameCase("p@x", nil),
        NameCase("foo@3", nil), NameCase("", nil), NameCase("map@10", nil), NameCase("p@10@2", nil), NameCase(" map", nil),
    ]

    @Test("metric names parse, and every metric's description parses back to it", arguments: nameCases)
    func names(_ testCase: NameCase) {
        #expect(EvaluationMetric(name: testCase.name) == testCase.metric)
        if let metric = testCase.metric {
            #expect(EvaluationMetric(name: metric.description) == metric)
        }
    }

    @Test("descriptions")
    func descriptions() {
        #expect([EvaluationMetric.averagePrecision, .ndcg(10), .precision(5), .recall(100), .reciprocalRank].map(\.description)
                == ["map", "ndcg@10", "p@5", "recall@100", "mrr"])
    }

    @Test("qrels: four fields per line, spaces or tabs, blank lines skipped, later lines win")
    func qrelsParse() throws {
        let text = "1 0 184 2\n\n1\t0\t29\t1\n2 0 12 0\n  \n2 Q0 13 1\n1 0 184 3\n"
        let judgments = try RelevanceJudgments(parsing: text)
        #expect(judgments.byQuery == ["1": ["184": 3, "29": 1], "2": ["12": 0, "13": 1]])
    }

    @Test("qrels without a single judgment are an error, not a set that scores everything 0", arguments: ["", "\n", "  \n\t\n", "\r\n"])
    func qrelsEmpty(_ text: String) {
        #expect(throws: EvaluationError.noJudgments) { try RelevanceJudgments(parsing: text) }
    }

    @Test("the queries with a relevant document, in numeric order when ids are numbers")
    func relevantQueries() throws {
        let judgments = try RelevanceJudgments(parsing: "10 0 a 1\n9 0 b 0\n2 0 c 2\n2 0 d 0\nx 0 e 1\n007 0 f 1\n")
        #expect(judgments.relevantQueryIDs == ["2", "007", "10", "x"])
        #expect(judgments.hasRelevantDocument("2"))
        #expect(!judgments.hasRelevantDocument("9"))
        #expect(!judgments.hasRelevantDocument("none"))
    }

    struct OrderCase: Sendable, CustomTestStringConvertible {
        var first: String
        var second: String
        var testDescription: String { "\(first) < \(second)" }
    }

    @Test("query ids: numbers by value, anything else by bytes", arguments: [
        OrderCase(first: "2", second: "10"), OrderCase(first: "9", second: "010"), OrderCase(first: "01", second: "1"),
        OrderCase(first: "10", second: "10a"), OrderCase(first: "10a", second: "9a"), OrderCase(first: "B", second: "a"),
        OrderCase(first: "999", second: "a"), OrderCase(first: "", second: "0"),
    ])
    func queryOrder(_ testCase: OrderCase) {
        #expect(QueryIDOrder.precedes(testCase.first, testCase.second))
        #expect(!QueryIDOrder.precedes(testCase.second, testCase.first))
    }

    @Test("qrels with CRLF line ends parse like LF ones")
    func qrelsCRLF() throws {
        // Expected: ["1": ["184": 2, "29": 1]]. Actual: throws malformedQrels(line: 1, text: "1 0 184 2\r\n1 0 29 1\r\n").
        let judgments = try RelevanceJudgments(parsing: "1 0 184 2\r\n1 0 29 1\r\n")
        #expect(judgments.byQuery == ["1": ["184": 2, "29": 1]])
    }

    struct QrelsErrorCase: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var bad: String
        var testDescription: String { bad }
    }

    static let qrelsErrors: [QrelsErrorCase] = [
        QrelsErrorCase(text: "1 0 184\n", line: 1, bad: "1 0 184"),
        QrelsErrorCase(text: "1 0 184 2\n1 0 29 high\n", line: 2, bad: "1 0 29 high"),
        QrelsErrorCase(text: "1 0 184 2\n\n1 0 29 1 extra\n", line: 3, bad: "1 0 29 1 extra"),
        QrelsErrorCase(text: "1 0 184 2.5", line: 1, bad: "1 0 184 2.5"),
    ]

    @Test("malformed qrels name the line", arguments: qrelsErrors)
    func malformedQrels(_ testCase: QrelsErrorCase) {
        #expect(throws: EvaluationError.malformedQrels(line: testCase.line, text: testCase.bad)) {
            try RelevanceJudgments(parsing: testCase.text)
        }
        #expect(EvaluationError.malformedQrels(line: testCase.line, text: testCase.bad).description
                == "qrels line \(testCase.line) is not 'qid iteration docno relevance': '\(testCase.bad)'")
    }
}
