/// Several runs scored on the same queries, each compared with the first (the baseline): the
/// means, the differences, and whether the differences are more than chance.
///
/// The queries are every query the judgments have a relevant document for, whichever runs
/// have it; a run missing a query scores 0 on it (trec_eval's `-c`), so that a run cannot
/// gain by leaving out its hard queries and every run is averaged over the same set. Each
/// comparison gets a paired t-test and a paired randomization test; with more than one
/// comparison, both tests' p-values are also adjusted by Holm's method, the family being one
/// metric's comparisons against the baseline.
public struct RunComparison: Sendable {
    /// The evaluated queries, in `QueryIDOrder`.
    public var queries: [String]
    /// Per run: the evaluated queries it does not have (they score 0).
    public var missing: [[String]]
    /// One entry per metric, in the order asked.
    public var metrics: [MetricComparison]
    /// The randomization tests' permutations.
    public var permutations: Int
    /// The randomization tests' seed: with the permutations, what makes their p-values repeat.
    public var seed: UInt64

    /// Compares `runs` (at least two; the first is the baseline).
    ///
    /// Throws `tooFewRuns`, `noRelevantJudgments` (nothing to evaluate) or `noPermutations`.
    /// - Complexity: O(metrics · runs · (judged queries · ranking depth + permutations · queries)).
    public init(runs: [TrecRun], judgments: RelevanceJudgments, metrics: [EvaluationMetric],
                permutations: Int = RandomizationTest.defaultPermutations,
                seed: UInt64 = RandomizationTest.defaultSeed) throws(EvaluationError) {
        guard runs.count >= 2 else { throw .tooFewRuns(runs.count) }
        guard permutations >= 1 else { throw .noPermutations }
        self.permutations = permutations
        self.seed = seed
        var reports: [EvaluationReport] = []
        for run in runs {
            reports.append(try EvaluationReport(run: run, judgments: judgments, metrics: metrics, queries: .judged))
        }
        queries = reports[0].perQuery.map(\.id)
        missing = reports.map(\.missing)
        var comparisons: [MetricComparison] = []
        for (metricIndex, metric) in metrics.enumerated() {
            let values = reports.map { report in report.perQuery.map { $0.values[metricIndex] } }
            var paired: [PairedComparison] = []
            for run in 1..<runs.count {
                paired.append(try PairedComparison(run: run, queries: queries, baseline: values[0], values: values[run],
                                                   permutations: permutations, seed: seed))
            }
            let holmT = paired.contains { $0.tTest.pValue == nil } ? nil : HolmBonferroni.adjusted(paired.map { $0.tTest.pValue! })
            let holmRandomization = HolmBonferroni.adjusted(paired.map(\.randomization.pValue))
            for index in paired.indices {
                paired[index].holmTTestPValue = holmT?[index]
                paired[index].holmRandomizationPValue = holmRandomization[index]
            }
            comparisons.append(MetricComparison(metric: metric, means: reports.map { $0.means[metricIndex] }, comparisons: paired))
        }
        self.metrics = comparisons
    }
}

/// One metric across the compared runs.
public struct MetricComparison: Sendable {
    /// The metric compared.
    public var metric: EvaluationMetric
    /// Each run's mean over the evaluated queries, in the order the runs were given.
    public var means: [Double]
    /// Each run after the first, compared with the first.
    public var comparisons: [PairedComparison]
}

/// One run compared with the baseline on one metric.
public struct PairedComparison: Sendable {
    /// The run's position among the compared runs (1 or more; 0 is the baseline).
    public var run: Int
    /// Per query, in the comparison's query order.
    public var differences: [QueryDifference]
    /// The paired t-test of run − baseline.
    public var tTest: PairedTTest
    /// The paired randomization test of run − baseline.
    public var randomization: RandomizationTest
    /// The t-test's p-value after Holm's adjustment over the metric's comparisons (equal to
    /// the p-value itself when there is one comparison); nil when the t-test has none.
    public var holmTTestPValue: Double?
    /// The randomization test's p-value after Holm's adjustment, likewise.
    public var holmRandomizationPValue: Double
    /// Queries where the run scores higher than the baseline; values within 10⁻¹² of each
    /// other count as the same (rounding, not retrieval).
    public var wins: Int
    /// Queries where the run scores the same as the baseline (within 10⁻¹²).
    public var ties: Int
    /// Queries where the run scores lower than the baseline.
    public var losses: Int

    init(run: Int, queries: [String], baseline: [Double], values: [Double], permutations: Int, seed: UInt64) throws(EvaluationError) {
        self.run = run
        differences = queries.indices.map { QueryDifference(query: queries[$0], baseline: baseline[$0], value: values[$0]) }
        let deltas = differences.map(\.difference)
        tTest = PairedTTest(differences: deltas)
        randomization = try RandomizationTest(differences: deltas, permutations: permutations, seed: seed)
        holmTTestPValue = tTest.pValue
        holmRandomizationPValue = randomization.pValue
        wins = deltas.filter { $0 > Self.tieTolerance }.count
        losses = deltas.filter { $0 < -Self.tieTolerance }.count
        ties = deltas.count - wins - losses
    }

    static let tieTolerance = 1e-12

    /// The mean of run − baseline.
    public var meanDifference: Double { tTest.meanDifference }

    /// The per-query differences, largest absolute difference first (equal ones in query order).
    public var largestDifferencesFirst: [QueryDifference] {
        differences.enumerated().sorted { first, second in
            let a = abs(first.element.difference)
            let b = abs(second.element.difference)
            return a != b ? a > b : first.offset < second.offset
        }.map(\.element)
    }
}

/// One query's value in the baseline and in the compared run.
public struct QueryDifference: Sendable, Equatable {
    /// The query id.
    public var query: String
    /// The baseline's value for the query (0 when the baseline does not have it).
    public var baseline: Double
    /// The compared run's value for the query (0 when the run does not have it).
    public var value: Double

    /// value − baseline.
    public var difference: Double { value - baseline }
}
