import Sift

/// `--rm3` and its settings, shared by `sift search` and `sift eval`, and how the expansion is shown.
extension SearchCommand {
    /// The RM3 options, in help order.
    static let rm3Options = [
        OptionSpec(names: ["--rm3"], valueName: nil, help: "Expand the query by RM3 pseudo-relevance feedback (Anserini's): search, weigh the terms of the best documents, search again."),
        OptionSpec(names: ["--fb-docs"], valueName: "N", help: "With --rm3: feedback documents, the first search's best (default: 10)."),
        OptionSpec(names: ["--fb-terms"], valueName: "N", help: "With --rm3: expansion terms kept, and terms kept per feedback document (default: 10)."),
        OptionSpec(names: ["--original-weight"], valueName: "X", help: "With --rm3: the original query's share of the expanded query, 0 to 1 (default: 0.5)."),
    ]

    /// The usage fragment of the RM3 options.
    static let rm3Usage = "[--rm3 [--fb-docs N] [--fb-terms N] [--original-weight X]]"

    /// RM3's settings from the command line; nil without `--rm3` (its settings alone are an error).
    static func rm3Parameters(_ parsed: ParsedArguments, spec: CommandSpec) throws(CLIError) -> RM3Parameters? {
        guard parsed.flag("--rm3") else {
            if let option = ["--fb-docs", "--fb-terms", "--original-weight"].first(where: { parsed.values[$0] != nil }) {
                throw spec.usageError("\(option) goes with --rm3")
            }
            return nil
        }
        let defaults = RM3Parameters()
        return RM3Parameters(
            feedbackDocuments: try parsed.integer("--fb-docs", default: defaults.feedbackDocuments, range: 1...10_000, spec: spec),
            feedbackTerms: try parsed.integer("--fb-terms", default: defaults.feedbackTerms, range: 1...10_000, spec: spec),
            originalWeight: try parsed.decimal("--original-weight", default: defaults.originalWeight, range: 0...1, spec: spec))
    }

    /// The expansion for people (`--explain`): the feedback documents, the original query's
    /// boost factor, and each expansion term's weight and probability.
    static func printExpansion(_ expansion: QueryExpansion) {
        let documents = expansion.feedbackDocuments.map { TerminalText.escaped($0.id) }.joined(separator: ", ")
        Output.line("RM3: \(expansion.feedbackDocuments.count) feedback document\(expansion.feedbackDocuments.count == 1 ? "" : "s")\(documents.isEmpty ? "" : " (\(documents))")")
        guard !expansion.terms.isEmpty else {
            Output.line("    no expansion terms: the results are the plain search's")
            return
        }
        Output.line("    original query boosts ×\(Format.fixed(expansion.originalBoost, decimals: 6)) (weight \(expansion.parameters.originalWeight)); expansion terms, weight = (1 − \(expansion.parameters.originalWeight)) · P(t|R):")
        let width = expansion.terms.map(\.term.count).max() ?? 0
        for term in expansion.terms {
            Output.line("    \(term.term.padded(to: width + 2))weight=\(Format.fixed(term.weight, decimals: 6))  P=\(Format.fixed(term.probability, decimals: 6))")
        }
    }

    /// The expansion as JSON: `{"originalWeight","originalBoost","feedbackDocuments":[{"id","score"}],
    /// "terms":[{"term","probability","weight"}]}`, numbers at full precision.
    static func expansionJSON(_ expansion: QueryExpansion) -> String {
        JSON.object([
            ("originalWeight", JSON.number(expansion.parameters.originalWeight)),
            ("originalBoost", JSON.number(expansion.originalBoost)),
            ("feedbackDocuments", JSON.array(expansion.feedbackDocuments.map {
                JSON.object([("id", JSON.string($0.id)), ("score", JSON.number($0.score))])
            })),
            ("terms", JSON.array(expansion.terms.map {
                JSON.object([("term", JSON.string($0.term)), ("probability", JSON.number($0.probability)),
                             ("weight", JSON.number($0.weight))])
            })),
        ])
    }
}
