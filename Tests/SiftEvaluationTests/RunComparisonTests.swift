import Testing
@testable import SiftEvaluation

/// Three runs compared on MRR, small enough to work by hand.
///
/// Judgments: q1 a, q2 b, q3 c, q4 d relevant; q5 only e judged 0 (not evaluated).
///
///   query  A (baseline)   B                C
///   q1     [a]      1     [a]        1     [x a]   1/2
///   q2     [x b]   1/2    [b]        1     [b]     1
///   q3     [c]      1     [x y c]   1/3    [c]     1
///   q4     [x]      0     (missing)  0     [d]     1
///   mean          0.625         0.583333           0.875
///
/// B − A = (0, 1/2, −2/3, 0): 1 win, 2 ties, 1 loss, mean −1/24.
/// C − A = (−1/2, 1/2, 0, 1): 2 wins, 1 tie, 1 loss, mean 1/4; deviations −3/4, 1/4, −1/4, 3/4,
///   s² = (9 + 1 + 1 + 9)/16/3 = 5/12, t = (1/4)/(√(5/12)/2) = √(3/5) = 0.774597.
/// scipy.stats.ttest_rel: B − A t = −0.1740776559556978, p = 0.8728885715695384;
///   C − A t = 0.7745966692414834, p = 0.4950253460597111.
/// Holm (t-test): 0.49503·2 = 0.99005 first, then max(0.99005, 0.87289·1) = 0.99005 for both.
/// Randomization, exactly: B − A has |Σ| = 1/6 and every flip of (1/2, −2/3) gives 1/6 or 7/6,
///   so p = 1. C − A (zeros aside) flips (−1/2, 1/2, 1): |Σ| ∈ {2, 1, 1, 0} for each sign of the
///   1, so 6 of 8 reach the observed 1: p = 0.75. Holm: 0.75·2 → 1, then 1 → both 1.
@Suite struct RunComparisonTests {
    static let judgments = RelevanceJudgments([
        "q1": ["a": 1], "q2": ["b": 1], "q3": ["c": 1], "q4": ["d": 1], "q5": ["e": 0],
    ])

    static func run(_ rankings: [String: [String]]) throws -> TrecRun {
        var run = TrecRun()
        for id in rankings.keys.sorted() {
            let ranking = rankings[id]!
            try run.append(query: id, entries: ranking.enumerated().map { RunEntry(documentID: $1, score: Double(ranking.count - $0)) })
        }
        return run
    }

    static func runs() throws -> [TrecRun] {
        [
            try run(["q1": ["a"], "q2": ["x", "b"], "q3": ["c"], "q4": ["x"]]),
            try run(["q1": ["a"], "q2": ["b"], "q3": ["x", "y", "c"], "q5": ["e"]]),
            try run(["q1": ["x", "a"], "q2": ["b"], "q3": ["c"], "q4": ["d"]]),
        ]
    }

    static func close(_ actual: Double?, _ expected: Double, _ tolerance: Double = 1e-10) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) <= tolerance
    }

    @Test("means, differences, wins/ties/losses, both tests and Holm's adjustment")
    func threeRuns() throws {
        let comparison = try RunComparison(runs: Self.runs(), judgments: Self.judgments, metrics: [.reciprocalRank], permutations: 10_000, seed: 42)
        #expect(comparison.queries == ["q1", "q2", "q3", "q4"])
        #expect(comparison.missing == [[], ["q4"], []])
        #expect(comparison.permutations == 10_000)
        #expect(comparison.seed == 42)
        let mrr = try #require(comparison.metrics.first)
        #expect(mrr.metric == .reciprocalRank)
        #expect(zip(mrr.means, [0.625, 7.0 / 12, 0.875]).allSatisfy { Self.close($0, $1) }, "\(mrr.means)")
        #expect(mrr.comparisons.map(\.run) == [1, 2])

        let b = mrr.comparisons[0]
        #expect(b.differences.map(\.query) == ["q1", "q2", "q3", "q4"])
        #expect(zip(b.differences.map(\.difference), [0, 0.5, -2.0 / 3, 0]).allSatisfy { Self.close($0, $1) })
        #expect([b.wins, b.ties, b.losses] == [1, 2, 1])
        #expect(Self.close(b.meanDifference, -1.0 / 24))
        #expect(Self.close(b.tTest.statistic, -0.1740776559556978))
        #expect(Self.close(b.tTest.pValue, 0.8728885715695384))
        #expect(b.randomization.pValue == 1)

        let c = mrr.comparisons[1]
        #expect([c.wins, c.ties, c.losses] == [2, 1, 1])
        #expect(Self.close(c.meanDifference, 0.25))
        #expect(Self.close(c.tTest.statistic, (3.0 / 5).squareRoot()))
        #expect(Self.close(c.tTest.pValue, 0.4950253460597111))
        // Exact p = 0.75; 10,000 flips: standard deviation √(0.75·0.25/10000) = 0.0043, tolerance 4 of them.
        #expect(abs(c.randomization.pValue - 0.75) < 0.018, "\(c.randomization.pValue)")
        #expect(c.largestDifferencesFirst.map(\.query) == ["q4", "q1", "q2", "q3"])
        #expect(c.largestDifferencesFirst.first == QueryDifference(query: "q4", baseline: 0, value: 1))

        // Holm, per metric over the two comparisons.
        #expect(Self.close(b.holmTTestPValue, 2 * 0.4950253460597111))
        #expect(Self.close(c.holmTTestPValue, 2 * 0.4950253460597111))
        #expect(b.holmRandomizationPValue == 1)
        #expect(c.holmRandomizationPValue == 1)
    }

    @Test("two runs: Holm's adjustment leaves the p-values as they are; every metric is compared")
    func twoRuns() throws {
        let runs = try Self.runs()
        let comparison = try RunComparison(runs: [runs[0], runs[2]], judgments: Self.judgments,
                                           metrics: [.reciprocalRank, .precision(1)], permutations: 1_000, seed: 5)
        #expect(comparison.metrics.map(\.metric) == [.reciprocalRank, .precision(1)])
        let mrr = comparison.metrics[0].comparisons[0]
        #expect(mrr.holmTTestPValue == mrr.tTest.pValue)
        #expect(mrr.holmRandomizationPValue == mrr.randomization.pValue)
        // P@1: A = (1, 0, 1, 0), C = (0, 1, 1, 1): means 1/2 and 3/4.
        #expect(comparison.metrics[1].means == [0.5, 0.75])
    }

    @Test("a run compared with itself: no difference, p = 1 for both tests")
    func identical() throws {
        let run = try Self.runs()[0]
        let comparison = try RunComparison(runs: [run, run], judgments: Self.judgments, metrics: [.averagePrecision, .ndcg(10)])
        for metric in comparison.metrics {
            let paired = metric.comparisons[0]
            #expect(paired.meanDifference == 0)
            #expect(paired.tTest.pValue == 1)
            #expect(paired.randomization.pValue == 1)
            #expect([paired.wins, paired.ties, paired.losses] == [0, 4, 0])
        }
    }

    @Test("what cannot be compared is an error")
    func errors() throws {
        let runs = try Self.runs()
        #expect(throws: EvaluationError.tooFewRuns(1)) {
            try RunComparison(runs: [runs[0]], judgments: Self.judgments, metrics: [.averagePrecision])
        }
        #expect(throws: EvaluationError.noRelevantJudgments) {
            try RunComparison(runs: runs, judgments: RelevanceJudgments(["q1": ["a": 0]]), metrics: [.averagePrecision])
        }
        #expect(throws: EvaluationError.noPermutations) {
            try RunComparison(runs: runs, judgments: Self.judgments, metrics: [.averagePrecision], permutations: 0)
        }
        #expect(EvaluationError.tooFewRuns(1).description == "a comparison needs at least two runs, not 1")
        #expect(EvaluationError.noRelevantJudgments.description == "no query to evaluate has a document judged relevant")
    }
}
