/// Frame-of-reference bit packing of fixed-size blocks of unsigned integers.
///
/// A block of `n` values all below 2^width takes exactly `n * width / 8` bytes (rounded up),
/// values packed low bits first into consecutive little-endian bytes. Posting blocks use it
/// for doc-id gaps and term frequencies, choosing the width per block from its largest value.
@_spi(SiftInternal) public enum BitPacking {
    /// The bits needed for `value` (0 for 0).
    @inline(__always)
    @inlinable public static func width(of value: UInt32) -> Int {
        value == 0 ? 0 : 32 - value.leadingZeroBitCount
    }

    /// Bytes used by `count` values at `width` bits.
    @inline(__always)
    @inlinable public static func byteCount(count: Int, width: Int) -> Int {
        (count * width + 7) / 8
    }

    /// Appends `values` packed at `width` bits each.
    @inlinable public static func pack(_ values: UnsafeBufferPointer<UInt32>, width: Int, into writer: inout ByteWriter) {
        guard width > 0 else { return }
        var buffer: UInt64 = 0
        var bits = 0
        for value in values {
            buffer |= UInt64(value) << UInt64(bits)
            bits += width
            while bits >= 8 {
                writer.write(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                bits -= 8
            }
        }
        if bits > 0 { writer.write(UInt8(truncatingIfNeeded: buffer)) }
    }

    /// Reads `count` values of `width` bits starting at `source`. The caller has checked that
    /// `byteCount(count:width:)` bytes are there.
    ///
    /// Each value lies within 39 bits of an unaligned 64-bit load (width ≤ 32, shift ≤ 7), so
    /// the bulk of a block is one load, shift and mask per value; only the last values, whose
    /// 8-byte load could run past the data, take the byte-at-a-time path.
    @inline(__always)
    @inlinable public static func unpack(_ source: UnsafeRawPointer, count: Int, width: Int, into output: UnsafeMutablePointer<UInt32>) {
        guard width > 0 else {
            output.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        let available = byteCount(count: count, width: width)
        var index = 0
        var bit = 0
        while index < count && (bit >> 3) + 8 <= available {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            output[index] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            index += 1
            bit += width
        }
        while index < count {
            var value: UInt64 = 0
            var loaded = 0
            let start = bit >> 3
            let shift = bit & 7
            while loaded * 8 < width + shift {
                value |= UInt64(source.load(fromByteOffset: start + loaded, as: UInt8.self)) << UInt64(loaded * 8)
                loaded += 1
            }
            output[index] = UInt32(truncatingIfNeeded: (value >> UInt64(shift)) & mask)
            index += 1
            bit += width
        }
    }
}
