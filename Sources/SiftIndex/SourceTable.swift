import SiftIngest
@_spi(SiftInternal) import SiftStorage
/// One indexed file: what its content was, and which documents it gave.
///
/// A file's documents are contiguous in one segment (they are added together and merges keep
/// their order), so a range of local ids names them.
struct SourceFile: Equatable, Sendable {
    /// The file's id: its path below the root, behind the root's prefix when several roots
    /// are indexed (`CandidateFile.relativePath`).
    var key: String
    var fingerprint: FileFingerprint
    /// The segment's position in the manifest; -1 when the file gave no document.
    var segment: Int
    var firstDocument: Int
    var documentCount: Int
}

/// The table of source files of an index built from folders: what lets `sift index` find the
/// files that changed since the last run and the documents to delete for them.
struct SourceTable: Equatable, Sendable {
    /// The `--unit` the files were cut into documents with.
    var unit: String
    /// By key, ascending.
    var files: [SourceFile]

    /// Byte order of the keys' UTF-8 (the generic comparison costs as much as the rest of a
    /// commit on a large table).
    static func precedes(_ a: String, _ b: String) -> Bool {
        ByteOrder.precedes(a, b)
    }

    func encode() -> [UInt8] {
        var writer = IndexFormat.beginFile(.sources, capacity: files.count * 48)
        writer.writeString(unit)
        writer.writeVarint(UInt64(files.count))
        for file in files {
            writer.writeString(file.key)
            writer.write(file.fingerprint.size)
            writer.write(file.fingerprint.hash)
            writer.write(file.fingerprint.hash2)
            // The segment's position + 1; 0 for a file that gave no document.
            writer.writeVarint(file.documentCount == 0 ? 0 : UInt64(file.segment + 1))
            writer.writeVarint(UInt64(file.firstDocument))
            writer.writeVarint(UInt64(file.documentCount))
        }
        return IndexFormat.finishFile(&writer)
    }

    /// The unit alone, without decoding the files (the first field).
    static func unit(_ bytes: UnsafeRawBufferPointer, file: String) throws(IndexError) -> String {
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - IndexFormat.trailerSize)]),
                                offset: IndexFormat.headerSize)
        do throws(ByteReaderError) {
            return try reader.readString()
        } catch {
            throw .corrupt(file: file, reason: error.message)
        }
    }

    /// Decodes and checks the table against the manifest's segments: keys strictly ascending,
    /// every range inside its segment.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String, segments: [Manifest.Segment]) throws(IndexError) -> SourceTable {
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - IndexFormat.trailerSize)])
        var reader = ByteReader(body, offset: IndexFormat.headerSize)
        return try IndexFormat.decoding(file) {
            let unit = try reader.readString()
            let count = try reader.readLength(limit: reader.remaining)
            var files: [SourceFile] = []
            files.reserveCapacity(count)
            var previous: String? = nil
            for index in 0..<count {
                let key = try reader.readString()
                let fingerprint = FileFingerprint(size: try reader.readUInt64(), hash: try reader.readUInt64(),
                                                  hash2: try reader.readUInt64())
                let segmentPlusOne = try reader.readLength(limit: Int(UInt32.max))
                let first = try reader.readLength(limit: Int(UInt32.max))
                let documents = try reader.readLength(limit: Int(UInt32.max))
                let segment = segmentPlusOne - 1
                if let previous, !Self.precedes(previous, key) {
                    throw IndexError.corrupt(file: file, reason: "file \(index) ('\(key)') is not after file \(index - 1) in byte order")
                }
                guard (segment == -1 && documents == 0) || (segment >= 0 && segment < segments.count && documents > 0
                                                             && first + documents <= Int(segments[segment].documentCount)) else {
                    throw IndexError.corrupt(file: file, reason: "file '\(key)' names documents \(first)..<\(first + documents) of segment \(segment), which the manifest does not have")
                }
                previous = key
                files.append(SourceFile(key: key, fingerprint: fingerprint, segment: segment, firstDocument: first, documentCount: documents))
            }
            guard reader.isAtEnd else { throw IndexError.corrupt(file: file, reason: "\(reader.remaining) unexpected bytes after the file list") }
            return SourceTable(unit: unit, files: files)
        }
    }
}
