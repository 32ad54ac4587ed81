@_spi(SiftInternal) import SiftStorage
/// A term's entry in the dictionary: its statistics and where its postings and positions lie.
package struct TermEntry: Equatable, Sendable {
    var documentFrequency: UInt32
    var totalTermFrequency: UInt64
    var postingsOffset: Int
    var postingsLength: Int
    var positionsOffset: Int
    var positionsLength: Int
    /// The field of the term's key (whose document lengths its postings' impacts use).
    var field: IndexField = .text
}

/// The terms file: terms in byte order, front-coded in blocks of 32, with an index of each
/// block's start (docs/FORMAT.md). A lookup binary-searches the blocks by their first term and
/// scans one block, so the dictionary costs about 12 bytes a term instead of a fixed-width table.
struct TermDictionary: @unchecked Sendable {
    static let blockSize = 32
    /// Bytes of one block-index entry: data offset, first postings offset, first positions offset.
    static let indexEntrySize = 24
    static let headerSize = 32

    let bytes: UnsafeRawBufferPointer
    let path: String
    let termCount: Int
    let blockCount: Int
    private let indexStart: Int

    init(bytes: UnsafeRawBufferPointer, path: String) throws(IndexError) {
        let end = bytes.count - IndexFormat.trailerSize
        guard end >= Self.headerSize else { throw .corrupt(file: path, reason: "too short for the term header") }
        let count = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        let blocks = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 20, as: UInt32.self)))
        let index = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        guard blocks == (count + Self.blockSize - 1) / Self.blockSize, index >= Self.headerSize,
              index <= end, (end - index) == blocks * Self.indexEntrySize
        else {
            throw .corrupt(file: path, reason: "term table layout does not add up (\(count) terms in \(blocks) blocks)")
        }
        self.bytes = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        self.path = path
        termCount = count
        blockCount = blocks
        indexStart = index
    }

    /// Where block `block`'s data starts and ends, and its first term's postings and positions offsets.
    func block(_ block: Int) throws(IndexError) -> (data: Range<Int>, postings: Int, positions: Int) {
        let base = indexStart + block * Self.indexEntrySize
        let start = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt64.self)))
        let end = block + 1 < blockCount
            ? Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: base + Self.indexEntrySize, as: UInt64.self)))
            : indexStart
        guard start >= Self.headerSize, start <= end, end <= indexStart else {
            throw .corrupt(file: path, reason: "term block \(block) spans \(start)..<\(end), outside the term data")
        }
        let postings = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 8, as: UInt64.self)))
        let positions = Int(clamping: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 16, as: UInt64.self)))
        return (start..<end, postings, positions)
    }

    /// Block `block`'s first term (stored whole: its shared-prefix length is 0).
    func firstTerm(ofBlock block: Int) throws(IndexError) -> UnsafeRawBufferPointer {
        let range = try self.block(block).data
        let data = UnsafeRawBufferPointer(rebasing: bytes[range])
        var offset = 0
        guard let shared = Self.varint(data, &offset), shared == 0 else {
            throw .corrupt(file: path, reason: "term block \(block): first term shares a prefix")
        }
        guard let length = Self.varint(data, &offset), length <= UInt64(data.count - offset) else {
            throw malformed(block, at: 0)
        }
        return UnsafeRawBufferPointer(rebasing: data[offset..<(offset + Int(length))])
    }

    /// The block that holds `key` if any block does: the last whose first term is ≤ key.
    func blockFor(_ key: UnsafeRawBufferPointer) throws(IndexError) -> Int {
        var low = 0
        var high = blockCount
        while low < high {
            let middle = (low + high) / 2
            if ByteOrder.compare(try firstTerm(ofBlock: middle), key) <= 0 { low = middle + 1 } else { high = middle }
        }
        return max(low - 1, 0)
    }

    /// Reads one front-coded term record: its shared-prefix length, suffix bytes and entry,
    /// with the entry's offsets taken from (and advanced past) the running offsets.
    static func readRecord(_ reader: inout ByteReader, sharedLimit: Int, postingsOffset: inout Int,
                           positionsOffset: inout Int) throws(ByteReaderError) -> (shared: Int, suffix: UnsafeRawBufferPointer, entry: TermEntry) {
        let shared = try reader.readLength(limit: sharedLimit)
        let suffix = try reader.readBytes(try reader.readLength(limit: reader.remaining))
        let documentFrequency = try reader.readVarint()
        let extraOccurrences = try reader.readVarint()
        let postingsLength = try reader.readLength(limit: Int(Int32.max) * 64)
        let positionsLength = try reader.readLength(limit: Int(Int32.max) * 64)
        guard documentFrequency > 0, documentFrequency <= UInt64(UInt32.max), extraOccurrences < UInt64(Int64.max) / 2 else {
            throw .malformed("impossible document frequency \(documentFrequency)", at: reader.offset)
        }
        let entry = TermEntry(documentFrequency: UInt32(documentFrequency),
                              totalTermFrequency: documentFrequency + extraOccurrences,
                              postingsOffset: postingsOffset, postingsLength: postingsLength,
                              positionsOffset: positionsOffset, positionsLength: positionsLength)
        let (nextPostings, postingsOverflow) = postingsOffset.addingReportingOverflow(postingsLength)
        let (nextPositions, positionsOverflow) = positionsOffset.addingReportingOverflow(positionsLength)
        guard !postingsOverflow, !positionsOverflow else { throw .malformed("offsets past any file", at: reader.offset) }
        postingsOffset = nextPostings
        positionsOffset = nextPositions
        return (shared, suffix, entry)
    }

    /// The entry of `key`, if the dictionary holds it.
    ///
    /// Scans one block without rebuilding its front-coded terms: it tracks how many leading
    /// bytes of `key` the current term matches, and a term that shares more with its
    /// predecessor than that is still below the key, one that shares less is already past it.
    /// Records are read with an inlined varint decoder that checks every byte against the
    /// block's end (the per-query cost of a lookup is mostly this scan); the entry found is
    /// checked as `readRecord` checks it.
    func lookup(_ key: UnsafeRawBufferPointer) throws(IndexError) -> TermEntry? {
        guard blockCount > 0 else { return nil }
        let block = try blockFor(key)
        let info = try self.block(block)
        let data = UnsafeRawBufferPointer(rebasing: bytes[info.data])
        var offset = 0
        var postingsOffset = info.postings
        var positionsOffset = info.positions
        var matched = 0
        var previousLength = 0
        let termsInBlock = min(Self.blockSize, termCount - block * Self.blockSize)
        let lengthLimit = UInt64(Int32.max) * 64
        for _ in 0..<termsInBlock {
            let recordStart = offset
            guard let shared = Self.varint(data, &offset), shared <= UInt64(previousLength),
                  let suffixLength = Self.varint(data, &offset), suffixLength <= UInt64(data.count - offset)
            else { throw malformed(block, at: recordStart) }
            let suffix = UnsafeRawBufferPointer(rebasing: data[offset..<(offset + Int(suffixLength))])
            offset += Int(suffixLength)
            guard let documentFrequency = Self.varint(data, &offset), let extraOccurrences = Self.varint(data, &offset),
                  let postingsLength = Self.varint(data, &offset), postingsLength <= lengthLimit,
                  let positionsLength = Self.varint(data, &offset), positionsLength <= lengthLimit
            else { throw malformed(block, at: recordStart) }
            let here = (postings: postingsOffset, positions: positionsOffset)
            let (nextPostings, postingsOverflow) = postingsOffset.addingReportingOverflow(Int(postingsLength))
            let (nextPositions, positionsOverflow) = positionsOffset.addingReportingOverflow(Int(positionsLength))
            guard !postingsOverflow, !positionsOverflow else { throw malformed(block, at: recordStart) }
            postingsOffset = nextPostings
            positionsOffset = nextPositions
            let sharedLength = Int(shared)
            let count = suffix.count
            previousLength = sharedLength + count
            if sharedLength < matched { return nil }  // past the key
            guard sharedLength == matched else { continue }  // still sorts before the key
            // Compare the suffix with the rest of the key.
            var index = 0
            while index < count && matched + index < key.count && suffix[index] == key[matched + index] { index += 1 }
            if index == count && matched + index == key.count {
                guard documentFrequency > 0, documentFrequency <= UInt64(UInt32.max), extraOccurrences < UInt64(Int64.max) / 2 else {
                    throw .corrupt(file: path, reason: "term block \(block): impossible document frequency \(documentFrequency) at byte \(offset)")
                }
                return TermEntry(documentFrequency: UInt32(documentFrequency),
                                 totalTermFrequency: documentFrequency + extraOccurrences,
                                 postingsOffset: here.postings, postingsLength: Int(postingsLength),
                                 positionsOffset: here.positions, positionsLength: Int(positionsLength),
                                 field: IndexFormat.field(ofKey: key))
            }
            if index < count && (matched + index == key.count || suffix[index] > key[matched + index]) {
                return nil  // this term sorts after the key
            }
            matched += index
        }
        return nil
    }

    @inline(never)
    private func malformed(_ block: Int, at offset: Int) -> IndexError {
        .corrupt(file: path, reason: "term block \(block): malformed term record at byte \(offset)")
    }

    /// LEB128 from `data` at `offset` (advanced past it); nil when it runs past the data or
    /// past 64 bits. The scan's own decoder, so that it inlines.
    @inline(__always)
    static func varint(_ data: UnsafeRawBufferPointer, _ offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < data.count {
            let byte = data[offset]
            offset += 1
            if shift == 63 && byte > 1 { return nil }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    /// The keys of the terms at `ordinals` (ascending, each below `termCount`), decoding each
    /// block they fall in once, as far as the last of them.
    func keys(ofOrdinals ordinals: [Int]) throws(IndexError) -> [[UInt8]] {
        var keys: [[UInt8]] = []
        keys.reserveCapacity(ordinals.count)
        var iterator: TermIterator? = nil
        var position = -1  // ordinal of the iterator's last term
        for ordinal in ordinals {
            guard ordinal >= 0, ordinal < termCount, ordinal > position || iterator == nil else {
                throw .corrupt(file: path, reason: "term ordinal \(ordinal) out of order or past the \(termCount) terms")
            }
            if iterator == nil || ordinal / Self.blockSize != position / Self.blockSize {
                iterator = try TermIterator(self, block: ordinal / Self.blockSize)
                position = ordinal / Self.blockSize * Self.blockSize - 1
            }
            var key: [UInt8] = []
            while position < ordinal {
                guard let next = try iterator!.next() else { throw .corrupt(file: path, reason: "fewer terms than its header says") }
                key = next.key
                position += 1
            }
            keys.append(key)
        }
        return keys
    }

    /// An iterator from the first term ≥ `key` (all terms for an empty key).
    func terms(from key: [UInt8]) throws(IndexError) -> TermIterator {
        guard blockCount > 0 else { return try TermIterator(self, block: 0) }
        let start = try key.withIndexBytes { key throws(IndexError) in try blockFor(key) }
        return try TermIterator(self, block: start)
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body that throws `IndexError` only, keeping the error typed.
    func withIndexBytes<R>(_ body: (UnsafeRawBufferPointer) throws(IndexError) -> R) throws(IndexError) -> R {
        do {
            return try withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> R in try body(raw) }
        } catch {
            throw error as! IndexError  // the body throws only IndexError
        }
    }
}

/// Walks the dictionary's terms in order from a block, decoding the front coding as it goes.
package struct TermIterator {
    private let dictionary: TermDictionary
    private var block: Int
    private var reader: ByteReader
    private var remainingInBlock = 0
    private var key: [UInt8] = []
    private var postingsOffset = 0
    private var positionsOffset = 0

    init(_ dictionary: TermDictionary, block: Int) throws(IndexError) {
        self.dictionary = dictionary
        self.block = block - 1
        reader = ByteReader(UnsafeRawBufferPointer(start: nil, count: 0))
        try enter(block: block)
    }

    private mutating func enter(block next: Int) throws(IndexError) {
        block = next
        guard next < dictionary.blockCount else {
            remainingInBlock = 0
            return
        }
        let info = try dictionary.block(next)
        reader = ByteReader(UnsafeRawBufferPointer(rebasing: dictionary.bytes[info.data]))
        remainingInBlock = min(TermDictionary.blockSize, dictionary.termCount - next * TermDictionary.blockSize)
        postingsOffset = info.postings
        positionsOffset = info.positions
        key.removeAll(keepingCapacity: true)
    }

    /// The next term and its entry, or nil at the end.
    package mutating func next() throws(IndexError) -> (key: [UInt8], entry: TermEntry)? {
        while remainingInBlock == 0 {
            guard block + 1 < dictionary.blockCount else { return nil }
            guard reader.isAtEnd else {
                throw .corrupt(file: dictionary.path, reason: "term block \(block) has \(reader.remaining) bytes after its terms")
            }
            try enter(block: block + 1)
        }
        do throws(ByteReaderError) {
            let record = try TermDictionary.readRecord(&reader, sharedLimit: key.count, postingsOffset: &postingsOffset,
                                                       positionsOffset: &positionsOffset)
            key.removeSubrange(record.shared...)
            key.append(contentsOf: record.suffix)
            var entry = record.entry
            entry.field = IndexFormat.field(ofKey: key)
            remainingInBlock -= 1
            return (key, entry)
        } catch {
            throw .corrupt(file: dictionary.path, reason: "term block \(block): \(error.message)")
        }
    }
}

/// Builds the terms file, a term at a time, in byte order.
struct TermDictionaryWriter {
    private var data = ByteWriter()
    private var index = ByteWriter()
    private var previous: [UInt8] = []
    private(set) var termCount = 0

    mutating func add<C: Collection>(_ key: C, entry: TermEntry) where C.Element == UInt8 {
        let bytes = Array(key)
        var shared = 0
        if termCount % TermDictionary.blockSize == 0 {
            index.write(UInt64(TermDictionary.headerSize + data.count))
            index.write(UInt64(entry.postingsOffset))
            index.write(UInt64(entry.positionsOffset))
        } else {
            while shared < min(previous.count, bytes.count) && previous[shared] == bytes[shared] { shared += 1 }
        }
        data.writeVarint(UInt64(shared))
        data.writeVarint(UInt64(bytes.count - shared))
        data.write(bytes: bytes[shared...])
        data.writeVarint(UInt64(entry.documentFrequency))
        data.writeVarint(entry.totalTermFrequency - UInt64(entry.documentFrequency))
        data.writeVarint(UInt64(entry.postingsLength))
        data.writeVarint(UInt64(entry.positionsLength))
        previous = bytes
        termCount += 1
    }

    /// The finished file.
    mutating func finish() -> [UInt8] {
        var file = IndexFormat.beginFile(.terms, capacity: data.count + index.count + 32)
        let blocks = (termCount + TermDictionary.blockSize - 1) / TermDictionary.blockSize
        file.write(UInt32(termCount))
        file.write(UInt32(blocks))
        file.write(UInt64(TermDictionary.headerSize + data.count))
        file.write(bytes: data.bytes)
        file.write(bytes: index.bytes)
        return IndexFormat.finishFile(&file)
    }
}
