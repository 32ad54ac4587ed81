import Foundation
import Testing
@testable import SiftEvaluation

/// The paired t-test, the randomization test, Holm's adjustment and the generator behind the
/// randomization test, each against values worked out independently.
@Suite struct SignificanceTests {
    static func close(_ actual: Double?, _ expected: Double, _ tolerance: Double = 1e-10) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) <= tolerance * max(abs(expected), 1)
    }

    // MARK: - Paired t-test

    struct TTestCase: Sendable, CustomTestStringConvertible {
        var name: String
        var baseline: [Double]
        var run: [Double]
        var t: Double
        var p: Double
        var testDescription: String { name }
    }

    static let tTestCases = [
        // By hand: differences 1, 2, 3: mean 2, s = 1, t = 2/(1/√3) = 2√3 = 3.4641, ν = 2;
        // p = 2·P(T > 2√3) = 1 − √12/√14 = 1 − √(6/7) = 0.0741799 (ν = 2 closed form; SciPy 0.07417990022744858).
        TTestCase(name: "by hand, n = 3", baseline: [0, 0, 0], run: [1, 2, 3], t: 12.0.squareRoot(), p: 1 - (6.0 / 7).squareRoot()),
        // scipy.stats.ttest_rel(run, baseline) → (statistic, pvalue):
        TTestCase(name: "scipy, n = 7", baseline: [0.2, 0.5, 0.1, 0.7, 0.3, 0.45, 0.05], run: [0.3, 0.6, 0.1, 0.9, 0.2, 0.5, 0.15],
                  t: 1.8, p: 0.12195242138388797),
        TTestCase(name: "scipy, n = 10", baseline: [0.61, 0.12, 0.33, 0.95, 0.48, 0.27, 0.74, 0.05, 0.59, 0.38],
                  run: [0.55, 0.20, 0.41, 0.90, 0.62, 0.27, 0.70, 0.15, 0.66, 0.52], t: 1.8877560103178113, p: 0.09166419695824993),
    ]

    @Test("paired t-test: t and the two-sided p-value", arguments: tTestCases)
    func pairedTTest(_ testCase: TTestCase) {
        let test = PairedTTest(differences: zip(testCase.run, testCase.baseline).map { $0 - $1 })
        #expect(Self.close(test.statistic, testCase.t), "t \(test.statistic ?? .nan) vs \(testCase.t)")
        #expect(Self.close(test.pValue, testCase.p), "p \(test.pValue ?? .nan) vs \(testCase.p)")
        #expect(test.degreesOfFreedom == testCase.run.count - 1)
        // Swapping the runs flips t and keeps p.
        let swapped = PairedTTest(differences: zip(testCase.baseline, testCase.run).map { $0 - $1 })
        #expect(Self.close(swapped.statistic, -testCase.t))
        #expect(Self.close(swapped.pValue, testCase.p))
    }

    @Test("paired t-test where SciPy answers NaN: no variance, or fewer than two queries")
    func pairedTTestEdges() {
        let identical = PairedTTest(differences: [0, 0, 0, 0])
        #expect(identical.statistic == 0)
        #expect(identical.pValue == 1)
        let constant = PairedTTest(differences: [0.25, 0.25, 0.25])
        #expect(constant.statistic == .infinity)
        #expect(constant.pValue == 0)
        #expect(PairedTTest(differences: [-0.5, -0.5]).statistic == -.infinity)
        let single = PairedTTest(differences: [0.3])
        #expect(single.statistic == nil)
        #expect(single.pValue == nil)
        #expect(single.meanDifference == 0.3)
        #expect(single.degreesOfFreedom == 0)
        #expect(PairedTTest(differences: []).pValue == nil)
    }

    // MARK: - Randomization test

    /// Six differences: d = 0.5, 0.4, 0.3, 0.2, 0.1, −0.1; Σd = 1.4.
    /// Flipping the signs of a set S of them gives Σ = 1.4 − 2·x(S), x(S) the sum of d over S,
    /// so a flip is at least as extreme (|Σ| ≥ 1.4) when x(S) ≤ 0 or x(S) ≥ 1.4. Of the 64 sets,
    /// x(S) ≤ 0 for S = {}, {d₆} (−0.1) and {d₅, d₆} (0, a tie that counts); x(S) ≥ 1.4 for their
    /// complements ({d₁…d₆}, {d₁…d₅}, {d₁…d₄}). 6 of 64: the exact p-value is 6/64 = 0.09375.
    static let six = [0.5, 0.4, 0.3, 0.2, 0.1, -0.1]

    @Test("randomization test: all 64 sign flips enumerated give the hand count")
    func exactEnumeration() {
        var extreme = 0
        for mask in 0..<64 {
            let sum = Self.six.indices.reduce(0.0) { $0 + (mask >> $1 & 1 == 1 ? -Self.six[$1] : Self.six[$1]) }
            if abs(sum) >= 1.4 - 1e-12 { extreme += 1 }
        }
        #expect(extreme == 6)
    }

    @Test("randomization test: 10,000 random flips land near the exact p = 0.09375", arguments: [42, 1, 2, 3, 2026] as [UInt64])
    func randomFlipsNearExact(_ seed: UInt64) throws {
        let test = try RandomizationTest(differences: Self.six, permutations: 10_000, seed: seed)
        // c ~ Binomial(10000, 0.09375): standard deviation of c/N is √(0.09375·0.90625/10000) = 0.0029;
        // the +1 correction moves p by under 0.0001. 0.012 is four standard deviations.
        #expect(abs(test.pValue - 0.09375) < 0.012, "p = \(test.pValue)")
        #expect(test.pValue == Double(test.atLeastAsExtreme + 1) / 10_001)
        #expect(test.permutations == 10_000)
        #expect(test.seed == seed)
        #expect(Self.close(test.meanDifference, 1.4 / 6))
    }

    @Test("randomization test: the same seed gives the same p-value, to the last bit")
    func deterministic() throws {
        let differences = (0..<150).map { Double(($0 * 37) % 23 - 11) / 40 }
        let first = try RandomizationTest(differences: differences, permutations: 2_000, seed: 7)
        let second = try RandomizationTest(differences: differences, permutations: 2_000, seed: 7)
        #expect(first == second)
        // The default is 10,000 permutations with seed 42.
        let defaults = try RandomizationTest(differences: Self.six)
        #expect(defaults.permutations == 10_000)
        #expect(defaults.seed == 42)
        #expect(defaults == (try RandomizationTest(differences: Self.six, permutations: 10_000, seed: 42)))
    }

    @Test("randomization test: identical runs give p = 1; one query of either sign too")
    func identicalRuns() throws {
        #expect(try RandomizationTest(differences: [0, 0, 0, 0, 0], permutations: 500, seed: 1).pValue == 1)
        // A single difference: every flip has |±0.3| = 0.3, as extreme as observed.
        #expect(try RandomizationTest(differences: [0.3], permutations: 500, seed: 1).pValue == 1)
    }

    @Test("randomization test: 70 equal differences (crossing a 64-bit word of flips) are never matched by chance")
    func manyQueries() throws {
        // Only all-plus and all-minus reach |Σ| = 70: probability 2/2^70, so c = 0 and p = 1/(N + 1).
        let test = try RandomizationTest(differences: Array(repeating: 1, count: 70), permutations: 1_000, seed: 9)
        #expect(test.atLeastAsExtreme == 0)
        #expect(test.pValue == 1.0 / 1_001)
    }

    @Test("randomization test: at least one permutation")
    func noPermutations() {
        #expect(throws: EvaluationError.noPermutations) { try RandomizationTest(differences: [1], permutations: 0, seed: 1) }
        #expect(EvaluationError.noPermutations.description == "a randomization test needs at least one permutation")
    }

    @Test("SplitMix64 gives the reference sequence (Vigna's splitmix64.c, computed offline in Python)")
    func splitMix() {
        var zero = SplitMix64(seed: 0)
        #expect([zero.next(), zero.next(), zero.next()] == [16294208416658607535, 7960286522194355700, 487617019471545679])
        var fortyTwo = SplitMix64(seed: 42)
        #expect([fortyTwo.next(), fortyTwo.next(), fortyTwo.next()] == [13679457532755275413, 2949826092126892291, 5139283748462763858])
    }

    // MARK: - Holm–Bonferroni

    struct HolmCase: Sendable, CustomTestStringConvertible {
        var name: String
        var pValues: [Double]
        var adjusted: [Double]
        var testDescription: String { name }
    }

    static let holmCases = [
        // The worked example of Wikipedia's "Holm–Bonferroni method": p₁ = 0.01, p₂ = 0.04,
        // p₃ = 0.03, p₄ = 0.005 at α = 0.05. Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03,
        // 0.03·2 = 0.06, 0.04·1 = 0.04 → raised to 0.06 to stay monotone. H₄ and H₁ are
        // rejected (0.02, 0.03 ≤ 0.05), H₃ and H₂ are not (0.06).
        HolmCase(name: "Wikipedia's example", pValues: [0.01, 0.04, 0.03, 0.005], adjusted: [0.03, 0.06, 0.06, 0.02]),
        // Capped at 1: sorted 0.02·3 = 0.06, 0.5·2 = 1.0, 0.6·1 = 0.6 → max(1.0, 0.6) = 1.0.
        HolmCase(name: "capped at 1, monotone", pValues: [0.5, 0.6, 0.02], adjusted: [1, 1, 0.06]),
        // Ties: both 0.01 → 0.01·3 = 0.03, 0.01·2 = 0.02 → 0.03; then 0.2·1 = 0.2.
        HolmCase(name: "tied p-values", pValues: [0.01, 0.2, 0.01], adjusted: [0.03, 0.2, 0.03]),
        HolmCase(name: "one p-value is left alone", pValues: [0.037], adjusted: [0.037]),
        HolmCase(name: "none", pValues: [], adjusted: []),
    ]

    @Test("Holm's step-down adjustment", arguments: holmCases)
    func holm(_ testCase: HolmCase) {
        let adjusted = HolmBonferroni.adjusted(testCase.pValues)
        #expect(adjusted.count == testCase.adjusted.count)
        for (value, expected) in zip(adjusted, testCase.adjusted) {
            #expect(abs(value - expected) < 1e-15, "\(adjusted) vs \(testCase.adjusted)")
        }
    }

    @Test("Holm's adjusted p-values keep the order of the raw ones and never fall below them")
    func holmMonotone() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let count = Int(random.next() % 8) + 1
            let pValues = (0..<count).map { _ in Double(random.next() >> 11) / Double(1 << 53) }
            let adjusted = HolmBonferroni.adjusted(pValues)
            for i in pValues.indices {
                #expect(adjusted[i] >= pValues[i] && adjusted[i] <= 1)
                for j in pValues.indices where pValues[i] < pValues[j] { #expect(adjusted[i] <= adjusted[j]) }
            }
        }
    }
}
