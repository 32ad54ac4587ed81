/// The documents and postings of one segment, accumulated in memory before they are written.
///
/// Postings are kept flat, one entry per (term, document) in arrival order, and sorted by term
/// only when the segment is written: no per-term arrays, no per-posting allocation.
struct SegmentBuffer {
    /// Indexed tokens of each document's text (after stop words), the `len(d)` of BM25.
    var lengths: [UInt32] = []
    /// Indexed tokens of each document's title, `len(d)` for `title:` queries.
    var titleLengths: [UInt32] = []
    /// Stored fields: per document `id`, `title`, `text` as length-prefixed byte strings.
    var stored = ByteWriter()
    var storedOffsets: [UInt64] = [0]

    var postingTerm: [Int32] = []
    var postingDocument: [UInt32] = []
    var postingFrequency: [UInt32] = []
    /// Positions of every posting, back to back, in posting order.
    var positions: [UInt32] = []

    var documentCount: Int { lengths.count }
    var tokenCount: UInt64 = 0
    var titleTokenCount: UInt64 = 0

    /// Scratch for grouping one document's tokens by term.
    private var order: [Int] = []
    private var merged: [AnalyzedToken] = []

    /// Adds one analyzed document; its number is the next ordinal. Token term ids are
    /// dictionary keys: text and title tokens never share a key, so one grouping serves both.
    mutating func add(id: String, title: String, text: [UInt8], tokens: [AnalyzedToken], titleTokens: [AnalyzedToken]) {
        let document = UInt32(lengths.count)
        lengths.append(UInt32(tokens.count))
        titleLengths.append(UInt32(titleTokens.count))
        tokenCount += UInt64(tokens.count)
        titleTokenCount += UInt64(titleTokens.count)
        stored.writeVarint(UInt64(id.utf8.count)); stored.write(bytes: id.utf8)
        stored.writeVarint(UInt64(title.utf8.count)); stored.write(bytes: title.utf8)
        stored.writeVarint(UInt64(text.count)); stored.write(bytes: text)
        storedOffsets.append(UInt64(stored.count))

        merged.removeAll(keepingCapacity: true)
        merged.append(contentsOf: tokens)
        merged.append(contentsOf: titleTokens)
        // Group tokens by key, keeping positions ascending within each key.
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: merged.indices)
        merged.withUnsafeBufferPointer { tokens in
            order.sort { a, b in
                tokens[a].termID != tokens[b].termID ? tokens[a].termID < tokens[b].termID : a < b
            }
            var index = 0
            while index < order.count {
                let term = tokens[order[index]].termID
                var end = index
                while end < order.count && tokens[order[end]].termID == term {
                    positions.append(tokens[order[end]].position)
                    end += 1
                }
                postingTerm.append(term)
                postingDocument.append(document)
                postingFrequency.append(UInt32(end - index))
                index = end
            }
        }
    }
}

/// The four files of a finished segment and their manifest entry.
struct WrittenSegment {
    var entry: Manifest.Segment
    /// Distinct terms of the text field.
    var termCount: Int
    /// Term–document pairs of the text field.
    var postingCount: Int
    /// File bytes in `IndexFormat.FileKind.segmentKinds` order.
    var files: [[UInt8]]
}

/// Encodes a `SegmentBuffer` into the segment file format (docs/FORMAT.md).
enum SegmentWriter {
    /// Builds the segment files. `terms` gives the dictionary key of each term id in the buffer.
    static func write(_ buffer: SegmentBuffer, terms: ByteInterner) -> WrittenSegment {
        let termCount = terms.count
        // Counting sort of postings by term id; stable, so documents stay ascending.
        var documentFrequency = [Int](repeating: 0, count: termCount)
        for term in buffer.postingTerm { documentFrequency[Int(term)] += 1 }
        var start = [Int](repeating: 0, count: termCount + 1)
        for term in 0..<termCount { start[term + 1] = start[term] + documentFrequency[term] }
        var cursor = start
        var sorted = [Int](repeating: 0, count: buffer.postingTerm.count)
        // Where each posting's positions begin in `buffer.positions`.
        var positionStart = [Int](repeating: 0, count: buffer.postingTerm.count)
        var runningPosition = 0
        for (index, term) in buffer.postingTerm.enumerated() {
            sorted[cursor[Int(term)]] = index
            cursor[Int(term)] += 1
            positionStart[index] = runningPosition
            runningPosition += Int(buffer.postingFrequency[index])
        }

        // Terms in byte order, so the dictionary can be binary-searched and output is deterministic.
        var termOrder = (0..<termCount).filter { documentFrequency[$0] > 0 }.map { Int32($0) }
        termOrder.sort { terms.bytes($0).lexicographicallyPrecedes(terms.bytes($1)) }

        var termsFile = IndexFormat.beginFile(.terms)
        var postingsFile = IndexFormat.beginFile(.postings, capacity: buffer.postingTerm.count * 3)
        var positionsFile = IndexFormat.beginFile(.positions, capacity: buffer.positions.count * 2)

        var entries = ByteWriter(capacity: termOrder.count * IndexFormat.termEntrySize)
        var blob = ByteWriter()
        var blobOffsets: [UInt32] = [0]
        var gaps = [UInt32](repeating: 0, count: IndexFormat.blockSize)
        var frequencies = [UInt32](repeating: 0, count: IndexFormat.blockSize)
        var blockData = ByteWriter()

        var textTermCount = 0
        var textPostingCount = 0
        for term in termOrder {
            if IndexFormat.field(ofKey: terms.bytes(term)) == .text {
                textTermCount += 1
                textPostingCount += documentFrequency[Int(term)]
            }
            blob.write(bytes: terms.bytes(term))
            blobOffsets.append(UInt32(blob.count))
            let postings = sorted[start[Int(term)]..<start[Int(term) + 1]]
            let fieldLengths = IndexFormat.field(ofKey: terms.bytes(term)) == .title ? buffer.titleLengths : buffer.lengths
            let frequency = postings.count
            let blockCount = (frequency + IndexFormat.blockSize - 1) / IndexFormat.blockSize
            let postingsOffset = UInt64(postingsFile.count)
            let positionsOffset = UInt64(positionsFile.count)
            var totalTermFrequency: UInt64 = 0
            var maxTermFrequency: UInt32 = 0
            var previousDocument: UInt32 = 0
            blockData = ByteWriter(capacity: frequency * 2)
            var metadata = ByteWriter(capacity: blockCount * IndexFormat.blockMetadataSize)
            var blockStart = postings.startIndex
            while blockStart < postings.endIndex {
                let blockEnd = min(blockStart + IndexFormat.blockSize, postings.endIndex)
                let count = blockEnd - blockStart
                let positionsStart = UInt32(UInt64(positionsFile.count) - positionsOffset)
                var blockMaxFrequency: UInt32 = 0
                var blockMinLength = UInt32.max
                for (slot, posting) in postings[blockStart..<blockEnd].enumerated() {
                    let document = buffer.postingDocument[posting]
                    let termFrequency = buffer.postingFrequency[posting]
                    gaps[slot] = document - previousDocument
                    frequencies[slot] = termFrequency
                    previousDocument = document
                    blockMaxFrequency = max(blockMaxFrequency, termFrequency)
                    blockMinLength = min(blockMinLength, fieldLengths[Int(document)])
                    totalTermFrequency += UInt64(termFrequency)
                    // Positions: deltas within the document, first one from 0.
                    var previousPosition: UInt32 = 0
                    let first = positionStart[posting]
                    for index in first..<(first + Int(termFrequency)) {
                        let position = buffer.positions[index]
                        positionsFile.writeVarint(UInt64(position - previousPosition))
                        previousPosition = position
                    }
                }
                if count == IndexFormat.blockSize {
                    // Full block: bit-packed gaps and (frequency - 1), one width each.
                    var gapWidth = 0
                    var frequencyWidth = 0
                    for slot in 0..<count {
                        frequencies[slot] -= 1
                        gapWidth = max(gapWidth, BitPacking.width(of: gaps[slot]))
                        frequencyWidth = max(frequencyWidth, BitPacking.width(of: frequencies[slot]))
                    }
                    blockData.write(UInt8(gapWidth))
                    blockData.write(UInt8(frequencyWidth))
                    gaps.withUnsafeBufferPointer { BitPacking.pack($0, width: gapWidth, into: &blockData) }
                    frequencies.withUnsafeBufferPointer { BitPacking.pack($0, width: frequencyWidth, into: &blockData) }
                } else {
                    // The last, partial block: varint pairs.
                    for slot in 0..<count {
                        blockData.writeVarint(UInt64(gaps[slot]))
                        blockData.writeVarint(UInt64(frequencies[slot]))
                    }
                }
                maxTermFrequency = max(maxTermFrequency, blockMaxFrequency)
                metadata.write(previousDocument)
                metadata.write(UInt32(blockData.count))
                metadata.write(positionsStart)
                metadata.write(blockMaxFrequency)
                metadata.write(blockMinLength)
                blockStart = blockEnd
            }
            postingsFile.write(bytes: metadata.bytes)
            postingsFile.write(bytes: blockData.bytes)

            entries.write(UInt32(frequency))
            entries.write(maxTermFrequency)
            entries.write(totalTermFrequency)
            entries.write(postingsOffset)
            entries.write(positionsOffset)
        }

        // Terms file: counts, then offsets into the term blob, the blob, and the entries.
        termsFile.write(UInt32(termOrder.count))
        termsFile.write(UInt32(0))
        let offsetsPatch = termsFile.count
        termsFile.write(UInt64(0))  // blob offset, patched below
        termsFile.write(UInt64(0))  // entries offset, patched below
        for offset in blobOffsets { termsFile.write(offset) }
        let blobOffset = termsFile.count
        termsFile.write(bytes: blob.bytes)
        termsFile.pad(to: 8)
        let entriesOffset = termsFile.count
        termsFile.write(bytes: entries.bytes)
        termsFile.patch(UInt64(blobOffset), at: offsetsPatch)
        termsFile.patch(UInt64(entriesOffset), at: offsetsPatch + 8)

        // Documents file: count, text lengths, title lengths, stored-record offsets, records.
        var documentsFile = IndexFormat.beginFile(.documents, capacity: buffer.stored.count + buffer.documentCount * 16)
        documentsFile.write(UInt32(buffer.documentCount))
        documentsFile.write(UInt32(0))
        let storedPatch = documentsFile.count
        documentsFile.write(UInt64(0))  // stored records offset, patched below
        for length in buffer.lengths { documentsFile.write(length) }
        for length in buffer.titleLengths { documentsFile.write(length) }
        documentsFile.pad(to: 8)
        for offset in buffer.storedOffsets { documentsFile.write(offset) }
        let storedOffset = documentsFile.count
        documentsFile.write(bytes: buffer.stored.bytes)
        documentsFile.patch(UInt64(storedOffset), at: storedPatch)

        let files = [
            IndexFormat.finishFile(&termsFile),
            IndexFormat.finishFile(&postingsFile),
            IndexFormat.finishFile(&positionsFile),
            IndexFormat.finishFile(&documentsFile),
        ]
        let infos = files.map { file in
            Manifest.FileInfo(
                size: UInt64(file.count),
                checksum: UInt32(littleEndian: file.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: file.count - 4, as: UInt32.self) }))
        }
        return WrittenSegment(
            entry: Manifest.Segment(name: segmentName(infos), documentCount: UInt32(buffer.documentCount),
                                    tokenCount: buffer.tokenCount, titleTokenCount: buffer.titleTokenCount, files: infos),
            termCount: textTermCount, postingCount: textPostingCount, files: files)
    }

    /// A name derived from the files' contents: the same documents give the same name (so a
    /// rebuild of unchanged input rewrites nothing), different ones a different name (so a
    /// commit never overwrites a file the live manifest uses).
    static func segmentName(_ infos: [Manifest.FileInfo]) -> String {
        var key = ByteWriter()
        for info in infos {
            key.write(info.size)
            key.write(info.checksum)
        }
        let hash = key.bytes.withUnsafeBufferPointer { ByteInterner.hash($0) }
        let digits = String(hash, radix: 16)
        return "seg-" + String(repeating: "0", count: 16 - digits.count) + digits
    }
}
