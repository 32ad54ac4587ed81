@_spi(SiftInternal) import SiftIndex

/// Builds the document-at-a-time scorer tree of a compiled query over one segment.
struct ScorerFactory {
    let reader: IndexReader
    let lengthFactors: LengthFactors

    /// The scorer of `query` over segment `index`; nil when it cannot match there (a required
    /// clause has no postings in the segment, or only excluded clauses are left).
    func makeScorer(_ query: CompiledQuery, segment index: Int) throws(IndexError) -> Scorer? {
        let segment = reader.segments[index]
        let base = reader.segmentBases[index]
        switch query {
        case .term(let weight):
            guard let found = weight.entries[index] else { return nil }
            return try TermScorer(list: segment.postings(found), term: weight,
                                  factors: lengthFactors.factors(weight.field, from: base))
        case .phrase(let weight):
            var lists: [PostingsList] = []
            for perSegment in weight.entries {
                guard let found = perSegment[index] else { return nil }
                lists.append(try segment.postings(found))
            }
            return try PhraseScorer(lists: lists, phrase: weight, factors: lengthFactors.factors(weight.field, from: base))
        case .boolean(let clauses):
            var scorers: [Scorer] = []
            var occurs: [Occur] = []
            for clause in clauses {
                guard let scorer = try makeScorer(clause.query, segment: index) else {
                    if clause.occur == .must { return nil }
                    continue
                }
                scorers.append(scorer)
                occurs.append(clause.occur)
            }
            guard occurs.contains(where: { $0 != .mustNot }) else { return nil }
            return try BooleanScorer(clauses: scorers, occurs: occurs)
        case .nothing, .dropped:
            return nil
        }
    }
}
