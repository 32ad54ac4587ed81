#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(SiftInternal) import SiftStorage

/// The deleted documents of one segment and what they contributed to its statistics.
///
/// A segment is immutable, so deleting a document marks it in a bitmap kept beside the
/// segment. BM25 must count live documents only: N and the average length come from the
/// counts here, and each term's document frequency is the segment's minus `frequencies[key]`
/// — the number of deleted documents holding the key, found by analyzing their stored text
/// again when they are deleted (analysis is deterministic, so these are exactly the keys the
/// documents were indexed under). The writer holds this mutable form; readers map the file
/// (`DeletionsFile`).
struct SegmentDeletions: Equatable, Sendable {
    let documentCount: Int
    private(set) var words: [UInt64]
    private(set) var count = 0
    /// Text tokens of the deleted documents.
    var tokenCount: UInt64 = 0
    /// Title tokens of the deleted documents.
    var titleTokenCount: UInt64 = 0
    /// Deleted documents containing each dictionary key (beyond those counted in `base`).
    var frequencies: [[UInt8]: UInt32] = [:]
    /// The segment's previous deletions file, whose sorted counts `encode` merges with
    /// `frequencies`: an update does not rebuild (or re-sort) every key deleted so far.
    private(set) var base: DeletionsFile? = nil

    init(documentCount: Int) {
        self.documentCount = documentCount
        words = [UInt64](repeating: 0, count: (documentCount + 63) / 64)
    }

    func contains(_ document: Int) -> Bool {
        words[document >> 6] & (1 << UInt64(document & 63)) != 0
    }

    /// Marks `document` deleted; false if it already was.
    @discardableResult
    mutating func insert(_ document: Int) -> Bool {
        precondition(document >= 0 && document < documentCount, "document \(document) outside the segment")
        guard !contains(document) else { return false }
        words[document >> 6] |= 1 << UInt64(document & 63)
        count += 1
        return true
    }

    /// Bytes before the bitmap: header, document count, deleted count, token counts, key count,
    /// and the segment's name (20 bytes).
    static let fixedSize = IndexFormat.headerSize + 4 + 4 + 8 + 8 + 4 + 20

    /// The file: the fixed fields, the bitmap (u64 words), key offsets (u32 × keys + 1),
    /// frequencies (u32 × keys), the keys' bytes in byte order, the CRC-32C.
    func encode(segment name: String) -> [UInt8] {
        // The base file's keys (already in order) merged with the new ones, counts summed:
        // each entry is a base key's index, or −1 − the index of a new key.
        let added = frequencies.keys.sorted(by: ByteOrder.precedes)
        let baseCount = base?.keyCount ?? 0
        var entries: [Int] = []
        var counts: [UInt32] = []
        entries.reserveCapacity(baseCount + added.count)
        counts.reserveCapacity(baseCount + added.count)
        var i = 0
        var j = 0
        while i < baseCount || j < added.count {
            let order = i == baseCount ? 1 : j == added.count ? -1 : added[j].withUnsafeBytes { ByteOrder.compare(base!.key(at: i), $0) }
            if order <= 0 {
                entries.append(i)
                counts.append(base!.frequency(at: i) + (order == 0 ? frequencies[added[j]]! : 0))
                i += 1
                if order == 0 { j += 1 }
            } else {
                entries.append(-1 - j)
                counts.append(frequencies[added[j]]!)
                j += 1
            }
        }
        func length(_ entry: Int) -> Int { entry >= 0 ? base!.key(at: entry).count : added[-1 - entry].count }
        let keyBytes = entries.reduce(0) { $0 + length($1) }
        var writer = IndexFormat.beginFile(.deletions, capacity: Self.fixedSize + words.count * 8 + entries.count * 8 + keyBytes)
        writer.write(UInt32(documentCount))
        writer.write(UInt32(count))
        writer.write(tokenCount)
        writer.write(titleTokenCount)
        writer.write(UInt32(entries.count))
        precondition(name.utf8.count == 20, "segment names are 20 bytes")
        writer.write(bytes: name.utf8)
        for word in words { writer.write(word) }
        var offset: UInt32 = 0
        writer.write(offset)
        for entry in entries {
            offset += UInt32(length(entry))
            writer.write(offset)
        }
        for count in counts { writer.write(count) }
        for entry in entries {
            if entry >= 0 { writer.write(bytes: base!.key(at: entry)) } else { writer.write(bytes: added[-1 - entry]) }
        }
        return IndexFormat.finishFile(&writer)
    }

    /// Deleted documents containing each key, the base file's counts included.
    var allFrequencies: [[UInt8]: UInt32] {
        var all = frequencies
        if let base {
            for index in 0..<base.keyCount { all[Array(base.key(at: index)), default: 0] += base.frequency(at: index) }
        }
        return all
    }

    static func == (a: SegmentDeletions, b: SegmentDeletions) -> Bool {
        a.documentCount == b.documentCount && a.words == b.words && a.count == b.count && a.tokenCount == b.tokenCount
            && a.titleTokenCount == b.titleTokenCount && a.allFrequencies == b.allFrequencies
    }

    /// The mutable form of a mapped file, to add deletions to. With `extending`, its key
    /// counts stay in the file (`base`) and only new ones are held in memory.
    init(_ file: DeletionsFile, extending: Bool = false) throws(IndexError) {
        self.init(documentCount: file.documentCount)
        for index in words.indices { words[index] = file.word(index) }
        count = file.count
        tokenCount = file.tokenCount
        titleTokenCount = file.titleTokenCount
        if extending {
            base = file
            return
        }
        frequencies.reserveCapacity(file.keyCount)
        for index in 0..<file.keyCount {
            frequencies[Array(file.key(at: index))] = file.frequency(at: index)
        }
    }
}

/// A segment's deletions file, mapped: the bitmap is read in place and a key's deleted
/// frequency is found by binary search, so opening costs one pass over the bitmap and keys.
struct DeletionsFile: @unchecked Sendable {
    let file: MappedFile
    let documentCount: Int
    let count: Int
    let tokenCount: UInt64
    let titleTokenCount: UInt64
    let keyCount: Int
    private let bitsStart = SegmentDeletions.fixedSize
    private let offsetsStart: Int
    private let frequenciesStart: Int
    private let keysStart: Int

    var path: String { file.path }

    /// Checks the layout: counts, the segment's name, the bitmap's population, key offsets.
    init(file: MappedFile, segment: String, documentCount: Int, deletedCount: Int) throws(IndexError) {
        self.file = file
        let bytes = file.bytes
        let path = file.path
        let end = bytes.count - IndexFormat.trailerSize
        guard end >= SegmentDeletions.fixedSize else { throw .corrupt(file: path, reason: "too short for the deletions header") }
        func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        let header = IndexFormat.headerSize
        self.documentCount = u32(header)
        count = u32(header + 4)
        tokenCount = u64(header + 8)
        titleTokenCount = u64(header + 16)
        keyCount = u32(header + 24)
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(header + 28)..<(header + 48)]), as: UTF8.self)
        guard name == segment else { throw .corrupt(file: path, reason: "lists deletions of segment '\(name)', not '\(segment)'") }
        guard self.documentCount == documentCount else {
            throw .corrupt(file: path, reason: "covers \(self.documentCount) documents, the segment has \(documentCount)")
        }
        guard count == deletedCount, count <= documentCount else {
            throw .corrupt(file: path, reason: "holds \(count) deletions, the manifest says \(deletedCount)")
        }
        let wordCount = (documentCount + 63) / 64
        offsetsStart = bitsStart + wordCount * 8
        frequenciesStart = offsetsStart + (keyCount + 1) * 4
        keysStart = frequenciesStart + keyCount * 4
        guard keyCount <= end, keysStart <= end else { throw .corrupt(file: path, reason: "key table does not fit the file") }
        var population = 0
        for index in 0..<wordCount {
            population += u64(bitsStart + index * 8).nonzeroBitCount
        }
        if documentCount % 64 != 0, wordCount > 0, u64(bitsStart + (wordCount - 1) * 8) >> UInt64(documentCount % 64) != 0 {
            throw .corrupt(file: path, reason: "bits set past the segment's last document")
        }
        guard population == count else { throw .corrupt(file: path, reason: "bitmap holds \(population) deletions, the header says \(count)") }
        var previous = 0
        guard u32(offsetsStart) == 0 else { throw .corrupt(file: path, reason: "first key offset is not 0") }
        for index in stride(from: 1, through: keyCount, by: 1) {
            let offset = u32(offsetsStart + index * 4)
            guard offset >= previous else { throw .corrupt(file: path, reason: "key offsets descend at key \(index)") }
            previous = offset
        }
        guard keysStart + previous == end else {
            throw .corrupt(file: path, reason: "keys end at \(keysStart + previous), the file at \(end)")
        }
    }

    func word(_ index: Int) -> UInt64 {
        UInt64(littleEndian: file.bytes.loadUnaligned(fromByteOffset: bitsStart + index * 8, as: UInt64.self))
    }

    @inline(__always)
    func isDeleted(_ document: Int) -> Bool {
        word(document >> 6) & (1 << UInt64(document & 63)) != 0
    }

    func key(at index: Int) -> UnsafeRawBufferPointer {
        let start = Int(UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: offsetsStart + index * 4, as: UInt32.self)))
        let end = Int(UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: offsetsStart + index * 4 + 4, as: UInt32.self)))
        return UnsafeRawBufferPointer(rebasing: file.bytes[(keysStart + start)..<(keysStart + end)])
    }

    func frequency(at index: Int) -> UInt32 {
        UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: frequenciesStart + index * 4, as: UInt32.self))
    }

    /// Deleted documents containing `key` (0 if none).
    func deletedFrequency(of key: UnsafeRawBufferPointer) -> UInt32 {
        var low = 0
        var high = keyCount
        while low < high {
            let middle = (low + high) / 2
            let order = ByteOrder.compare(self.key(at: middle), key)
            if order == 0 { return frequency(at: middle) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return 0
    }
}
