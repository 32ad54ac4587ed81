#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two free parameters of BM25 (docs: DESIGN.md "Ranking: BM25 exactly").
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

    /// The length factor k1 · (1 − b + b · len/avgLen) of one document.
    public func lengthFactor(length: Int, averageLength: Double) -> Double {
        guard averageLength > 0 else { return k1 }
        return k1 * (1 - b + b * Double(length) / averageLength)
    }

    /// One term's contribution to one document, straight from the formula.
    public func score(termFrequency: Int, documentFrequency: Int, documentCount: Int, length: Int, averageLength: Double) -> Double {
        let tf = Double(termFrequency)
        return Self.idf(documentCount: documentCount, documentFrequency: documentFrequency)
            * tf * (k1 + 1) / (tf + lengthFactor(length: length, averageLength: averageLength))
    }
}
