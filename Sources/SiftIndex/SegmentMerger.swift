#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_spi(SiftInternal) import SiftStorage
/// Merges segments into one: their live documents in order (renumbered one after the other),
/// each term's postings concatenated and re-encoded into fresh blocks; deleted documents, and
/// terms only they held, are dropped.
///
/// The result is byte for byte the segment a single in-memory build of the same live documents
/// would write, so a memory-bounded build gives the same index as an unbounded one, and a merge
/// that purges deletions gives the segment a rebuild would.
/// Memory use is one term's postings at a time plus the document lengths.
enum SegmentMerger {
    /// Marks a deleted document in `documentMaps`.
    static let dropped = UInt32.max

    /// - Parameters:
    ///   - deletions: per segment, its deleted documents (nil or absent: none).
    ///   - permutation: the new number of each live document, by its number in the plain
    ///     merge (live documents one after the other): a reordering (`GraphBisection`). Nil
    ///     keeps the order.
    /// - Returns: the new segment, and per input segment each document's new id (or `dropped`).
    ///   - storage: whether the merged segment keeps the documents' text or a forward index
    ///     of their terms (the inputs must keep the same).
    static func merge(_ segments: [SegmentReader], deletions: [SegmentDeletions?] = [], permutation: [UInt32]? = nil,
                      directory: String, prefix: String = "seg-", avoiding taken: Set<String> = [],
                      storage: TextStorage = .text) throws(IndexError) -> (segment: WrittenSegment, documentMaps: [[UInt32]]) {
        var lengths: [UInt32] = []
        var titleLengths: [UInt32] = []
        var tokenCount: UInt64 = 0
        var titleTokenCount: UInt64 = 0
        var maps: [[UInt32]] = []
        for (index, segment) in segments.enumerated() {
            let deleted = index < deletions.count ? deletions[index] : nil
            var map = [UInt32](repeating: dropped, count: segment.documentCount)
            for document in 0..<segment.documentCount where deleted?.contains(document) != true {
                map[document] = UInt32(lengths.count)
                let length = segment.length(of: document, field: .text)
                let titleLength = segment.length(of: document, field: .title)
                lengths.append(length)
                titleLengths.append(titleLength)
                tokenCount += UInt64(length)
                titleTokenCount += UInt64(titleLength)
            }
            maps.append(map)
        }
        if let permutation {
            precondition(permutation.count == lengths.count, "a permutation of \(permutation.count) documents for \(lengths.count)")
            var permutedLengths = lengths
            var permutedTitleLengths = titleLengths
            for (merged, final) in permutation.enumerated() {
                permutedLengths[Int(final)] = lengths[merged]
                permutedTitleLengths[Int(final)] = titleLengths[merged]
            }
            lengths = permutedLengths
            titleLengths = permutedTitleLengths
            for index in maps.indices {
                for document in maps[index].indices where maps[index][document] != dropped {
                    maps[index][document] = permutation[Int(maps[index][document])]
                }
            }
        }
        var encoder = try SegmentEncoder(directory: directory, lengths: lengths, titleLengths: titleLengths,
                                         tokenCount: tokenCount, titleTokenCount: titleTokenCount, storage: storage)
        do throws(IndexError) {
            // Without stored text, each input term's ordinal in the merged dictionary, for
            // the documents' forward records.
            let forward = storage == .none
            var termMaps: [[UInt32]] = segments.map { forward ? [UInt32](repeating: dropped, count: $0.termCount) : [] }
            var localOrdinals = [Int](repeating: 0, count: segments.count)
            var mergedOrdinal: UInt32 = 0
            var iterators: [TermIterator] = []
            var heads: [(key: [UInt8], entry: TermEntry)?] = []
            for segment in segments {
                var iterator = try segment.terms()
                heads.append(try iterator.next())
                iterators.append(iterator)
            }
            var postings = PostingsBuilder()
            var sorted = PostingsBuilder()
            var sortScratch = PostingSortScratch()
            var processed = [Int](repeating: 0, count: segments.count)
            var released = [Int](repeating: 0, count: segments.count)
            let buffers = BlockBuffers.allocate()
            var positions = PositionBuffer()
            defer {
                buffers.deallocate()
                positions.deallocate()
            }
            while true {
                // The smallest key among the segments' next terms.
                var smallest: [UInt8]? = nil
                for head in heads {
                    if let head, smallest == nil || head.key.lexicographicallyPrecedes(smallest!) { smallest = head.key }
                }
                guard let key = smallest else { break }
                postings.removeAll()
                for index in segments.indices {
                    guard let head = heads[index], head.key == key else { continue }
                    if forward && localOrdinals[index] < termMaps[index].count { termMaps[index][localOrdinals[index]] = mergedOrdinal }
                    localOrdinals[index] += 1
                    let list = try segments[index].postings(head.entry)
                    var cursor = try PostingsCursor(list, buffers: buffers)
                    while cursor.document != PostingsCursor.exhausted {
                        let document = maps[index][Int(cursor.document)]
                        if document != dropped {
                            try cursor.readPositions(into: &positions)
                            postings.append(document: document, positions: positions.positions)
                        }
                        try cursor.next()
                    }
                    heads[index] = try iterators[index].next()
                    // Let go of the pages already merged, so memory stays bounded by the budget.
                    processed[index] += head.entry.postingsLength
                    if processed[index] - released[index] > 1 << 20 {
                        segments[index].postingsFile.release(upTo: list.listEnd)
                        segments[index].positionsFile.release(upTo: list.positionsEnd)
                        released[index] = processed[index]
                    }
                }
                // A term only deleted documents held is gone.
                guard !postings.documents.isEmpty else { continue }
                if permutation != nil {
                    sortByDocument(&postings, scratch: &sortScratch, into: &sorted)
                    try encoder.addTerm(key, postings: sorted)
                } else {
                    try encoder.addTerm(key, postings: postings)
                }
                mergedOrdinal += 1
            }
            if permutation != nil {
                try addStoredDocumentsPermuted(segments, maps: maps, termMaps: forward ? termMaps : nil, directory: directory,
                                               into: &encoder)
                return (try encoder.finish(prefix: prefix, avoiding: taken), maps)
            }
            var terms: [(ordinal: UInt32, frequency: UInt32)] = []
            var metadata = ByteWriter()
            for (index, segment) in segments.enumerated() {
                var stored = StoredFieldsReader(segment.storedFields)
                for document in 0..<segment.documentCount where maps[index][document] != dropped {
                    if document % 4096 == 4095 {
                        segment.documentsFile.release(upTo: try segment.storedFields.blockStart(of: document))
                    }
                    let fields = try stored.document(document, includeText: !forward)
                    if forward {
                        try segment.storedFields.forwardTerms(document, termCount: segment.termCount, into: &terms)
                        for slot in terms.indices {
                            let merged = termMaps[index][Int(terms[slot].ordinal)]
                            // A live document's term survives the merge; anything else is damage.
                            guard merged != dropped else {
                                throw IndexError.corrupt(file: segment.documentsFile.path, reason: "document \(document) holds term \(terms[slot].ordinal), which no posting lists")
                            }
                            terms[slot].ordinal = merged
                        }
                    }
                    let id = Array(fields.id.utf8)
                    let title = Array(fields.title.utf8)
                    metadata.removeAll()
                    MetadataCoding.encode(fields.metadata, into: &metadata)
                    try id.withIndexBytes { id throws(IndexError) in
                        try title.withIndexBytes { title throws(IndexError) in
                            try fields.textBytes.withIndexBytes { text throws(IndexError) in
                                try metadata.bytes.withIndexBytes { metadata throws(IndexError) in
                                    try encoder.addStoredDocument(id: id, title: title, text: text, terms: terms, metadata: metadata)
                                }
                            }
                        }
                    }
                }
            }
            return (try encoder.finish(prefix: prefix, avoiding: taken), maps)
        } catch {
            encoder.abandon()
            throw error
        }
    }

    /// Reordered postings arrive out of document order: sorts them by document, positions
    /// moving with their posting.
    private static func sortByDocument(_ postings: inout PostingsBuilder, scratch: inout PostingSortScratch,
                                       into sorted: inout PostingsBuilder) {
        let count = postings.count
        scratch.keys.removeAll(keepingCapacity: true)
        scratch.positionStart.removeAll(keepingCapacity: true)
        scratch.order.removeAll(keepingCapacity: true)
        var running: UInt32 = 0
        for index in 0..<count {
            scratch.keys.append(UInt64(postings.documents[index]) << 32 | UInt64(index))
            scratch.positionStart.append(running)
            running &+= postings.frequencies[index]
        }
        scratch.keys.sort()
        for key in scratch.keys { scratch.order.append(UInt32(truncatingIfNeeded: key)) }
        sorted.removeAll()
        sorted.gather(scratch.order[...], documents: postings.documents, frequencies: postings.frequencies,
                      positions: postings.positions, positionStart: scratch.positionStart)
    }

    /// Stored documents in their new order. Reading a segment's text in another order would
    /// expand a compressed block per document, so the records are first copied out in order
    /// (uncompressed, to a scratch file in the index folder), then read back one at a time.
    /// With `termMaps` (no stored text), each record carries the document's forward terms
    /// instead of its text, their ordinals those of the merged dictionary.
    private static func addStoredDocumentsPermuted(_ segments: [SegmentReader], maps: [[UInt32]], termMaps: [[UInt32]]?,
                                                   directory: String, into encoder: inout SegmentEncoder) throws(IndexError) {
        let scratchPath = directory + "/building-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).reorder.tmp"
        var spill: FileSink
        do throws(FileError) {
            spill = try FileSink(path: scratchPath)
        } catch {
            throw .io(error)
        }
        defer { FileIO.remove(scratchPath) }
        var total = 0
        for map in maps { total += map.lazy.filter { $0 != dropped }.count }
        // Where each new document's record starts in the scratch file (and, last, its end).
        var starts = [UInt64](repeating: 0, count: total + 1)
        var sizes = [UInt32](repeating: 0, count: total)
        var record = ByteWriter()
        var metadata = ByteWriter()
        var terms: [(ordinal: UInt32, frequency: UInt32)] = []
        do throws(IndexError) {
            for (index, segment) in segments.enumerated() {
                var stored = StoredFieldsReader(segment.storedFields)
                for document in 0..<segment.documentCount where maps[index][document] != dropped {
                    if document % 4096 == 4095 {
                        segment.documentsFile.release(upTo: try segment.storedFields.blockStart(of: document))
                    }
                    let fields = try stored.document(document, includeText: termMaps == nil)
                    record.removeAll()
                    record.writeVarint(UInt64(fields.id.utf8.count)); record.write(bytes: fields.id.utf8)
                    record.writeVarint(UInt64(fields.title.utf8.count)); record.write(bytes: fields.title.utf8)
                    record.writeVarint(UInt64(fields.textBytes.count)); record.write(bytes: fields.textBytes)
                    // The metadata section, with its length first: the terms follow it.
                    metadata.removeAll()
                    MetadataCoding.encode(fields.metadata, into: &metadata)
                    record.writeVarint(UInt64(metadata.count)); record.write(bytes: metadata.bytes)
                    if let termMaps {
                        // Merged ordinals keep the order of a segment's own: still ascending.
                        try segment.storedFields.forwardTerms(document, termCount: segment.termCount, into: &terms)
                        record.writeVarint(UInt64(terms.count))
                        for term in terms {
                            let merged = termMaps[index][Int(term.ordinal)]
                            guard merged != dropped else {
                                throw IndexError.corrupt(file: segment.documentsFile.path, reason: "document \(document) holds term \(term.ordinal), which no posting lists")
                            }
                            record.writeVarint(UInt64(merged))
                            record.writeVarint(UInt64(term.frequency))
                        }
                    }
                    let final = Int(maps[index][document])
                    starts[final] = UInt64(spill.count)
                    sizes[final] = UInt32(record.count)
                    do throws(FileError) {
                        try spill.write(record.bytes)
                    } catch {
                        throw IndexError.io(error)
                    }
                }
            }
            do throws(FileError) {
                try spill.closeForReading()
            } catch {
                throw IndexError.io(error)
            }
        } catch {
            spill.discard()
            throw error
        }
        let fd: Int32
        do throws(FileError) {
            fd = try FileIO.open(scratchPath, flags: O_RDONLY)
        } catch {
            throw .io(error)
        }
        defer { _ = close(fd) }
        var buffer: [UInt8] = []
        for final in 0..<total {
            let size = Int(sizes[final])
            if buffer.count < size { buffer = [UInt8](repeating: 0, count: max(size, buffer.count * 2)) }
            let result = buffer.withUnsafeMutableBytes { raw -> Result<Void, IndexError> in
                let slice = UnsafeMutableRawBufferPointer(rebasing: raw[0..<size])
                do throws(FileError) {
                    try FileIO.read(fd, at: Int(starts[final]), into: slice, path: scratchPath)
                } catch {
                    return .failure(.io(error))
                }
                var reader = ByteReader(UnsafeRawBufferPointer(slice))
                let id, title, text, metadata: UnsafeRawBufferPointer
                do throws(ByteReaderError) {
                    id = try reader.readBytes(try reader.readLength(limit: reader.remaining))
                    title = try reader.readBytes(try reader.readLength(limit: reader.remaining))
                    text = try reader.readBytes(try reader.readLength(limit: reader.remaining))
                    metadata = try reader.readBytes(try reader.readLength(limit: reader.remaining))
                    terms.removeAll(keepingCapacity: true)
                    if termMaps != nil {
                        for _ in 0..<(try reader.readLength(limit: reader.remaining)) {
                            let ordinal = try reader.readVarint()
                            let frequency = try reader.readVarint()
                            terms.append((UInt32(truncatingIfNeeded: ordinal), UInt32(truncatingIfNeeded: frequency)))
                        }
                    }
                } catch {
                    return .failure(.corrupt(file: scratchPath, reason: "scratch record \(final): \(error.message)"))
                }
                do throws(IndexError) {
                    try encoder.addStoredDocument(id: id, title: title, text: text, terms: terms, metadata: metadata)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            try result.get()
        }
    }
}

/// Scratch of `SegmentMerger.sortByDocument`, kept across terms.
struct PostingSortScratch {
    var keys: [UInt64] = []
    var positionStart: [UInt32] = []
    var order: [UInt32] = []
}
