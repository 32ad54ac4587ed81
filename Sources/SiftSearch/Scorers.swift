@_spi(SiftInternal) import SiftIndex
/// Iterates the matching documents of one segment in ascending order and scores them.
///
/// A scorer is positioned on its first match when made; `document` is
/// `PostingsCursor.exhausted` past the last. Subclasses are final, so the cost is one
/// dynamic dispatch per call; the flat OR-of-terms case, where speed matters most, has its
/// own loop in `Searcher`.
class Scorer {
    /// The current document (segment-local), or `PostingsCursor.exhausted`.
    final var document: UInt32 = 0

    /// Moves to the next matching document.
    func next() throws(IndexError) { preconditionFailure("abstract") }
    /// Moves to the first matching document ≥ `target` (no move when already there).
    func advance(to target: UInt32) throws(IndexError) { preconditionFailure("abstract") }
    /// The current document's score.
    func score() -> Float { preconditionFailure("abstract") }
    /// The current document's score, broken down.
    func explain(_ context: ExplainContext) -> Explanation { preconditionFailure("abstract") }

    /// Tells the scorer that documents scoring at most `score` can no longer enter the top k
    /// (Lucene's minimum competitive score). A scorer may then skip them; by default it ignores
    /// the hint, so only scorers that can bound a document cheaply take it up.
    func setMinimumCompetitiveScore(_ score: Float) {}

    /// Whether a match may have been skipped after `setMinimumCompetitiveScore`, so that a
    /// count of matches is only a lower bound.
    var mayHaveSkippedMatches: Bool { false }
}

/// What an explanation needs beyond the scorer: the collection statistics and BM25's k1, b.
struct ExplainContext {
    var documentCount: Int
    var averageLength: [IndexField: Double]
    var parameters: BM25Parameters
    var segment: SegmentReader
}

/// BM25 of one term over one segment's postings.
final class TermScorer: Scorer {
    private var cursor: PostingsCursor
    let term: TermWeight
    private let factors: UnsafePointer<Float>
    private let buffers: BlockBuffers

    init(list: PostingsList, term: TermWeight, factors: UnsafePointer<Float>) throws(IndexError) {
        let buffers = BlockBuffers.allocate()
        do {
            cursor = try PostingsCursor(list, buffers: buffers)
        } catch {
            buffers.deallocate()
            throw error
        }
        self.buffers = buffers
        self.term = term
        self.factors = factors
        super.init()
        document = cursor.document
    }

    deinit { buffers.deallocate() }

    override func next() throws(IndexError) {
        try cursor.next()
        document = cursor.document
    }

    override func advance(to target: UInt32) throws(IndexError) {
        try cursor.advance(to: target)
        document = cursor.document
    }

    /// `weight · tf / (tf + k1·(1 − b + b·len/avgLen))`, with `weight = boost · idf · (k1 + 1)`.
    override func score() -> Float {
        let frequency = Float(cursor.frequency)
        return term.weight * frequency / (frequency + factors[Int(document)])
    }

    override func explain(_ context: ExplainContext) -> Explanation {
        Explanation.leaf(kind: .term, text: term.term, field: term.field, frequency: Int(cursor.frequency),
                         documentFrequency: term.documentFrequency, idf: term.idf, boost: term.boost,
                         length: Int(context.segment.length(of: Int(document), field: term.field)),
                         context: context, value: score())
    }
}

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
                let most = Float(bound)
                if phrase.weight * most / (most + factors[Int(candidate)]) * (1 + 1e-5) <= threshold {
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
        let tf = Float(frequency)
        return phrase.weight * tf / (tf + factors[Int(document)])
    }

    override func explain(_ context: ExplainContext) -> Explanation {
        var explanation = Explanation.leaf(kind: .phrase, text: phrase.text, field: phrase.field, frequency: frequency,
                                           documentFrequency: nil, idf: phrase.idf, boost: phrase.boost,
                                           length: Int(context.segment.length(of: Int(document), field: phrase.field)),
                                           context: context, value: score())
        explanation.slop = phrase.slop
        return explanation
    }
}

/// Lucene's boolean semantics: every `must` clause, no `mustNot` clause, and (without
/// `must` clauses) at least one `should` clause; the score is the sum of the matching
/// scoring clauses, added in clause order.
final class BooleanScorer: Scorer {
    private let clauses: [Scorer]
    private let occurs: [Occur]
    private let required: [Int]
    private let optional: [Int]
    private let excluded: [Int]

    /// `clauses` must hold at least one `must` or `should` clause.
    init(clauses: [Scorer], occurs: [Occur]) throws(IndexError) {
        self.clauses = clauses
        self.occurs = occurs
        required = occurs.indices.filter { occurs[$0] == .must }
        optional = occurs.indices.filter { occurs[$0] == .should }
        excluded = occurs.indices.filter { occurs[$0] == .mustNot }
        super.init()
        try settle(from: 0)
    }

    override func next() throws(IndexError) {
        guard document != PostingsCursor.exhausted else { return }
        try settle(from: document + 1)
    }

    override func advance(to target: UInt32) throws(IndexError) {
        guard target > document else { return }
        try settle(from: target)
    }

    private func settle(from target: UInt32) throws(IndexError) {
        var candidate = target
        search: while true {
            if !required.isEmpty {
                // Leapfrog: every required clause must land on the same document.
                var index = 0
                while index < required.count {
                    let clause = clauses[required[index]]
                    if clause.document < candidate { try clause.advance(to: candidate) }
                    if clause.document == PostingsCursor.exhausted { break search }
                    if clause.document > candidate {
                        candidate = clause.document
                        index = 0
                        continue
                    }
                    index += 1
                }
            } else {
                var lowest = PostingsCursor.exhausted
                for index in optional {
                    let clause = clauses[index]
                    if clause.document < candidate { try clause.advance(to: candidate) }
                    lowest = min(lowest, clause.document)
                }
                if lowest == PostingsCursor.exhausted { break search }
                candidate = lowest
            }
            for index in excluded {
                let clause = clauses[index]
                if clause.document < candidate { try clause.advance(to: candidate) }
                if clause.document == candidate {
                    candidate += 1
                    continue search
                }
            }
            if !required.isEmpty {
                for index in optional where clauses[index].document < candidate {
                    try clauses[index].advance(to: candidate)
                }
            }
            document = candidate
            return
        }
        document = PostingsCursor.exhausted
    }

    override func score() -> Float {
        var total: Float = 0
        for (index, clause) in clauses.enumerated() where occurs[index] != .mustNot && clause.document == document {
            total += clause.score()
        }
        return total
    }

    override func explain(_ context: ExplainContext) -> Explanation {
        var details: [Explanation] = []
        for (index, clause) in clauses.enumerated() where occurs[index] != .mustNot && clause.document == document {
            details.append(clause.explain(context))
        }
        return Explanation(kind: .sum, value: score(), details: details)
    }
}
