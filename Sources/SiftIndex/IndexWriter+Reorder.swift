@_spi(SiftInternal) import SiftStorage

extension IndexWriter {
    /// Asks the next commit to merge the whole index into one segment without deletions and
    /// to renumber its documents by recursive graph bisection (`GraphBisection`): documents
    /// that share terms get nearby numbers, so postings take fewer bytes and more blocks are
    /// skipped. Scores do not change; only the order of hits with exactly equal scores may.
    /// The same index gives the same bytes, whatever `jobs`. Throws at the commit
    /// (`IndexError.reorderNeedsMemory`) if the bisection would not fit the memory budget.
    public func forceMerge(reorderingDocuments: Bool) {
        forceMerge()
        reorderDocuments = reorderingDocuments
    }

    /// Rewrites the segment at `index` (without deletions) in the order graph bisection gives,
    /// and moves the source table's files with their documents.
    func reorder(_ index: Int) throws(IndexError) {
        let reader = segments[index].reader
        precondition(segments[index].deletions == nil, "a segment is reordered after its deletions are merged away")
        let forward = try Self.forwardIndex(of: reader, minimumDocumentFrequency: GraphBisection.Parameters().minimumDocumentFrequency,
                                            jobs: jobs, budget: memoryBudget, path: path)
        let order = GraphBisection.order(forward, jobs: jobs)
        var permutation = [UInt32](repeating: 0, count: order.count)
        for (new, old) in order.enumerated() { permutation[Int(old)] = UInt32(new) }
        let (written, maps) = try SegmentMerger.merge([reader], permutation: permutation, directory: path,
                                                      avoiding: Set(segments.map(\.entry.name)).union(committedSegmentNames),
                                                      storage: storage)
        for (name, _) in written.files { uncommittedFiles.insert(name) }
        let newReader = try SegmentReader(directory: path, entry: written.entry, verifyChecksums: false)
        if let current = sources {
            var updated = current
            for (key, file) in current where file.segment == index && file.documentCount > 0 {
                var moved = file
                moved.setDocuments(file.documents.map { Int(maps[0][$0]) }.sorted())
                updated[key] = moved
            }
            sources = updated
        }
        segments[index] = LiveSegment(entry: written.entry, reader: newReader)
    }

    /// The text field's terms of every document of `reader`, for the bisection: terms in at
    /// least `minimumDocumentFrequency` documents, numbered in dictionary order.
    /// - Throws: `IndexError.reorderNeedsMemory` when the bisection's tables would pass `budget`.
    static func forwardIndex(of reader: SegmentReader, minimumDocumentFrequency: Int, jobs: Int, budget: Int,
                             path: String) throws(IndexError) -> GraphBisection.ForwardIndex {
        let documentCount = reader.documentCount
        // First the dictionary alone: which terms, how many entries, so the memory is known
        // before anything is allocated.
        var selected: [TermEntry] = []
        var entryCount = 0
        var terms = try reader.terms()
        while let (key, entry) = try terms.next() {
            guard IndexFormat.field(ofKey: key) == .text, Int(entry.documentFrequency) >= minimumDocumentFrequency else { continue }
            selected.append(entry)
            entryCount += Int(entry.documentFrequency)
        }
        let needed = GraphBisection.ForwardIndex.bytesNeeded(documents: documentCount, postings: entryCount, terms: selected.count,
                                                             jobs: jobs) + selected.count * MemoryLayout<TermEntry>.stride
        guard needed <= budget else { throw .reorderNeedsMemory(path: path, needed: needed, budget: budget) }

        var starts = [Int](repeating: 0, count: documentCount + 1)
        let documents = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
        defer {
            documents.deallocate()
            frequencies.deallocate()
        }
        // Two passes over the postings: count each document's terms, then place them (in term
        // order, so each document's list comes out ascending).
        for entry in selected {
            let list = try reader.postings(entry)
            for block in 0..<list.blockCount {
                let count = try list.decode(block: block, documents: documents, frequencies: frequencies)
                for slot in 0..<count {
                    guard Int(documents[slot]) < documentCount else {
                        throw .corrupt(file: reader.postingsFile.path, reason: "a posting names document \(documents[slot]) of \(documentCount)")
                    }
                    starts[Int(documents[slot]) + 1] += 1
                }
            }
        }
        for document in 0..<documentCount { starts[document + 1] += starts[document] }
        var fill = starts
        var termsOfDocuments = [UInt32](repeating: 0, count: entryCount)
        for (term, entry) in selected.enumerated() {
            let list = try reader.postings(entry)
            for block in 0..<list.blockCount {
                let count = try list.decode(block: block, documents: documents, frequencies: frequencies)
                for slot in 0..<count {
                    let document = Int(documents[slot])
                    termsOfDocuments[fill[document]] = UInt32(term)
                    fill[document] += 1
                }
            }
        }
        return GraphBisection.ForwardIndex(starts: starts, terms: termsOfDocuments, termCount: selected.count)
    }
}
