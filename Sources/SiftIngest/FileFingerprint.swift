/// What identifies a file's content for incremental indexing: its size and a 128-bit hash of
/// its bytes. Timestamps are not used: a copy, a checkout or a clock change alters them
/// without changing a byte, and an edit within the same second may not change them at all.
///
/// The hash is two independent 64-bit lanes over 8-byte words (multiply–rotate and
/// add–multiply–shift, each finished by a full avalanche), so an edit anywhere changes it
/// with overwhelming probability; it is not meant to resist a deliberate collision.
public struct FileFingerprint: Equatable, Hashable, Sendable {
    public var size: UInt64
    public var hash: UInt64
    public var hash2: UInt64

    /// The fingerprint of `bytes`.
    public init(of bytes: [UInt8]) {
        size = UInt64(bytes.count)
        (hash, hash2) = bytes.withUnsafeBytes { Self.hash($0) }
    }

    /// The fingerprint of bytes in place.
    init(of bytes: UnsafeRawBufferPointer) {
        size = UInt64(bytes.count)
        (hash, hash2) = Self.hash(bytes)
    }

    package init(size: UInt64, hash: UInt64, hash2: UInt64) {
        self.size = size
        self.hash = hash
        self.hash2 = hash2
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var a: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var b: UInt64 = 0x1319_8A2E_0370_7344 &+ UInt64(bytes.count)
        var index = 0
        while index + 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            a = (a ^ word) &* 0x9E37_79B9_7F4A_7C15
            a = (a << 31) | (a >> 33)
            b = (b &+ word) &* 0xC2B2_AE3D_27D4_EB4F
            b ^= b >> 29
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        a = (a ^ tail) &* 0x9E37_79B9_7F4A_7C15
        b = (b &+ tail) &* 0xC2B2_AE3D_27D4_EB4F
        return (avalanche(a), avalanche(b ^ a))
    }

    /// A full 64-bit finalizer (every input bit affects every output bit).
    private static func avalanche(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
