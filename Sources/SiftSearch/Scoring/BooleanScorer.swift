@_spi(SiftInternal) import SiftIndex

/// Lucene's boolean semantics: every `must` clause, no `mustNot` clause, and (without
/// `must` clauses) at least one `should` clause; the score is the sum of the matching
/// scoring clauses, added in clause order.
final class BooleanScorer: Scorer {
    private let clauses: [Scorer]
    private let occurs: [Occur]
    private let required: [Int]
    private let optional: [Int]
    private let excluded: [Int]
    /// Clauses looked at: all of them per document settled on and per document scored.
    private var visits = 0

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
        visits += clauses.count
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

    override var clauseVisits: Int {
        clauses.reduce(visits) { $0 + $1.clauseVisits }
    }

    override func score() -> Float {
        visits += clauses.count
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
