@_spi(SiftInternal) import SiftIndex

/// Where a filtered search goes next: a filter's skipped documents (`IndexReader.skippedDocuments`)
/// let a scorer jump over documents that cannot be returned instead of scoring them one by one
/// — runs of them skip whole blocks, as Lucene's filters lead a conjunction. Only filtered
/// searches take these jumps; the deletions alone are checked per document, as before.
enum FilterSkip {
    /// The first global document ≥ `document` and < `end` that `skipped` lets through, or `end`.
    @inline(__always)
    static func nextPassing(_ skipped: UnsafeMutablePointer<UInt64>, from document: UInt32, end: UInt32) -> UInt32 {
        guard document < end else { return end }
        var word = Int(document >> 6)
        var passing = ~skipped[word] & (~0 << UInt64(document & 63))
        let lastWord = Int((end - 1) >> 6)
        while passing == 0 {
            word += 1
            if word > lastWord { return end }
            passing = ~skipped[word]
        }
        return min(UInt32(word << 6) + UInt32(passing.trailingZeroBitCount), end)
    }
}
