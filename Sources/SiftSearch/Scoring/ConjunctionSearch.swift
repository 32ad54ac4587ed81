@_spi(SiftInternal) import SiftIndex

/// Top-k of an AND of terms (`+a +b`, `--mode all`) with block-max pruning (Lucene's
/// block-max conjunction): the rarest term leads, the others leapfrog to its documents with
/// skipping by block metadata, and once k hits are held, a run of documents is skipped
/// undecoded whenever the terms' bounds over the blocks that hold it — read from the metadata
/// alone — cannot lift a document past the k-th score.
///
/// Cursors are structs in one contiguous buffer; the loop makes no dynamic call and touches
/// no reference count. A document's score is the sum of its terms' contributions in clause
/// order from 0, the additions `BooleanScorer` makes, so the answer is bit-identical to the
/// exhaustive path's.
struct ConjunctionSearch {
    let reader: IndexReader
    let lengthFactors: LengthFactors
    /// Documents to pass over: `Searcher`'s skipped bits (deletions, and what a filter leaves out).
    let skipped: UnsafeMutablePointer<UInt64>?
    /// The same bits when a filter made them (nil otherwise): runs of them are jumped over.
    var filterSkips: UnsafeMutablePointer<UInt64>? = nil

    /// The required terms of `query` when it is a plain AND of two or more terms.
    static func requiredTerms(_ query: CompiledQuery) -> [TermWeight]? {
        guard case .boolean(let clauses) = query, clauses.count >= 2 else { return nil }
        var terms: [TermWeight] = []
        for clause in clauses {
            guard clause.occur == .must, case .term(let weight) = clause.query else { return nil }
            terms.append(weight)
        }
        return terms
    }

    func run(_ terms: [TermWeight], into top: inout TopK, scratch: MaxScoreSearch.Scratch) throws(IndexError) -> MaxScoreSearch.Outcome {
        var outcome = MaxScoreSearch.Outcome()
        if scratch.contributions.count < terms.count {
            scratch.contributions = [Float](repeating: 0, count: terms.count)
        }
        segments: for (segmentIndex, segment) in reader.segments.enumerated() {
            let base = reader.segmentBases[segmentIndex]
            var states: [TermCursor] = []
            states.reserveCapacity(terms.count)
            let buffers = scratch.buffers(terms.count)
            for (clause, term) in terms.enumerated() {
                guard let found = term.entries[segmentIndex] else { continue segments }
                let cursor = try PostingsCursor(try segment.postings(found), buffers: buffers[buffers.startIndex + clause])
                states.append(TermCursor(cursor: cursor, clause: clause, bm25: term.bm25,
                                        factors: lengthFactors.factors(term.field, from: base)))
            }
            // The rarest term leads: it proposes the fewest candidates.
            states.sort { ($0.cursor.list.documentFrequency, $0.clause) < ($1.cursor.list.documentFrequency, $1.clause) }
            try scratch.contributions.withUnsafeMutableBufferPointer { contributions throws(IndexError) in
                try states.withUnsafeMutableBufferPointer { states throws(IndexError) in
                    try search(states, base: UInt32(base), top: &top, contributions: contributions, outcome: &outcome)
                }
            }
            for state in states { state.addWork(to: &outcome.work) }
        }
        return outcome
    }

    private func search(_ states: UnsafeMutableBufferPointer<TermCursor>, base: UInt32, top: inout TopK,
                        contributions: UnsafeMutableBufferPointer<Float>, outcome: inout MaxScoreSearch.Outcome) throws(IndexError) {
        let count = states.count
        let deleted = skipped
        var threshold = top.isFull ? Double(top.weakest!.score) : -Double.infinity
        var candidate = states[0].cursor.document
        // The blocks holding documents up to `passUpTo` passed the block check at threshold
        // `passThreshold`: candidates there need not be checked again until it rises.
        var passUpTo: UInt32 = 0
        var passThreshold = -Double.infinity
        search: while candidate != PostingsCursor.exhausted {
            // A candidate the filter leaves out: the lead goes to the next document it lets through.
            if let filter = filterSkips, !IndexReader.isLive(base + candidate, filter) {
                try states[0].cursor.advance(to: FilterSkip.nextPassing(filter, from: base + candidate, end: UInt32(reader.maxDocument)) - base)
                candidate = states[0].cursor.document
                continue
            }
            if threshold > -Double.infinity && !(candidate <= passUpTo && threshold == passThreshold) {
                // Block-max: the bound of every term over the block that would hold the
                // candidate, and the first document where any of those blocks ends.
                var bound = 0.0
                var upTo = PostingsCursor.exhausted - 1
                for index in 0..<count {
                    let list = states[index].cursor.list
                    let block = states[index].shallowBlock(reaching: candidate)
                    if block == list.blockCount { break search }  // a term has no document left
                    bound += states[index].bound(ofBlock: block)
                    upTo = min(upTo, list.metadata(block).lastDocument)
                }
                if bound * BM25Weight.boundMargin <= threshold {
                    outcome.exact = false
                    try states[0].cursor.advance(to: upTo + 1)
                    candidate = states[0].cursor.document
                    continue
                }
                passUpTo = upTo
                passThreshold = threshold
            }
            // Leapfrog: every other term must have the candidate.
            var index = 1
            while index < count {
                try states[index].cursor.advance(to: candidate)
                let found = states[index].cursor.document
                if found != candidate {
                    if found == PostingsCursor.exhausted { break search }
                    try states[0].cursor.advance(to: found)
                    candidate = states[0].cursor.document
                    continue search
                }
                index += 1
            }
            let document = base + candidate
            if IndexReader.isLive(document, deleted) {
                outcome.matched += 1
                for index in 0..<count { contributions[states[index].clause] = states[index].contribution() }
                // Clause order from 0, as the scorer tree adds them.
                var score: Float = 0
                for clause in 0..<count { score += contributions[clause] }
                let scored = ScoredDocument(score: score, document: document)
                if !top.isFull || scored.ranksBefore(top.weakest!) {
                    top.insert(scored)
                    if top.isFull { threshold = Double(top.weakest!.score) }
                }
            }
            try states[0].cursor.next()
            candidate = states[0].cursor.document
        }
    }
}
