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

    /// Clauses of boolean scorers looked at so far, this one's and those below it
    /// (`SearchWork.clauseVisits`); a leaf has none.
    var clauseVisits: Int { 0 }
}

/// What an explanation needs beyond the scorer: the collection statistics and BM25's k1, b.
struct ExplainContext {
    var documentCount: Int
    var averageLength: [IndexField: Double]
    var parameters: BM25Parameters
    var segment: SegmentReader
}
