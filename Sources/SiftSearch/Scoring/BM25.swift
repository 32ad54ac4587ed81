@_spi(SiftInternal) import SiftIndex
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two free parameters of BM25.
///
/// Sift ranks with
/// `score(q, d) = Σ idf(t) · tf · (k1 + 1) / (tf + k1 · (1 − b + b · len(d) / avgLen))`
/// over the query terms t in d, with `idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))`. This file
/// is the only place the formula is written: `BM25Weight` is the form every scorer, bound and
/// explanation uses, and `score(termFrequency:…)` the same formula in `Double` for reference.
public struct BM25Parameters: Sendable, Equatable, Hashable {
    /// Term-frequency saturation; 1.2 by default.
    public var k1: Double
    /// Length normalization, 0 (none) to 1 (full); 0.75 by default.
    public var b: Double

    public init(k1: Double = 1.2, b: Double = 0.75) {
        self.k1 = k1
        self.b = b
    }

    /// idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)): always positive, so every matching term adds.
    public static func idf(documentCount: Int, documentFrequency: Int) -> Double {
        log(1 + (Double(documentCount) - Double(documentFrequency) + 0.5) / (Double(documentFrequency) + 0.5))
    }

    /// The length factor k1 · (1 − b + b · len/avgLen) of one document (k1 in an empty field).
    public func lengthFactor(length: Int, averageLength: Double) -> Double {
        LengthNormalization(self, averageLength: averageLength).factor(length: length)
    }

    /// One term's contribution to one document, straight from the formula, in `Double`: the
    /// reference the `Float` scorers are tested against.
    public func score(termFrequency: Int, documentFrequency: Int, documentCount: Int, length: Int, averageLength: Double) -> Double {
        score(frequency: Double(termFrequency), idf: Self.idf(documentCount: documentCount, documentFrequency: documentFrequency),
              length: length, averageLength: averageLength)
    }

    /// The same with the idf given (a phrase's is the sum of its terms'): `idf · tf · (k1 + 1) /
    /// (tf + k1 · (1 − b + b · len/avgLen))`.
    public func score(frequency: Double, idf: Double, length: Int, averageLength: Double) -> Double {
        idf * frequency * (k1 + 1) / (frequency + lengthFactor(length: length, averageLength: averageLength))
    }
}

/// BM25's length normalization of one field, as a line in the document length:
/// `k1 · (1 − b + b · len/avgLen) = base + slope · len`.
struct LengthNormalization: Sendable, Equatable {
    /// k1 · (1 − b).
    let base: Double
    /// k1 · b / avgLen (0 in an empty field, whose factor is k1).
    let slope: Double

    init(_ parameters: BM25Parameters, averageLength: Double) {
        if averageLength > 0 {
            base = parameters.k1 * (1 - parameters.b)
            slope = parameters.k1 * parameters.b / averageLength
        } else {
            base = parameters.k1
            slope = 0
        }
    }

    @inline(__always)
    func factor(length: Int) -> Double {
        base + slope * Double(length)
    }
}

/// BM25 of one term (or phrase) of one query: the query-side constant `boost · idf · (k1 + 1)`
/// folded into `weight`, so that scoring a posting is one multiply and one divide against the
/// document's precomputed length factor.
///
/// Every scorer, the MaxScore and block-skipping loops, the term-at-a-time accumulator and
/// explanations call `score`, and every pruning decision calls `bound`: pruned and exhaustive
/// search therefore make the same `Float` operations and give bit-identical scores.
struct BM25Weight: Sendable, Equatable {
    /// Bounds are inflated by this relative margin, so that the rounding of `Float` scores can
    /// never make a true contribution exceed its bound.
    static let boundMargin = 1.0 + 1e-5

    /// The term's idf (for a phrase, the sum of its terms' idf).
    let idf: Double
    /// The clause's boost.
    let boost: Double
    /// `boost · idf · (k1 + 1)`.
    let weight: Float
    /// The length normalization of the term's field.
    let normalization: LengthNormalization

    init(idf: Double, boost: Double, parameters: BM25Parameters, averageLength: Double) {
        self.idf = idf
        self.boost = boost
        weight = Float(boost * idf * (parameters.k1 + 1))
        normalization = LengthNormalization(parameters, averageLength: averageLength)
    }

    /// The contribution of a document where the term occurs `frequency` times and whose
    /// length factor is `lengthFactor`: `weight · tf / (tf + lengthFactor)`.
    @inline(__always)
    func score(frequency: Float, lengthFactor: Float) -> Float {
        weight * frequency / (frequency + lengthFactor)
    }

    /// At least the largest contribution of a document with at most `maxFrequency`
    /// occurrences and a length factor of at least `lengthFactor` (the score rises with tf and
    /// falls with length), margin included.
    @inline(__always)
    func bound(maxFrequency: Double, lengthFactor: Double) -> Double {
        Double(weight) * maxFrequency / (maxFrequency + lengthFactor) * Self.boundMargin
    }

    /// At least the largest contribution of any posting of a block or list whose impacts
    /// are `impacts`: every posting's (tf, len) is matched or beaten by one of the pairs
    /// (a larger or equal tf in a shorter or equally long document), so the largest of the
    /// pairs' scores bounds them all, for the k1 and b of this query. Exact at the best pair,
    /// margin included.
    @inline(__always)
    func bound(_ impacts: ImpactReader) -> Double {
        var impacts = impacts
        var best = 0.0
        while let pair = impacts.next() {
            best = max(best, bound(maxFrequency: pair.frequency, minLength: pair.length))
        }
        return best
    }

    /// At least the largest contribution in a block whose largest frequency and smallest
    /// length are given.
    @inline(__always)
    func bound(maxFrequency: UInt32, minLength: UInt32) -> Double {
        bound(maxFrequency: Double(maxFrequency), lengthFactor: normalization.factor(length: Int(minLength)))
    }
}
