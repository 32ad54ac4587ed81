/// Patched frame-of-reference packing (PFor): a block of values bit-packed at one width,
/// with the few values that do not fit stored apart as exceptions.
///
/// Plain bit packing takes its width from a block's largest value, so one outlier (a long
/// gap, a high frequency, a position far into a document) widens all of them. Here the width
/// is the one that makes the block smallest: every value's low `width` bits are packed as
/// `BitPacking` packs them, then each exception's index in the block (a byte) and the bits
/// above `width` of each exception, packed at `exceptionWidth`. docs/FORMAT.md gives the
/// bytes.
@_spi(SiftInternal) public struct PatchedLayout: Equatable, Sendable {
    /// Bits of every value packed in the main run (0–32).
    public var width: Int
    /// Values whose high bits are stored apart (0 to the block's count).
    public var exceptions: Int
    /// Bits of each exception's high part (`width + exceptionWidth` ≤ 32; 0 without exceptions).
    public var exceptionWidth: Int

    @inlinable
    public init(width: Int, exceptions: Int, exceptionWidth: Int) {
        self.width = width
        self.exceptions = exceptions
        self.exceptionWidth = exceptionWidth
    }

    /// Bytes of the header: width and exception count, and the exceptions' width when there
    /// are any.
    @inlinable @inline(__always)
    public var headerSize: Int { exceptions > 0 ? 3 : 2 }

    /// Bytes of the data of `count` values in this layout (after the header).
    @inlinable @inline(__always)
    public func dataSize(count: Int) -> Int {
        BitPacking.byteCount(count: count, width: width)
            + (exceptions > 0 ? exceptions + BitPacking.byteCount(count: exceptions, width: exceptionWidth) : 0)
    }

    /// The smallest layout of `values` (the widest of equally small ones: fewer exceptions
    /// to patch). Deterministic: the same values give the same layout.
    public static func choose(_ values: UnsafeBufferPointer<UInt32>) -> PatchedLayout {
        var widths = [Int](repeating: 0, count: 33)
        for value in values { widths[BitPacking.width(of: value)] += 1 }
        var widest = 32
        while widest > 0 && widths[widest] == 0 { widest -= 1 }
        var best = PatchedLayout(width: widest, exceptions: 0, exceptionWidth: 0)
        var bestSize = best.headerSize + best.dataSize(count: values.count)
        var above = 0  // values wider than `width`
        var width = widest - 1
        while width >= 0 {
            above += widths[width + 1]
            let candidate = PatchedLayout(width: width, exceptions: above, exceptionWidth: widest - width)
            let size = candidate.headerSize + candidate.dataSize(count: values.count)
            if size < bestSize {
                best = candidate
                bestSize = size
            }
            width -= 1
        }
        return best
    }

    /// Appends the header.
    public func writeHeader(into writer: inout ByteWriter) {
        writer.write(UInt8(width))
        writer.write(UInt8(exceptions))
        if exceptions > 0 { writer.write(UInt8(exceptionWidth)) }
    }

    /// Appends the data of `values` in this layout.
    public func writeData(_ values: UnsafeBufferPointer<UInt32>, into writer: inout ByteWriter) {
        let mask: UInt32 = width >= 32 ? .max : (1 << UInt32(width)) - 1
        var low = [UInt32](repeating: 0, count: values.count)
        var indexes: [UInt8] = []
        var high: [UInt32] = []
        for (index, value) in values.enumerated() {
            low[index] = value & mask
            if width < 32 && value >> UInt32(width) != 0 {
                indexes.append(UInt8(index))
                high.append(value >> UInt32(width))
            }
        }
        precondition(indexes.count == exceptions, "values differ from those the layout was chosen for")
        low.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &writer) }
        guard exceptions > 0 else { return }
        writer.write(bytes: indexes)
        high.withUnsafeBufferPointer { BitPacking.pack($0, width: exceptionWidth, into: &writer) }
    }

    /// Reads a header of a block of `count` values at `offset`, checking it against the block
    /// and the bytes before `end`: widths that fit 32 bits, no more exceptions than values,
    /// and data inside `end`. Returns the layout and the offset of its data, or nil.
    @inlinable @inline(__always)
    public static func read(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int, end: Int) -> (layout: PatchedLayout, data: Int)? {
        guard offset >= 0, end <= bytes.count, end - offset >= 2 else { return nil }
        let width = Int(bytes[offset])
        let exceptions = Int(bytes[offset + 1])
        var layout = PatchedLayout(width: width, exceptions: exceptions, exceptionWidth: 0)
        if exceptions > 0 {
            guard end - offset >= 3 else { return nil }
            layout.exceptionWidth = Int(bytes[offset + 2])
        }
        guard width <= 32, exceptions <= count, width + layout.exceptionWidth <= 32,
              layout.dataSize(count: count) <= end - offset - layout.headerSize
        else { return nil }
        return (layout, offset + layout.headerSize)
    }

    /// Decodes `count` values from `source` (this layout's data, checked to be there), adding
    /// `offset` to each. Returns false when an exception's index lies outside the block.
    @inlinable @inline(__always)
    public func decode(_ source: UnsafeRawPointer, count: Int, into output: UnsafeMutablePointer<UInt32>, adding offset: UInt32 = 0) -> Bool {
        BitPacking.unpack(source, count: count, width: width, into: output, adding: offset)
        return exceptions == 0 || patch(source, count: count, into: output)
    }

    /// Adds each exception's high bits to its value. Returns false for an index outside the block.
    @inlinable
    public func patch(_ source: UnsafeRawPointer, count: Int, into output: UnsafeMutablePointer<UInt32>) -> Bool {
        let indexes = source + BitPacking.byteCount(count: count, width: width)
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(exceptions, 1)) { high in
            BitPacking.unpack(indexes + exceptions, count: exceptions, width: exceptionWidth, into: high.baseAddress!)
            for exception in 0..<exceptions {
                let index = Int(indexes.load(fromByteOffset: exception, as: UInt8.self))
                guard index < count else { return false }
                output[index] = output[index] &+ (high[exception] << UInt32(width))
            }
            return true
        }
    }
}
