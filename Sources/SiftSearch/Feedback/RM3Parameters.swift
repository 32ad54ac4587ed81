/// The settings of RM3 pseudo-relevance feedback (Lavrenko & Croft 2001; Abdul-Jaleel et al.,
/// UMass at TREC 2004), run as Anserini's RM3 reranker runs it. Set `SearchOptions.rm3` to use it:
///
/// ```swift
/// let results = try searcher.search("wing flutter", options: SearchOptions(limit: 10, rm3: RM3Parameters()))
/// for term in results.expansion?.terms ?? [] { print(term.term, term.weight) }
/// ```
///
/// The search then runs twice. The first search ranks the `feedbackDocuments` best documents;
/// each one's stored text is analyzed again with the index's analyzer, and its
/// `feedbackTerms` most frequent eligible terms form its term vector, P(t|D) = tf / (the sum
/// of the kept terms' tf). The relevance model weighs those by the documents' first-search
/// scores, P(t|R) ∝ Σ_D P(t|D) · score(D), keeps the `feedbackTerms` best terms and scales
/// them to sum to 1. The second search ranks the original query, its clause boosts multiplied
/// by `originalWeight / L` (L: the query's words, each counted with its boost), together with
/// each expansion term as an optional text-field clause of boost `(1 − originalWeight) · P(t|R)`,
/// all under BM25. For a bag of words this is Anserini's interpolation
/// `originalWeight · c(t, Q)/|Q| + (1 − originalWeight) · P(t|R)`, one clause per term.
///
/// A term is eligible for expansion when it is 2 to 20 characters long (UTF-16 units, as Java
/// counts), made of `a`–`z` and `0`–`9` only (unless `asciiTermsOnly` is false), and found in at
/// most `maximumDocumentFrequencyRatio` of the live documents. Stop words are never indexed,
/// so never expanded. Ties (equal frequencies in a document, equal weights in the model) go to
/// the term whose bytes sort first, so expansion is deterministic.
public struct RM3Parameters: Sendable, Hashable, Codable {
    /// Feedback documents: how many of the first search's best documents the model is built
    /// from (Anserini's `fbDocs`); 10 by default. Fewer are used when fewer match.
    public var feedbackDocuments: Int
    /// Expansion terms kept in the model, and terms kept from each feedback document
    /// (Anserini's `fbTerms`, used for both); 10 by default.
    public var feedbackTerms: Int
    /// The original query's share of the expanded query, 0 to 1 (Anserini's
    /// `originalQueryWeight`); 0.5 by default. Values outside 0…1 are clamped.
    public var originalWeight: Double
    /// A term found in more than this share of the live documents is not an expansion term:
    /// Anserini's collection-wide stop-word filter; 0.1 by default.
    public var maximumDocumentFrequencyRatio: Double
    /// Only terms of ASCII lower-case letters and digits are expansion terms (Anserini's term
    /// filter `[a-z0-9]+`, on by default; its `-rm3.noTermFilter` is `false` here).
    public var asciiTermsOnly: Bool

    /// Anserini's defaults: 10 feedback documents, 10 terms, original weight 0.5.
    public init(feedbackDocuments: Int = 10, feedbackTerms: Int = 10, originalWeight: Double = 0.5,
                maximumDocumentFrequencyRatio: Double = 0.1, asciiTermsOnly: Bool = true) {
        self.feedbackDocuments = feedbackDocuments
        self.feedbackTerms = feedbackTerms
        self.originalWeight = originalWeight
        self.maximumDocumentFrequencyRatio = maximumDocumentFrequencyRatio
        self.asciiTermsOnly = asciiTermsOnly
    }
}
