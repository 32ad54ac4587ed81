import Sift

/// The BM25 oracle of the search tests: results checked against scores computed straight from
/// the formula (in Double, by the test), within `IndexTestKit.close`'s tolerance.
package enum SearchOracle {
    /// What is wrong with one query's results against the expected scores (document → score),
    /// or nil when they agree: hit count, scores, ranks, order (score, then document), and the
    /// hit set when the limit covers every match.
    package static func mismatch(_ results: SearchResults, expected: [Int: Double], limit: Int, offset: Int = 0,
                                 context: String) -> String? {
        var problems: [String] = []
        if results.totalHitsIsExact {
            if !(results.totalHits == expected.count) { problems.append("totalHits, \(context)") }
        } else {
            // Pruned search may stop counting: then totalHits is a lower bound.
            if !(results.totalHits <= expected.count) { problems.append("totalHits is a lower bound, \(context)") }
            if !(results.totalHits >= offset + results.hits.count) { problems.append("totalHits covers the hits, \(context)") }
        }
        // The expected ranking: score descending, then document ascending.
        let ranking = expected.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let wanted = max(0, min(limit, expected.count - offset))
        if !(results.hits.count == wanted) { problems.append("hit count, \(context)") }
        for (index, hit) in results.hits.enumerated() {
            guard let score = expected[hit.document] else {
                problems.append("doc \(hit.document) matches no query term")
                continue
            }
            if !IndexTestKit.close(Double(hit.score), score) {
                problems.append("doc \(hit.document) scored \(hit.score), formula gives \(score)")
            }
            // The score at each rank is the expected score at that rank: the order can differ
            // from the in-test one only among documents whose scores are within the tolerance.
            let rank = offset + index
            if rank < ranking.count && !IndexTestKit.close(score, ranking[rank].value) {
                problems.append("rank \(rank + 1) holds doc \(hit.document) (\(score)); expected doc \(ranking[rank].key) (\(ranking[rank].value))")
            }
            if hit.rank != rank + 1 { problems.append("hit \(index) has rank \(hit.rank), expected \(rank + 1)") }
            if index > 0 {
                let previous = results.hits[index - 1]
                if previous.score < hit.score || (previous.score == hit.score && previous.document > hit.document) {
                    problems.append("hits \(index - 1) and \(index) are out of order (\(previous.score) doc \(previous.document), \(hit.score) doc \(hit.document))")
                }
            }
        }
        if offset == 0 && wanted == expected.count {
            let documents = Set(results.hits.map(\.document))
            if documents != Set(expected.keys) { problems.append("hit set differs from the matching documents") }
        }
        // Only the first few: a report of every problem would bury the first.
        return problems.isEmpty ? nil : "\(context): \(problems.count) problems, first \(problems.prefix(5).joined(separator: "; "))"
    }
}
