/// What identifies a file's content for incremental indexing: its size and two independent
/// checksums of its bytes (a 64-bit hash and CRC-32C). Timestamps are not used: a copy, a
/// checkout or a clock change alters them without changing a byte, and an edit within the same
/// second may not change them at all.
public struct FileFingerprint: Equatable, Hashable, Sendable {
    public var size: UInt64
    public var hash: UInt64
    public var checksum: UInt32

    /// The fingerprint of `bytes`.
    public init(of bytes: [UInt8]) {
        size = UInt64(bytes.count)
        hash = bytes.withUnsafeBufferPointer { ByteInterner.hash($0) }
        checksum = CRC32C.checksum(bytes)
    }

    init(size: UInt64, hash: UInt64, checksum: UInt32) {
        self.size = size
        self.hash = hash
        self.checksum = checksum
    }
}
