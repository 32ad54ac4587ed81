@_spi(SiftInternal) import SiftIndex
/// Top-k of an OR of terms with MaxScore dynamic pruning (Turtle & Flood 1995), with
/// per-term score bounds from the block metadata.
///
/// Terms are ordered by their largest possible contribution. Once the heap is full, the terms
/// whose bounds together cannot lift a document past the k-th score are "non-essential":
/// only documents of the other terms are candidates, and a candidate's non-essential terms
/// are looked up (skipping blocks by metadata) only while the bound still allows it to enter.
/// A document's final score is the sum of its contributions in clause order — the same Float
/// additions exhaustive scoring makes — so pruning never changes a score, a document or an order.
struct MaxScoreSearch {
    let reader: IndexReader
    let lengthFactors: LengthFactors
    /// Documents to pass over: `Searcher`'s skipped bits (deletions, and what a filter leaves out).
    let skipped: UnsafeMutablePointer<UInt64>?
    /// The same bits when a filter made them (nil otherwise): runs of them are jumped over.
    var filterSkips: UnsafeMutablePointer<UInt64>? = nil

    /// Documents scored (a lower bound of the matches), and whether that count is exact.
    struct Outcome {
        var matched = 0
        var exact = true
        var work = SearchWork()
    }

    /// Scratch one search reuses across segments and queries.
    final class Scratch {
        var buffers: [BlockBuffers] = []
        var contributions: [Float] = []

        func buffers(_ count: Int) -> ArraySlice<BlockBuffers> {
            while buffers.count < count { buffers.append(.allocate()) }
            return buffers[0..<count]
        }

        deinit { for buffer in buffers { buffer.deallocate() } }
    }

    func run(_ terms: [TermWeight], into top: inout TopK, scratch: Scratch) throws(IndexError) -> Outcome {
        var outcome = Outcome()
        if scratch.contributions.count < terms.count {
            scratch.contributions = [Float](repeating: 0, count: terms.count)
        }
        for (segmentIndex, segment) in reader.segments.enumerated() {
            let base = UInt32(reader.segmentBases[segmentIndex])
            let present = terms.indices.filter { terms[$0].entries[segmentIndex] != nil }
            if present.count == 1 {
                // One list: whole blocks whose bound cannot reach the top k are skipped undecoded.
                let term = terms[present[0]]
                try searchSingle(try segment.postings(term.entries[segmentIndex]!), term: term, base: base,
                                 top: &top, buffers: scratch.buffers(1).first!, outcome: &outcome)
                continue
            }
            var states: [TermCursor] = []
            let buffers = scratch.buffers(terms.count)
            for (clause, term) in terms.enumerated() {
                guard let found = term.entries[segmentIndex] else { continue }
                let list = try segment.postings(found)
                let cursor = try PostingsCursor(list, buffers: buffers[buffers.startIndex + states.count])
                states.append(TermCursor(cursor: cursor, clause: clause, bm25: term.bm25,
                                        factors: lengthFactors.factors(term.field, from: Int(base)),
                                        upperBound: upperBound(list, bm25: term.bm25)))
            }
            guard !states.isEmpty else { continue }
            states.sort { $0.upperBound != $1.upperBound ? $0.upperBound < $1.upperBound : $0.clause < $1.clause }
            // prefix[i]: the most terms 0...i together can add.
            var prefix = [Double](repeating: 0, count: states.count)
            var running = 0.0
            for index in states.indices {
                running += states[index].upperBound
                prefix[index] = running * BM25Weight.boundMargin
            }
            try scratch.contributions.withUnsafeMutableBufferPointer { contributions throws(IndexError) in
                try states.withUnsafeMutableBufferPointer { states throws(IndexError) in
                    try search(states, prefix: prefix, base: base, top: &top, contributions: contributions,
                               clauseCount: terms.count, outcome: &outcome)
                }
            }
            for state in states { state.addWork(to: &outcome.work) }
        }
        return outcome
    }

    private func search(_ states: UnsafeMutableBufferPointer<TermCursor>, prefix: [Double], base: UInt32, top: inout TopK,
                        contributions: UnsafeMutableBufferPointer<Float>, clauseCount: Int, outcome: inout Outcome) throws(IndexError) {
        let count = states.count
        // The clauses the current candidate matched, in a plain buffer: no array bookkeeping
        // per candidate.
        let touched = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
        defer { touched.deallocate() }
        var touchedCount = 0
        let deleted = skipped
        var threshold = top.isFull ? Double(top.weakest!.score) : -Double.infinity
        var firstEssential = 0
        while firstEssential < count && prefix[firstEssential] <= threshold { firstEssential += 1 }
        if firstEssential > 0 { outcome.exact = false }
        while firstEssential < count {
            var candidate = PostingsCursor.exhausted
            for index in firstEssential..<count where states[index].cursor.document < candidate {
                candidate = states[index].cursor.document
            }
            if candidate == PostingsCursor.exhausted { break }
            // A candidate the filter leaves out: every essential term goes to the next document
            // it lets through (nothing in between could be returned).
            if let filter = filterSkips, !IndexReader.isLive(base + candidate, filter) {
                let target = FilterSkip.nextPassing(filter, from: base + candidate, end: UInt32(reader.maxDocument)) - base
                for index in firstEssential..<count where states[index].cursor.document < target {
                    try states[index].cursor.advance(to: target)
                }
                continue
            }

            // Block-max check: the essential terms' bounds over the blocks holding the
            // candidate, plus all non-essential terms, may already fall short of the top k —
            // then every document up to the nearest block end (or next posting) can be skipped.
            if threshold > -Double.infinity {
                var bound = firstEssential > 0 ? prefix[firstEssential - 1] : 0
                var upTo = PostingsCursor.exhausted - 1
                for index in firstEssential..<count {
                    let document = states[index].cursor.document
                    if document == candidate {
                        bound += states[index].currentBlockBound()
                        upTo = min(upTo, states[index].cursor.list.metadata(states[index].cursor.block).lastDocument)
                    } else {
                        upTo = min(upTo, document - 1)
                    }
                }
                if bound <= threshold {
                    outcome.exact = false
                    for index in firstEssential..<count where states[index].cursor.document <= upTo {
                        try states[index].cursor.advance(to: upTo + 1)
                    }
                    continue
                }
            }

            var partial = 0.0
            for index in firstEssential..<count where states[index].cursor.document == candidate {
                let contribution = states[index].contribution()
                contributions[states[index].clause] = contribution
                touched[touchedCount] = states[index].clause
                touchedCount += 1
                partial += Double(contribution)
                try states[index].cursor.next()
            }
            var pruned = false
            var index = firstEssential - 1
            while index >= 0 {
                if partial * BM25Weight.boundMargin + prefix[index] <= threshold {
                    pruned = true
                    break
                }
                try states[index].cursor.advance(to: candidate)
                if states[index].cursor.document == candidate {
                    let contribution = states[index].contribution()
                    contributions[states[index].clause] = contribution
                    touched[touchedCount] = states[index].clause
                    touchedCount += 1
                    partial += Double(contribution)
                }
                index -= 1
            }
            if pruned {
                outcome.exact = false
            } else {
                outcome.matched += 1
                // The exact score: contributions added in clause order, as exhaustive scoring does.
                var score: Float = 0
                // (Only matched clauses: adding the others' zeros would not change the sum.)
                // Clause order (insertion sort: a handful of clauses).
                for index in 1..<max(touchedCount, 1) {
                    let clause = touched[index]
                    var slot = index
                    while slot > 0 && touched[slot - 1] > clause {
                        touched[slot] = touched[slot - 1]
                        slot -= 1
                    }
                    touched[slot] = clause
                }
                for index in 0..<touchedCount { score += contributions[touched[index]] }
                let scored = ScoredDocument(score: score, document: base + candidate)
                if !IndexReader.isLive(scored.document, deleted) {
                    outcome.matched -= 1
                } else if !top.isFull || scored.ranksBefore(top.weakest!) {
                    top.insert(scored)
                }
                if top.isFull && Double(top.weakest!.score) > threshold {
                    threshold = Double(top.weakest!.score)
                    while firstEssential < count && prefix[firstEssential] <= threshold {
                        firstEssential += 1
                        outcome.exact = false
                    }
                }
            }
            for index in 0..<touchedCount { contributions[touched[index]] = 0 }
            touchedCount = 0
        }
    }

    /// Top-k over a single term's list, a block at a time: a block is decoded only when its
    /// bound (from its impacts) can still beat the k-th score. Scores are the
    /// exhaustive path's exactly: one contribution added to 0.
    private func searchSingle(_ list: PostingsList, term: TermWeight, base: UInt32, top: inout TopK,
                              buffers: BlockBuffers, outcome: inout Outcome) throws(IndexError) {
        let factors = lengthFactors.factors(term.field, from: Int(base))
        let documents = buffers.documents
        let frequencies = buffers.frequencies
        let deleted = skipped
        outcome.work.blocks += list.blockCount
        outcome.work.postings += list.documentFrequency
        for block in 0..<list.blockCount {
            // A block none of whose documents the filter lets through is not even decoded.
            if let filter = filterSkips {
                let first = base + (block == 0 ? 0 : list.metadata(block - 1).lastDocument + 1)
                let end = base + list.metadata(block).lastDocument + 1
                if FilterSkip.nextPassing(filter, from: first, end: end) == end { continue }
            }
            if top.isFull {
                if term.bm25.bound(list.impacts(ofBlock: block)) <= Double(top.weakest!.score) {
                    outcome.exact = false
                    continue
                }
            }
            let count = try list.decode(block: block, documents: documents, frequencies: frequencies)
            outcome.work.blocksDecoded += 1
            outcome.work.postingsDecoded += count
            for slot in 0..<count {
                // 0 + contribution: the sum exhaustive scoring makes for a document of one term.
                let zero: Float = 0
                let score = zero + term.bm25.score(frequency: Float(frequencies[slot]), lengthFactor: factors[Int(documents[slot])])
                let scored = ScoredDocument(score: score, document: base + documents[slot])
                if !IndexReader.isLive(scored.document, deleted) {
                    continue
                }
                outcome.matched += 1
                if !top.isFull || scored.ranksBefore(top.weakest!) { top.insert(scored) }
            }
        }
    }

    /// The largest contribution any document of the list can get: the bound of the list's
    /// impacts (the pairs that no posting of the list beats).
    private func upperBound(_ list: PostingsList, bm25: BM25Weight) -> Double {
        bm25.bound(list.listImpacts())
    }
}
