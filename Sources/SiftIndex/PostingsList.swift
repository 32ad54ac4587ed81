@_spi(SiftInternal) import SiftStorage
/// One term's postings in one segment (docs/FORMAT.md).
///
/// Blocks hold 128 documents. A block of 16 or more postings is packed: doc-id gaps and
/// frequencies − 1 each patched-bit-packed (`PatchedLayout`), their headers and the block's
/// impacts first, the packed data at the block's end; a smaller block (only ever a list's
/// last) is varints. A list of several blocks starts with the impacts of the whole list and
/// a 12-byte skip record per block (last document, data end, positions start); a list of one
/// block is that block alone, and a list of one posting is its document as a varint (its
/// frequency is the dictionary's total, its impacts that frequency and the document's length).
@_spi(SiftInternal) public struct PostingsList: @unchecked Sendable {
    public let documentFrequency: Int
    public let blockCount: Int
    /// Absolute offset of the first skip record (lists of several blocks).
    @usableFromInline let metadataStart: Int
    /// Absolute offset of the first block.
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
    /// Where the whole list's impacts start (for a list of one block, its block's).
    @usableFromInline let listImpactsStart: Int
    /// A list of one posting: its document, frequency and length.
    @usableFromInline let onlyDocument: UInt32
    @usableFromInline let onlyFrequency: UInt32
    @usableFromInline let onlyLength: UInt32
    /// The segment, for naming files in errors. Not retained: copying a list or a cursor in a
    /// hot loop must not touch reference counts, and the reader keeps its segments alive
    /// for as long as any query runs.
    unowned(unsafe) let segment: SegmentReader

    @usableFromInline var path: String { segment.postingsFile.path }
    @usableFromInline var positionsPath: String { segment.positionsFile.path }

    /// Blocks of fewer postings than this are varints (a packed block's headers would cost more).
    public static let packedMinimum = 16
    /// Bytes of one skip record of a list of several blocks.
    public static let skipRecordSize = 12

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
        listEnd = start + entry.postingsLength
        segmentDocumentCount = segment.documentCount
        var onlyDocument: UInt32 = 0
        var onlyFrequency: UInt32 = 0
        var onlyLength: UInt32 = 0
        if documentFrequency == 1 {
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[start..<listEnd]))
            let document: UInt64
            do throws(ByteReaderError) {
                document = try reader.readVarint()
            } catch {
                throw .corrupt(file: segment.postingsFile.path, reason: "postings at \(start): \(error.message)")
            }
            guard reader.isAtEnd, document < UInt64(segment.documentCount), entry.totalTermFrequency <= UInt64(UInt32.max) else {
                throw .corrupt(file: segment.postingsFile.path, reason: "postings at \(start): a document \(document) of \(segment.documentCount), or bytes after it")
            }
            onlyDocument = UInt32(document)
            onlyFrequency = UInt32(entry.totalTermFrequency)
            onlyLength = segment.length(of: Int(document), field: entry.field)
            metadataStart = start
            dataStart = start
            listImpactsStart = start
        } else if blockCount == 1 {
            metadataStart = start
            dataStart = start
            listImpactsStart = Self.impactsOffset(bytes, blockStart: start, blockEnd: listEnd, count: documentFrequency)
        } else {
            var impacts = ImpactReader(bytes: bytes, offset: start, end: listEnd)
            let skips = impacts.skipToEnd()
            guard skips <= listEnd, blockCount * Self.skipRecordSize <= listEnd - skips else {
                throw .corrupt(file: segment.postingsFile.path, reason: "postings at \(start) are too short for their \(blockCount) blocks")
            }
            listImpactsStart = start
            metadataStart = skips
            dataStart = skips + blockCount * Self.skipRecordSize
        }
        self.onlyDocument = onlyDocument
        self.onlyFrequency = onlyFrequency
        self.onlyLength = onlyLength
        let positionsFile = segment.positionsBytes
        positions = UnsafeRawBufferPointer(rebasing: positionsFile[0..<(positionsFile.count - IndexFormat.trailerSize)])
        positionsStart = entry.positionsOffset
        guard positionsStart >= IndexFormat.headerSize, positionsStart <= positions.count,
              entry.positionsLength <= positions.count - positionsStart
        else {
            throw .corrupt(file: segment.positionsFile.path, reason: "positions at \(entry.positionsOffset) (\(entry.positionsLength) bytes) lie outside the file")
        }
        positionsEnd = positionsStart + entry.positionsLength
    }

    /// Where a block's impacts start: after its two layout headers when packed, at its start
    /// when varints (`blockEnd` when the headers run past it: damage, read as no impacts).
    @inlinable @inline(__always)
    static func impactsOffset(_ bytes: UnsafeRawBufferPointer, blockStart: Int, blockEnd: Int, count: Int) -> Int {
        guard count >= packedMinimum else { return blockStart }
        guard blockEnd - blockStart >= 4 else { return blockEnd }
        let second = blockStart + (bytes[blockStart + 1] > 0 ? 3 : 2)
        guard blockEnd - second >= 2 else { return blockEnd }
        return second + (bytes[second + 1] > 0 ? 3 : 2)
    }

    /// Metadata of block `block`. A list of one block claims the segment's last document as
    /// its last: a bound for skipping (the block holds every document the list has left);
    /// cursors use the last document they decoded.
    @inlinable @inline(__always)
    public func metadata(_ block: Int) -> BlockMetadata {
        if blockCount == 1 {
            return BlockMetadata(lastDocument: UInt32(truncatingIfNeeded: segmentDocumentCount - 1),
                                 dataEnd: UInt32(truncatingIfNeeded: listEnd - dataStart), positionsStart: 0)
        }
        let base = metadataStart + block * Self.skipRecordSize
        return BlockMetadata(
            lastDocument: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt32.self)),
            dataEnd: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self)),
            positionsStart: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: base + 8, as: UInt32.self)))
    }

    /// The last document of block `block` as stored (a list of several blocks), for skipping.
    @inlinable @inline(__always)
    public func lastDocument(ofBlock block: Int) -> UInt32 {
        if blockCount == 1 { return UInt32(truncatingIfNeeded: segmentDocumentCount - 1) }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: metadataStart + block * Self.skipRecordSize, as: UInt32.self))
    }

    /// The first block from `start` on whose last document is ≥ `target`, or `blockCount`
    /// when none is: where a cursor would find `target`, read from the metadata alone (a
    /// shallow advance, for block bounds ahead of the cursor).
    @inlinable @inline(__always)
    public func block(from start: Int, reaching target: UInt32) -> Int {
        var block = max(start, 0)
        while block < blockCount && lastDocument(ofBlock: block) < target { block += 1 }
        return block
    }

    /// Postings in block `block` (128 except in the last).
    @inlinable @inline(__always)
    public func count(ofBlock block: Int) -> Int {
        block == blockCount - 1 ? documentFrequency - block * IndexFormat.blockSize : IndexFormat.blockSize
    }

    /// Block `block`'s bytes, absolute: from the previous block's end (or the first block's
    /// start) to its data end, clamped to the list (the decoder checks them).
    @inlinable @inline(__always)
    func span(ofBlock block: Int) -> (start: Int, end: Int) {
        if blockCount == 1 { return (dataStart, listEnd) }
        let begin = block == 0 ? 0 : Int(metadata(block - 1).dataEnd)
        let end = Int(metadata(block).dataEnd)
        return (min(dataStart + begin, listEnd), min(dataStart + end, listEnd))
    }

    /// The impacts of block `block`: the (frequency, length) pairs that bound its BM25 scores.
    @inlinable @inline(__always)
    public func impacts(ofBlock block: Int) -> ImpactReader {
        if documentFrequency == 1 { return ImpactReader(frequency: onlyFrequency, length: onlyLength) }
        let (start, end) = span(ofBlock: block)
        return ImpactReader(bytes: bytes, offset: Self.impactsOffset(bytes, blockStart: start, blockEnd: end, count: count(ofBlock: block)),
                            end: end)
    }

    /// The impacts of the whole list: the pairs that bound every score it gives.
    @inlinable @inline(__always)
    public func listImpacts() -> ImpactReader {
        if documentFrequency == 1 { return ImpactReader(frequency: onlyFrequency, length: onlyLength) }
        return ImpactReader(bytes: bytes, offset: listImpactsStart, end: listEnd)
    }

    /// Decodes block `block` into `documents` and `frequencies` (128 slots each), checking that
    /// the data lies inside the file, documents ascend, stay below the segment's count and end
    /// at the metadata's last document. Returns the number of postings.
    @inlinable
    public func decode(block: Int, documents: UnsafeMutablePointer<UInt32>, frequencies: UnsafeMutablePointer<UInt32>) throws(IndexError) -> Int {
        let (count, frequenciesDecoded) = try decodeDocuments(block: block, documents: documents, frequencies: frequencies)
        if !frequenciesDecoded { try decodeFrequencies(block: block, into: frequencies) }
        return count
    }

    /// Decodes block `block`'s documents (and, for a varint block, its frequencies too: they
    /// are interleaved), checking that the data lies inside the list and that documents ascend
    /// strictly, stay below the segment's count and end at the metadata's last document.
    /// Returns the number of postings and whether `frequencies` was filled.
    @inlinable @inline(__always)
    public func decodeDocuments(block: Int, documents: UnsafeMutablePointer<UInt32>,
                                frequencies: UnsafeMutablePointer<UInt32>) throws(IndexError) -> (count: Int, frequenciesDecoded: Bool) {
        if documentFrequency == 1 {
            documents[0] = onlyDocument
            frequencies[0] = onlyFrequency
            guard onlyFrequency > 0 else { throw .corrupt(file: path, reason: "a term of one posting with no occurrence") }
            return (1, true)
        }
        let (start, end) = span(ofBlock: block)
        let count = count(ofBlock: block)
        let previous: UInt32 = block == 0 ? 0 : lastDocument(ofBlock: block - 1)
        // A list of several blocks ends each block at its skip record's last document; one
        // block ends below the segment's count.
        let expectedLast: UInt64? = blockCount == 1 ? nil : UInt64(lastDocument(ofBlock: block))
        guard start < end else { throw .corrupt(file: path, reason: "block \(block) is empty or lies outside its list") }
        if count >= Self.packedMinimum {
            guard let gaps = PatchedLayout.read(bytes, at: start, count: count, end: end),
                  let frequencyLayout = PatchedLayout.read(bytes, at: gaps.data, count: count, end: end)
            else { throw .corrupt(file: path, reason: "block \(block) has layout headers that do not fit it") }
            let dataSize = gaps.layout.dataSize(count: count) + frequencyLayout.layout.dataSize(count: count)
            let data = end - dataSize
            guard data >= frequencyLayout.data else {
                throw .corrupt(file: path, reason: "block \(block)'s \(end - start) bytes cannot hold its packed data")
            }
            // Gaps to documents in the unpacking pass (a separate sum when exceptions are
            // patched in first). Strictly ascending (no zero gap; only a list's very first
            // document may be 0), summed in 64 bits so that wrap-around cannot pass for ascent.
            let sums: (last: UInt64, firstGap: UInt32, smallestGap: UInt32)
            let source = bytes.baseAddress! + data
            if gaps.layout.exceptions == 0 {
                sums = BitPacking.unpackRunningSum(source, count: count, width: gaps.layout.width, previous: previous, into: documents)
            } else {
                guard gaps.layout.decode(source, count: count, into: documents) else {
                    throw .corrupt(file: path, reason: "block \(block) has an exception outside it")
                }
                sums = Self.runningSum(documents, count: count, previous: previous)
            }
            guard sums.smallestGap > 0, sums.firstGap > 0 || block == 0, sums.last == (expectedLast ?? sums.last),
                  sums.last < UInt64(segmentDocumentCount)
            else {
                throw .corrupt(file: path, reason: "block \(block) decodes to documents that do not ascend to \(expectedLast ?? sums.last) below \(segmentDocumentCount)")
            }
            return (count, false)
        }
        var impacts = ImpactReader(bytes: bytes, offset: start, end: end)
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[0..<end]), offset: impacts.skipToEnd())
        var valid = true
        var last = UInt64(previous)
        do throws(ByteReaderError) {
            for slot in 0..<count {
                let code = try reader.readVarint()
                let gap = code >> 1
                valid = valid && gap <= UInt64(UInt32.max) && (gap > 0 || (slot == 0 && block == 0))
                last &+= gap
                documents[slot] = UInt32(truncatingIfNeeded: last)
                if code & 1 == 0 {
                    frequencies[slot] = 1
                } else {
                    let extra = try reader.readVarint()
                    valid = valid && extra < UInt64(UInt32.max) - 1
                    frequencies[slot] = UInt32(truncatingIfNeeded: extra &+ 2)
                }
            }
        } catch {
            throw .corrupt(file: path, reason: "block \(block): \(error.message)")
        }
        guard valid, reader.isAtEnd else { throw .corrupt(file: path, reason: "block \(block) has a zero gap, a frequency past 2^32 or bytes after its postings") }
        guard last == (expectedLast ?? last), last < UInt64(segmentDocumentCount) else {
            throw .corrupt(file: path, reason: "block \(block) decodes to documents that do not ascend to \(expectedLast ?? last) below \(segmentDocumentCount)")
        }
        return (count, true)
    }

    /// Running sums of `count` gaps in place from `previous`, with what the ascent check needs.
    @inlinable
    static func runningSum(_ values: UnsafeMutablePointer<UInt32>, count: Int, previous: UInt32) -> (last: UInt64, firstGap: UInt32, smallestGap: UInt32) {
        let firstGap = values[0]
        var smallest = UInt32.max
        var sum = UInt64(previous) &+ UInt64(firstGap)
        values[0] = UInt32(truncatingIfNeeded: sum)
        for index in 1..<max(count, 1) {
            let gap = values[index]
            smallest = min(smallest, gap)
            sum &+= UInt64(gap)
            values[index] = UInt32(truncatingIfNeeded: sum)
        }
        return (sum, firstGap, smallest)
    }

    /// Decodes a packed block's frequencies, after `decodeDocuments` checked its layout. Only
    /// documents that are scored need them, so cursors call this lazily.
    @inlinable @inline(__always)
    public func decodeFrequencies(block: Int, into frequencies: UnsafeMutablePointer<UInt32>) throws(IndexError) {
        let (start, end) = span(ofBlock: block)
        let count = count(ofBlock: block)
        guard let gaps = PatchedLayout.read(bytes, at: start, count: count, end: end),
              let layout = PatchedLayout.read(bytes, at: gaps.data, count: count, end: end)
        else { throw .corrupt(file: path, reason: "block \(block) has layout headers that do not fit it") }
        let data = end - layout.layout.dataSize(count: count)
        guard layout.layout.decode(bytes.baseAddress! + data, count: count, into: frequencies, adding: 1) else {
            throw .corrupt(file: path, reason: "block \(block) has a frequency exception outside it")
        }
    }

    // MARK: - Positions

    /// Positions come in groups, one per block of postings (its postings' positions in order),
    /// each cut into chunks of 128: a chunk of 16 or more is patched-bit-packed, a shorter
    /// (last) one is varints. Values are deltas within a document, its first from 0.
    public static let positionChunk = 128

    /// Decodes chunk of `count` values at `offset` (not past `end`) into `output`. Returns the
    /// offset after it, or nil when it is damaged.
    @inlinable
    public static func decodePositionChunk(_ bytes: UnsafeRawBufferPointer, at offset: Int, end: Int, count: Int,
                                           into output: UnsafeMutablePointer<UInt32>) -> Int? {
        if count >= packedMinimum {
            guard let (layout, data) = PatchedLayout.read(bytes, at: offset, count: count, end: end),
                  layout.decode(bytes.baseAddress! + data, count: count, into: output)
            else { return nil }
            return data + layout.dataSize(count: count)
        }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[0..<min(end, bytes.count)]), offset: offset)
        do throws(ByteReaderError) {
            for index in 0..<count {
                let value = try reader.readVarint()
                guard value <= UInt64(UInt32.max) else { return nil }
                output[index] = UInt32(value)
            }
        } catch {
            return nil
        }
        return reader.offset
    }

    /// The offset after a full chunk at `offset`, read from its header alone, or nil.
    @inlinable @inline(__always)
    public static func skipPositionChunk(_ bytes: UnsafeRawBufferPointer, at offset: Int, end: Int) -> Int? {
        guard let (layout, data) = PatchedLayout.read(bytes, at: offset, count: positionChunk, end: end) else { return nil }
        return data + layout.dataSize(count: positionChunk)
    }

    /// Where block `block`'s positions group starts (absolute).
    @inlinable @inline(__always)
    public func positionsGroupStart(ofBlock block: Int) -> Int {
        blockCount == 1 ? positionsStart : positionsStart + Int(metadata(block).positionsStart)
    }
}

/// The skip record of a block: where it ends, its positions, and its last document.
@_spi(SiftInternal) public struct BlockMetadata: Equatable, Sendable {
    public var lastDocument: UInt32
    /// End of the block's data, relative to the first block's start.
    @usableFromInline var dataEnd: UInt32
    /// Where the block's positions start, relative to the term's positions.
    @usableFromInline var positionsStart: UInt32

    @inlinable
    public init(lastDocument: UInt32, dataEnd: UInt32, positionsStart: UInt32) {
        self.lastDocument = lastDocument
        self.dataEnd = dataEnd
        self.positionsStart = positionsStart
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
    @usableFromInline let chunk: UnsafeMutablePointer<UInt32>
    public var block = -1
    @usableFromInline var slot = 0
    @usableFromInline var count = 0
    /// The current block's last document, as decoded.
    @usableFromInline var blockLast: UInt32 = 0
    /// The current document, or `PostingsCursor.exhausted` past the end.
    public var document: UInt32 = 0
    /// Blocks and postings decoded so far (for benchmarks' accounting).
    public var blocksDecoded = 0
    public var postingsDecoded = 0
    /// Positions: the block whose group is being read, its position count, the chunk held
    /// and where the next one starts, and the slot whose positions start at
    /// `positionOrdinal` within the group.
    @usableFromInline var positionBlock = -1
    @usableFromInline var positionCount = 0
    @usableFromInline var positionChunk = -1
    @usableFromInline var positionNext = 0
    @usableFromInline var positionSlot = 0
    @usableFromInline var positionOrdinal = 0
    /// The chunk held: its size, and when packed its layout and where its data starts (its
    /// values unpacked on demand until it is decoded whole into `chunk`); a varint chunk is
    /// decoded whole into `chunk`.
    @usableFromInline var positionChunkSize = 0
    @usableFromInline var positionChunkPacked = false
    @usableFromInline var positionLayout = PatchedLayout(width: 0, exceptions: 0, exceptionWidth: 0)
    @usableFromInline var positionData = 0
    /// Whether the packed chunk held is decoded whole into `chunk`, and how many reads it served.
    @usableFromInline var positionChunkDecoded = false
    @usableFromInline var positionChunkReads = 0

    public static let exhausted = UInt32.max

    /// A cursor on the list's first document, decoding into `buffers`.
    @inlinable
    public init(_ list: PostingsList, buffers: BlockBuffers) throws(IndexError) {
        self.list = list
        documents = buffers.documents
        frequencies = buffers.frequencies
        chunk = buffers.positions
        try load(block: 0)
    }

    /// Whether `frequencies` holds the current block's (packed blocks decode them on demand).
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
        // The layout was checked when the documents were decoded; an exception index outside
        // the block is the one damage left, and reads as frequency 1 (`sift check` reports it).
        do {
            try list.decodeFrequencies(block: block, into: frequencies)
        } catch {
            frequencies.update(repeating: 1, count: count)
        }
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
        if target > blockLast {
            var next = block + 1
            while next < list.blockCount && list.lastDocument(ofBlock: next) < target { next += 1 }
            try load(block: next)
            // A loaded block of a list of several ends at its skip record's last document,
            // which is ≥ target; a list of one block has no next block (exhausted here).
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
            blockLast = Self.exhausted
            return
        }
        let decoded = try list.decodeDocuments(block: next, documents: documents, frequencies: frequencies)
        count = decoded.count
        frequenciesReady = decoded.frequenciesDecoded
        blocksDecoded += 1
        postingsDecoded += count
        document = documents[0]
        blockLast = documents[count - 1]
    }

    /// The current document's positions, ascending, into `output` (replacing what it held).
    /// Positions are read lazily: only phrase queries call this, and only for documents that
    /// contain every phrase term. Reading forward within a block continues where the last
    /// read ended; chunks of positions of documents passed over are skipped by their headers,
    /// and of the chunks holding the document's positions only those positions are unpacked
    /// (a packed chunk is read at random: value i lies at bit i·width), straight into
    /// `output`, then summed. Damage (a truncated list, positions that do not ascend or pass
    /// 2^32) throws.
    public mutating func readPositions(into output: inout PositionBuffer) throws(IndexError) {
        output.count = 0
        guard document != Self.exhausted else { return }
        if !frequenciesReady { loadFrequencies() }
        if positionBlock != block || positionSlot > slot {
            positionBlock = block
            positionSlot = 0
            positionOrdinal = 0
            positionChunk = -1
            positionNext = list.positionsGroupStart(ofBlock: block)
            var total = 0
            for index in 0..<count { total += Int(frequencies[index]) }
            positionCount = total
        }
        for passed in positionSlot..<slot { positionOrdinal += Int(frequencies[passed]) }
        let count = Int(frequencies[slot])
        guard count <= positionCount - positionOrdinal else { throw positionsDamage("more positions than the block's frequencies", at: positionNext) }
        output.reserve(count)
        let base = output.base
        var filled = 0
        while filled < count {
            let ordinal = positionOrdinal + filled
            let wanted = ordinal / PostingsList.positionChunk
            if wanted != positionChunk { try loadPositionChunk(wanted) }
            let within = ordinal - wanted * PostingsList.positionChunk
            let take = min(count - filled, positionChunkSize - within)
            if positionChunkPacked && !positionChunkDecoded {
                // A chunk read once for a few positions is unpacked at random; one read again,
                // or for many positions at once, is decoded whole and its values copied from
                // then on (dense candidates: one pass over the chunk instead of many).
                if positionChunkReads == 0 && take < PostingsList.packedMinimum {
                    guard unpackPositions(from: within, count: take, into: base + filled) else {
                        throw positionsDamage("a chunk of \(positionChunkSize) positions has an exception outside it", at: positionData)
                    }
                } else {
                    try decodeHeldPositionChunk()
                }
            }
            if !positionChunkPacked || positionChunkDecoded {
                (base + filled).update(from: chunk + within, count: take)
            }
            positionChunkReads += 1
            filled += take
        }
        // Deltas to positions: ascending (no zero delta after the first), and the last (so
        // every) one below 2^32, checked once after the pass.
        if count > 0 {
            var position = UInt64(base[0])
            var smallest = UInt32.max
            for occurrence in 1..<count {
                let delta = base[occurrence]
                smallest = min(smallest, delta)
                position &+= UInt64(delta)
                base[occurrence] = UInt32(truncatingIfNeeded: position)
            }
            guard smallest > 0 else { throw positionsDamage("positions do not ascend", at: positionNext) }
            guard position <= UInt64(UInt32.max) else { throw positionsDamage("position past 2^32", at: positionNext) }
        }
        output.count = count
        positionSlot = slot + 1
        positionOrdinal += count
    }

    /// Unpacks values `first..<first + count` of the packed chunk held into `output`: their
    /// low bits at random, then the high bits of the exceptions among them, each read at
    /// random too. Every exception's index is checked, as a whole-chunk decode checks them.
    /// Returns false for one outside the chunk.
    @inlinable @inline(__always)
    func unpackPositions(from first: Int, count: Int, into output: UnsafeMutablePointer<UInt32>) -> Bool {
        let layout = positionLayout
        let total = positionChunkSize
        let source = list.positions.baseAddress! + positionData
        BitPacking.unpack(source, total: total, width: layout.width, from: first, count: count, into: output)
        let exceptions = layout.exceptions
        guard exceptions > 0 else { return true }
        let indexes = source + BitPacking.byteCount(count: total, width: layout.width)
        let high = indexes + exceptions
        let shift = UInt32(layout.width)
        for exception in 0..<exceptions {
            let index = Int(indexes.load(fromByteOffset: exception, as: UInt8.self))
            guard index < total else { return false }
            let slot = index &- first
            if slot >= 0 && slot < count {
                let bits = BitPacking.value(high, total: exceptions, width: layout.exceptionWidth, at: exception)
                output[slot] = output[slot] &+ (bits << shift)
            }
        }
        return true
    }

    /// Finds chunk `wanted` of the current group (after the one held), skipping the full
    /// chunks before it by their headers. A packed chunk's header is read and checked (its
    /// values are unpacked as documents need them); a varint chunk (a group's last, under 16
    /// values) is decoded whole into `chunk`.
    @usableFromInline
    mutating func loadPositionChunk(_ wanted: Int) throws(IndexError) {
        let bytes = list.positions
        let end = list.positionsEnd
        while positionChunk + 1 < wanted {
            guard let after = PostingsList.skipPositionChunk(bytes, at: positionNext, end: end) else {
                throw positionsDamage("a chunk's header does not fit", at: positionNext)
            }
            positionNext = after
            positionChunk += 1
        }
        let size = min(PostingsList.positionChunk, positionCount - wanted * PostingsList.positionChunk)
        if size >= PostingsList.packedMinimum {
            guard let (layout, data) = PatchedLayout.read(bytes, at: positionNext, count: size, end: end) else {
                throw positionsDamage("a chunk of \(size) positions does not decode", at: positionNext)
            }
            positionLayout = layout
            positionData = data
            positionChunkPacked = true
            positionNext = data + layout.dataSize(count: size)
            positionChunkDecoded = false
        } else {
            guard let after = PostingsList.decodePositionChunk(bytes, at: positionNext, end: end, count: size, into: chunk) else {
                throw positionsDamage("a chunk of \(size) positions does not decode", at: positionNext)
            }
            positionChunkPacked = false
            positionNext = after
        }
        positionChunkSize = size
        positionChunk = wanted
        positionChunkReads = 0
    }

    /// Decodes the packed chunk held whole into `chunk`.
    @usableFromInline
    mutating func decodeHeldPositionChunk() throws(IndexError) {
        guard positionLayout.decode(list.positions.baseAddress! + positionData, count: positionChunkSize, into: chunk) else {
            throw positionsDamage("a chunk of \(positionChunkSize) positions has an exception outside it", at: positionData)
        }
        positionChunkDecoded = true
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

/// Decoding buffers for one cursor: 128 documents, 128 frequencies and a chunk of 128
/// positions. The owner (a scorer or a searcher's pool) frees them when no cursor uses them
/// any more.
@_spi(SiftInternal) public struct BlockBuffers {
    public let documents: UnsafeMutablePointer<UInt32>
    public let frequencies: UnsafeMutablePointer<UInt32>
    public let positions: UnsafeMutablePointer<UInt32>

    @inlinable
    init(documents: UnsafeMutablePointer<UInt32>, frequencies: UnsafeMutablePointer<UInt32>, positions: UnsafeMutablePointer<UInt32>) {
        self.documents = documents
        self.frequencies = frequencies
        self.positions = positions
    }

    @inlinable public static func allocate() -> BlockBuffers {
        BlockBuffers(documents: .allocate(capacity: IndexFormat.blockSize),
                     frequencies: .allocate(capacity: IndexFormat.blockSize),
                     positions: .allocate(capacity: PostingsList.positionChunk))
    }

    @inlinable public func deallocate() {
        documents.deallocate()
        frequencies.deallocate()
        positions.deallocate()
    }
}
