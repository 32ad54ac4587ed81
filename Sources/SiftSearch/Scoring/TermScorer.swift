@_spi(SiftInternal) import SiftIndex

/// BM25 of one term over one segment's postings.
final class TermScorer: Scorer {
    private var cursor: PostingsCursor
    let term: TermWeight
    private let factors: LengthFactorTable
    private let buffers: BlockBuffers

    init(list: PostingsList, term: TermWeight, factors: LengthFactorTable) throws(IndexError) {
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

    override func score() -> Float {
        term.bm25.score(frequency: Float(cursor.frequency), lengthFactor: factors[Int(document)])
    }

    override func explain(_ context: ExplainContext) -> Explanation {
        Explanation.leaf(kind: .term, text: term.term, field: term.field, frequency: Int(cursor.frequency),
                         documentFrequency: term.documentFrequency, idf: term.bm25.idf, boost: term.bm25.boost,
                         length: Int(context.segment.length(of: Int(document), field: term.field)),
                         context: context, value: score())
    }
}
