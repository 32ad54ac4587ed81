/// The protocol buffers wire format, the little of it CIFF needs: varints, tags, 64-bit
/// fixed values and length-delimited fields, written and read by hand (no package).
///
/// A field is a tag `(number << 3) | wireType` followed by its value: wire type 0 a varint,
/// 1 eight little-endian bytes, 2 a varint length and that many bytes, 5 four bytes. Proto3
/// omits fields equal to their default (0, 0.0, ""), so a reader treats a missing field as
/// its default; `int32`/`int64` values are varints, negative ones sign-extended to ten bytes.
enum ProtobufWireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}

/// Appends protobuf fields to a byte buffer.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    init() {}

    mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func writeTag(_ field: Int, _ type: ProtobufWireType) {
        writeVarint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    /// An `int32`/`int64` field; omitted when 0, as proto3 writes it.
    mutating func writeInteger(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        writeTag(field, .varint)
        writeVarint(UInt64(bitPattern: value))
    }

    /// A `double` field; omitted when 0.
    mutating func writeDouble(_ field: Int, _ value: Double) {
        guard value != 0 else { return }
        writeTag(field, .fixed64)
        var little = value.bitPattern.littleEndian
        withUnsafeBytes(of: &little) { bytes.append(contentsOf: $0) }
    }

    /// A `string` or `bytes` field; omitted when empty.
    mutating func writeBytes<C: Collection>(_ field: Int, _ value: C) where C.Element == UInt8 {
        guard !value.isEmpty else { return }
        writeTag(field, .lengthDelimited)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// An embedded message field (always written, even when empty: a repeated element counts).
    mutating func writeMessage(_ field: Int, _ message: ProtobufWriter) {
        writeTag(field, .lengthDelimited)
        writeVarint(UInt64(message.bytes.count))
        bytes.append(contentsOf: message.bytes)
    }

    /// A whole message, preceded by its size as a varint: the "delimited" framing of a stream.
    mutating func writeDelimited(_ message: ProtobufWriter) {
        writeVarint(UInt64(message.bytes.count))
        bytes.append(contentsOf: message.bytes)
    }
}

/// Why protobuf bytes could not be read: what is wrong and at which byte of the input.
struct ProtobufError: Error, Equatable, Sendable {
    var message: String
    var offset: Int
}

/// Reads protobuf fields from bytes, every read bounds-checked: a damaged or truncated input
/// gives a `ProtobufError` with the absolute byte offset, never a trap.
struct ProtobufReader {
    let bytes: UnsafeRawBufferPointer
    /// The offset of `bytes[0]` in the whole input, for error messages.
    let base: Int
    private(set) var offset = 0
    /// Where the last tag read starts, so a field's errors point at the field.
    private var tagOffset = 0

    init(_ bytes: UnsafeRawBufferPointer, base: Int = 0) {
        self.bytes = bytes
        self.base = base
    }

    var isAtEnd: Bool { offset >= bytes.count }
    /// The absolute offset of the next byte.
    var position: Int { base + offset }

    func error(_ message: String, at offset: Int? = nil) -> ProtobufError {
        ProtobufError(message: message, offset: base + (offset ?? self.offset))
    }

    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw error("varint runs past the end", at: start) }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw error("varint overflows 64 bits", at: start) }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes", at: start) }
        }
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func readTag() throws(ProtobufError) -> (field: Int, type: ProtobufWireType)? {
        guard !isAtEnd else { return nil }
        let start = offset
        tagOffset = offset
        let tag = try readVarint()
        guard let type = ProtobufWireType(rawValue: UInt8(tag & 7)) else {
            throw error("unknown wire type \(tag & 7)", at: start)
        }
        let field = tag >> 3
        guard field >= 1, field <= 536_870_911 else { throw error("field number \(field) out of range", at: start) }
        return (Int(field), type)
    }

    /// An `int32` field's value: a varint that must fit in 32 bits (as a signed value).
    mutating func readInt32() throws(ProtobufError) -> Int32 {
        let start = offset
        let raw = Int64(bitPattern: try readVarint())
        guard let value = Int32(exactly: raw) else { throw error("int32 value \(raw) out of range", at: start) }
        return value
    }

    mutating func readInt64() throws(ProtobufError) -> Int64 {
        Int64(bitPattern: try readVarint())
    }

    mutating func readDouble() throws(ProtobufError) -> Double {
        guard bytes.count - offset >= 8 else { throw error("double runs past the end") }
        let bits = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset += 8
        return Double(bitPattern: bits)
    }

    /// A length-delimited value's bytes, as a reader of their own (offsets stay absolute).
    mutating func readDelimited() throws(ProtobufError) -> ProtobufReader {
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(bytes.count - offset) else {
            throw error("a field of \(length) bytes runs past the end", at: start)
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(length))])
        let reader = ProtobufReader(slice, base: base + offset)
        offset += Int(length)
        return reader
    }

    /// Skips a field's value of wire type `type` (unknown fields are allowed, as protobuf says).
    mutating func skip(_ type: ProtobufWireType) throws(ProtobufError) {
        switch type {
        case .varint: _ = try readVarint()
        case .fixed64:
            guard bytes.count - offset >= 8 else { throw error("fixed64 runs past the end") }
            offset += 8
        case .fixed32:
            guard bytes.count - offset >= 4 else { throw error("fixed32 runs past the end") }
            offset += 4
        case .lengthDelimited: _ = try readDelimited()
        }
    }

    /// Checks that field `field` has wire type `expected`.
    func expect(_ type: ProtobufWireType, _ expected: ProtobufWireType, field: Int, in message: String) throws(ProtobufError) {
        guard type == expected else {
            throw error("\(message) field \(field) has wire type \(type.rawValue), expected \(expected.rawValue)", at: tagOffset)
        }
    }
}
