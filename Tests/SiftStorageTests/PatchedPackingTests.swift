import Testing
@_spi(SiftInternal) @testable import SiftStorage
import SiftTestSupport

@Suite struct PatchedPackingTests {
    /// Encodes `values` (header and data) and decodes them back.
    static func roundTrip(_ values: [UInt32], adding offset: UInt32 = 0) -> (layout: PatchedLayout, bytes: [UInt8], decoded: [UInt32]) {
        let layout = values.withUnsafeBufferPointer { PatchedLayout.choose($0) }
        var writer = ByteWriter()
        layout.writeHeader(into: &writer)
        values.withUnsafeBufferPointer { layout.writeData($0, into: &writer) }
        let bytes = writer.bytes
        var decoded = [UInt32](repeating: 0xDEAD_BEEF, count: values.count)
        bytes.withUnsafeBytes { raw in
            let read = PatchedLayout.read(raw, at: 0, count: values.count, end: raw.count)
            #expect(read?.layout == layout)
            #expect(read.map { $0.data + layout.dataSize(count: values.count) } == bytes.count)
            decoded.withUnsafeMutableBufferPointer { output in
                if let read, !values.isEmpty {
                    #expect(layout.decode(raw.baseAddress! + read.data, count: values.count, into: output.baseAddress!, adding: offset))
                }
            }
        }
        return (layout, bytes, decoded)
    }

    @Test("one outlier becomes an exception instead of widening every value")
    func outlier() {
        var values = [UInt32](repeating: 3, count: 128)
        values[77] = 1_000_000
        let result = Self.roundTrip(values)
        #expect(result.decoded == values)
        #expect(result.layout.width == 2)
        #expect(result.layout.exceptions == 1)
        #expect(result.layout.exceptionWidth == 20 - 2)
        // 32 bytes of 2-bit values, a 3-byte header, one index byte and 18 bits of high part.
        #expect(result.bytes.count == 3 + 32 + 1 + 3)
        #expect(result.bytes.count < 2 + BitPacking.byteCount(count: 128, width: 20))
    }

    @Test("values of one width pack without exceptions; zeros take no data")
    func uniform() {
        let sevens = [UInt32](repeating: 7, count: 128)
        let packed = Self.roundTrip(sevens)
        #expect(packed.decoded == sevens)
        #expect(packed.layout == PatchedLayout(width: 3, exceptions: 0, exceptionWidth: 0))
        #expect(packed.bytes.count == 2 + 48)
        let zeros = [UInt32](repeating: 0, count: 100)
        let empty = Self.roundTrip(zeros, adding: 1)
        #expect(empty.bytes == [0, 0])
        #expect(empty.decoded == [UInt32](repeating: 1, count: 100))
    }

    @Test("random blocks of every size round-trip, with an added offset, and choose the smallest layout")
    func randomRoundTrips() {
        var random = TestRandom(seed: 41)
        for _ in 0..<400 {
            let count = random.int(in: 1...128)
            let base = random.int(in: 0...20)
            let values = (0..<count).map { _ -> UInt32 in
                let bits = random.unit() < 0.1 ? random.int(in: 0...32) : base
                return bits == 0 ? 0 : UInt32(truncatingIfNeeded: random.next()) >> UInt32(32 - bits)
            }
            let result = Self.roundTrip(values, adding: 1)
            #expect(result.decoded == values.map { $0 &+ 1 })
            // No other width is smaller.
            for width in 0...32 {
                let exceptions = values.filter { width < 32 && $0 >> UInt32(width) != 0 }
                let high = exceptions.map { BitPacking.width(of: $0 >> UInt32(width)) }.max() ?? 0
                let other = PatchedLayout(width: width, exceptions: exceptions.count, exceptionWidth: exceptions.isEmpty ? 0 : high)
                #expect(result.bytes.count <= other.headerSize + other.dataSize(count: count))
            }
        }
    }

    @Test("damaged headers are refused, never trusted: widths past 32 bits, more exceptions than values, data past the end")
    func damagedHeaders() {
        func read(_ bytes: [UInt8], count: Int) -> PatchedLayout? {
            bytes.withUnsafeBytes { PatchedLayout.read($0, at: 0, count: count, end: $0.count)?.layout }
        }
        #expect(read([33, 0] + [UInt8](repeating: 0, count: 600), count: 128) == nil)
        #expect(read([4, 9, 1] + [UInt8](repeating: 0, count: 100), count: 8) == nil)
        #expect(read([20, 1, 13] + [UInt8](repeating: 0, count: 600), count: 128) == nil)
        #expect(read([8, 0] + [UInt8](repeating: 0, count: 127), count: 128) == nil)
        #expect(read([8], count: 128) == nil)
        #expect(read([8, 1], count: 128) == nil)
        #expect(read([8, 0] + [UInt8](repeating: 0, count: 128), count: 128) == PatchedLayout(width: 8, exceptions: 0, exceptionWidth: 0))
    }

    @Test("an exception index outside the block fails the decode instead of writing past it")
    func exceptionOutsideBlock() {
        // Width 0, one exception at index 200 of a 16-value block, high part 5 at 3 bits.
        let bytes: [UInt8] = [0, 1, 3, 200, 5]
        var output = [UInt32](repeating: 0, count: 16)
        bytes.withUnsafeBytes { raw in
            let read = PatchedLayout.read(raw, at: 0, count: 16, end: raw.count)
            #expect(read != nil)
            output.withUnsafeMutableBufferPointer { out in
                #expect(read!.layout.decode(raw.baseAddress! + read!.data, count: 16, into: out.baseAddress!) == false)
            }
        }
    }
}
