@_spi(SiftInternal) import SiftStorage
import SiftIngest

/// How a document's metadata is kept in its stored record (docs/FORMAT.md): a varint count,
/// then each key and value as a varint length and UTF-8 bytes, keys in ascending byte order.
/// A document without metadata writes nothing at all, so an index without metadata is byte
/// for byte what it was before metadata existed.
enum MetadataCoding {
    /// The longest key and value, in UTF-8 bytes: what ingest accepts.
    static let maxKeyBytes = SourceDocument.maximumMetadataKeyBytes
    static let maxValueBytes = SourceDocument.maximumMetadataValueBytes

    /// Appends `metadata` to a record (nothing when it is empty).
    static func encode(_ metadata: [String: String], into writer: inout ByteWriter) {
        guard !metadata.isEmpty else { return }
        writer.writeVarint(UInt64(metadata.count))
        // Keys in ascending UTF-8 byte order, whatever the platform's string ordering.
        for key in metadata.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            writer.writeString(key)
            writer.writeString(metadata[key]!)
        }
    }

    /// Reads what `encode` wrote, checking the order and sizes; an empty reader is no metadata.
    static func decode(_ reader: inout ByteReader) throws(ByteReaderError) -> [String: String] {
        guard !reader.isAtEnd else { return [:] }
        let count = try reader.readLength(limit: reader.remaining / 2)
        guard count > 0 else { throw .malformed("an empty metadata section", at: reader.offset) }
        var metadata: [String: String] = [:]
        metadata.reserveCapacity(count)
        var previous: UnsafeRawBufferPointer?
        for _ in 0..<count {
            let key = try reader.readBytes(try reader.readLength(limit: maxKeyBytes))
            guard !key.isEmpty else { throw .malformed("an empty metadata key", at: reader.offset) }
            if let previous, !previous.lexicographicallyPrecedes(key) {
                throw .malformed("metadata keys out of order", at: reader.offset)
            }
            previous = key
            let value = try reader.readBytes(try reader.readLength(limit: maxValueBytes))
            metadata[String(decoding: key, as: UTF8.self)] = String(decoding: value, as: UTF8.self)
        }
        return metadata
    }

    /// Throws `InvalidArgument` unless every key is 1…256 bytes and every value at most
    /// 65,536 bytes (of UTF-8).
    static func validate(_ metadata: [String: String]) throws(InvalidArgument) {
        for (key, value) in metadata {
            let keyBytes = key.utf8.count
            guard keyBytes >= 1, keyBytes <= maxKeyBytes else {
                throw InvalidArgument(name: "metadata key", value: "\"\(key.prefix(40))\"",
                                      requirement: "1 to \(maxKeyBytes) bytes of UTF-8")
            }
            guard value.utf8.count <= maxValueBytes else {
                throw InvalidArgument(name: "metadata[\"\(key)\"]", value: "\(value.utf8.count) bytes",
                                      requirement: "at most \(maxValueBytes) bytes of UTF-8")
            }
        }
    }
}
