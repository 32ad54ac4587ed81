@_spi(SiftInternal) import SiftStorage
/// One term's postings in one segment (docs/FORMAT.md).
///
/// Blocks hold 128 documents; full blocks are bit-packed (doc-id gaps and frequency − 1, one
/// width each), the last partial block is varint pairs. A list of several blocks starts with
/// one metadata entry per block: its last document, where its data ends, where its positions
/// start, and the largest frequency and smallest document length in it — enough to bound any
/// BM25 score in the block unread. A list of one block (most terms) starts instead with three
/// varints (last document, largest frequency, smallest length), which is all its metadata.
@_spi(SiftInternal) public struct PostingsList: @unchecked Sendable {
    public let documentFrequency: Int
    public let blockCount: Int
    /// Absolute offset of the first metadata entry in the postings file.
    @usableFromInline let metadataStart: Int
    /// Absolute offset of the first block's data.
    @usableFromInline let dataStart: Int
    /// The list's bytes end here: block data must not pass it.
    @usableFromInline let listEnd: Int
    /// The postings file's bytes (without the checksum).
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline let positionsStart: Int
    /// The term's positions end here.
    @usableFromInline let positionsEnd: Int
    @usableFromInline let positions: UnsafeRawBufferPointer
    @usableFromInline let segmentDocumentCount: Int
    /// The metadata of a one-block list, read from its varint header.
    @usableFromInline let single: BlockMetadata
    /// The segment, for naming files in errors. Not retained: copying a list or a cursor in a
    /// hot loop must not touch reference counts, and the reader keeps its segments alive
    /// for as long as any query runs.
    unowned(unsafe) let segment: SegmentReader

    @usableFromInline var path: String { segment.postingsFile.path }
    @usableFromInline var positionsPath: String { segment.positionsFile.path }

    package init(segment: SegmentReader, entry: TermEntry) throws(IndexError) {
        let file = segment.postingsBytes
        bytes = UnsafeRawBufferPointer(rebasing: file[0..<(file.count - IndexFormat.trailerSize)])
        self.segment = segment
        documentFrequency = Int(entry.documentFrequency)
        blockCount = (documentFrequency + IndexFormat.blockSize - 1) / IndexFormat.blockSize
        let start = entry.postingsOffset
        guard documentFrequency > 0, documentFrequency <= segment.documentCount,
              start >= IndexFormat.headerSize, start <= bytes.count, entry.postingsLength <= bytes.count - start
        else {
            throw .corrupt(file: segment.postingsFile.path, reason: "postings at \(entry.postingsOffset) (\(entry.postingsLength) bytes) for \(entry.documentFrequency) documents lie outside the file")
        }
        metadataStart = start
        listEnd = start + entry.postingsLength
        if blockCount == 1 {
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[start..<listEnd]))
            do throws(ByteReaderError) {
                let last = try reader.readVarint()
                let maxFrequency = try reader.readVarint()
                let minLength = try reader.readVarint()
                guard last <= UInt64(UInt32.max), maxFrequency <= UInt64(UInt32.max), minLength <= UInt64(UInt32.max) else {
                    throw ByteReaderError.malformed("list header values past 2^32", at: 0)
                }
                single = BlockMetadata(lastDocument: UInt32(last), dataEnd: UInt32(reader.remaining), positionsStart: 0,
                                       maxTermFrequency: UInt32(maxFrequency), minDocumentLength: UInt32(minLength))
                dataStart = start + reader.offset
            } catch {
                throw .corrupt(file: segment.postingsFile.path, reason: "postings at \(start): \(error.message)")
            }
        } else {
            guard blockCount * IndexFormat.blockMetadataSize <= entry.postingsLength else {
                throw .corrupt(file: segment.postingsFile.path, reason: "postings at \(start) are too short for their \(blockCount) blocks")
            }
            single = BlockMetadata(lastDocument: 0, dataEnd: 0, positionsStart: 0, maxTermFrequency: 0, minDocumentLength: 0)
            dataStart = start + blockCount * IndexFormat.blockMetadataSize
        }
        let positionsFile = segment.positionsBytes
        positions = UnsafeRawBufferPointer(rebasing: positionsFile[0..<(positionsFile.count - IndexFormat.trailerSize)])
        positionsStart = entry.positionsOffset
        guard positionsStart >= IndexFormat.headerSize, positionsStart <= positions.count,
              entry.positionsLength <= positions.count - positionsStart
        else {
            throw .corrupt(file: segment.positionsFile.path, reason: "positions at \(entry.positionsOffset) (\(entry.positionsLength) bytes) lie outside the file")
        }
        positionsEnd = positionsStart + entry.positionsLength
        segmentDocumentCount = segment.documentCount
    }

    /// Reads one posting's `count` positions (deltas, the first from 0) and appends them to
    /// `output`, checking that they ascend and stay below 2^32 — the one decoder of positions.
    package static func readPositions(_ reader: inout ByteReader, count: UInt32, into output: inout [UInt32]) throws(ByteReaderError) {
        var position: UInt64 = 0
        for occurrence in 0..<count {
            let delta = try reader.readVarint()
            guard occurrence == 0 || delta > 0 else { throw .malformed("positions do not ascend", at: reader.offset) }
            guard delta <= UInt64(UInt32.max) - position else { throw .malformed("position past 2^32", at: reader.offset) }
            position += delta
            output.append(UInt32(position))
        }
    }

    /// Metadata of block `block`.
    @inlinable @inline(__always)
    public func metadata(_ block: Int) -> BlockMetadata {
        if blockCount == 1 { return single }
        let base = metadataStart + block * IndexFormat.blockMetadataSize
        return BlockMetadata(
            lastDocument: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt32.self)),
            dataEnd: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self)),
            positionsStart: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 8, as: UInt32.self)),
            maxTermFrequency: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 12, as: UInt32.self)),
            minDocumentLength: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 16, as: UInt32.self)))
    }

    /// The first block from `start` on whose last document is ≥ `target`, or `blockCount`
    /// when none is: where a cursor would find `target`, read from the metadata alone (a
    /// shallow advance, for block bounds ahead of the cursor).
    @inlinable @inline(__always)
    public func block(from start: Int, reaching target: UInt32) -> Int {
        var block = max(start, 0)
        while block < blockCount && metadata(block).lastDocument < target { block += 1 }
        return block
    }

    /// Postings in block `block` (128 except in the last).
    @inlinable @inline(__always)
    public func count(ofBlock block: Int) -> Int {
        block == blockCount - 1 ? documentFrequency - block * IndexFormat.blockSize : IndexFormat.blockSize
    }

    /// Decodes block `block` into `documents` and `frequencies` (128 slots each), checking that
    /// the data lies inside the file, documents ascend, stay below the segment's count and end
    /// at the metadata's last document. Returns the number of postings.
    @inlinable
    public func decode(block: Int, documents: UnsafeMutablePointer<UInt32>, frequencies: UnsafeMutablePointer<UInt32>) throws(IndexError) -> Int {
        let (count, frequenciesDecoded) = try decodeDocuments(block: block, documents: documents, frequencies: frequencies)
        if !frequenciesDecoded { decodeFrequencies(block: block, into: frequencies) }
        return count
    }

    /// Decodes block `block`'s documents (and, for a varint block, its frequencies too: they
    /// are interleaved), checking that the data lies inside the list and that documents ascend
    /// strictly, stay below the segment's count and end at the metadata's last document.
    /// Returns the number of postings and whether `frequencies` was filled.
    @inlinable @inline(__always)
    public func decodeDocuments(block: Int, documents: UnsafeMutablePointer<UInt32>,
                         frequencies: UnsafeMutablePointer<UInt32>) throws(IndexError) -> (count: Int, frequenciesDecoded: Bool) {
        let meta = metadata(block)
        let begin = block == 0 ? 0 : Int(metadata(block - 1).dataEnd)
        let end = Int(meta.dataEnd)
        let count = count(ofBlock: block)
        guard begin <= end, end <= listEnd - dataStart else {
            throw .corrupt(file: path, reason: "block \(block) data \(begin)..<\(end) lies outside the file")
        }
        let data = UnsafeRawBufferPointer(rebasing: bytes[(dataStart + begin)..<(dataStart + end)])
        let previous: UInt32 = block == 0 ? 0 : metadata(block - 1).lastDocument
        if count == IndexFormat.blockSize {
            guard data.count >= 2 else { throw .corrupt(file: path, reason: "block \(block) is empty") }
            let gapWidth = Int(data[0])
            let frequencyWidth = Int(data[1])
            guard gapWidth <= 32, frequencyWidth <= 32,
                  data.count == 2 + BitPacking.byteCount(count: count, width: gapWidth) + BitPacking.byteCount(count: count, width: frequencyWidth)
            else {
                throw .corrupt(file: path, reason: "block \(block) has widths \(gapWidth)/\(frequencyWidth) that do not fit its \(data.count) bytes")
            }
            // Gaps to documents in the unpacking pass. Strictly ascending (no zero gap; only a
            // list's very first document may be 0) and ending exactly at the metadata's last
            // document, summed in 64 bits so that wrap-around cannot pass for ascent.
            let sums = BitPacking.unpackRunningSum(data.baseAddress! + 2, count: count, width: gapWidth, previous: previous, into: documents)
            guard sums.smallestGap > 0, sums.firstGap > 0 || block == 0, sums.last == UInt64(meta.lastDocument),
                  Int(meta.lastDocument) < segmentDocumentCount
            else {
                throw .corrupt(file: path, reason: "block \(block) decodes to documents that do not ascend to \(meta.lastDocument)")
            }
            return (count, false)
        }
        var reader = ByteReader(data)
        var valid = true
        var last = UInt64(previous)
        do throws(ByteReaderError) {
            for slot in 0..<count {
                let gap = try reader.readVarint()
                valid = valid && gap <= UInt64(UInt32.max) && (gap > 0 || (slot == 0 && block == 0))
                last &+= gap
                documents[slot] = UInt32(truncatingIfNeeded: last)
                frequencies[slot] = UInt32(truncatingIfNeeded: try reader.readVarint())
                valid = valid && frequencies[slot] != 0
            }
        } catch {
            throw .corrupt(file: path, reason: "block \(block): \(error.message)")
        }
        guard valid else { throw .corrupt(file: path, reason: "block \(block) has a zero term frequency or gap") }
        guard count > 0, last == UInt64(meta.lastDocument), Int(meta.lastDocument) < segmentDocumentCount else {
            throw .corrupt(file: path, reason: "block \(block) decodes to documents that do not ascend to \(meta.lastDocument)")
        }
        return (count, true)
    }

    /// Decodes a full block's frequencies, after `decodeDocuments` checked its layout. Only
    /// documents that are scored need them, so cursors call this lazily.
    @inlinable @inline(__always)
    public func decodeFrequencies(block: Int, into frequencies: UnsafeMutablePointer<UInt32>) {
        let begin = dataStart + (block == 0 ? 0 : Int(metadata(block - 1).dataEnd))
        let gapWidth = Int(bytes[begin])
        let frequencyWidth = Int(bytes[begin + 1])
        BitPacking.unpack(bytes.baseAddress! + begin + 2 + BitPacking.byteCount(count: IndexFormat.blockSize, width: gapWidth),
                          count: IndexFormat.blockSize, width: frequencyWidth, into: frequencies, adding: 1)
    }
}

/// The metadata stored ahead of a term's blocks, one entry a block.
@_spi(SiftInternal) public struct BlockMetadata: Equatable, Sendable {
    public var lastDocument: UInt32
    /// End of the block's data, relative to the start of the term's data.
    @usableFromInline var dataEnd: UInt32
    /// Where the block's positions start, relative to the term's positions.
    @usableFromInline var positionsStart: UInt32
    public var maxTermFrequency: UInt32
    public var minDocumentLength: UInt32

    @inlinable
    public init(lastDocument: UInt32, dataEnd: UInt32, positionsStart: UInt32, maxTermFrequency: UInt32, minDocumentLength: UInt32) {
        self.lastDocument = lastDocument
        self.dataEnd = dataEnd
        self.positionsStart = positionsStart
        self.maxTermFrequency = maxTermFrequency
        self.minDocumentLength = minDocumentLength
    }
}

/// Iterates a postings list a document at a time, decoding one block at a time; `advance(to:)`
/// skips whole blocks by their metadata without decoding them.
///
/// The cursor decodes into buffers its owner provides (128 slots each) and keeps alive for as
/// long as the cursor is used, so a query allocates nothing per posting or per block.
@_spi(SiftInternal) public struct PostingsCursor {
    public let list: PostingsList
    @usableFromInline let documents: UnsafeMutablePointer<UInt32>
    @usableFromInline let frequencies: UnsafeMutablePointer<UInt32>
    public var block = -1
    @usableFromInline var slot = 0
    @usableFromInline var count = 0
    /// The current document, or `PostingsCursor.exhausted` past the end.
    public var document: UInt32 = 0
    /// Blocks and postings decoded so far (for benchmarks' accounting).
    public var blocksDecoded = 0
    public var postingsDecoded = 0
    @usableFromInline var positionBlock = -1
    @usableFromInline var positionSlot = 0
    @usableFromInline var positionOffset = 0

    public static let exhausted = UInt32.max

    /// A cursor on the list's first document, decoding into `buffers`.
    @inlinable
    public init(_ list: PostingsList, buffers: BlockBuffers) throws(IndexError) {
        self.list = list
        documents = buffers.documents
        frequencies = buffers.frequencies
        try load(block: 0)
    }

    /// Whether `frequencies` holds the current block's (full blocks decode them on demand).
    @usableFromInline var frequenciesReady = false

    /// The current document's term frequency.
    @inlinable @inline(__always)
    public var frequency: UInt32 {
        mutating get {
            if !frequenciesReady { loadFrequencies() }
            return frequencies[slot]
        }
    }

    @usableFromInline @inline(never)
    mutating func loadFrequencies() {
        list.decodeFrequencies(block: block, into: frequencies)
        frequenciesReady = true
    }

    /// Moves to the next document.
    @inlinable @inline(__always)
    public mutating func next() throws(IndexError) {
        slot += 1
        if slot < count {
            document = documents[slot]
        } else {
            try load(block: block + 1)
        }
    }

    /// Moves to the first document ≥ `target`.
    @inlinable
    public mutating func advance(to target: UInt32) throws(IndexError) {
        guard document < target else { return }
        if target > list.metadata(block).lastDocument {
            var next = block + 1
            while next < list.blockCount && list.metadata(next).lastDocument < target { next += 1 }
            try load(block: next)
            if document >= target { return }
        }
        var index = slot + 1
        while documents[index] < target { index += 1 }  // the block's last document is ≥ target
        slot = index
        document = documents[index]
    }

    @inlinable
    mutating func load(block next: Int) throws(IndexError) {
        block = next
        slot = 0
        guard next < list.blockCount else {
            count = 0
            document = Self.exhausted
            return
        }
        let decoded = try list.decodeDocuments(block: next, documents: documents, frequencies: frequencies)
        count = decoded.count
        frequenciesReady = decoded.frequenciesDecoded
        blocksDecoded += 1
        postingsDecoded += count
        document = documents[0]
    }

    /// The current document's positions, ascending, into `output` (replacing what it held).
    /// Positions are read lazily: only phrase queries call this, and only for documents that
    /// contain every phrase term. Reading forward within a block continues where the last
    /// read ended; the positions of documents passed over are skipped by counting the bytes
    /// that end a varint, not decoded. Damage (a truncated list, positions that do not
    /// ascend or pass 2^32) throws.
    public mutating func readPositions(into output: inout PositionBuffer) throws(IndexError) {
        output.count = 0
        guard document != Self.exhausted else { return }
        if !frequenciesReady { loadFrequencies() }
        if positionBlock != block || positionSlot > slot {
            positionBlock = block
            positionSlot = 0
            positionOffset = list.positionsStart + Int(list.metadata(block).positionsStart)
        }
        let bytes = list.positions
        let end = list.positionsEnd
        var offset = positionOffset
        guard offset <= end else { throw positionsDamage("block \(block) positions start past the term's", at: offset) }
        var skipped: UInt64 = 0
        for passed in positionSlot..<slot { skipped += UInt64(frequencies[passed]) }
        // Eight bytes at a time while a whole word holds no more varint ends than remain to
        // skip (each byte below 0x80 ends one), then byte by byte.
        while skipped >= 8 && end - offset >= 8 {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let ends = UInt64((~word & 0x8080_8080_8080_8080).nonzeroBitCount)
            guard ends <= skipped else { break }
            skipped -= ends
            offset += 8
        }
        while skipped > 0 {
            guard offset < end else { throw positionsDamage("truncated", at: offset) }
            if bytes[offset] < 0x80 { skipped -= 1 }
            offset += 1
        }
        let count = Int(frequencies[slot])
        // Each position takes at least a byte: a larger count is damage, not an allocation.
        guard count <= end - offset else { throw positionsDamage("truncated", at: offset) }
        output.reserve(count)
        var position: UInt64 = 0
        for occurrence in 0..<count {
            guard offset < end else { throw positionsDamage("truncated", at: offset) }
            var value = UInt64(bytes[offset])
            offset += 1
            var shift: UInt64 = 7
            if value >= 0x80 {
                value &= 0x7F
                while true {
                    guard offset < end else { throw positionsDamage("truncated", at: offset) }
                    let byte = bytes[offset]
                    offset += 1
                    guard shift < 63 || byte <= 1 else { throw positionsDamage("varint overflows 64 bits", at: offset - 1) }
                    value |= UInt64(byte & 0x7F) << shift
                    if byte < 0x80 { break }
                    shift += 7
                }
            }
            guard occurrence == 0 || value > 0 else { throw positionsDamage("positions do not ascend", at: offset) }
            guard value <= UInt64(UInt32.max) - position else { throw positionsDamage("position past 2^32", at: offset) }
            position += value
            output.base[occurrence] = UInt32(position)
        }
        output.count = count
        positionSlot = slot + 1
        positionOffset = offset
    }

    @inline(never)
    func positionsDamage(_ what: String, at offset: Int) -> IndexError {
        .corrupt(file: list.positionsPath, reason: "positions: \(what) at byte \(offset)")
    }
}

/// One document's positions of one term: a buffer its owner allocates once, grows when a
/// document needs more room, and deallocates when done.
@_spi(SiftInternal) public struct PositionBuffer {
    public private(set) var base: UnsafeMutablePointer<UInt32>
    public private(set) var capacity: Int
    /// Positions held, from `base`.
    public var count = 0

    public init(capacity: Int = 64) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    /// Room for `needed` positions (what was held is dropped).
    public mutating func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        base.deallocate()
        capacity = max(needed, capacity * 2)
        base = .allocate(capacity: capacity)
    }

    public var positions: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: base, count: count) }

    public func deallocate() { base.deallocate() }
}

/// Decoding buffers for one cursor: 128 documents and 128 frequencies. The owner (a scorer or
/// a searcher's pool) frees them when no cursor uses them any more.
@_spi(SiftInternal) public struct BlockBuffers {
    public let documents: UnsafeMutablePointer<UInt32>
    public let frequencies: UnsafeMutablePointer<UInt32>

    @inlinable
    init(documents: UnsafeMutablePointer<UInt32>, frequencies: UnsafeMutablePointer<UInt32>) {
        self.documents = documents
        self.frequencies = frequencies
    }

    @inlinable public static func allocate() -> BlockBuffers {
        BlockBuffers(documents: .allocate(capacity: IndexFormat.blockSize),
                     frequencies: .allocate(capacity: IndexFormat.blockSize))
    }

    @inlinable public func deallocate() {
        documents.deallocate()
        frequencies.deallocate()
    }
}
