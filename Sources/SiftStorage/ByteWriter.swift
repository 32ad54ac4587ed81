/// Appends little-endian values, varints and byte strings to a growing buffer.
@_spi(SiftInternal) public struct ByteWriter {
    public var bytes: [UInt8] = []

    @inlinable public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    @inlinable public var count: Int { bytes.count }
    /// Bytes allocated.
    @inlinable public var capacity: Int { bytes.capacity }

    /// Empties the buffer, keeping its capacity for the next use.
    @inlinable public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    @inlinable public mutating func write(_ value: UInt8) { bytes.append(value) }

    @inlinable public mutating func write(_ value: UInt16) { writeLittleEndian(value) }
    @inlinable public mutating func write(_ value: UInt32) { writeLittleEndian(value) }
    @inlinable public mutating func write(_ value: UInt64) { writeLittleEndian(value) }

    @inline(__always)
    @inlinable mutating func writeLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { bytes.append(contentsOf: $0) }
    }

    /// LEB128: seven bits a byte, low bits first, high bit set on every byte but the last.
    @inline(__always)
    @inlinable public mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    @inlinable public mutating func write<C: Collection>(bytes other: C) where C.Element == UInt8 {
        // Contiguous input (arrays, slices, buffers) is copied in one go, not byte by byte.
        let copied: Void? = other.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if copied == nil { bytes.append(contentsOf: other) }
    }

    /// Appends raw bytes with one copy.
    @inlinable public mutating func write(bytes other: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: other.baseAddress?.assumingMemoryBound(to: UInt8.self), count: other.count))
    }

    /// A varint length, then the UTF-8 bytes.
    @inlinable public mutating func writeString(_ string: String) {
        let utf8 = Array(string.utf8)
        writeVarint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// Overwrites a UInt32 already written at `offset` (for lengths known only later).
    @inlinable public mutating func patch(_ value: UInt32, at offset: Int) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { raw in
            for index in 0..<4 { bytes[offset + index] = raw[index] }
        }
    }

    @inlinable public mutating func patch(_ value: UInt64, at offset: Int) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { raw in
            for index in 0..<8 { bytes[offset + index] = raw[index] }
        }
    }

    /// Appends zero bytes until the count is a multiple of `alignment`, so mapped arrays that
    /// follow can be read with aligned loads.
    @inlinable public mutating func pad(to alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }
}
