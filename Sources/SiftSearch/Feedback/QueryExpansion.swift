/// What RM3 did to one query (`SearchResults.expansion`).
public struct QueryExpansion: Sendable, Hashable, Codable {
    /// The settings used.
    public var parameters: RM3Parameters
    /// The first search's best documents, whose terms the relevance model was estimated from,
    /// best first, with their first-search scores (the documents' weights in the model).
    public var feedbackDocuments: [SearchHit]
    /// The relevance model's terms, best first (ties by term bytes): none when the feedback
    /// documents had no eligible term, and the results are then those of a plain search.
    public var terms: [ExpansionTerm]
    /// The factor every clause boost of the original query was multiplied by in the second
    /// search: `originalWeight / L`, L being the query's words counted with their boosts.
    public var originalBoost: Double

    public init(parameters: RM3Parameters, feedbackDocuments: [SearchHit], terms: [ExpansionTerm], originalBoost: Double) {
        self.parameters = parameters
        self.feedbackDocuments = feedbackDocuments
        self.terms = terms
        self.originalBoost = originalBoost
    }
}

/// One term of the relevance model.
public struct ExpansionTerm: Sendable, Hashable, Codable {
    /// The analyzed term (a text-field term of the index).
    public var term: String
    /// P(t|R), its probability under the relevance model; the model's terms sum to 1.
    public var probability: Double
    /// The boost RM3 gives the term in the second search: `(1 − originalWeight) · probability`.
    /// When the query is a bag of words that has the term, the term's one clause has this plus
    /// the original query's share (`originalBoost` times its boost in the query).
    public var weight: Double

    public init(term: String, probability: Double, weight: Double) {
        self.term = term
        self.probability = probability
        self.weight = weight
    }
}
