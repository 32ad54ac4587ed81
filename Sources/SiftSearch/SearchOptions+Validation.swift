@_spi(SiftInternal) import SiftIndex

// What each option of a search accepts. The options are plain values whose properties can be
// set at any time, so they are checked where they are used: `Searcher.search` checks its
// options and query before it reads anything and throws `SearchError.invalidArgument` naming
// the first value out of range; `validate()` checks one ahead of time.

extension SearchOptions {
    /// Checks every option: `limit` and `offset` at least 0, `maxExpansions` at least 1, and
    /// `bm25`, `limits` and `rm3` as their own `validate()` say, and a `filter` naming
    /// non-empty fields, nested at most `QueryLimits.maxFilterDepth` deep.
    /// - Throws: `InvalidArgument` naming the first option out of range.
    public func validate() throws(InvalidArgument) {
        guard limit >= 0 else { throw InvalidArgument(name: "limit", value: limit, requirement: "at least 0") }
        guard offset >= 0 else { throw InvalidArgument(name: "offset", value: offset, requirement: "at least 0") }
        guard maxExpansions >= 1 else { throw InvalidArgument(name: "maxExpansions", value: maxExpansions, requirement: "at least 1") }
        try bm25.validate(prefix: "bm25.")
        try limits.validate(prefix: "limits.")
        try rm3?.validate(prefix: "rm3.")
        try filter?.validate(maxDepth: QueryLimits.maxFilterDepth)
    }
}

extension BM25Parameters {
    /// Checks `k1` (finite, at least 0) and `b` (finite, 0 to 1). Outside them BM25 is no longer
    /// a score that grows with a term's frequency and falls with a document's length, and
    /// pruning, which relies on both, could drop documents that belong in the top k.
    /// - Throws: `InvalidArgument` naming the parameter out of range.
    public func validate() throws(InvalidArgument) {
        try validate(prefix: "")
    }

    func validate(prefix: String) throws(InvalidArgument) {
        guard k1.isFinite, k1 >= 0 else { throw InvalidArgument(name: prefix + "k1", value: k1, requirement: "a finite number, at least 0") }
        guard b.isFinite, b >= 0, b <= 1 else { throw InvalidArgument(name: prefix + "b", value: b, requirement: "a finite number from 0 to 1") }
    }
}

extension QueryLimits {
    /// Checks that every limit is at least 1.
    /// - Throws: `InvalidArgument` naming the limit out of range.
    public func validate() throws(InvalidArgument) {
        try validate(prefix: "")
    }

    func validate(prefix: String) throws(InvalidArgument) {
        guard maxBytes >= 1 else { throw InvalidArgument(name: prefix + "maxBytes", value: maxBytes, requirement: "at least 1") }
        guard maxClauses >= 1 else { throw InvalidArgument(name: prefix + "maxClauses", value: maxClauses, requirement: "at least 1") }
        guard maxDepth >= 1 else { throw InvalidArgument(name: prefix + "maxDepth", value: maxDepth, requirement: "at least 1") }
    }
}

extension RM3Parameters {
    /// Checks `feedbackDocuments` and `feedbackTerms` (at least 1), `originalWeight` (finite,
    /// 0 to 1) and `maximumDocumentFrequencyRatio` (finite, 0 to 1).
    /// - Throws: `InvalidArgument` naming the parameter out of range.
    public func validate() throws(InvalidArgument) {
        try validate(prefix: "")
    }

    func validate(prefix: String) throws(InvalidArgument) {
        guard feedbackDocuments >= 1 else {
            throw InvalidArgument(name: prefix + "feedbackDocuments", value: feedbackDocuments, requirement: "at least 1")
        }
        guard feedbackTerms >= 1 else { throw InvalidArgument(name: prefix + "feedbackTerms", value: feedbackTerms, requirement: "at least 1") }
        guard originalWeight.isFinite, originalWeight >= 0, originalWeight <= 1 else {
            throw InvalidArgument(name: prefix + "originalWeight", value: originalWeight, requirement: "a finite number from 0 to 1")
        }
        guard maximumDocumentFrequencyRatio.isFinite, maximumDocumentFrequencyRatio >= 0, maximumDocumentFrequencyRatio <= 1 else {
            throw InvalidArgument(name: prefix + "maximumDocumentFrequencyRatio", value: maximumDocumentFrequencyRatio,
                                  requirement: "a finite number from 0 to 1")
        }
    }
}

extension Query {
    /// Checks every clause: boosts finite and at least 0, phrase slops from 0 to
    /// `QueryLimits.maxSlop`. (How deep booleans may nest is a limit, `QueryLimits.maxDepth`,
    /// checked by the search before this.)
    /// - Throws: `InvalidArgument` naming the first clause out of range.
    public func validate() throws(InvalidArgument) {
        var pending: [Query] = [self]
        while let query = pending.popLast() {
            let boost: Double
            switch query {
            case .term(let text, _, let value), .prefix(let text, _, let value):
                boost = value
                if !(boost.isFinite && boost >= 0) {
                    throw InvalidArgument(name: "boost of '\(text)'", value: boost, requirement: "a finite number, at least 0")
                }
            case .phrase(let text, _, let slop, let value):
                boost = value
                if !(boost.isFinite && boost >= 0) {
                    throw InvalidArgument(name: "boost of \"\(text)\"", value: boost, requirement: "a finite number, at least 0")
                }
                guard slop >= 0, slop <= QueryLimits.maxSlop else {
                    throw InvalidArgument(name: "slop of \"\(text)\"", value: slop, requirement: "from 0 to \(QueryLimits.maxSlop)")
                }
            case .boolean(let clauses, let value):
                boost = value
                if !(boost.isFinite && boost >= 0) {
                    throw InvalidArgument(name: "boost of a boolean query", value: boost, requirement: "a finite number, at least 0")
                }
                pending.append(contentsOf: clauses.map(\.query))
            case .filter(let filter):
                try filter.validate(maxDepth: QueryLimits.maxFilterDepth)
            }
        }
    }
}

extension Query {
    /// The largest product of boosts from the root to a leaf: the most any clause's weight is
    /// multiplied by.
    func largestEffectiveBoost() -> Double {
        var largest = 0.0
        var pending: [(Query, Double)] = [(self, 1)]
        while let (query, outer) = pending.popLast() {
            switch query {
            case .term(_, _, let boost), .prefix(_, _, let boost), .phrase(_, _, _, let boost):
                largest = max(largest, outer * boost)
            case .boolean(let clauses, let boost):
                for clause in clauses { pending.append((clause.query, outer * boost)) }
            case .filter:
                continue
            }
        }
        return largest
    }

    /// Checks that every clause's BM25 weight, `boost · idf · (k1 + 1)` with the boosts of the
    /// clauses around it multiplied in, is a finite `Float` for any index (idf < 64).
    func validateWeights(k1: Double) throws(InvalidArgument) {
        let boost = largestEffectiveBoost()
        guard (boost * 64 * (k1 + 1)) < Double(Float.greatestFiniteMagnitude) else {
            throw InvalidArgument(name: "boost", value: boost,
                                  requirement: "small enough that boost × (k1 + 1) × 64 stays below \(Float.greatestFiniteMagnitude) (boosts of nested clauses multiply)")
        }
    }
}
