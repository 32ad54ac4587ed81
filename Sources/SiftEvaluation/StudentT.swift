#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The regularized incomplete beta function I_x(a, b), the cumulative distribution of the
/// beta distribution: what Student's t distribution (and so the t-test's p-value) reduces to.
public enum IncompleteBeta {
    /// I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1.
    ///
    /// Evaluated with the continued fraction of the incomplete beta function (its even and odd
    /// steps, by the modified Lentz method) where it converges fast, x < (a + 1)/(a + b + 2),
    /// and through the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) elsewhere. Accurate to about
    /// 1e-14 relative for the arguments a t-test meets.
    public static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        regularized(x, complement: 1 - x, a: a, b: b)
    }

    /// As `regularized(_:a:b:)`, with 1 − x given by the caller, who can often compute it
    /// without the cancellation of subtracting from 1 (for the t distribution, t²/(ν + t²)).
    static func regularized(_ x: Double, complement y: Double, a: Double, b: Double) -> Double {
        guard a > 0, b > 0, x >= 0, y >= 0, !x.isNaN, !y.isNaN else { return .nan }
        if x == 0 { return 0 }
        if y == 0 { return 1 }
        let logBeta = lgamma(a) + lgamma(b) - lgamma(a + b)
        let front = exp(a * log(x) + b * log(y) - logBeta)
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * continuedFraction(y, a: b, b: a) / b
    }

    /// How close to 0 Lentz's ratios may come before they are nudged away (a division guard).
    private static let tiny = 1e-300

    /// The continued fraction 1/(1 + d₁/(1 + d₂/(1 + …))) with
    /// d₂ₘ₊₁ = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)) and
    /// d₂ₘ = m(b − m)x / ((a + 2m − 1)(a + 2m)).
    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let epsilon = 1e-15
        // Lentz: the value is a running product, one factor c·d per coefficient.
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var value = d
        for step in 1...10_000 {
            let m = Double(step)
            value *= lentzFactor(m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)), c: &c, d: &d)
            let factor = lentzFactor(-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)), c: &c, d: &d)
            value *= factor
            if abs(factor - 1) < epsilon { break }
        }
        return value
    }

    /// One step of the modified Lentz method: folds the next coefficient into the running
    /// ratios `c` and `d` (kept away from 0) and returns the factor the value changes by.
    private static func lentzFactor(_ coefficient: Double, c: inout Double, d: inout Double) -> Double {
        d = 1 + coefficient * d
        if abs(d) < tiny { d = tiny }
        c = 1 + coefficient / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        return d * c
    }
}

/// Student's t distribution with ν degrees of freedom, through the incomplete beta function:
/// P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
public enum StudentT {
    /// P(T ≤ t).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let tails = twoSidedPValue(t, degreesOfFreedom: nu)
        return t > 0 ? 1 - tails / 2 : tails / 2
    }

    /// P(|T| ≥ |t|): the two-sided p-value of a t statistic, both tails counted, as a test
    /// of "no difference" against "a difference in either direction" needs.
    public static func twoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard !t.isNaN, nu > 0 else { return .nan }
        guard t.isFinite else { return 0 }
        if t == 0 { return 1 }
        // x = ν/(ν + t²) and 1 − x = t²/(ν + t²), each computed without cancellation.
        let ratio = nu / (t * t)
        return IncompleteBeta.regularized(ratio / (1 + ratio), complement: 1 / (1 + ratio), a: nu / 2, b: 0.5)
    }
}
