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

    /// Reads `count` values of `width` bits starting at `source`, adding `offset` to each (a
    /// frequency stored as tf − 1 is restored in the same pass). The caller has checked that
    /// `byteCount(count:width:)` bytes are there.
    ///
    /// Each value lies within 39 bits of an unaligned 64-bit load (width ≤ 32, shift ≤ 7), so
    /// the bulk of a block is one load, shift and mask per value; only the last values, whose
    /// 8-byte load could run past the data, take the byte-at-a-time path.
    @inline(__always)
    @inlinable public static func unpack(_ source: UnsafeRawPointer, count: Int, width: Int, into output: UnsafeMutablePointer<UInt32>,
                                         adding offset: UInt32 = 0) {
        guard width > 0 else {
            output.update(repeating: offset, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        let fast = fastCount(count: count, width: width)
        // Whole groups of eight values (`width` bytes each) in loops specialised per width;
        // then the rest one value at a time.
        let grouped = (fast >> 3) << 3
        if grouped > 0 { unpackGroups(source, groups: grouped >> 3, width: width, into: output, adding: offset) }
        var bit = grouped * width
        for index in grouped..<max(fast, grouped) {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            output[index] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask) &+ offset
            bit += width
        }
        guard fast < count else { return }
        withTail(source, count: count, width: width, from: bit) { tail, start in
            var bit = bit - start * 8
            for index in fast..<count {
                let word = UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                output[index] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask) &+ offset
                bit += width
            }
        }
    }

    /// Unpacks `groups` groups of eight values of `width` (1–32) bits, each group `width`
    /// bytes, every one of whose values can be read with an 8-byte load inside the data (the
    /// caller's `fastCount` says so). A switch hands each width to a copy of the loop where it
    /// is a constant, so the compiler unrolls a group into loads at fixed offsets and fixed
    /// shifts; one call per block, not inlined into every caller.
    @usableFromInline @inline(never)
    static func unpackGroups(_ source: UnsafeRawPointer, groups: Int, width: Int, into output: UnsafeMutablePointer<UInt32>,
                             adding offset: UInt32) {
        switch width {
        case 1: unpackGroups(source, groups: groups, constantWidth: 1, into: output, adding: offset)
        case 2: unpackGroups(source, groups: groups, constantWidth: 2, into: output, adding: offset)
        case 3: unpackGroups(source, groups: groups, constantWidth: 3, into: output, adding: offset)
        case 4: unpackGroups(source, groups: groups, constantWidth: 4, into: output, adding: offset)
        case 5: unpackGroups(source, groups: groups, constantWidth: 5, into: output, adding: offset)
        case 6: unpackGroups(source, groups: groups, constantWidth: 6, into: output, adding: offset)
        case 7: unpackGroups(source, groups: groups, constantWidth: 7, into: output, adding: offset)
        case 8: unpackGroups(source, groups: groups, constantWidth: 8, into: output, adding: offset)
        case 9: unpackGroups(source, groups: groups, constantWidth: 9, into: output, adding: offset)
        case 10: unpackGroups(source, groups: groups, constantWidth: 10, into: output, adding: offset)
        case 11: unpackGroups(source, groups: groups, constantWidth: 11, into: output, adding: offset)
        case 12: unpackGroups(source, groups: groups, constantWidth: 12, into: output, adding: offset)
        case 13: unpackGroups(source, groups: groups, constantWidth: 13, into: output, adding: offset)
        case 14: unpackGroups(source, groups: groups, constantWidth: 14, into: output, adding: offset)
        case 15: unpackGroups(source, groups: groups, constantWidth: 15, into: output, adding: offset)
        case 16: unpackGroups(source, groups: groups, constantWidth: 16, into: output, adding: offset)
        case 17: unpackGroups(source, groups: groups, constantWidth: 17, into: output, adding: offset)
        case 18: unpackGroups(source, groups: groups, constantWidth: 18, into: output, adding: offset)
        case 19: unpackGroups(source, groups: groups, constantWidth: 19, into: output, adding: offset)
        case 20: unpackGroups(source, groups: groups, constantWidth: 20, into: output, adding: offset)
        case 21: unpackGroups(source, groups: groups, constantWidth: 21, into: output, adding: offset)
        case 22: unpackGroups(source, groups: groups, constantWidth: 22, into: output, adding: offset)
        case 23: unpackGroups(source, groups: groups, constantWidth: 23, into: output, adding: offset)
        case 24: unpackGroups(source, groups: groups, constantWidth: 24, into: output, adding: offset)
        case 25: unpackGroups(source, groups: groups, constantWidth: 25, into: output, adding: offset)
        case 26: unpackGroups(source, groups: groups, constantWidth: 26, into: output, adding: offset)
        case 27: unpackGroups(source, groups: groups, constantWidth: 27, into: output, adding: offset)
        case 28: unpackGroups(source, groups: groups, constantWidth: 28, into: output, adding: offset)
        case 29: unpackGroups(source, groups: groups, constantWidth: 29, into: output, adding: offset)
        case 30: unpackGroups(source, groups: groups, constantWidth: 30, into: output, adding: offset)
        case 31: unpackGroups(source, groups: groups, constantWidth: 31, into: output, adding: offset)
        case 32: unpackGroups(source, groups: groups, constantWidth: 32, into: output, adding: offset)
        default: preconditionFailure("bit width \(width) outside 1–32")
        }
    }

    @inline(__always)
    static func unpackGroups(_ source: UnsafeRawPointer, groups: Int, constantWidth width: Int,
                             into output: UnsafeMutablePointer<UInt32>, adding offset: UInt32) {
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var source = source
        var output = output
        for _ in 0..<groups {
            for value in 0..<8 {
                let bit = value * width
                let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                output[value] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask) &+ offset
            }
            source += width
            output += 8
        }
    }

    /// Reads values `first..<first + count` of a block of `total` values packed at `width`
    /// bits, without touching the values before them: value i starts at bit i·width. Values
    /// whose 8-byte load would run past the block's `byteCount(count: total, width:)` bytes
    /// are read byte by byte. The caller has checked that those bytes are there and that
    /// `first + count` ≤ `total`.
    @inline(__always)
    @inlinable public static func unpack(_ source: UnsafeRawPointer, total: Int, width: Int, from first: Int, count: Int,
                                         into output: UnsafeMutablePointer<UInt32>) {
        guard width > 0 else {
            output.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        let fast = min(max(fastCount(count: total, width: width), first), first + count)
        var bit = first * width
        var index = 0
        for _ in first..<fast {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            output[index] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit += width
            index += 1
        }
        while index < count {
            output[index] = slowValue(source, bit: bit, width: width, mask: mask)
            bit += width
            index += 1
        }
    }

    /// Value `index` of a block of `total` values packed at `width` bits (checked to be there).
    @inline(__always)
    @inlinable public static func value(_ source: UnsafeRawPointer, total: Int, width: Int, at index: Int) -> UInt32 {
        guard width > 0 else { return 0 }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        let bit = index * width
        if (bit >> 3) + 8 <= byteCount(count: total, width: width) {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            return UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
        }
        return slowValue(source, bit: bit, width: width, mask: mask)
    }

    /// Calls `body` with the block's last bytes from the one holding bit `bit` on, copied
    /// into 16 zeroed bytes, and the index of that byte: the values there can then be read
    /// with whole 8-byte loads too, without reading past the block.
    @inline(__always)
    @inlinable static func withTail(_ source: UnsafeRawPointer, count: Int, width: Int, from bit: Int,
                                    _ body: (UnsafeRawPointer, Int) -> Void) {
        let start = bit >> 3
        let remaining = byteCount(count: count, width: width) - start  // < 8: the fast loads stopped here
        var tail: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &tail) { buffer in
            buffer.baseAddress!.copyMemory(from: source + start, byteCount: max(0, min(remaining, 8)))
            body(UnsafeRawPointer(buffer.baseAddress!), start)
        }
    }

    /// Reads `count` gaps of `width` bits starting at `source` and writes their running sums
    /// from `previous` on (`output[i] = previous + gaps[0...i]`): unpacking and delta decoding
    /// in one pass. Returns the last sum, exact in 64 bits (so wrap-around past 2^32 shows),
    /// the first gap, and the smallest of the others (`UInt32.max` with fewer than two) — what
    /// a caller needs to check that the values ascend strictly.
    @inline(__always)
    @inlinable public static func unpackRunningSum(_ source: UnsafeRawPointer, count: Int, width: Int, previous: UInt32,
                                                   into output: UnsafeMutablePointer<UInt32>)
        -> (last: UInt64, firstGap: UInt32, smallestGap: UInt32)
    {
        guard count > 0 else { return (UInt64(previous), 0, .max) }
        guard width > 0 else {
            output.update(repeating: previous, count: count)
            return (UInt64(previous), 0, count > 1 ? 0 : .max)
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        let fast = fastCount(count: count, width: width)
        let firstGap = fast > 0
            ? UInt32(truncatingIfNeeded: UInt64(littleEndian: source.loadUnaligned(as: UInt64.self)) & mask)
            : slowValue(source, bit: 0, width: width, mask: mask)
        var sum = UInt64(previous) &+ UInt64(firstGap)
        output[0] = UInt32(truncatingIfNeeded: sum)
        var smallest = UInt32.max
        var bit = width
        if fast > 1 {
            for index in 1..<fast {
                let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                let gap = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                smallest = min(smallest, gap)
                sum &+= UInt64(gap)
                output[index] = UInt32(truncatingIfNeeded: sum)
                bit += width
            }
        }
        let first = max(fast, 1)
        if first < count {
            withTail(source, count: count, width: width, from: bit) { tail, start in
                var bit = bit - start * 8
                for index in first..<count {
                    let word = UInt64(littleEndian: tail.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                    let gap = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                    smallest = min(smallest, gap)
                    sum &+= UInt64(gap)
                    output[index] = UInt32(truncatingIfNeeded: sum)
                    bit += width
                }
            }
        }
        return (sum, firstGap, smallest)
    }

    /// How many leading values of a block can be read with a whole 8-byte load that stays
    /// inside its `byteCount(count:width:)` bytes.
    @inline(__always)
    @inlinable static func fastCount(count: Int, width: Int) -> Int {
        let available = byteCount(count: count, width: width)
        guard available >= 8 else { return 0 }
        // Value i starts at bit i·width and its load at byte i·width/8: it needs i·width/8 + 8 ≤ available.
        return min(count, ((available - 8) * 8 + 7) / width + 1)
    }

    /// One value read byte by byte (a block's last values, whose 8-byte load would run past it).
    @inline(__always)
    @inlinable static func slowValue(_ source: UnsafeRawPointer, bit: Int, width: Int, mask: UInt64) -> UInt32 {
        var value: UInt64 = 0
        var loaded = 0
        let start = bit >> 3
        let shift = bit & 7
        while loaded * 8 < width + shift {
            value |= UInt64(source.load(fromByteOffset: start + loaded, as: UInt8.self)) << UInt64(loaded * 8)
            loaded += 1
        }
        return UInt32(truncatingIfNeeded: (value >> UInt64(shift)) & mask)
    }
}
