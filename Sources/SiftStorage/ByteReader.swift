/// A bounds-checked cursor over bytes, for decoding index files that may be damaged.
///
/// Every read checks the remaining length and throws `.truncated` instead of reading past the
/// end, so no input file can make Sift trap or read out of bounds.
@_spi(SiftInternal) public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    /// Read position; decoders set it only through `seek(to:)` and the reads.
    public var offset: Int

    @inlinable public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    @inlinable public var remaining: Int { bytes.count - offset }
    @inlinable public var isAtEnd: Bool { offset >= bytes.count }

    @inlinable public mutating func seek(to position: Int) throws(ByteReaderError) {
        guard position >= 0, position <= bytes.count else { throw .truncated(at: position) }
        offset = position
    }

    @inlinable public mutating func readUInt8() throws(ByteReaderError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inlinable public mutating func readUInt16() throws(ByteReaderError) -> UInt16 { try readLittleEndian(UInt16.self) }
    @inlinable public mutating func readUInt32() throws(ByteReaderError) -> UInt32 { try readLittleEndian(UInt32.self) }
    @inlinable public mutating func readUInt64() throws(ByteReaderError) -> UInt64 { try readLittleEndian(UInt64.self) }

    @inline(__always)
    @inlinable public mutating func readLittleEndian<T: FixedWidthInteger>(_ type: T.Type) throws(ByteReaderError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= bytes.count - offset else { throw .truncated(at: offset) }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    /// LEB128, at most ten bytes; longer or overflowing encodings are damage.
    @inlinable public mutating func readVarint() throws(ByteReaderError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw .truncated(at: offset) }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw .malformed("varint overflows 64 bits", at: offset - 1) }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift > 63 { throw .malformed("varint longer than 10 bytes", at: offset - 1) }
        }
    }

    /// A varint that must fit in `limit` (a count or length checked against what remains).
    @inlinable public mutating func readLength(limit: Int) throws(ByteReaderError) -> Int {
        let start = offset
        let value = try readVarint()
        guard value <= UInt64(limit) else { throw .malformed("length \(value) exceeds \(limit)", at: start) }
        return Int(value)
    }

    @inlinable public mutating func readBytes(_ count: Int) throws(ByteReaderError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - offset else { throw .truncated(at: offset) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    @inlinable public mutating func readString() throws(ByteReaderError) -> String {
        let length = try readLength(limit: remaining)
        let raw = try readBytes(length)
        return String(decoding: raw, as: UTF8.self)
    }
}

/// Why a byte-level decode failed.
@_spi(SiftInternal) public enum ByteReaderError: Error, Equatable {
    /// The data ends before a value that should be there.
    case truncated(at: Int)
    /// A value is impossible (a too-long varint, a length past the end).
    case malformed(String, at: Int)

    public var message: String {
        switch self {
        case .truncated(let offset): "truncated at byte \(offset)"
        case .malformed(let what, let offset): "\(what) at byte \(offset)"
        }
    }
}
