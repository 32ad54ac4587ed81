/// Merges segments into one: their documents in order (renumbered one after the other), each
/// term's postings concatenated and re-encoded into fresh blocks.
///
/// The result is byte for byte the segment a single in-memory build of the same documents
/// would write, so a memory-bounded build gives the same index as an unbounded one.
/// Memory use is one term's postings at a time plus the document lengths.
enum SegmentMerger {
    static func merge(_ segments: [SegmentReader], directory: String, prefix: String = "seg-") throws(IndexError) -> WrittenSegment {
        var lengths: [UInt32] = []
        var titleLengths: [UInt32] = []
        var tokenCount: UInt64 = 0
        var titleTokenCount: UInt64 = 0
        var bases: [UInt32] = []
        for segment in segments {
            bases.append(UInt32(lengths.count))
            for document in 0..<segment.documentCount {
                lengths.append(segment.length(of: document, field: .text))
                titleLengths.append(segment.length(of: document, field: .title))
            }
            tokenCount += segment.tokenCount
            titleTokenCount += segment.titleTokenCount
        }
        var encoder = try SegmentEncoder(directory: directory, lengths: lengths, titleLengths: titleLengths,
                                         tokenCount: tokenCount, titleTokenCount: titleTokenCount)
        do throws(IndexError) {
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
            let documents = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
            let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
            defer {
                documents.deallocate()
                frequencies.deallocate()
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
                    let list = try segments[index].postings(head.entry)
                    var positionReader = ByteReader(UnsafeRawBufferPointer(rebasing: list.positions[0..<list.positionsEnd]),
                                                    offset: list.positionsStart)
                    for block in 0..<list.blockCount {
                        let count = try list.decode(block: block, documents: documents, frequencies: frequencies)
                        for slot in 0..<count {
                            do throws(ByteReaderError) {
                                try PostingsList.readPositions(&positionReader, count: frequencies[slot], into: &postings.positions)
                            } catch {
                                throw IndexError.corrupt(file: list.positionsPath, reason: "positions: \(error.message)")
                            }
                            postings.documents.append(bases[index] + documents[slot])
                            postings.frequencies.append(frequencies[slot])
                        }
                    }
                    heads[index] = try iterators[index].next()
                    // Let go of the pages already merged, so memory stays bounded by the budget.
                    processed[index] += list.listEnd - list.metadataStart
                    if processed[index] - released[index] > 1 << 20 {
                        segments[index].files[1].release(upTo: list.listEnd)
                        segments[index].files[2].release(upTo: list.positionsEnd)
                        released[index] = processed[index]
                    }
                }
                try encoder.addTerm(key, postings: postings)
            }
            for segment in segments {
                var stored = StoredFieldsReader(segment.storedFields)
                for document in 0..<segment.documentCount {
                    if document % 4096 == 4095 {
                        segment.files[3].release(upTo: try segment.storedFields.blockStart(of: document))
                    }
                    let fields = try stored.document(document)
                    let id = Array(fields.id.utf8)
                    let title = Array(fields.title.utf8)
                    try id.withIndexBytes { id throws(IndexError) in
                        try title.withIndexBytes { title throws(IndexError) in
                            try fields.text.withIndexBytes { text throws(IndexError) in
                                try encoder.addStoredDocument(id: id, title: title, text: text)
                            }
                        }
                    }
                }
            }
            return try encoder.finish(prefix: prefix)
        } catch {
            encoder.abandon()
            throw error
        }
    }
}
