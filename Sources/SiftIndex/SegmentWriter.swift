@_spi(SiftInternal) import SiftStorage
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

    /// Adds a document whose postings are already grouped: one entry per distinct key, with
    /// its positions back to back (what the analysis workers produce). Its number is the next
    /// ordinal; text and title keys are distinct dictionary keys.
    mutating func add<Record: Collection>(storedRecord: Record, length: UInt32, titleLength: UInt32,
                                          keys: ArraySlice<Int32>, frequencies: ArraySlice<UInt32>,
                                          positions: ArraySlice<UInt32>) where Record.Element == UInt8 {
        let document = UInt32(lengths.count)
        lengths.append(length)
        titleLengths.append(titleLength)
        tokenCount += UInt64(length)
        titleTokenCount += UInt64(titleLength)
        stored.write(bytes: storedRecord)
        storedOffsets.append(UInt64(stored.count))
        postingTerm.append(contentsOf: keys)
        postingDocument.append(contentsOf: repeatElement(document, count: keys.count))
        postingFrequency.append(contentsOf: frequencies)
        self.positions.append(contentsOf: positions)
    }

    /// Bytes this buffer has allocated (arrays grow by doubling, so capacity, not count), and
    /// the scratch writing it will need (8 bytes a posting), for the memory budget.
    var estimatedBytes: Int {
        (postingTerm.capacity + postingDocument.capacity + postingFrequency.capacity) * 4 + postingTerm.count * 8
            + positions.capacity * 4 + stored.capacity + (lengths.capacity + titleLengths.capacity) * 4
            + storedOffsets.capacity * 8
    }
}

/// A finished segment: its manifest entry and what it holds, its files already in place.
struct WrittenSegment {
    var entry: Manifest.Segment
    /// Distinct terms of the text field.
    var termCount: Int
    /// Term–document pairs of the text field.
    var postingCount: Int
    /// File names and sizes, in `IndexFormat.FileKind.segmentKinds` order.
    var files: [(String, Int)]
}

/// Writes a `SegmentBuffer` as a segment (docs/FORMAT.md).
enum SegmentWriter {
    /// Encodes the buffer into segment files in `directory`. `terms` gives the dictionary key
    /// of each term id in the buffer.
    static func write(_ buffer: SegmentBuffer, terms: ByteInterner, directory: String, prefix: String = "seg-",
                      avoiding taken: Set<String> = [], storage: TextStorage = .text) throws(IndexError) -> WrittenSegment {
        let termCount = terms.count
        // Counting sort of postings by term id; stable, so documents stay ascending.
        var start = [UInt32](repeating: 0, count: termCount + 1)
        for term in buffer.postingTerm { start[Int(term) + 1] += 1 }
        for term in 0..<termCount { start[term + 1] += start[term] }
        var cursor = start
        var sorted = [UInt32](repeating: 0, count: buffer.postingTerm.count)
        // Where each posting's positions begin in `buffer.positions`.
        var positionStart = [UInt32](repeating: 0, count: buffer.postingTerm.count)
        var runningPosition: UInt32 = 0
        for (index, term) in buffer.postingTerm.enumerated() {
            sorted[Int(cursor[Int(term)])] = UInt32(index)
            cursor[Int(term)] += 1
            positionStart[index] = runningPosition
            runningPosition += buffer.postingFrequency[index]
        }
        cursor = []

        // Terms in byte order, so the dictionary can be binary-searched and output is deterministic.
        // Each term is sorted by its first eight bytes as one integer, the rest only on a tie.
        var prefixed: [(prefix: UInt64, term: Int32)] = []
        prefixed.reserveCapacity(termCount)
        for term in 0..<termCount where start[term + 1] > start[term] {
            prefixed.append((Self.sortPrefix(terms.bytes(Int32(term))), Int32(term)))
        }
        prefixed.sort { a, b in
            a.prefix != b.prefix ? a.prefix < b.prefix : ByteOrder.precedes(terms.bytes(a.term), terms.bytes(b.term))
        }
        let termOrder = prefixed.map(\.term)
        prefixed = []

        var encoder = try SegmentEncoder(directory: directory, lengths: buffer.lengths, titleLengths: buffer.titleLengths,
                                         tokenCount: buffer.tokenCount, titleTokenCount: buffer.titleTokenCount, storage: storage)
        do throws(IndexError) {
            try encode(buffer, terms: terms, termOrder: termOrder, start: start, sorted: sorted, positionStart: positionStart,
                       forward: storage == .none, into: &encoder)
        } catch {
            encoder.abandon()
            throw error
        }
        return try encoder.finish(prefix: prefix, avoiding: taken)
    }

    private static func encode(_ buffer: SegmentBuffer, terms: ByteInterner, termOrder: [Int32], start: [UInt32], sorted: [UInt32],
                               positionStart: [UInt32], forward: Bool, into encoder: inout SegmentEncoder) throws(IndexError) {
        var postings = PostingsBuilder()
        for term in termOrder {
            postings.removeAll()
            let range = Int(start[Int(term)])..<Int(start[Int(term) + 1])
            postings.gather(sorted[range], documents: buffer.postingDocument, frequencies: buffer.postingFrequency,
                            positions: buffer.positions, positionStart: positionStart)
            try encoder.addTerm(terms.bytes(term), postings: postings)
        }
        // Without stored text, each document's terms by their ordinal in the dictionary just
        // written (postings are in document order in the buffer).
        var ordinals: [UInt32] = []
        if forward {
            ordinals = [UInt32](repeating: 0, count: terms.count)
            for (ordinal, term) in termOrder.enumerated() { ordinals[Int(term)] = UInt32(ordinal) }
        }
        var documentTerms: [(ordinal: UInt32, frequency: UInt32)] = []
        var posting = 0
        for document in 0..<buffer.documentCount {
            documentTerms.removeAll(keepingCapacity: true)
            while posting < buffer.postingDocument.count && buffer.postingDocument[posting] == UInt32(document) {
                if forward { documentTerms.append((ordinals[Int(buffer.postingTerm[posting])], buffer.postingFrequency[posting])) }
                posting += 1
            }
            documentTerms.sort { $0.ordinal < $1.ordinal }
            let range = Int(buffer.storedOffsets[document])..<Int(buffer.storedOffsets[document + 1])
            try encoder.addStoredRecord(buffer.stored.bytes[range], terms: documentTerms)
        }
    }
}

/// One term's postings gathered for encoding: documents ascending, positions back to back.
struct PostingsBuilder {
    var documents: [UInt32] = []
    var frequencies: [UInt32] = []
    var positions: [UInt32] = []

    mutating func removeAll() {
        documents.removeAll(keepingCapacity: true)
        frequencies.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
    }

    mutating func append<C: Collection>(document: UInt32, positions newPositions: C) where C.Element == UInt32 {
        documents.append(document)
        frequencies.append(UInt32(newPositions.count))
        positions.append(contentsOf: newPositions)
    }

    var count: Int { documents.count }

    /// Appends the postings `indices` of flat arrays (positions of posting `i` start at
    /// `positionStart[i]`), copying through pointers: the in-memory inversion's inner loop.
    mutating func gather(_ indices: ArraySlice<UInt32>, documents allDocuments: [UInt32], frequencies allFrequencies: [UInt32],
                         positions allPositions: [UInt32], positionStart: [UInt32]) {
        var positionCount = 0
        for index in indices { positionCount += Int(allFrequencies[Int(index)]) }
        let firstPosting = documents.count
        let firstPosition = positions.count
        documents.append(contentsOf: repeatElement(0, count: indices.count))
        frequencies.append(contentsOf: repeatElement(0, count: indices.count))
        positions.append(contentsOf: repeatElement(0, count: positionCount))
        indices.withUnsafeBufferPointer { indices in
            allDocuments.withUnsafeBufferPointer { allDocuments in
                allFrequencies.withUnsafeBufferPointer { allFrequencies in
                    allPositions.withUnsafeBufferPointer { allPositions in
                        positionStart.withUnsafeBufferPointer { positionStart in
                            documents.withUnsafeMutableBufferPointer { documents in
                                frequencies.withUnsafeMutableBufferPointer { frequencies in
                                    positions.withUnsafeMutableBufferPointer { positions in
                                        var out = firstPosition
                                        for (slot, posting) in indices.enumerated() {
                                            let index = Int(posting)
                                            let frequency = Int(allFrequencies[index])
                                            documents[firstPosting + slot] = allDocuments[index]
                                            frequencies[firstPosting + slot] = UInt32(frequency)
                                            let from = Int(positionStart[index])
                                            (positions.baseAddress! + out).update(from: allPositions.baseAddress! + from, count: frequency)
                                            out += frequency
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Streams a segment's files to disk: terms in byte order with their postings, then the
/// stored records in document order. Every file is written under a temporary name with a
/// running CRC-32C, and renamed to the segment's content-derived name by `finish()` — so a
/// segment far larger than memory can be written (merges) and no live file is ever touched.
struct SegmentEncoder {
    private let directory: String
    private let temporaryStem: String
    private let lengths: [UInt32]
    private let titleLengths: [UInt32]
    private let tokenCount: UInt64
    private let titleTokenCount: UInt64
    /// Text, or a forward index of each document's terms in its records.
    private let storage: TextStorage

    private var postingsFile: FileSink
    private var positionsFile: FileSink
    /// Records (id, title, where the text is) and compressed text blocks, until `finish`.
    private var recordsFile: FileSink
    private var recordOffsets: [UInt64] = [0]
    private var textFile: FileSink
    /// Compressed end offset and uncompressed size of each finished text block.
    private var blockEnds: [UInt64] = [0]
    private var blockSizes: [UInt32] = []
    private var block: [UInt8] = []
    private var compressed = ByteWriter()
    private var record = ByteWriter()
    private var documentsAdded = 0
    /// Some record ends with metadata: the documents file says so in its flags, and ends with
    /// the metadata index built from them.
    private var hasMetadata = false
    private var metadataIndex = MetadataIndexBuilder()

    private var dictionary = TermDictionaryWriter()
    private var textTermCount = 0
    /// False for postings imported without positions: each term's positions are empty.
    var writesPositions = true
    private var textPostingCount = 0

    // Scratch for one term.
    private var gaps = [UInt32](repeating: 0, count: IndexFormat.blockSize)
    private var frequencies = [UInt32](repeating: 0, count: IndexFormat.blockSize)
    private var blockData = ByteWriter()
    private var metadata = ByteWriter()
    private var positionBytes = ByteWriter()
    /// One block's position deltas.
    private var deltas: [UInt32] = []
    /// Final paths the segment's files were (or were being) renamed to, for `abandon`.
    private var renamed: [String] = []

    init(directory: String, lengths: [UInt32], titleLengths: [UInt32], tokenCount: UInt64, titleTokenCount: UInt64,
         storage: TextStorage = .text) throws(IndexError) {
        self.directory = directory
        self.storage = storage
        self.lengths = lengths
        self.titleLengths = titleLengths
        self.tokenCount = tokenCount
        self.titleTokenCount = titleTokenCount
        // Unique among this process's writers without shared state (the folder's lock keeps
        // other processes out); the final names come from the contents, not from this.
        temporaryStem = directory + "/building-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var opened: [FileSink] = []
        do {
            opened.append(try FileSink(path: temporaryStem + ".postings.tmp", header: IndexFormat.header(.postings)))
            opened.append(try FileSink(path: temporaryStem + ".positions.tmp", header: IndexFormat.header(.positions)))
            opened.append(try FileSink(path: temporaryStem + ".records.tmp"))
            opened.append(try FileSink(path: temporaryStem + ".text.tmp"))
        } catch {
            // A failed writer leaves nothing behind: the files opened so far go, and the one
            // that failed to open may exist too.
            for index in opened.indices { opened[index].discard() }
            for suffix in Self.temporarySuffixes { FileIO.remove(temporaryStem + suffix) }
            throw .io(error)
        }
        postingsFile = opened[0]
        positionsFile = opened[1]
        recordsFile = opened[2]
        textFile = opened[3]
    }

    /// The temporary files of a segment being written, after `building-<pid>-<n>`.
    static let temporarySuffixes = [".postings.tmp", ".positions.tmp", ".records.tmp", ".text.tmp", ".docs.tmp", ".terms.tmp"]

    /// Adds a term (its dictionary key) and its postings; keys must come in ascending byte order.
    mutating func addTerm<C: Collection>(_ key: C, postings: PostingsBuilder) throws(IndexError) where C.Element == UInt8 {
        let field = IndexFormat.field(ofKey: key)
        if field == .text {
            textTermCount += 1
            textPostingCount += postings.count
        }
        let fieldLengths = field == .title ? titleLengths : lengths
        let count = postings.count
        let blockCount = (count + IndexFormat.blockSize - 1) / IndexFormat.blockSize
        let postingsOffset = UInt64(postingsFile.count)
        let positionsOffset = UInt64(positionsFile.count)
        var totalTermFrequency: UInt64 = 0
        var previousDocument: UInt32 = 0
        blockData.removeAll()
        metadata.removeAll()
        positionBytes.removeAll()
        var listPairs: [(frequency: UInt32, length: UInt32)] = []
        var positionIndex = 0
        var blockStart = 0
        while blockStart < count {
            let blockEnd = min(blockStart + IndexFormat.blockSize, count)
            let blockPositionsStart = UInt32(positionBytes.count)
            var pairs: [(frequency: UInt32, length: UInt32)] = []
            pairs.reserveCapacity(blockEnd - blockStart)
            deltas.removeAll(keepingCapacity: true)
            for posting in blockStart..<blockEnd {
                let slot = posting - blockStart
                let document = postings.documents[posting]
                let termFrequency = postings.frequencies[posting]
                gaps[slot] = document &- previousDocument
                frequencies[slot] = termFrequency
                previousDocument = document
                pairs.append((termFrequency, fieldLengths[Int(document)]))
                totalTermFrequency += UInt64(termFrequency)
                // Positions: deltas within the document, the first from 0.
                var previousPosition: UInt32 = 0
                for _ in 0..<(writesPositions ? Int(termFrequency) : 0) {
                    let position = postings.positions[positionIndex]
                    deltas.append(position &- previousPosition)
                    previousPosition = position
                    positionIndex += 1
                }
            }
            let postingsInBlock = blockEnd - blockStart
            let pareto = Impacts.pareto(pairs)
            listPairs.append(contentsOf: pareto)
            if count == 1 {
                // One posting: its document alone (its frequency is the dictionary's total,
                // its impacts that and the document's length).
                blockData.writeVarint(UInt64(previousDocument))
            } else if postingsInBlock >= PostingsList.packedMinimum {
                // Packed: the two layouts' headers, the impacts, then gaps and frequency − 1.
                for slot in 0..<postingsInBlock { frequencies[slot] -= 1 }
                let gapLayout = gaps.withUnsafeBufferPointer { PatchedLayout.choose(UnsafeBufferPointer(rebasing: $0[0..<postingsInBlock])) }
                let frequencyLayout = frequencies.withUnsafeBufferPointer { PatchedLayout.choose(UnsafeBufferPointer(rebasing: $0[0..<postingsInBlock])) }
                gapLayout.writeHeader(into: &blockData)
                frequencyLayout.writeHeader(into: &blockData)
                Impacts.write(pareto, into: &blockData)
                gaps.withUnsafeBufferPointer { gapLayout.writeData(UnsafeBufferPointer(rebasing: $0[0..<postingsInBlock]), into: &blockData) }
                frequencies.withUnsafeBufferPointer { frequencyLayout.writeData(UnsafeBufferPointer(rebasing: $0[0..<postingsInBlock]), into: &blockData) }
            } else {
                // A short last block: the impacts, then per posting the gap shifted left by
                // one (the low bit set when tf > 1) and, when set, tf − 2.
                Impacts.write(pareto, into: &blockData)
                for slot in 0..<postingsInBlock {
                    let more: UInt64 = frequencies[slot] > 1 ? 1 : 0
                    blockData.writeVarint(UInt64(gaps[slot]) << 1 | more)
                    if more == 1 { blockData.writeVarint(UInt64(frequencies[slot] - 2)) }
                }
            }
            Self.writePositionGroup(deltas, into: &positionBytes)
            metadata.write(previousDocument)
            metadata.write(UInt32(blockData.count))
            metadata.write(blockPositionsStart)
            blockStart = blockEnd
        }
        var postingsLength = blockData.count
        do {
            if blockCount > 1 {
                // Several blocks: the whole list's impacts and a skip record per block first.
                var header = ByteWriter()
                Impacts.write(Impacts.pareto(listPairs), into: &header)
                try postingsFile.write(header.bytes)
                try postingsFile.write(metadata.bytes)
                postingsLength += header.count + metadata.count
            }
            try postingsFile.write(blockData.bytes)
            try positionsFile.write(positionBytes.bytes)
        } catch {
            throw .io(error)
        }
        dictionary.add(key, entry: TermEntry(documentFrequency: UInt32(count), totalTermFrequency: totalTermFrequency,
                                             postingsOffset: Int(postingsOffset), postingsLength: postingsLength,
                                             positionsOffset: Int(positionsOffset), positionsLength: positionBytes.count))
    }

    /// Appends one block's positions group: chunks of 128 deltas, each patched-bit-packed,
    /// but a last chunk of fewer than 16 as varints.
    static func writePositionGroup(_ deltas: [UInt32], into writer: inout ByteWriter) {
        var start = 0
        deltas.withUnsafeBufferPointer { all in
            while start < all.count {
                let end = min(start + PostingsList.positionChunk, all.count)
                let chunk = UnsafeBufferPointer(rebasing: all[start..<end])
                if chunk.count >= PostingsList.packedMinimum {
                    let layout = PatchedLayout.choose(chunk)
                    layout.writeHeader(into: &writer)
                    layout.writeData(chunk, into: &writer)
                } else {
                    for delta in chunk { writer.writeVarint(UInt64(delta)) }
                }
                start = end
            }
        }
    }

    /// Text is compressed in blocks of up to this many bytes (a longer document is a block of its
    /// own): large enough for matches across documents, small enough that showing one hit
    /// decompresses little.
    static let textBlockSize = 64 << 10

    /// Adds the next document's stored fields, given as a record: id, title and text, each a
    /// varint length and its bytes, then its metadata as `MetadataCoding` writes it (nothing
    /// without); and, for a segment without stored text, the document's terms (dictionary
    /// ordinals of this segment, ascending) and their counts.
    mutating func addStoredRecord(_ record: ArraySlice<UInt8>, terms: [(ordinal: UInt32, frequency: UInt32)] = []) throws(IndexError) {
        let result = record.withUnsafeBytes { input -> Result<Void, IndexError> in
            var reader = ByteReader(input)
            let id, title, text, metadata: UnsafeRawBufferPointer
            do throws(ByteReaderError) {
                id = try reader.readBytes(try reader.readLength(limit: reader.remaining))
                title = try reader.readBytes(try reader.readLength(limit: reader.remaining))
                text = try reader.readBytes(try reader.readLength(limit: reader.remaining))
                metadata = try reader.readBytes(reader.remaining)
            } catch {
                preconditionFailure("a stored record made by the writer is malformed: \(error.message)")
            }
            do throws(IndexError) {
                try addStoredDocument(id: id, title: title, text: text, terms: terms, metadata: metadata)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Adds the next document's stored fields: with stored text its id, title and text (the
    /// terms are not needed), without it its id, title and terms (the text is dropped).
    /// `metadata` is encoded as `MetadataCoding` writes it, and empty without metadata.
    mutating func addStoredDocument(id: UnsafeRawBufferPointer, title: UnsafeRawBufferPointer, text: UnsafeRawBufferPointer,
                                    terms: [(ordinal: UInt32, frequency: UInt32)] = [],
                                    metadata: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws(IndexError) {
        record.removeAll()
        record.writeVarint(UInt64(id.count)); record.write(bytes: id)
        record.writeVarint(UInt64(title.count)); record.write(bytes: title)
        if storage == .text {
            // An empty text never starts a block: its record must point at a block that gets
            // written (the open one), even when it comes last.
            if !text.isEmpty && !block.isEmpty && block.count + text.count > Self.textBlockSize { try finishBlock() }
            record.writeVarint(UInt64(blockSizes.count))
            record.writeVarint(UInt64(block.count))
            record.writeVarint(UInt64(text.count))
            block.append(contentsOf: text)
        } else {
            // The forward index: term ordinals as steps from the previous one (the first from
            // 0), shifted left by one with the low bit set when the count is above 1, then
            // the count − 2 when it is.
            record.writeVarint(UInt64(terms.count))
            var previous: UInt32 = 0
            for (index, term) in terms.enumerated() {
                precondition(index == 0 || term.ordinal > previous, "a document's terms come in ascending order")
                let more: UInt64 = term.frequency > 1 ? 1 : 0
                record.writeVarint(UInt64(term.ordinal - previous) << 1 | more)
                if more == 1 { record.writeVarint(UInt64(term.frequency - 2)) }
                previous = term.ordinal
            }
        }
        if !metadata.isEmpty {
            record.write(bytes: metadata)
            hasMetadata = true
            var reader = ByteReader(metadata)
            do throws(ByteReaderError) {
                metadataIndex.add(document: UInt32(documentsAdded), metadata: try MetadataCoding.decode(&reader))
            } catch {
                preconditionFailure("metadata made by the writer is malformed: \(error.message)")
            }
        }
        do {
            try recordsFile.write(record.bytes)
        } catch {
            throw .io(error)
        }
        recordOffsets.append(recordOffsets.last! + UInt64(record.count))
        documentsAdded += 1
    }

    private mutating func finishBlock() throws(IndexError) {
        guard !block.isEmpty else { return }
        compressed.removeAll()
        block.withUnsafeBytes { LZCompression.compress($0, into: &compressed) }
        do {
            try textFile.write(compressed.bytes)
        } catch {
            throw .io(error)
        }
        blockEnds.append(blockEnds.last! + UInt64(compressed.count))
        blockSizes.append(UInt32(block.count))
        block.removeAll(keepingCapacity: true)
    }

    /// Writes the terms and documents files, closes everything, and renames the files to the
    /// segment's name. Returns its manifest entry.
    /// `prefix` is `seg-` for segments a manifest will name, `flush-` for the partial segments
    /// of a memory-bounded build (never confused with live files, removed after the merge).
    /// `taken`: names of live segments; a segment with the same content as one of them (the
    /// same documents added again) gets a different name, so a manifest never names one twice.
    mutating func finish(prefix: String = "seg-", avoiding taken: Set<String> = []) throws(IndexError) -> WrittenSegment {
        let documentCount = lengths.count
        guard documentsAdded == documentCount else {
            preconditionFailure("a segment needs stored fields for each of its \(documentCount) documents")
        }
        do throws(IndexError) {
            try finishBlock()
            return try finishFiles(prefix: prefix, avoiding: taken)
        } catch {
            abandon()
            throw error
        }
    }

    private mutating func finishFiles(prefix: String, avoiding taken: Set<String>) throws(IndexError) -> WrittenSegment {
        let documentCount = lengths.count
        let termsBytes = dictionary.finish()
        do throws(FileError) {
            // Documents file: counts, text and title lengths, record offsets, records, the text
            // block index and the compressed blocks (records and blocks copied from scratch files).
            var header = IndexFormat.beginFile(.documents, capacity: documentCount * 16 + 48)
            header.write(UInt32(documentCount))
            header.write(UInt32(blockSizes.count))
            let patch = header.count
            header.write(UInt64(0))  // records start, patched below
            header.write(UInt64(0))  // block index start, patched below
            header.write((storage == .text ? StoredFields.textFlag : StoredFields.forwardFlag)
                         | (hasMetadata ? StoredFields.metadataFlag : 0))
            header.write(UInt32(0))  // reserved
            for length in lengths { header.write(length) }
            for length in titleLengths { header.write(length) }
            header.pad(to: 8)
            for offset in recordOffsets { header.write(offset) }
            let recordsStart = header.count
            header.patch(UInt64(recordsStart), at: patch)
            header.patch(UInt64(recordsStart) + recordOffsets.last!, at: patch + 8)
            var documentsFile = try FileSink(path: temporaryStem + ".docs.tmp")
            try documentsFile.write(header.bytes)
            try recordsFile.closeForReading()
            try recordsFile.copy(into: &documentsFile)
            recordsFile.remove()
            var index = ByteWriter(capacity: blockEnds.count * 12)
            for end in blockEnds { index.write(end) }
            for size in blockSizes { index.write(size) }
            try documentsFile.write(index.bytes)
            try textFile.closeForReading()
            try textFile.copy(into: &documentsFile)
            textFile.remove()
            if hasMetadata {
                let sectionStart = documentsFile.count
                var tail = ByteWriter()
                tail.write(UInt64(sectionStart))
                try documentsFile.write(metadataIndex.encode())
                try documentsFile.write(tail.bytes)
            }
            let documentsInfo = Manifest.FileInfo(try documentsFile.finish())
            let postingsInfo = Manifest.FileInfo(try postingsFile.finish())
            let positionsInfo = Manifest.FileInfo(try positionsFile.finish())
            let termsPath = temporaryStem + ".terms.tmp"
            try FileIO.writeAndSync(termsBytes, to: termsPath)
            let termsInfo = Manifest.FileInfo(size: UInt64(termsBytes.count), checksum: CRC32C.checksum(Array(termsBytes.dropLast(4))))

            let infos = [termsInfo, postingsInfo, positionsInfo, documentsInfo]
            var salt: UInt64 = 0
            var name = SegmentWriter.segmentName(infos, prefix: prefix)
            while taken.contains(name) {
                salt += 1
                name = SegmentWriter.segmentName(infos, prefix: prefix, salt: salt)
            }
            let temporaries = [termsPath, postingsFile.path, positionsFile.path, documentsFile.path]
            var files: [(String, Int)] = []
            for (kind, (temporary, info)) in zip(IndexFormat.FileKind.segmentKinds, zip(temporaries, infos)) {
                let fileName = name + "." + kind.fileExtension
                // Recorded first: if the rename fails half-way, `abandon` removes both names.
                renamed.append(directory + "/" + fileName)
                try FileIO.rename(temporary, to: directory + "/" + fileName)
                files.append((fileName, Int(info.size)))
            }
            try FileIO.syncDirectory(directory)
            return WrittenSegment(
                entry: Manifest.Segment(name: name, documentCount: UInt32(documentCount), tokenCount: tokenCount,
                                        titleTokenCount: titleTokenCount, files: infos),
                termCount: textTermCount, postingCount: textPostingCount, files: files)
        } catch {
            throw .io(error)
        }
    }

    /// Closes and removes every file of the segment, temporary or already renamed (after a
    /// failure): a failed writer leaves nothing behind. The segment's final names are new
    /// (`avoiding` live ones, and content-derived), so no live file is among them.
    mutating func abandon() {
        postingsFile.discard()
        positionsFile.discard()
        recordsFile.discard()
        textFile.discard()
        for suffix in Self.temporarySuffixes { FileIO.remove(temporaryStem + suffix) }
        for path in renamed { FileIO.remove(path) }
        renamed = []
    }
}

extension SegmentWriter {
    /// The first eight bytes of `key`, big-endian, zero-padded: integers in this order sort
    /// as the keys do in byte order, up to ties that the full comparison settles.
    static func sortPrefix(_ key: ArraySlice<UInt8>) -> UInt64 {
        var prefix: UInt64 = 0
        var shift: UInt64 = 56
        for byte in key.prefix(8) {
            prefix |= UInt64(byte) << shift
            shift &-= 8
        }
        return prefix
    }

    /// A name derived from the files' contents: the same documents give the same name (so a
    /// rebuild of unchanged input rewrites nothing), different ones a different name (so a
    /// commit never overwrites a file the live manifest uses).
    static func segmentName(_ infos: [Manifest.FileInfo], prefix: String = "seg-", salt: UInt64 = 0) -> String {
        var key = ByteWriter()
        if salt > 0 { key.write(salt) }
        for info in infos {
            key.write(info.size)
            key.write(info.checksum)
        }
        let hash = key.bytes.withUnsafeBufferPointer { ByteInterner.hash($0) }
        let digits = String(hash, radix: 16)
        return prefix + String(repeating: "0", count: 16 - digits.count) + digits
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
