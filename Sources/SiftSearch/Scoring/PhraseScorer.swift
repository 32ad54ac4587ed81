@_spi(SiftInternal) import SiftIndex

/// BM25 of a phrase: documents holding every term, then positions checked; the phrase
/// frequency plays tf and the terms' summed idf plays idf.
///
/// Documents are intersected first, the rarest term leading, and positions are read only for
/// documents that hold every term and — once a threshold is set — whose bound can still
/// enter the top k: a run of documents whose blocks' bounds (read from their impacts alone)
/// fall short is skipped undecoded, then each remaining document is bounded by its terms'
/// frequencies. Cursors and position buffers live in plain buffers, so the loop makes no
/// exclusivity check and no array bookkeeping per document.
final class PhraseScorer: Scorer {
    private let termCount: Int
    private let cursors: UnsafeMutablePointer<PostingsCursor>
    private let positions: UnsafeMutablePointer<PositionBuffer>
    private let offsets: UnsafeMutablePointer<Int>
    /// Per term, the block the last shallow advance reached (it only moves forward).
    private let shallowBlocks: UnsafeMutablePointer<Int>
    /// The term with the fewest documents, which proposes candidates.
    private let lead: Int
    let phrase: PhraseWeight
    private let factors: LengthFactorTable
    /// Phrase frequency of the current document.
    private(set) var frequency = 0
    /// Documents that cannot score above this are skipped without reading their positions
    /// (−∞ scores every match).
    private var threshold = -Float.infinity
    private var skippedMatches = false
    /// The blocks holding documents up to `blocksPassUpTo` passed the block check at threshold
    /// `blocksPassThreshold`: candidates there need not be checked again until it rises.
    private var blocksPassUpTo: UInt32 = 0
    private var blocksPassThreshold = -Float.infinity

    private let buffers: [BlockBuffers]

    init(lists: [PostingsList], phrase: PhraseWeight, factors: LengthFactorTable) throws(IndexError) {
        let buffers = lists.map { _ in BlockBuffers.allocate() }
        var made: [PostingsCursor] = []
        for (list, buffer) in zip(lists, buffers) {
            do {
                made.append(try PostingsCursor(list, buffers: buffer))
            } catch {
                for buffer in buffers { buffer.deallocate() }
                throw error
            }
        }
        termCount = lists.count
        cursors = .allocate(capacity: lists.count)
        cursors.initialize(from: made, count: made.count)
        positions = .allocate(capacity: lists.count)
        for index in 0..<lists.count { (positions + index).initialize(to: PositionBuffer()) }
        offsets = .allocate(capacity: lists.count)
        offsets.initialize(from: phrase.offsets, count: lists.count)
        shallowBlocks = .allocate(capacity: lists.count)
        shallowBlocks.initialize(repeating: 0, count: lists.count)
        lead = lists.indices.min { (lists[$0].documentFrequency, $0) < (lists[$1].documentFrequency, $1) } ?? 0
        self.buffers = buffers
        self.phrase = phrase
        self.factors = factors
        super.init()
        try settle()
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        for index in 0..<termCount { positions[index].deallocate() }
        cursors.deinitialize(count: termCount)
        cursors.deallocate()
        positions.deinitialize(count: termCount)
        positions.deallocate()
        offsets.deallocate()
        shallowBlocks.deallocate()
    }

    override func next() throws(IndexError) {
        try cursors[lead].next()
        try settle()
    }

    override func advance(to target: UInt32) throws(IndexError) {
        guard target > document else { return }
        try cursors[lead].advance(to: target)
        try settle()
    }

    /// From the lead's document on, finds the first document where all terms meet and the
    /// positions make the phrase.
    private func settle() throws(IndexError) {
        var candidate = cursors[lead].document
        search: while candidate != PostingsCursor.exhausted {
            if threshold > -Float.infinity && !(candidate <= blocksPassUpTo && threshold == blocksPassThreshold) {
                // Block-max: over the blocks that would hold the candidate, a phrase occurs at
                // most as often as the least frequent term's largest frequency (a sloppy one
                // as often as its first term's), in a document at least as long as the
                // longest of the blocks' shortest documents.
                // Each term's impacts bound the phrase too (the phrase occurs at most as often
                // as that term, in the same document), and the tightest of those is taken.
                var maxFrequency = UInt32.max
                var minLength: UInt32 = 0
                var upTo = PostingsCursor.exhausted - 1
                var tightest = Double.infinity
                for index in 0..<termCount {
                    let list = cursors[index].list
                    let block = list.block(from: max(shallowBlocks[index], cursors[index].block), reaching: candidate)
                    shallowBlocks[index] = block
                    if block == list.blockCount { break search }  // a term has no document left
                    var impacts = list.impacts(ofBlock: block)
                    if phrase.slop == 0 || index == 0 {
                        tightest = min(tightest, phrase.bm25.bound(impacts))
                    }
                    let extremes = impacts.extremes()
                    if phrase.slop == 0 || index == 0 { maxFrequency = min(maxFrequency, extremes.maxFrequency) }
                    minLength = max(minLength, extremes.minLength)
                    upTo = min(upTo, list.lastDocument(ofBlock: block))
                }
                if min(tightest, phrase.bm25.bound(maxFrequency: maxFrequency, minLength: minLength)) <= Double(threshold) {
                    skippedMatches = true
                    try cursors[lead].advance(to: upTo + 1)
                    candidate = cursors[lead].document
                    continue
                }
                blocksPassUpTo = upTo
                blocksPassThreshold = threshold
            }
            for index in 0..<termCount where index != lead {
                try cursors[index].advance(to: candidate)
                let found = cursors[index].document
                if found != candidate {
                    if found == PostingsCursor.exhausted { break search }
                    try cursors[lead].advance(to: found)
                    candidate = cursors[lead].document
                    continue search
                }
            }
            if threshold > -Float.infinity {
                // An exact phrase cannot occur more often than its rarest word in this document;
                // a sloppy one no more often than its first word (matches may share the others).
                var bound = cursors[0].frequency
                if phrase.slop == 0 {
                    for index in 0..<termCount { bound = min(bound, cursors[index].frequency) }
                }
                if phrase.bm25.bound(maxFrequency: Double(bound), lengthFactor: Double(factors[Int(candidate)])) <= Double(threshold) {
                    skippedMatches = true
                    try cursors[lead].next()
                    candidate = cursors[lead].document
                    continue
                }
            }
            for index in 0..<termCount { try cursors[index].readPositions(into: &positions[index]) }
            frequency = PhraseMatcher.count(positions: positions, offsets: offsets, terms: termCount, slop: phrase.slop)
            if frequency > 0 {
                document = candidate
                return
            }
            try cursors[lead].next()
            candidate = cursors[lead].document
        }
        document = PostingsCursor.exhausted
    }

    override func setMinimumCompetitiveScore(_ score: Float) {
        threshold = score
    }

    override var mayHaveSkippedMatches: Bool { skippedMatches }

    override func score() -> Float {
        phrase.bm25.score(frequency: Float(frequency), lengthFactor: factors[Int(document)])
    }

    override func explain(_ context: ExplainContext) -> Explanation {
        var explanation = Explanation.leaf(kind: .phrase, text: phrase.text, field: phrase.field, frequency: frequency,
                                           documentFrequency: nil, idf: phrase.bm25.idf, boost: phrase.bm25.boost,
                                           length: Int(context.segment.length(of: Int(document), field: phrase.field)),
                                           context: context, value: score())
        explanation.slop = phrase.slop
        return explanation
    }
}
