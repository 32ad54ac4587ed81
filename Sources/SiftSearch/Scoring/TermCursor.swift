@_spi(SiftInternal) import SiftIndex

/// One query term's cursor over one segment with what scoring it needs: its clause (for the
/// order of additions), its BM25 weight, the field's length factors, and its block bounds,
/// cached. The document-at-a-time loops (`MaxScoreSearch`, `ConjunctionSearch`) keep these
/// in one contiguous buffer: no class, no existential, no reference count per posting.
struct TermCursor {
    var cursor: PostingsCursor
    var clause: Int
    var bm25: BM25Weight
    var factors: LengthFactorTable
    /// The largest contribution of any document of the list (MaxScore's term bound).
    var upperBound = 0.0
    /// The bound of block `boundBlock`, cached.
    var boundBlock = -1
    var blockBound = 0.0
    /// The block the last shallow advance reached: candidates only ascend, so it only moves
    /// forward, even while the cursor stays behind.
    var shallowBlock = 0

    init(cursor: PostingsCursor, clause: Int, bm25: BM25Weight, factors: LengthFactorTable, upperBound: Double = 0) {
        self.cursor = cursor
        self.clause = clause
        self.bm25 = bm25
        self.factors = factors
        self.upperBound = upperBound
    }

    /// The largest contribution in block `block`.
    @inline(__always)
    mutating func bound(ofBlock block: Int) -> Double {
        if block != boundBlock {
            blockBound = bm25.bound(cursor.list.impacts(ofBlock: block))
            boundBlock = block
        }
        return blockBound
    }

    /// The largest contribution in the cursor's current block.
    @inline(__always)
    mutating func currentBlockBound() -> Double { bound(ofBlock: cursor.block) }

    /// The block that would hold `candidate`, read from the metadata without moving the cursor
    /// (`blockCount` when the list ends before it).
    @inline(__always)
    mutating func shallowBlock(reaching candidate: UInt32) -> Int {
        shallowBlock = cursor.list.block(from: max(shallowBlock, cursor.block), reaching: candidate)
        return shallowBlock
    }

    /// Adds what this term's list holds and what its cursor decoded to `work`.
    func addWork(to work: inout SearchWork) {
        work.blocks += cursor.list.blockCount
        work.postings += cursor.list.documentFrequency
        work.blocksDecoded += cursor.blocksDecoded
        work.postingsDecoded += cursor.postingsDecoded
    }

    /// The current document's contribution.
    @inline(__always)
    mutating func contribution() -> Float {
        bm25.score(frequency: Float(cursor.frequency), lengthFactor: factors[Int(cursor.document)])
    }
}
