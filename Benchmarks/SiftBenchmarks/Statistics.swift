/// Summary statistics of timed samples, nearest-rank percentiles as package-benchmark reports them.
struct SampleStatistics {
    let sorted: [Double]

    init(_ samples: [Double]) { sorted = samples.sorted() }

    /// The nearest-rank percentile: the smallest sample with at least p% of samples ≤ it.
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    var median: Double { percentile(50) }
    var mean: Double { sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count) }
    var minimum: Double { sorted.first ?? 0 }
    var maximum: Double { sorted.last ?? 0 }
}

/// Seconds elapsed since `start`.
func elapsedSeconds(since start: ContinuousClock.Instant) -> Double {
    let duration = ContinuousClock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// Fixed-point formatting without Foundation.
func fixed(_ value: Double, _ decimals: Int = 1) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let integer = UInt64(scaled)
    let whole = integer / UInt64(scale)
    var fraction = String(integer % UInt64(scale))
    while fraction.count < decimals { fraction = "0" + fraction }
    return (value < 0 && integer != 0 ? "-" : "") + "\(whole)" + (decimals > 0 ? "." + fraction : "")
}

/// Peak resident memory of this process in bytes (Linux reports ru_maxrss in KiB).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}

#if canImport(Glibc)
import Glibc
#endif
