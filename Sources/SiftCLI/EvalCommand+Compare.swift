import Sift

/// The output of `sift eval --compare`: an aligned table for people or one JSON document.
struct ComparisonPrinter {
    var comparison: RunComparison
    /// The run files, as given; the first is the baseline.
    var paths: [String]
    var perQuery: Bool

    /// Short names for the table: file names, or the paths as given when two file names clash.
    var names: [String] {
        let files = paths.map { path in path.split(separator: "/").last.map(String.init) ?? path }
        return Set(files).count == files.count ? files : paths
    }

    /// Holm's adjustment changes nothing with one comparison, so it is shown only with more.
    private var showsHolm: Bool { paths.count > 2 }

    func text() -> String {
        let names = self.names
        var lines: [String] = []
        lines.append("baseline: \(names[0])")
        let missing = zip(names, comparison.missing).filter { !$0.1.isEmpty }.map { "\($0.0) misses \($0.1.count)" }
        lines.append("queries:  \(comparison.queries.count) with a relevant judgment (a query missing from a run scores 0; "
                     + (missing.isEmpty ? "none missing" : missing.joined(separator: ", ")) + ")")
        lines.append("tests:    paired t-test and randomization test (\(comparison.permutations) sign-flip permutations, seed \(comparison.seed)), p two-sided")
        if showsHolm {
            lines.append("holm:     p-values adjusted per metric, over its \(paths.count - 1) comparisons against the baseline")
        }
        lines.append("")
        var means = [["metric"] + names]
        for metric in comparison.metrics {
            means.append([metric.metric.description] + metric.means.map { Format.fixed($0, decimals: 4) })
        }
        lines += Self.aligned(means)
        lines.append("")
        var header = ["metric", "run", "diff", "t-test p"]
        if showsHolm { header.append("holm") }
        header.append("rand. p")
        if showsHolm { header.append("holm") }
        header += ["wins", "ties", "losses"]
        var rows = [header]
        for metric in comparison.metrics {
            for paired in metric.comparisons {
                var row = [metric.metric.description, names[paired.run], Self.signed(paired.meanDifference), Self.probability(paired.tTest.pValue)]
                if showsHolm { row.append(Self.probability(paired.holmTTestPValue)) }
                row.append(Self.probability(paired.randomization.pValue))
                if showsHolm { row.append(Self.probability(paired.holmRandomizationPValue)) }
                row += ["\(paired.wins)", "\(paired.ties)", "\(paired.losses)"]
                rows.append(row)
            }
        }
        lines += Self.aligned(rows)
        if perQuery {
            for metric in comparison.metrics {
                for paired in metric.comparisons {
                    lines.append("")
                    lines.append("\(metric.metric.description): \(names[paired.run]) − \(names[0]) per query, largest absolute difference first")
                    var table = [["query", names[0], names[paired.run], "diff"]]
                    for difference in paired.largestDifferencesFirst {
                        table.append([difference.query, Format.fixed(difference.baseline, decimals: 4),
                                      Format.fixed(difference.value, decimals: 4), Self.signed(difference.difference)])
                    }
                    lines += Self.aligned(table)
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func json() -> String {
        let names = self.names
        let runs = paths.indices.map { index in
            JSON.object([("path", JSON.string(paths[index])), ("name", JSON.string(names[index])),
                         ("missing", JSON.array(comparison.missing[index].map(JSON.string)))])
        }
        let metrics = comparison.metrics.map { metric in
            JSON.object([
                ("metric", JSON.string(metric.metric.description)),
                ("means", JSON.array(metric.means.map(JSON.number))),
                ("comparisons", JSON.array(metric.comparisons.map { paired in
                    var pairs: [(String, String)] = [
                        ("run", JSON.string(names[paired.run])), ("baseline", JSON.string(names[0])),
                        ("meanDifference", JSON.number(paired.meanDifference)),
                        ("tTest", JSON.object([("t", Self.optional(paired.tTest.statistic)),
                                               ("degreesOfFreedom", "\(paired.tTest.degreesOfFreedom)"),
                                               ("p", Self.optional(paired.tTest.pValue)),
                                               ("pHolm", Self.optional(paired.holmTTestPValue))])),
                        ("randomization", JSON.object([("p", JSON.number(paired.randomization.pValue)),
                                                       ("pHolm", JSON.number(paired.holmRandomizationPValue)),
                                                       ("atLeastAsExtreme", "\(paired.randomization.atLeastAsExtreme)")])),
                        ("wins", "\(paired.wins)"), ("ties", "\(paired.ties)"), ("losses", "\(paired.losses)"),
                    ]
                    if perQuery {
                        pairs.append(("perQuery", JSON.array(paired.largestDifferencesFirst.map { difference in
                            JSON.object([("id", JSON.string(difference.query)), ("baseline", JSON.number(difference.baseline)),
                                         ("run", JSON.number(difference.value)), ("difference", JSON.number(difference.difference))])
                        })))
                    }
                    return JSON.object(pairs)
                })),
            ])
        }
        return JSON.object([
            ("runs", JSON.array(runs)), ("queries", "\(comparison.queries.count)"),
            ("permutations", "\(comparison.permutations)"), ("seed", "\(comparison.seed)"),
            ("holmFamily", JSON.string("per metric, over the comparisons against the baseline")),
            ("metrics", JSON.array(metrics)),
        ])
    }

    /// Rows as columns two spaces apart, each as wide as its widest cell; the last is not padded.
    static func aligned(_ rows: [[String]]) -> [String] {
        var widths: [Int] = []
        for row in rows {
            for (column, cell) in row.enumerated() {
                if column == widths.count { widths.append(0) }
                widths[column] = max(widths[column], cell.count)
            }
        }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }.joined()
        }
    }

    /// A difference with its sign, so that gains and losses read apart: +0.0012, -0.0034.
    static func signed(_ value: Double) -> String {
        let text = Format.fixed(value, decimals: 4)
        return text.hasPrefix("-") || text == "0.0000" ? text : "+" + text
    }

    /// A p-value to 4 decimals; one that would show as 0.0000 is shown as <0.0001.
    static func probability(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return value < 0.00005 ? "<0.0001" : Format.fixed(value, decimals: 4)
    }

    static func optional(_ value: Double?) -> String {
        value.map(JSON.number) ?? "null"
    }
}
