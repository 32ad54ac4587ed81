extension IndexReader {
    /// The stored texts of several global documents, in the order asked. Documents whose texts
    /// share a compressed block (neighbours in document order, such as the files of one folder)
    /// cost one decompression of that block, as far as the last of them, instead of one each:
    /// what RM3 needs to read its feedback documents.
    /// - Complexity: O(n log n) to order the documents, plus one decompression per block touched.
    /// An index without stored text throws `IndexError.noStoredText` (`termCounts(of:)` gives
    /// what RM3 needs from it).
    package func texts(of documents: [Int]) throws(IndexError) -> [[UInt8]] {
        var texts = [[UInt8]](repeating: [], count: documents.count)
        for document in documents where document < 0 || document >= maxDocument {
            throw .documentOutOfRange(document, count: maxDocument)
        }
        guard storage == .text else { throw .noStoredText(path: path) }
        let order = documents.indices.sorted { documents[$0] < documents[$1] }
        var position = 0
        while position < order.count {
            let (segment, local) = locate(documents[order[position]])
            let fields = segments[segment].storedFields
            let first = try fields.record(local)
            // The run of documents after it in the same segment and text block.
            var group: [(slot: Int, offset: Int, length: Int)] = [(order[position], first.offset, first.length)]
            var next = position + 1
            while next < order.count {
                let (nextSegment, nextLocal) = locate(documents[order[next]])
                guard nextSegment == segment else { break }
                let record = try fields.record(nextLocal)
                guard record.block == first.block else { break }
                group.append((order[next], record.offset, record.length))
                next += 1
            }
            // Empty texts need no block (nor their record's block to hold anything).
            let end = group.reduce(0) { $1.length > 0 ? max($0, $1.offset &+ $1.length) : $0 }
            if end > 0 {
                let block = try fields.block(first.block, prefix: end)
                for member in group where member.length > 0 {
                    guard member.offset <= block.count, member.length <= block.count - member.offset else {
                        throw .corrupt(file: fields.path, reason: "a stored document's text lies outside its block")
                    }
                    texts[member.slot] = Array(block[member.offset..<(member.offset + member.length)])
                }
            }
            position = next
        }
        return texts
    }
}

extension IndexReader {
    /// The terms of `field` in global document `document` with how often each occurs in it,
    /// in byte order, read from the forward index of an index without stored text (nil when
    /// the text is stored: analyzing it again gives the same).
    /// - Complexity: one dictionary block decoded per block the document's terms fall in.
    package func termCounts(of document: Int, field: IndexField = .text) throws(IndexError) -> [(term: [UInt8], frequency: Int)]? {
        guard document >= 0, document < maxDocument else { throw .documentOutOfRange(document, count: maxDocument) }
        let (index, local) = locate(document)
        let segment = segments[index]
        guard segment.storedFields.hasForwardIndex else { return nil }
        var terms: [(ordinal: UInt32, frequency: UInt32)] = []
        try segment.storedFields.forwardTerms(local, termCount: segment.termCount, into: &terms)
        let keys = try segment.dictionary.keys(ofOrdinals: terms.map { Int($0.ordinal) })
        var counts: [(term: [UInt8], frequency: Int)] = []
        for (key, term) in zip(keys, terms) where IndexFormat.field(ofKey: key) == field {
            counts.append((field == .title ? Array(key.dropFirst()) : key, Int(term.frequency)))
        }
        return counts
    }
}
