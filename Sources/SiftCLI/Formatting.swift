#if canImport(Glibc)
import Glibc
#endif

/// Number formatting without Foundation.
enum Format {
    /// `value` with exactly `decimals` digits after the point.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return "\(value)" }
        let integer = UInt64(scaled)
        let whole = integer / UInt64(scale)
        var fraction = String(integer % UInt64(scale))
        while fraction.count < decimals { fraction = "0" + fraction }
        return (negative && integer != 0 ? "-" : "") + "\(whole)" + (decimals > 0 ? "." + fraction : "")
    }
}

extension Format {
    /// `count` and the noun, singular for one: `1 hit`, `2 hits`, `0 documents`.
    static func count<Count: BinaryInteger>(_ count: Count, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
    }
}

/// The number of cores, without Foundation.
enum ProcessInfoLite {
    static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Seconds elapsed since `start`.
func seconds(since start: ContinuousClock.Instant, clock: ContinuousClock) -> Double {
    let duration = clock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
