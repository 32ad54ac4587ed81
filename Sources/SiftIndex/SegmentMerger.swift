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

    /// - Parameter deletions: per segment, its deleted documents (nil or absent: none).
    /// - Returns: the new segment, and per input segment each document's new id (or `dropped`).
    static func merge(_ segments: [SegmentReader], deletions: [SegmentDeletions?] = [], directory: String,
                      prefix: String = "seg-", avoiding taken: Set<String> = [],
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
                if !postings.documents.isEmpty {
                    try encoder.addTerm(key, postings: postings)
                    mergedOrdinal += 1
                }
            }
            var terms: [(ordinal: UInt32, frequency: UInt32)] = []
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
                    try id.withIndexBytes { id throws(IndexError) in
                        try title.withIndexBytes { title throws(IndexError) in
                            try fields.text.withIndexBytes { text throws(IndexError) in
                                try encoder.addStoredDocument(id: id, title: title, text: text, terms: terms)
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
}
