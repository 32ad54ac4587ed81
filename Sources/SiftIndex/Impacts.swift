@_spi(SiftInternal) import SiftStorage
/// A block's impacts (Lucene's term): the (term frequency, document length) pairs of its
/// postings that no other pair beats on both — a larger or equal frequency in a shorter or
/// equally long document. BM25 rises with tf and falls with length for every k1 ≥ 0 and
/// 0 ≤ b ≤ 1, so the largest score in the block, for any k1 and b chosen at query time, is
/// that of one of these pairs: the bound is exact at the block's best pair, where the largest
/// tf and the smallest length taken separately overestimate it.
///
/// Stored as a run of varints (docs/FORMAT.md): pairs by ascending frequency (and so by
/// ascending length), each as the frequency's step from the previous pair's (less one, the
/// first from 0), shifted left by one with the low bit set when another pair follows, then
/// the length's step (less one; the first whole).
@_spi(SiftInternal) public struct ImpactReader {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var offset: Int
    @usableFromInline let end: Int
    @usableFromInline var more: Bool
    @usableFromInline var frequency: UInt32 = 0
    @usableFromInline var length: UInt32 = 0
    /// A list of one posting stores no impacts: its one pair is given.
    @usableFromInline let single: (frequency: UInt32, length: UInt32)?
    @usableFromInline var first = true

    /// Reads the impacts stored at `offset` (not past `end`).
    @inlinable
    public init(bytes: UnsafeRawBufferPointer, offset: Int, end: Int) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end, bytes.count)
        more = true
        single = nil
    }

    /// The one pair of a list of one posting.
    @inlinable
    public init(frequency: UInt32, length: UInt32) {
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        offset = 0
        end = 0
        more = true
        single = (frequency, length)
    }

    /// The next pair, or nil after the last (or where the bytes end early: damage, which
    /// `sift check --deep` reports; reading never passes `end`).
    @inlinable @inline(__always)
    public mutating func next() -> (frequency: UInt32, length: UInt32)? {
        guard more else { return nil }
        if let single {
            more = false
            return single
        }
        guard let step = readVarint(), let lengthStep = readVarint() else {
            more = false
            return nil
        }
        more = step & 1 == 1
        if first {
            frequency = UInt32(truncatingIfNeeded: (step >> 1) &+ 1)
            length = UInt32(truncatingIfNeeded: lengthStep)
            first = false
        } else {
            frequency = frequency &+ UInt32(truncatingIfNeeded: (step >> 1) &+ 1)
            length = length &+ UInt32(truncatingIfNeeded: lengthStep &+ 1)
        }
        return (frequency, length)
    }

    /// The largest frequency and the smallest length among the pairs (the last pair's and the
    /// first's): a looser bound, for combining several terms' blocks (phrases).
    @inlinable
    public mutating func extremes() -> (maxFrequency: UInt32, minLength: UInt32) {
        var maxFrequency: UInt32 = 0
        var minLength = UInt32.max
        while let pair = next() {
            maxFrequency = max(maxFrequency, pair.frequency)
            minLength = min(minLength, pair.length)
        }
        return (maxFrequency, minLength)
    }

    /// Where the impacts end (after reading them all).
    @inlinable
    public mutating func skipToEnd() -> Int {
        while next() != nil {}
        return offset
    }

    @inlinable @inline(__always)
    mutating func readVarint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < end {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift > 35 { return nil }  // past 32 bits (shifted by one): damage
        }
        return nil
    }
}

/// Finds and writes impacts.
enum Impacts {
    /// The pairs of `frequencies` and `lengths` that no other pair beats, by ascending
    /// frequency: for each frequency its shortest length, kept only when shorter than every
    /// pair's of a larger frequency.
    static func pareto(_ pairs: [(frequency: UInt32, length: UInt32)]) -> [(frequency: UInt32, length: UInt32)] {
        let sorted = pairs.sorted { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.length < $1.length }
        var kept: [(frequency: UInt32, length: UInt32)] = []
        var shortest = UInt32.max
        for pair in sorted where pair.length < shortest {
            // The first of each frequency is its shortest; a later one is not shorter.
            kept.append(pair)
            shortest = pair.length
        }
        return kept.reversed()
    }

    /// Appends `pareto`'s pairs (ascending frequency and length, at least one).
    static func write(_ pareto: [(frequency: UInt32, length: UInt32)], into writer: inout ByteWriter) {
        precondition(!pareto.isEmpty, "a block has at least one posting")
        var previous: (frequency: UInt32, length: UInt32)? = nil
        for (index, pair) in pareto.enumerated() {
            let more: UInt64 = index + 1 < pareto.count ? 1 : 0
            if let previous {
                writer.writeVarint(UInt64(pair.frequency - previous.frequency - 1) << 1 | more)
                writer.writeVarint(UInt64(pair.length - previous.length - 1))
            } else {
                writer.writeVarint(UInt64(pair.frequency - 1) << 1 | more)
                writer.writeVarint(UInt64(pair.length))
            }
            previous = pair
        }
    }

    /// Reads every pair (for checks and tests).
    static func read(_ reader: ImpactReader) -> [(frequency: UInt32, length: UInt32)] {
        var reader = reader
        var pairs: [(frequency: UInt32, length: UInt32)] = []
        while let pair = reader.next() { pairs.append(pair) }
        return pairs
    }
}
