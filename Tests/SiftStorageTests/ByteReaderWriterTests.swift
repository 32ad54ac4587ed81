import Testing
@_spi(SiftInternal) @testable import SiftStorage
import SiftTestSupport

@Suite struct ByteReaderWriterTests {
    /// A value of `T` with random width: small values and extremes come up often.
    static func randomValue<T: FixedWidthInteger & UnsignedInteger>(_ random: inout TestRandom, _: T.Type) -> T {
        switch random.below(6) {
        case 0: return 0
        case 1: return T.max
        case 2: return T(truncatingIfNeeded: random.below(256))
        default:
            let bits = random.int(in: 1...T.bitWidth)
            let raw = T(truncatingIfNeeded: random.next())
            return bits == T.bitWidth ? raw : raw & ((T(1) << T(bits)) - 1)
        }
    }

    @Test("fixed-width values are written little-endian")
    func littleEndianLayout() {
        var writer = ByteWriter()
        writer.write(UInt8(0xAB))
        writer.write(UInt16(0x0102))
        writer.write(UInt32(0x0304_0506))
        writer.write(UInt64(0x0708_090A_0B0C_0D0E))
        #expect(writer.bytes == [0xAB, 0x02, 0x01, 0x06, 0x05, 0x04, 0x03,
                                 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x09, 0x08, 0x07])
        #expect(writer.count == 15)
    }

    @Test("every width and varint round-trips through random seeded values", arguments: [1, 2, 3, 42, 2024] as [UInt64])
    func roundTrip(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        enum Value: Equatable {
            case u8(UInt8), u16(UInt16), u32(UInt32), u64(UInt64), varint(UInt64)
            case string(String), bytes([UInt8])
        }
        var values: [Value] = [.u8(0), .u8(.max), .u16(0), .u16(.max), .u32(0), .u32(.max), .u64(0), .u64(.max),
                               .varint(0), .varint(.max), .varint(127), .varint(128), .varint(UInt64(UInt32.max)),
                               .string(""), .bytes([])]
        for _ in 0..<2000 {
            switch random.below(7) {
            case 0: values.append(.u8(Self.randomValue(&random, UInt8.self)))
            case 1: values.append(.u16(Self.randomValue(&random, UInt16.self)))
            case 2: values.append(.u32(Self.randomValue(&random, UInt32.self)))
            case 3: values.append(.u64(Self.randomValue(&random, UInt64.self)))
            case 4: values.append(.varint(Self.randomValue(&random, UInt64.self)))
            case 5:
                let pool = ["", "a", "héllo", "日本語", "emoji 🎉", String(repeating: "x", count: 200)]
                values.append(.string(pool[random.below(pool.count)]))
            default:
                values.append(.bytes((0..<random.below(20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }))
            }
        }
        values.shuffle(using: &random)

        var writer = ByteWriter()
        for value in values {
            switch value {
            case .u8(let v): writer.write(v)
            case .u16(let v): writer.write(v)
            case .u32(let v): writer.write(v)
            case .u64(let v): writer.write(v)
            case .varint(let v): writer.writeVarint(v)
            case .string(let s): writer.writeString(s)
            case .bytes(let b): writer.writeVarint(UInt64(b.count)); writer.write(bytes: b)
            }
        }
        let bytes = writer.bytes
        try bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            for value in values {
                let read: Value
                switch value {
                case .u8: read = .u8(try reader.readUInt8())
                case .u16: read = .u16(try reader.readUInt16())
                case .u32: read = .u32(try reader.readUInt32())
                case .u64: read = .u64(try reader.readUInt64())
                case .varint: read = .varint(try reader.readVarint())
                case .string: read = .string(try reader.readString())
                case .bytes:
                    let length = try reader.readLength(limit: reader.remaining)
                    read = .bytes(Array(try reader.readBytes(length)))
                }
                #expect(read == value)
            }
            #expect(reader.isAtEnd)
            #expect(reader.remaining == 0)
        }
    }

    static let varints: [(UInt64, [UInt8])] = [
        (0, [0x00]),
        (1, [0x01]),
        (127, [0x7F]),
        (128, [0x80, 0x01]),
        (300, [0xAC, 0x02]),
        (16383, [0xFF, 0x7F]),
        (16384, [0x80, 0x80, 0x01]),
        (UInt64(UInt32.max), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        (UInt64(1) << 63, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
        (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]

    @Test("varints have the LEB128 encoding and length", arguments: 0..<varints.count)
    func varintEncoding(_ index: Int) throws {
        let (value, encoded) = Self.varints[index]
        var writer = ByteWriter()
        writer.writeVarint(value)
        #expect(writer.bytes == encoded)
        let decoded = try encoded.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            let value = try reader.readVarint()
            #expect(reader.isAtEnd)
            return value
        }
        #expect(decoded == value)
    }

    @Test("reading past the end throws truncated and does not move the cursor")
    func truncatedReads() {
        let bytes: [UInt8] = [1, 2, 3]
        bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            #expect(throws: ByteReaderError.truncated(at: 0)) { try reader.readUInt32() }
            #expect(throws: ByteReaderError.truncated(at: 0)) { try reader.readUInt64() }
            #expect(throws: ByteReaderError.truncated(at: 0)) { try reader.readBytes(4) }
            #expect(reader.offset == 0)
            #expect((try? reader.readUInt16()) == 0x0201)
            #expect(throws: ByteReaderError.truncated(at: 2)) { try reader.readUInt16() }
            #expect((try? reader.readUInt8()) == 3)
            #expect(throws: ByteReaderError.truncated(at: 3)) { try reader.readUInt8() }
            #expect(throws: ByteReaderError.truncated(at: 3)) { try reader.readVarint() }
            #expect(throws: ByteReaderError.truncated(at: 4)) { try reader.seek(to: 4) }
            #expect(throws: ByteReaderError.truncated(at: -1)) { try reader.seek(to: -1) }
            #expect(throws: ByteReaderError.truncated(at: 3)) { try reader.readBytes(-1) }
        }
        // Empty input.
        [UInt8]().withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            #expect(reader.isAtEnd)
            #expect(throws: ByteReaderError.truncated(at: 0)) { try reader.readUInt8() }
            #expect(throws: ByteReaderError.truncated(at: 0)) { try reader.readString() }
        }
    }

    @Test("a varint cut off inside its continuation bytes is truncated")
    func truncatedVarint() {
        for bytes: [UInt8] in [[0x80], [0xFF, 0xFF], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]] {
            bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                #expect(throws: ByteReaderError.truncated(at: bytes.count)) { try reader.readVarint() }
            }
        }
    }

    @Test("an 11-byte varint and a 10-byte varint over 64 bits are malformed")
    func overlongVarints() {
        let inputs: [[UInt8]] = [
            [UInt8](repeating: 0x80, count: 10) + [0x00],  // 11 bytes
            [UInt8](repeating: 0xFF, count: 10) + [0x01],  // 11 bytes
            [UInt8](repeating: 0x80, count: 9) + [0x02],   // bit 64 set
            [UInt8](repeating: 0xFF, count: 9) + [0x7F],   // bits past 64
        ]
        for bytes in inputs {
            bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                do {
                    let value = try reader.readVarint()
                    Issue.record("\(bytes) decoded to \(value) instead of failing")
                } catch {
                    guard case .malformed? = error as? ByteReaderError else {
                        Issue.record("\(bytes): expected malformed, got \(error)")
                        return
                    }
                }
            }
        }
    }

    @Test("readLength refuses a length over its limit; readString one past the end")
    func lengthLimits() {
        var writer = ByteWriter()
        writer.writeVarint(1000)
        writer.write(bytes: [1, 2, 3])
        writer.bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            #expect(throws: ByteReaderError.malformed("length 1000 exceeds 999", at: 0)) {
                try reader.readLength(limit: 999)
            }
            var second = ByteReader(raw)
            #expect(throws: (any Error).self) { try second.readString() }
        }
    }

    @Test("patch overwrites a u32 and a u64 in place; pad aligns")
    func patchAndPad() {
        var writer = ByteWriter()
        writer.write(UInt8(9))
        writer.write(UInt32(0))
        writer.write(UInt64(0))
        writer.patch(UInt32(0xAABB_CCDD), at: 1)
        writer.patch(UInt64(0x1122_3344_5566_7788), at: 5)
        #expect(writer.bytes == [9, 0xDD, 0xCC, 0xBB, 0xAA, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
        writer.pad(to: 8)
        #expect(writer.count == 16)
        #expect(writer.bytes.suffix(3) == [0, 0, 0])
        writer.pad(to: 8)
        #expect(writer.count == 16, "already aligned: nothing added")
    }

    @Test("strings keep their UTF-8 bytes and readString repairs invalid UTF-8")
    func strings() throws {
        var writer = ByteWriter()
        writer.writeString("naïve café 🎉")
        writer.writeVarint(3)
        writer.write(bytes: [0x61, 0xFF, 0x62])
        let (first, second) = try writer.bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            return (try reader.readString(), try reader.readString())
        }
        #expect(first == "naïve café 🎉")
        #expect(second == "a\u{FFFD}b")
    }
}
