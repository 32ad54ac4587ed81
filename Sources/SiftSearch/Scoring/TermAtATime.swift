@_spi(SiftInternal) import SiftIndex

/// Exhaustive scoring of an OR of terms, a term at a time: every posting's contribution is
/// added into a score per document, in clause order, then the best k are kept.
///
/// Used when every match must be counted or scored (`exhaustive`, `countTotalHits`), and for
/// ORs of many terms (prefix expansions), where MaxScore's per-candidate loops over the terms
/// cost more than scoring every posting. Its scores are exactly MaxScore's: the same
/// contributions added in the same order.
///
/// A block is scored in three tight passes over plain buffers: gather the documents' length
/// factors, compute the 128 contributions (no dependence between lanes, so the compiler uses
/// vector divides), then add them into the accumulators and mark the documents in a bitset.
/// Collecting walks the bitset, so it costs the matches plus one word per 64 documents.
struct TermAtATimeSearch {
    let reader: IndexReader
    let lengthFactors: LengthFactors
    /// Documents to pass over: `Searcher`'s skipped bits (deletions, and what a filter leaves out).
    let skipped: UnsafeMutablePointer<UInt64>?

    /// Reusable accumulators: a score per document and a bit per document touched by the
    /// current search (both zero between searches), and one block's decoding buffers.
    final class Scratch {
        /// Sized on first use: a searcher that never scores term-at-a-time allocates nothing.
        private(set) var capacity = 0
        private(set) var scores = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        private(set) var touched = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        let documents = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
        let factors = UnsafeMutablePointer<Float>.allocate(capacity: IndexFormat.blockSize)
        let contributions = UnsafeMutablePointer<Float>.allocate(capacity: IndexFormat.blockSize)

        func reserve(_ documentCount: Int) {
            guard documentCount > capacity else { return }
            scores.deallocate()
            touched.deallocate()
            capacity = documentCount
            scores = .allocate(capacity: documentCount)
            scores.initialize(repeating: 0, count: documentCount)
            touched = .allocate(capacity: Self.words(documentCount))
            touched.initialize(repeating: 0, count: Self.words(documentCount))
        }

        static func words(_ documentCount: Int) -> Int { (documentCount + 63) / 64 }

        deinit {
            scores.deallocate()
            touched.deallocate()
            documents.deallocate()
            frequencies.deallocate()
            factors.deallocate()
            contributions.deallocate()
        }
    }

    /// Scores `terms` into `top`; returns the number of live matching documents and the work done.
    func run(_ terms: [TermWeight], into top: inout TopK, scratch: Scratch) throws(IndexError) -> (matched: Int, work: SearchWork) {
        var work = SearchWork()
        guard !terms.isEmpty else { return (0, work) }
        scratch.reserve(reader.maxDocument)
        // The touched documents lie in words low..<high of the bitset: collecting scans only
        // those, so a query of rare terms does not pay a word per 64 documents of the index.
        var low = Int.max
        var high = 0
        do {
            try accumulate(terms, scratch: scratch, work: &work, low: &low, high: &high)
        } catch {
            clear(scratch)
            throw error
        }
        var matched = 0
        let deleted = skipped
        let scores = scratch.scores
        let touched = scratch.touched
        // Documents come in ascending order, so a candidate that ties the weakest kept ranks
        // after it: once the heap is full, only a higher score can enter.
        var full = top.isFull
        var threshold = full ? top.weakest!.score : 0
        for word in min(low, high)..<high where touched[word] != 0 {
            var bits = touched[word]
            touched[word] = 0
            while bits != 0 {
                let document = UInt32(word << 6 | bits.trailingZeroBitCount)
                bits &= bits &- 1
                let score = scores[Int(document)]
                scores[Int(document)] = 0
                guard IndexReader.isLive(document, deleted) else { continue }
                matched += 1
                if !full || score > threshold {
                    top.insert(ScoredDocument(score: score, document: document))
                    if top.isFull {
                        full = true
                        threshold = top.weakest!.score
                    }
                }
            }
        }
        return (matched, work)
    }

    /// Zeroes what a failed search left in the accumulators.
    private func clear(_ scratch: Scratch) {
        scratch.scores.update(repeating: 0, count: reader.maxDocument)
        scratch.touched.update(repeating: 0, count: Scratch.words(reader.maxDocument))
    }

    private func accumulate(_ terms: [TermWeight], scratch: Scratch, work: inout SearchWork, low: inout Int, high: inout Int) throws(IndexError) {
        let documents = scratch.documents
        let frequencies = scratch.frequencies
        let gathered = scratch.factors
        let contributions = scratch.contributions
        let scores = scratch.scores
        let touched = scratch.touched
        for term in terms {
            let bm25 = term.bm25
            for (index, segment) in reader.segments.enumerated() {
                guard let found = term.entries[index] else { continue }
                let list = try segment.postings(found)
                let base = reader.segmentBases[index]
                let factors = lengthFactors.factors(term.field, from: base)
                let segmentScores = scores + base
                work.blocks += list.blockCount
                work.postings += list.documentFrequency
                work.blocksDecoded += list.blockCount
                work.postingsDecoded += list.documentFrequency
                for block in 0..<list.blockCount {
                    let count = try list.decode(block: block, documents: documents, frequencies: frequencies)
                    if block == 0 { low = min(low, (base + Int(documents[0])) >> 6) }
                    // Documents ascend to the last block's last document.
                    if block == list.blockCount - 1 { high = max(high, (base + Int(documents[count - 1])) >> 6 + 1) }
                    for slot in 0..<count { gathered[slot] = factors[Int(documents[slot])] }
                    for slot in 0..<count {
                        contributions[slot] = bm25.score(frequency: Float(frequencies[slot]), lengthFactor: gathered[slot])
                    }
                    for slot in 0..<count {
                        let local = Int(documents[slot])
                        segmentScores[local] += contributions[slot]
                        let document = base + local
                        touched[document >> 6] |= 1 &<< UInt64(document & 63)
                    }
                }
            }
        }
    }
}
