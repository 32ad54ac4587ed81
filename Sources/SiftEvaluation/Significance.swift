/// The paired t-test of per-query differences between two runs.
///
/// Differences dᵢ = Bᵢ − Aᵢ over n queries; t = mean(d) / (s / √n) with s the sample standard
/// deviation (n − 1 in the denominator), referred to Student's t with n − 1 degrees of
/// freedom; the p-value is two-sided. This is `scipy.stats.ttest_rel(b, a)`, except where
/// SciPy answers NaN: when every difference is the same, t is 0 and p = 1 if they are all 0
/// (the runs score alike), and t = ±∞ and p = 0 otherwise.
public struct PairedTTest: Sendable, Equatable {
    /// The mean of the differences (B − A).
    public var meanDifference: Double
    /// The t statistic; nil with fewer than two differences, when no variance can be estimated.
    public var statistic: Double?
    /// n − 1.
    public var degreesOfFreedom: Int
    /// The two-sided p-value; nil with fewer than two differences.
    public var pValue: Double?

    /// Tests the differences (run − baseline, one per query).
    public init(differences: [Double]) {
        let n = differences.count
        degreesOfFreedom = max(n - 1, 0)
        meanDifference = n == 0 ? 0 : differences.reduce(0, +) / Double(n)
        guard n >= 2 else {
            statistic = nil
            pValue = nil
            return
        }
        let mean = meanDifference
        let variance = differences.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        if variance == 0 {
            statistic = mean == 0 ? 0 : (mean > 0 ? .infinity : -.infinity)
            pValue = mean == 0 ? 1 : 0
            return
        }
        let t = mean / (variance / Double(n)).squareRoot()
        statistic = t
        pValue = StudentT.twoSidedPValue(t, degreesOfFreedom: Double(n - 1))
    }
}

/// The paired randomization (sign-flip permutation) test of per-query differences.
///
/// Under the null hypothesis the two runs are exchangeable on every query, so each difference
/// dᵢ = Bᵢ − Aᵢ is as likely to have had the opposite sign. Each permutation flips every
/// sign with probability ½ (one bit of a `SplitMix64` stream seeded with `seed` per query,
/// queries in order); it is at least as extreme as the runs when |Σ ±dᵢ| ≥ |Σ dᵢ| − ε, with
/// ε = 10⁻¹² · Σ|dᵢ| so that sign patterns whose sums tie mathematically are not lost to
/// rounding. The test is two-sided (absolute sums). With c of N permutations at least as
/// extreme, p = (c + 1) / (N + 1): the observed assignment is counted as one of the
/// permutations, which keeps p > 0 and the test exact rather than anticonservative
/// (Phipson and Smyth 2010). Identical runs give p = 1. The same seed and N give the same
/// p-value on every platform; each test starts its stream afresh from the seed.
public struct RandomizationTest: Sendable, Equatable {
    /// The observed mean difference (B − A).
    public var meanDifference: Double
    /// The two-sided p-value, (c + 1) / (N + 1).
    public var pValue: Double
    /// c: permutations whose |mean difference| reached the observed one.
    public var atLeastAsExtreme: Int
    /// N.
    public var permutations: Int
    /// The generator's seed.
    public var seed: UInt64

    /// The permutations `sift eval --compare` draws unless told otherwise: enough that the
    /// Monte Carlo error of p (about √(p(1−p)/N), at most 0.005) is below the precision
    /// p-values are read at.
    public static let defaultPermutations = 10_000
    /// The fixed seed used unless another is given, so a comparison repeats exactly.
    public static let defaultSeed: UInt64 = 42

    /// Runs the test; throws `noPermutations` when `permutations` < 1.
    ///
    /// - Complexity: O(permutations · differences.count).
    public init(differences: [Double], permutations: Int = Self.defaultPermutations, seed: UInt64 = Self.defaultSeed) throws(EvaluationError) {
        guard permutations >= 1 else { throw .noPermutations }
        self.permutations = permutations
        self.seed = seed
        let n = differences.count
        let observedSum = differences.reduce(0, +)
        meanDifference = n == 0 ? 0 : observedSum / Double(n)
        let threshold = abs(observedSum) - 1e-12 * differences.reduce(0) { $0 + abs($1) }
        var generator = SplitMix64(seed: seed)
        var count = 0
        differences.withUnsafeBufferPointer { values in
            for _ in 0..<permutations {
                var sum = 0.0
                var bits: UInt64 = 0
                for index in 0..<n {
                    if index & 63 == 0 { bits = generator.next() }
                    sum += bits & 1 == 1 ? -values[index] : values[index]
                    bits >>= 1
                }
                if abs(sum) >= threshold { count += 1 }
            }
        }
        atLeastAsExtreme = count
        pValue = Double(count + 1) / Double(permutations + 1)
    }
}

/// Holm's step-down adjustment of a family of p-values (Holm 1979), which keeps the chance of
/// any false rejection in the family at most α when each adjusted p-value is compared with α.
public enum HolmBonferroni {
    /// The adjusted p-values, in the order given.
    ///
    /// With the m p-values sorted ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎, the i-th is adjusted to
    /// max over j ≤ i of min(1, (m − j + 1) · p₍ⱼ₎): each is multiplied by the number of
    /// hypotheses still standing at its step, the results are made monotone (a hypothesis is
    /// never easier to reject than one with a smaller p-value), and capped at 1. One p-value
    /// is left as it is.
    public static func adjusted(_ pValues: [Double]) -> [Double] {
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] || (pValues[$0] == pValues[$1] && $0 < $1) }
        var result = [Double](repeating: 0, count: m)
        var running = 0.0
        for (step, index) in order.enumerated() {
            running = max(running, min(1, Double(m - step) * pValues[index]))
            result[index] = running
        }
        return result
    }
}
