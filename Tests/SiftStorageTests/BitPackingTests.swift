import Testing
@_spi(SiftInternal) @testable import SiftStorage
import SiftTestSupport

@Suite struct BitPackingTests {
    static func pack(_ values: [UInt32], width: Int, after prefix: [UInt8] = []) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(bytes: prefix)
        values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &writer) }
        return writer.bytes
    }

    static func unpack(_ bytes: [UInt8], from offset: Int = 0, count: Int, width: Int) -> [UInt32] {
        var output = [UInt32](repeating: 0xDEAD_BEEF, count: count)
        bytes.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { out in
                if count > 0 { BitPacking.unpack(raw.baseAddress! + offset, count: count, width: width, into: out.baseAddress!) }
            }
        }
        return output
    }

    @Test("width(of:) is the number of significant bits")
    func widths() {
        #expect(BitPacking.width(of: 0) == 0)
        #expect(BitPacking.width(of: 1) == 1)
        #expect(BitPacking.width(of: 2) == 2)
        #expect(BitPacking.width(of: 3) == 2)
        #expect(BitPacking.width(of: 255) == 8)
        #expect(BitPacking.width(of: 256) == 9)
        #expect(BitPacking.width(of: UInt32.max) == 32)
        for bits in 1...32 {
            let top = bits == 32 ? UInt32.max : (UInt32(1) << UInt32(bits)) - 1
            #expect(BitPacking.width(of: top) == bits)
            #expect(BitPacking.width(of: UInt32(1) << UInt32(bits - 1)) == bits)
        }
    }

    @Test("a known small layout: low bits first")
    func knownLayout() {
        #expect(Self.pack([1, 2, 3], width: 2) == [0b0011_1001])
        #expect(Self.pack([0xF, 0x0, 0xA], width: 4) == [0x0F, 0x0A])
        #expect(Self.pack([1, 1, 1, 1, 1, 1, 1, 1, 1], width: 1) == [0xFF, 0x01])
        #expect(Self.pack([0x1234_5678], width: 32) == [0x78, 0x56, 0x34, 0x12])
        #expect(Self.pack([0, 0, 0], width: 0) == [])
    }

    @Test("pack then unpack restores random values at every width 0...32", arguments: 0...32)
    func roundTrip(width: Int) {
        var random = TestRandom(seed: UInt64(1000 + width))
        let mask: UInt32 = width == 32 ? .max : (UInt32(1) << UInt32(width)) - 1
        for count in [128, 1, 2, 7, 8, 33, 127, 129, 1000] {
            var values = (0..<count).map { _ in UInt32(truncatingIfNeeded: random.next()) & mask }
            // The extremes of the width always appear.
            values[0] = mask
            if count > 1 { values[count - 1] = 0 }
            let packed = Self.pack(values, width: width)
            #expect(packed.count == BitPacking.byteCount(count: count, width: width), "width \(width) count \(count)")
            #expect(packed.count == (count * width + 7) / 8)
            #expect(Self.unpack(packed, count: count, width: width) == values, "width \(width) count \(count)")
            // Bytes after the packed data must not leak into the values.
            let padded = packed + [UInt8](repeating: 0xFF, count: 8)
            #expect(Self.unpack(padded, count: count, width: width) == values, "width \(width) count \(count), trailing 0xFF")
        }
    }

    @Test("any range of a block unpacks alone to the values the whole block holds, at every width 0...32", arguments: 0...32)
    func rangesUnpackAlone(width: Int) {
        var random = TestRandom(seed: UInt64(2000 + width))
        let mask: UInt32 = width == 32 ? .max : (UInt32(1) << UInt32(width)) - 1
        for count in [1, 7, 16, 33, 128] {
            let values = (0..<count).map { _ in UInt32(truncatingIfNeeded: random.next()) & mask }
            // The 0xFF bytes after the packed data must not leak into the last values.
            let packed = Self.pack(values, width: width) + [UInt8](repeating: 0xFF, count: 8)
            for _ in 0..<20 {
                let first = random.int(in: 0...(count - 1))
                let length = random.int(in: 1...(count - first))
                var output = [UInt32](repeating: 0xDEAD_BEEF, count: length)
                packed.withUnsafeBytes { raw in
                    output.withUnsafeMutableBufferPointer { out in
                        BitPacking.unpack(raw.baseAddress!, total: count, width: width, from: first, count: length, into: out.baseAddress!)
                    }
                }
                #expect(output == Array(values[first..<(first + length)]), "width \(width) count \(count) from \(first) length \(length)")
            }
            packed.withUnsafeBytes { raw in
                for index in 0..<count {
                    #expect(BitPacking.value(raw.baseAddress!, total: count, width: width, at: index) == values[index])
                }
            }
        }
    }

    @Test("packing appends after what the writer holds; unpack reads from any byte offset")
    func appendsAndOffsets() {
        var random = TestRandom(seed: 5)
        for width in [3, 13, 31] {
            let values = (0..<128).map { _ in UInt32(truncatingIfNeeded: random.next()) & ((1 << UInt32(width)) - 1) }
            let prefix: [UInt8] = [0xAA, 0xBB, 0xCC]
            let packed = Self.pack(values, width: width, after: prefix)
            #expect(Array(packed.prefix(3)) == prefix)
            #expect(packed.count == 3 + BitPacking.byteCount(count: values.count, width: width))
            #expect(Self.unpack(packed, from: 3, count: values.count, width: width) == values)
        }
    }

    @Test("unpacking width 0 yields zeros without reading")
    func widthZero() {
        #expect(Self.unpack([], count: 128, width: 0) == [UInt32](repeating: 0, count: 128))
    }

    @Test("unpack adding an offset restores tf from tf − 1 at every width", arguments: [0, 1, 5, 17, 32])
    func unpackAdding(width: Int) {
        var random = TestRandom(seed: UInt64(2000 + width))
        let mask: UInt32 = width == 32 ? .max : (UInt32(1) << UInt32(width)) - 1
        for count in [128, 1, 9, 127] {
            let values = (0..<count).map { _ in UInt32(truncatingIfNeeded: random.next()) & mask }
            let packed = Self.pack(values, width: width)
            var output = [UInt32](repeating: 0xDEAD_BEEF, count: count)
            packed.withUnsafeBytes { raw in
                output.withUnsafeMutableBufferPointer { out in
                    BitPacking.unpack(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, count: count, width: width, into: out.baseAddress!, adding: 1)
                }
            }
            #expect(output == values.map { $0 &+ 1 }, "width \(width) count \(count)")
        }
    }

    @Test("unpackRunningSum is unpacking then a running sum, with the exact 64-bit last sum and gap extremes", arguments: 0...32)
    func runningSum(width: Int) {
        var random = TestRandom(seed: UInt64(3000 + width))
        let mask: UInt32 = width == 32 ? .max : (UInt32(1) << UInt32(width)) - 1
        for count in [128, 1, 2, 9, 127] {
            for _ in 0..<4 {
                let gaps = (0..<count).map { _ in UInt32(truncatingIfNeeded: random.next()) & mask }
                let previous = UInt32(truncatingIfNeeded: random.next()) & 0xFFFF
                let packed = Self.pack(gaps, width: width) + [UInt8](repeating: 0xFF, count: 8)  // trailing bytes must not leak
                var output = [UInt32](repeating: 0xDEAD_BEEF, count: count)
                let result = packed.withUnsafeBytes { raw in
                    output.withUnsafeMutableBufferPointer { out in
                        BitPacking.unpackRunningSum(raw.baseAddress!, count: count, width: width, previous: previous, into: out.baseAddress!)
                    }
                }
                var sum = UInt64(previous)
                var expected: [UInt32] = []
                for gap in gaps {
                    sum += UInt64(gap)
                    expected.append(UInt32(truncatingIfNeeded: sum))
                }
                #expect(output == expected, "width \(width) count \(count)")
                #expect(result.last == sum)
                #expect(result.firstGap == gaps[0])
                #expect(result.smallestGap == (count > 1 ? gaps.dropFirst().min()! : .max))
            }
        }
    }
}
