@_spi(SiftInternal) import SiftIndex

/// BM25 of a phrase: documents holding every term, then positions checked; the phrase
/// frequency plays tf and the terms' summed idf plays idf.
final class PhraseScorer: Scorer {
    private var cursors: [PostingsCursor]
    let phrase: PhraseWeight
    private let factors: UnsafePointer<Float>
    private var positions: [[UInt32]]
    /// Phrase frequency of the current document.
    private(set) var frequency = 0
    /// Documents that cannot score above this are skipped without reading their positions
    /// (−∞ scores every match).
    private var threshold = -Float.infinity
    private var skippedMatches = false

    private let buffers: [BlockBuffers]

    init(lists: [PostingsList], phrase: PhraseWeight, factors: UnsafePointer<Float>) throws(IndexError) {
        let buffers = lists.map { _ in BlockBuffers.allocate() }
        var cursors: [PostingsCursor] = []
        for (list, buffer) in zip(lists, buffers) {
            do {
                cursors.append(try PostingsCursor(list, buffers: buffer))
            } catch {
                for buffer in buffers { buffer.deallocate() }
                throw error
            }
        }
        self.buffers = buffers
        self.cursors = cursors
        self.phrase = phrase
        self.factors = factors
        positions = Array(repeating: [], count: lists.count)
        super.init()
        try settle()
    }

    deinit { for buffer in buffers { buffer.deallocate() } }

    override func next() throws(IndexError) {
        try cursors[0].next()
        try settle()
    }

    override func advance(to target: UInt32) throws(IndexError) {
        guard target > document else { return }
        try cursors[0].advance(to: target)
        try settle()
    }

    /// From cursor 0's document on, finds the first document where all terms meet and the
    /// positions make the phrase.
    private func settle() throws(IndexError) {
        var candidate = cursors[0].document
        while candidate != PostingsCursor.exhausted {
            var agreed = true
            for index in cursors.indices {
                try cursors[index].advance(to: candidate)
                let found = cursors[index].document
                if found != candidate {
                    candidate = found
                    agreed = false
                    break
                }
            }
            if !agreed {
                if candidate == PostingsCursor.exhausted { break }
                try cursors[0].advance(to: candidate)
                candidate = cursors[0].document
                continue
            }
            if threshold > -Float.infinity {
                // An exact phrase cannot occur more often than its rarest word in this document;
                // a sloppy one no more often than its first word (matches may share the others).
                var bound = cursors[0].frequency
                if phrase.slop == 0 {
                    for index in cursors.indices { bound = min(bound, cursors[index].frequency) }
                }
                if phrase.bm25.bound(maxFrequency: Double(bound), lengthFactor: Double(factors[Int(candidate)])) <= Double(threshold) {
                    skippedMatches = true
                    try cursors[0].next()
                    candidate = cursors[0].document
                    continue
                }
            }
            for index in cursors.indices { try cursors[index].readPositions(into: &positions[index]) }
            frequency = PhraseMatcher.anchors(positions: positions, offsets: phrase.offsets, slop: phrase.slop).count
            if frequency > 0 {
                document = candidate
                return
            }
            try cursors[0].next()
            candidate = cursors[0].document
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
