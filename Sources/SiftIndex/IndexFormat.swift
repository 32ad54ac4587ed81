@_spi(SiftInternal) import SiftStorage
/// Constants and framing shared by every index file: a 16-byte header (magic, kind, version,
/// reserved) and a trailing CRC-32C of everything before it. See docs/FORMAT.md.
@_spi(SiftInternal) public enum IndexFormat {
    /// "SIFT" at byte 0 of every file.
    static let magic: [UInt8] = Array("SIFT".utf8)
    /// The version this build writes and the newest it reads.
    static let version: UInt32 = 4
    static let headerSize = 16
    static let trailerSize = 4
    /// Documents per posting block.
    public static let blockSize = 128
    package static let manifestName = "manifest"
    package static let lockName = "write.lock"
    /// Extension of a segment's deletions file (`del-<16 hex>.deletes`).
    static let deletionsExtension = "deletes"
    /// Extension of the source-file table (`src-<16 hex>.sources`).
    static let sourcesExtension = "sources"

    /// The name of a deletions or sources file: derived from its bytes, so a commit never
    /// overwrites a file the live manifest names.
    static func contentName(_ bytes: [UInt8], kind fileExtension: String) -> String {
        let hash = bytes.withUnsafeBufferPointer { ByteInterner.hash($0) }
        let digits = String(hash, radix: 16)
        return contentPrefix(fileExtension) + String(repeating: "0", count: 16 - digits.count) + digits + "." + fileExtension
    }

    private static func contentPrefix(_ fileExtension: String) -> String {
        fileExtension == deletionsExtension ? "del-" : "src-"
    }

    /// True for `del-<16 hex>.deletes` or `src-<16 hex>.sources` (by `fileExtension`):
    /// nothing that could climb out of the index folder.
    static func isContentName(_ name: String, kind fileExtension: String) -> Bool {
        let prefix = contentPrefix(fileExtension)
        guard name.hasPrefix(prefix), name.hasSuffix("." + fileExtension) else { return false }
        let hex = name.dropFirst(prefix.count).dropLast(fileExtension.count + 1)
        return hex.count == 16 && hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// Dictionary keys of the title field start with this byte (analysis never makes a term
    /// that does), so one sorted dictionary holds both fields and each field's terms stay
    /// contiguous for prefix scans.
    static let titleKeyPrefix: UInt8 = 0x01

    /// The field a dictionary key belongs to.
    package static func field<C: Collection>(ofKey key: C) -> IndexField where C.Element == UInt8 {
        key.first == titleKeyPrefix ? .title : .text
    }

    /// The dictionary key of `term` in `field`.
    package static func key<C: Collection>(_ term: C, field: IndexField) -> [UInt8] where C.Element == UInt8 {
        field == .title ? [titleKeyPrefix] + Array(term) : Array(term)
    }

    /// True for files only a writer at work has a use for — segments being built
    /// (`building-…`), partial segments (`flush-…`), any temporary of Sift's naming (`….tmp`):
    /// no manifest names them, so whatever of them a writer holding the lock finds was left by
    /// a writer that failed or died.
    static func isTemporaryFileName(_ name: String) -> Bool {
        isIndexFileName(name) && (name.hasSuffix(".tmp") || name.hasPrefix("building-") || name.hasPrefix("flush-"))
    }

    /// True for the names of files Sift writes in an index folder (segment and partial-segment
    /// files, their temporaries, a manifest temporary) — what a commit may clean up.
    static func isIndexFileName(_ name: String) -> Bool {
        if name == manifestName + ".tmp" { return true }
        var stem = Substring(name)
        if stem.hasSuffix(".tmp") { stem = stem.dropLast(4) }
        if isContentName(String(stem), kind: deletionsExtension) || isContentName(String(stem), kind: sourcesExtension) {
            return true
        }
        if stem.hasPrefix("building-") {
            // building-<pid>-<serial>.<kind>
            let parts = stem.dropFirst(9).split(separator: ".")
            guard parts.count == 2 else { return false }
            let numbers = parts[0].split(separator: "-")
            return numbers.count == 2 && numbers.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
                && ["postings", "positions", "records", "text", "docs", "terms"].contains(String(parts[1]))
        }
        let parts = stem.split(separator: ".")
        guard parts.count == 2, FileKind.segmentKinds.map(\.fileExtension).contains(String(parts[1])) else { return false }
        let base = parts[0]
        let hex: Substring
        if base.hasPrefix("seg-") { hex = base.dropFirst(4) } else if base.hasPrefix("flush-") { hex = base.dropFirst(6) } else { return false }
        return hex.count == 16 && hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// The kinds of index file, named by their four-byte tag and their file extension.
    package enum FileKind: String, CaseIterable, Sendable {
        case manifest = "MANI"
        case terms = "TERM"
        case postings = "POST"
        case positions = "POSN"
        case documents = "DOCS"
        case deletions = "DELS"
        case sources = "SRCS"

        var tag: [UInt8] { Array(rawValue.utf8) }

        /// The extension of a segment file of this kind.
        package var fileExtension: String {
            switch self {
            case .manifest: ""
            case .terms: "terms"
            case .postings: "postings"
            case .positions: "positions"
            case .documents: "docs"
            case .deletions: IndexFormat.deletionsExtension
            case .sources: IndexFormat.sourcesExtension
            }
        }

        static let segmentKinds: [FileKind] = [.terms, .postings, .positions, .documents]
    }

    /// The 16-byte header of a file of `kind`.
    static func header(_ kind: FileKind) -> [UInt8] {
        beginFile(kind).bytes
    }

    /// A writer that starts with the header of `kind`.
    static func beginFile(_ kind: FileKind, capacity: Int = 0) -> ByteWriter {
        var writer = ByteWriter(capacity: capacity + headerSize + trailerSize)
        writer.write(bytes: magic)
        writer.write(bytes: kind.tag)
        writer.write(version)
        writer.write(UInt32(0))
        return writer
    }

    /// Appends the checksum and returns the finished file bytes.
    static func finishFile(_ writer: inout ByteWriter) -> [UInt8] {
        let crc = CRC32C.checksum(writer.bytes)
        writer.write(crc)
        return writer.bytes
    }

    /// Checks the header of a file a manifest names (magic, kind, version) and its length. The
    /// manifest was read by this version, so a file of any other version is damaged, not of
    /// another Sift. The checksum is checked separately (`verifyChecksum`): it reads every byte.
    static func validateHeader(_ bytes: UnsafeRawBufferPointer, kind: FileKind, file: String) throws(IndexError) {
        try validateFraming(bytes, kind: kind, file: file)
        let found = storedVersion(bytes)
        guard found == version else {
            throw .corrupt(file: file, reason: "format version \(found), but its manifest is version \(version)")
        }
    }

    /// Checks a manifest: length, magic and kind, then its checksum, and only then its version,
    /// so that a damaged version field is reported as damage, not as a file of another Sift.
    static func validateManifest(_ bytes: UnsafeRawBufferPointer, file: String) throws(IndexError) {
        try validateFraming(bytes, kind: .manifest, file: file)
        try verifyChecksum(bytes, file: file)
        let found = storedVersion(bytes)
        if found > version {
            throw .newerFormat(file: file, found: Int(found), supported: Int(version))
        }
        guard found == version else {
            if found >= 1 { throw .olderFormat(file: file, found: Int(found), supported: Int(version)) }
            throw .corrupt(file: file, reason: "unknown format version \(found)")
        }
    }

    private static func storedVersion(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
    }

    /// Length (a header and a checksum at least), magic and kind.
    private static func validateFraming(_ bytes: UnsafeRawBufferPointer, kind: FileKind, file: String) throws(IndexError) {
        guard bytes.count >= headerSize + trailerSize else {
            throw .corrupt(file: file, reason: "file is \(bytes.count) bytes, shorter than its header and checksum")
        }
        guard bytes[0] == magic[0], bytes[1] == magic[1], bytes[2] == magic[2], bytes[3] == magic[3] else {
            throw .corrupt(file: file, reason: "not a Sift index file (bad magic)")
        }
        let tag = kind.tag
        guard bytes[4] == tag[0], bytes[5] == tag[1], bytes[6] == tag[2], bytes[7] == tag[3] else {
            throw .corrupt(file: file, reason: "wrong file kind (expected \(kind.rawValue))")
        }
    }

    /// Compares the trailing CRC-32C with the file's bytes.
    static func verifyChecksum(_ bytes: UnsafeRawBufferPointer, file: String) throws(IndexError) {
        guard bytes.count >= trailerSize else { throw .corrupt(file: file, reason: "too short for a checksum") }
        let body = UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - trailerSize)])
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - trailerSize, as: UInt32.self))
        let actual = CRC32C.checksum(body)
        guard stored == actual else {
            throw .corrupt(file: file, reason: "checksum mismatch (stored \(hex(stored)), computed \(hex(actual)))")
        }
    }

    /// Runs a decoder whose reads throw `ByteReaderError` and whose checks throw `IndexError`,
    /// so that either comes out as an `IndexError` naming `file`.
    static func decoding<T>(_ file: String, _ body: () throws -> T) throws(IndexError) -> T {
        do {
            return try body()
        } catch let error as IndexError {
            throw error
        } catch let error as ByteReaderError {
            throw .corrupt(file: file, reason: error.message)
        } catch {
            throw .corrupt(file: file, reason: "\(error)")
        }
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// The indexed fields of a document. Bare query terms search `text`; `title:` searches the
/// title, with its own lengths and statistics.
public enum IndexField: String, Sendable, CaseIterable, Hashable, Codable {
    /// The document's body, everything that was analyzed from it.
    case text
    /// The document's title.
    case title
}

/// Everything that can go wrong opening, reading or writing an index.
///
/// Each case carries the values a program needs to act on it; `description` (and
/// `errorDescription`, for `LocalizedError`) says it in a sentence for people.
public enum IndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No index at the path (no manifest).
    case missingIndex(String)
    /// A file is damaged: the file and what is wrong with it.
    case corrupt(file: String, reason: String)
    /// A file was written by a newer Sift.
    case newerFormat(file: String, found: Int, supported: Int)
    /// A file was written by an older Sift in a format this one no longer reads; the index
    /// must be rebuilt.
    case olderFormat(file: String, found: Int, supported: Int)
    /// A file the manifest names is not there (removed by hand, or by a writer that replaced
    /// the manifest between our reading it and opening the file).
    case missingFile(String)
    /// The folder holds index files but no manifest (it was deleted or lost): what the files
    /// held cannot be read back, and the index must be rebuilt.
    case missingManifest(String)
    /// Another writer holds the index's lock: one of another process, or (`inThisProcess`) an
    /// `IndexWriter` of this process that is still open.
    case locked(String, inThisProcess: Bool)
    /// A system call failed.
    case io(FileError)
    /// The writer was closed (its lock released), so it may no longer change the index.
    case writerClosed(String)
    /// A document number outside `0..<count` (a caller's mistake, not damage).
    case documentOutOfRange(Int, count: Int)
    /// A document number, hit or result of one snapshot of an index was given to a reader of
    /// another (another commit, or another index), where it would name another document: the
    /// snapshot it came from and the reader's.
    case snapshotMismatch(given: IndexSnapshot, reader: IndexSnapshot)
    /// A value the method does not accept (a caller's mistake, not damage).
    case invalidArgument(InvalidArgument)
    /// A document was added under an id that a live document already has (ids are keys; to
    /// replace a document, update it).
    case duplicateID(String)
    /// An update asked for settings other than those the index was built with.
    case settingsMismatch(path: String, setting: String, stored: String, requested: String)
    /// The index was analyzed by another version of the analyzer (`Analyzer.version`) than
    /// this one: an update would count and match terms differently, so it must be rebuilt.
    case analyzerVersionMismatch(path: String, stored: UInt32, current: UInt32)
    /// An update would delete more than half of the index's documents (or all of them), and
    /// was not allowed to: the files whose documents it would delete (keys, in byte order),
    /// how many documents they hold, and how many the index holds.
    case tooManyDeletions(path: String, files: [String], documents: Int, of: Int)
    /// The index was built without stored text (`--store none`): documents' texts, and so
    /// snippets, cannot be given. Rebuilding with stored text is the cure.
    case noStoredText(path: String)
    /// Reordering the documents needs more memory than the writer's budget: the bytes it
    /// needs and the budget, both in bytes.
    case reorderNeedsMemory(path: String, needed: Int, budget: Int)
    /// The index was imported from postings made elsewhere (CIFF): it has no positions and no
    /// text, and its terms came from another analyzer, so documents cannot be added to it,
    /// deleted from it or merged; import it again instead.
    case importedIndex(String)
    /// A phrase query on an index without positions (imported from postings).
    case noPositions(String)

    public var description: String {
        switch self {
        case .missingIndex(let path):
            "no index at '\(path)'"
        case .missingManifest(let path):
            "the index '\(path)' has index files but no manifest (deleted or lost); the index must be rebuilt"
        case .corrupt(let file, let reason):
            "index file '\(file)' is corrupt: \(reason)"
        case .olderFormat(let file, let found, let supported):
            "index file '\(file)' has format version \(found), older than this Sift reads (\(supported)); the index must be rebuilt"
        case .missingFile(let file):
            "index file '\(file)' is missing (the manifest names it)"
        case .newerFormat(let file, let found, let supported):
            "index file '\(file)' has format version \(found), newer than this Sift reads (\(supported)); upgrade Sift or rebuild the index"
        case .locked(let path, let inThisProcess):
            inThisProcess
                ? "index '\(path)' is open for writing by another IndexWriter of this process; close that writer first (one writer per index at a time)"
                : "index '\(path)' is being written by another process (lock held on \(IndexFormat.lockName)); try again when it finishes"
        case .io(let error):
            error.description
        case .documentOutOfRange(let document, let count):
            "document \(document) is out of range: the index has \(count) documents"
        case .snapshotMismatch(let given, let reader):
            "the result comes from \(given) of the index, and this reader reads \(reader): document numbers differ between them; search again with this reader"
        case .invalidArgument(let argument):
            argument.description
        case .duplicateID(let id):
            "a document with id '\(id)' is already in the index; ids name one document each (update the document to replace it)"
        case .writerClosed(let path):
            "the writer of '\(path)' was closed; open a new IndexWriter to change the index"
        case .settingsMismatch(let path, let setting, let stored, let requested):
            "the index '\(path)' was built with \(setting) '\(stored)', not '\(requested)'"
        case .analyzerVersionMismatch(let path, let stored, let current):
            "the index '\(path)' was analyzed by analyzer version \(stored), and this Sift analyzes with version \(current); the index must be rebuilt"
        case .tooManyDeletions(let path, let files, let documents, let total):
            "the update of '\(path)' would delete \(documents) of its \(total) documents (from \(files.count) files)"
        case .noStoredText(let path):
            "the index '\(path)' keeps no text (built without stored text, or imported from postings): documents' texts and snippets are not available"
        case .reorderNeedsMemory(let path, let needed, let budget):
            "reordering the documents of '\(path)' needs \((needed + (1 << 20) - 1) >> 20) MiB, more than the memory budget of \(budget >> 20) MiB"
        case .importedIndex(let path):
            "the index '\(path)' was imported from another engine's postings: it cannot be changed, only imported again"
        case .noPositions(let path):
            "the index '\(path)' has no positions (it was imported from postings): phrase queries cannot be answered; search the words without quotes"
        }
    }
}
