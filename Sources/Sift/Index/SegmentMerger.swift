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
            var next = [Int](repeating: 0, count: segments.count)
            var postings = PostingsBuilder()
            let documents = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
            let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
            defer {
                documents.deallocate()
                frequencies.deallocate()
            }
            while true {
                // The smallest key among the segments' next terms.
                var smallest: UnsafeRawBufferPointer? = nil
                for (index, segment) in segments.enumerated() where next[index] < segment.termCount {
                    let key = try segment.term(at: next[index])
                    if smallest == nil || SegmentReader.compare(key, smallest!) < 0 { smallest = key }
                }
                guard let key = smallest else { break }
                let keyBytes = Array(key)
                postings.removeAll()
                for (index, segment) in segments.enumerated() where next[index] < segment.termCount {
                    guard SegmentReader.compare(try segment.term(at: next[index]), key) == 0 else { continue }
                    let list = try segment.postings(at: next[index])
                    var positionReader = ByteReader(list.positions, offset: list.positionsStart)
                    for block in 0..<list.blockCount {
                        let count = try list.decode(block: block, documents: documents, frequencies: frequencies)
                        for slot in 0..<count {
                            let start = postings.positions.count
                            var position: UInt64 = 0
                            do throws(ByteReaderError) {
                                for _ in 0..<frequencies[slot] {
                                    position += try positionReader.readVarint()
                                    postings.positions.append(UInt32(truncatingIfNeeded: position))
                                }
                            } catch {
                                throw IndexError.corrupt(file: list.positionsPath, reason: "positions: \(error.message)")
                            }
                            postings.documents.append(bases[index] + documents[slot])
                            postings.frequencies.append(UInt32(postings.positions.count - start))
                        }
                    }
                    next[index] += 1
                }
                try encoder.addTerm(keyBytes, postings: postings)
            }
            for segment in segments {
                for document in 0..<segment.documentCount {
                    try encoder.addStoredRecord(try segment.storedRecord(document))
                }
            }
            return try encoder.finish(prefix: prefix)
        } catch {
            encoder.abandon()
            throw error
        }
    }
}
