#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Relevance judgments (TREC qrels: `qid iteration docno relevance` per line).
public struct RelevanceJudgments: Sendable, Equatable {
    /// query id → document id → graded relevance (0 = judged non-relevant).
    public private(set) var byQuery: [String: [String: Int]] = [:]

    /// Parses qrels text; blank lines are skipped, anything else malformed is an error.
    public init(parsing text: String) throws(EvaluationError) {
        // `isNewline` also splits CRLF ("\r\n" is one Character) and lone CR.
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 4, let relevance = Int(fields[3]) else {
                throw .malformedQrels(line: number + 1, text: String(line))
            }
            byQuery[String(fields[0]), default: [:]][String(fields[2])] = relevance
        }
    }

    public init(_ byQuery: [String: [String: Int]]) {
        self.byQuery = byQuery
    }
}

/// A ranking-quality measure, computed as trec_eval defines it.
public enum EvaluationMetric: Hashable, Sendable, CustomStringConvertible {
    /// Mean average precision (`map`): precision at each relevant document retrieved,
    /// summed and divided by all relevant documents judged for the query.
    case averagePrecision
    /// nDCG at a cutoff (`ndcg_cut_k`): gain = the qrels grade, discount log2(rank + 1), ideal
    /// ranking from the judgments.
    case ndcg(Int)
    /// Precision at a cutoff (`P_k`): relevant in the top k, divided by k.
    case precision(Int)
    /// Recall at a cutoff (`recall_k`): relevant in the top k, divided by all relevant.
    case recall(Int)
    /// Reciprocal rank of the first relevant document (`recip_rank`), 0 when none.
    case reciprocalRank

    /// Parses `map`, `ndcg@10`, `p@10`, `recall@100`, `mrr`.
    public init?(name: String) {
        let lower = name.lowercased()
        if lower == "map" { self = .averagePrecision; return }
        if lower == "mrr" || lower == "recip_rank" { self = .reciprocalRank; return }
        let parts = lower.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let cutoff = Int(parts[1]), cutoff > 0 else { return nil }
        switch parts[0] {
        case "ndcg": self = .ndcg(cutoff)
        case "p": self = .precision(cutoff)
        case "recall": self = .recall(cutoff)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .averagePrecision: "map"
        case .ndcg(let k): "ndcg@\(k)"
        case .precision(let k): "p@\(k)"
        case .recall(let k): "recall@\(k)"
        case .reciprocalRank: "mrr"
        }
    }

    /// The metric of one ranking (document ids, best first) against one query's judgments.
    public func value(ranking: [String], judgments: [String: Int]) -> Double {
        let relevantCount = judgments.values.filter { $0 > 0 }.count
        guard relevantCount > 0 else { return 0 }
        switch self {
        case .averagePrecision:
            var found = 0
            var sum = 0.0
            for (index, document) in ranking.enumerated() where (judgments[document] ?? 0) > 0 {
                found += 1
                sum += Double(found) / Double(index + 1)
            }
            return sum / Double(relevantCount)
        case .precision(let k):
            return Double(ranking.prefix(k).filter { (judgments[$0] ?? 0) > 0 }.count) / Double(k)
        case .recall(let k):
            return Double(ranking.prefix(k).filter { (judgments[$0] ?? 0) > 0 }.count) / Double(relevantCount)
        case .reciprocalRank:
            guard let first = ranking.firstIndex(where: { (judgments[$0] ?? 0) > 0 }) else { return 0 }
            return 1 / Double(first + 1)
        case .ndcg(let k):
            var dcg = 0.0
            for (index, document) in ranking.prefix(k).enumerated() {
                let gain = Double(max(judgments[document] ?? 0, 0))
                dcg += gain / log2(Double(index + 2))
            }
            let ideal = judgments.values.filter { $0 > 0 }.sorted(by: >).prefix(k)
            var idcg = 0.0
            for (index, gain) in ideal.enumerated() { idcg += Double(gain) / log2(Double(index + 2)) }
            return idcg > 0 ? dcg / idcg : 0
        }
    }
}

/// The metrics of a run of queries.
public struct EvaluationReport: Sendable {
    /// Per evaluated query, in the order run: its id and each metric's value.
    public var perQuery: [(id: String, values: [Double])]
    /// The metrics, in the order asked.
    public var metrics: [EvaluationMetric]
    /// The mean of each metric over the evaluated queries.
    public var means: [Double]
    /// Queries left out of the means because no document is judged relevant for them.
    public var unjudged: [String]

    /// Evaluates rankings (query id → document ids, best first) against judgments. Queries
    /// with no relevant judgment are left out of the means and listed in `unjudged`.
    public init(rankings: [(id: String, ranking: [String])], judgments: RelevanceJudgments, metrics: [EvaluationMetric]) {
        self.metrics = metrics
        perQuery = []
        unjudged = []
        for (id, ranking) in rankings {
            let judged = judgments.byQuery[id] ?? [:]
            guard judged.values.contains(where: { $0 > 0 }) else {
                unjudged.append(id)
                continue
            }
            perQuery.append((id, metrics.map { $0.value(ranking: ranking, judgments: judged) }))
        }
        let evaluated = perQuery
        means = metrics.indices.map { metric in
            evaluated.isEmpty ? 0 : evaluated.reduce(0.0) { $0 + $1.values[metric] } / Double(evaluated.count)
        }
    }
}

/// Problems with evaluation input.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
    /// A qrels line is not `qid iteration docno relevance`.
    case malformedQrels(line: Int, text: String)

    public var description: String {
        switch self {
        case .malformedQrels(let line, let text): "qrels line \(line) is not 'qid iteration docno relevance': '\(text)'"
        }
    }
}
