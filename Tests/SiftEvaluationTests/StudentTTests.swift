import Foundation
import Testing
@testable import SiftEvaluation

/// The incomplete beta function and Student's t distribution against closed forms worked by
/// hand and against SciPy 1.17.1 (values computed offline and pasted; nothing runs SciPy here).
@Suite struct StudentTTests {
    static func relativelyClose(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-11) -> Bool {
        abs(actual - expected) <= tolerance * max(abs(expected), 1e-300)
    }

    struct BetaCase: Sendable, CustomTestStringConvertible {
        var a: Double
        var b: Double
        var x: Double
        var expected: Double
        var testDescription: String { "I_\(x)(\(a), \(b))" }
    }

    static let betaCases = [
        // By hand: I_x(1, 1) = x (the uniform distribution).
        BetaCase(a: 1, b: 1, x: 0.25, expected: 0.25),
        // By hand: I_x(2, 3) = Σ_{j=2..4} C(4,j) x^j (1−x)^(4−j) at x = 0.4:
        // 6·0.16·0.36 + 4·0.064·0.6 + 0.0256 = 0.3456 + 0.1536 + 0.0256 = 0.5248.
        BetaCase(a: 2, b: 3, x: 0.4, expected: 0.5248),
        // By hand: I_{1/2}(a, a) = 1/2 by symmetry.
        BetaCase(a: 50, b: 50, x: 0.5, expected: 0.5),
        // By hand: I_x(1/2, 1/2) = (2/π) asin(√x) (the arcsine distribution); SciPy: 0.36901011956554536.
        BetaCase(a: 0.5, b: 0.5, x: 0.3, expected: 2 / Double.pi * asin(0.3.squareRoot())),
        // scipy.special.betainc(a, b, x):
        BetaCase(a: 0.5, b: 0.5, x: 0.3, expected: 0.36901011956554536),
        BetaCase(a: 10, b: 0.5, x: 0.9, expected: 0.15164090963470994),
        BetaCase(a: 112, b: 0.5, x: 0.97, expected: 0.0090766182548324),
        BetaCase(a: 2.5, b: 0.5, x: 0.01, expected: 3.4075027649461746e-06),
        BetaCase(a: 0.5, b: 112, x: 0.001, expected: 0.36369889055393934),
        BetaCase(a: 30, b: 0.5, x: 0.999, expected: 0.8072373061595369),
    ]

    @Test("regularized incomplete beta", arguments: betaCases)
    func incompleteBeta(_ testCase: BetaCase) {
        let value = IncompleteBeta.regularized(testCase.x, a: testCase.a, b: testCase.b)
        #expect(Self.relativelyClose(value, testCase.expected), "\(value) vs \(testCase.expected)")
    }

    @Test("incomplete beta at the ends and outside its domain")
    func incompleteBetaEdges() {
        #expect(IncompleteBeta.regularized(0, a: 2, b: 3) == 0)
        #expect(IncompleteBeta.regularized(1, a: 2, b: 3) == 1)
        #expect(IncompleteBeta.regularized(1.5, a: 2, b: 3).isNaN)
        #expect(IncompleteBeta.regularized(0.5, a: 0, b: 3).isNaN)
    }

    struct TailCase: Sendable, CustomTestStringConvertible {
        var t: Double
        var degreesOfFreedom: Double
        /// P(T > t).
        var upperTail: Double
        var testDescription: String { "t = \(t), ν = \(degreesOfFreedom)" }
    }

    static let tailCases = [
        // By hand, ν = 1 (Cauchy): P(T > t) = 1/2 − atan(t)/π; at t = 1, 1/4.
        TailCase(t: 1, degreesOfFreedom: 1, upperTail: 0.25),
        TailCase(t: 1.5, degreesOfFreedom: 1, upperTail: 0.5 - atan(1.5) / Double.pi),
        // By hand, ν = 2: P(T > t) = 1/2 − t / (2√(t² + 2)); at t = 2√3, 1/2 − √12/(2√14) = (1 − √(6/7))/2.
        TailCase(t: 12.0.squareRoot(), degreesOfFreedom: 2, upperTail: (1 - (6.0 / 7).squareRoot()) / 2),
        // scipy.stats.t.sf(t, df):
        TailCase(t: 1.5, degreesOfFreedom: 1, upperTail: 0.18716704181099886),
        TailCase(t: 2.0, degreesOfFreedom: 5, upperTail: 0.050969739414929174),
        TailCase(t: 0.5, degreesOfFreedom: 224, upperTail: 0.3087829497987336),
        TailCase(t: -1.2, degreesOfFreedom: 10, upperTail: 0.8711018496378472),
        TailCase(t: 10, degreesOfFreedom: 3, upperTail: 0.0010641995292070751),
        TailCase(t: 6.0, degreesOfFreedom: 224, upperTail: 3.927946372578836e-09),
        TailCase(t: 0.1, degreesOfFreedom: 30, upperTail: 0.4605048058951356),
    ]

    @Test("Student's t: the upper tail, the CDF and the two-sided p-value", arguments: tailCases)
    func studentT(_ testCase: TailCase) {
        let upper = 1 - StudentT.cdf(testCase.t, degreesOfFreedom: testCase.degreesOfFreedom)
        let lower = StudentT.cdf(-testCase.t, degreesOfFreedom: testCase.degreesOfFreedom)  // = P(T > t), by symmetry
        #expect(Self.relativelyClose(lower, testCase.upperTail), "\(lower) vs \(testCase.upperTail)")
        #expect(abs(upper - testCase.upperTail) < 1e-14)
        let twoSided = StudentT.twoSidedPValue(testCase.t, degreesOfFreedom: testCase.degreesOfFreedom)
        let expected = 2 * min(testCase.upperTail, 1 - testCase.upperTail)
        #expect(Self.relativelyClose(twoSided, expected, 1e-10), "\(twoSided) vs \(expected)")
    }

    @Test("t = 0 gives p = 1, an infinite t gives p = 0, NaN stays NaN")
    func studentTEdges() {
        #expect(StudentT.twoSidedPValue(0, degreesOfFreedom: 5) == 1)
        #expect(StudentT.cdf(0, degreesOfFreedom: 5) == 0.5)
        #expect(StudentT.twoSidedPValue(.infinity, degreesOfFreedom: 5) == 0)
        #expect(StudentT.twoSidedPValue(-.infinity, degreesOfFreedom: 5) == 0)
        #expect(StudentT.twoSidedPValue(.nan, degreesOfFreedom: 5).isNaN)
        #expect(StudentT.twoSidedPValue(1e200, degreesOfFreedom: 5) == 0)
    }
}
