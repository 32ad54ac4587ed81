import Testing
@_spi(SiftInternal) @testable import SiftStorage
import SiftTestSupport

@Suite struct CRC32CTests {
    /// Bit-at-a-time CRC-32C, the definition the table-driven code must agree with.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    // Known vectors: the CRC catalogue's check value and the iSCSI (RFC 3720 B.4) examples.
    static let vectors: [(String, [UInt8], UInt32)] = [
        ("check string 123456789", Array("123456789".utf8), 0xE306_9283),
        ("32 zero bytes", [UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ("32 bytes of 0xFF", [UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
        ("32 ascending bytes", (0..<32).map { UInt8($0) }, 0x46DD_794E),
        ("32 descending bytes", (0..<32).map { UInt8(31 - $0) }, 0x113F_DB5C),
        ("empty", [], 0),
        ("one byte 'a'", [0x61], 0xC1D0_4330),
    ]

    @Test("known CRC-32C vectors", arguments: 0..<vectors.count)
    func knownVector(_ index: Int) {
        let (name, bytes, expected) = Self.vectors[index]
        #expect(CRC32C.checksum(bytes) == expected, "\(name)")
        #expect(Self.reference(bytes) == expected, "reference implementation on \(name)")
    }

    @Test("slicing-by-8 agrees with the bitwise definition on every length and alignment")
    func agreesWithReference() {
        var random = TestRandom(seed: 0xC4C)
        let data = (0..<600).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for start in 0..<9 {
            for length in 0...(data.count - start - 8) where length < 80 || length % 37 == 0 {
                let slice = Array(data[start..<(start + length)])
                // Check from an unaligned base too: the tables load 8 bytes unaligned.
                let fromBuffer = data.withUnsafeBytes {
                    CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)]))
                }
                #expect(fromBuffer == Self.reference(slice), "start \(start) length \(length)")
            }
        }
    }

    @Test("continuing a checksum equals the checksum of the concatenation")
    func continuation() {
        var random = TestRandom(seed: 77)
        let data = (0..<300).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let whole = CRC32C.checksum(data)
        for split in [0, 1, 7, 8, 9, 64, 150, 299, 300] {
            let first = CRC32C.checksum(Array(data[..<split]))
            let second = Array(data[split...]).withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
            #expect(second == whole, "split at \(split)")
        }
    }

    @Test("one flipped bit anywhere changes the checksum")
    func detectsBitFlips() {
        let data = Array("The quick brown fox jumps over the lazy dog, 0123456789.".utf8)
        let original = CRC32C.checksum(data)
        for index in data.indices {
            for bit in 0..<8 {
                var damaged = data
                damaged[index] ^= UInt8(1 << bit)
                #expect(CRC32C.checksum(damaged) != original, "byte \(index) bit \(bit)")
            }
        }
    }
}
