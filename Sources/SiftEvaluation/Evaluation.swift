#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Relevance judgments (TREC qrels: `qid iteration docno relevance` per line).
public struct RelevanceJudgments: Sendable, Equatable {
    /// query id → document id → graded relevance (0 = judged non-relevant).
    public private(set) var byQuery: [String: [String: Int]] = [:]

    /// Parses qrels text; blank lines are skipped, anything else malformed is an error, and so
    /// is text without a single judgment (an empty or truncated file would otherwise score
    /// every run 0 without complaint).
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
        guard !byQuery.isEmpty else { throw .noJudgments }
    }

    /// Judgments built in code: query id → document id → grade.
    public init(_ byQuery: [String: [String: Int]]) {
        self.byQuery = byQuery
    }

    /// Whether the query has at least one document judged relevant (grade > 0): only such
    /// queries can be evaluated, as every metric divides by or normalizes with them.
    public func hasRelevantDocument(_ query: String) -> Bool {
        byQuery[query]?.values.contains(where: { $0 > 0 }) ?? false
    }

    /// The queries with at least one relevant document, in `QueryIDOrder`: the queries
    /// trec_eval's `-c` averages over.
    public var relevantQueryIDs: [String] {
        byQuery.keys.filter(hasRelevantDocument).sorted(by: QueryIDOrder.precedes)
    }
}

/// How query ids are listed: numerically when both are decimal numbers (`2` before `10`, as
/// test collections number their topics), otherwise by their bytes.
public enum QueryIDOrder {
    /// Whether `first` is listed before `second`.
    public static func precedes(_ first: String, _ second: String) -> Bool {
        let a = Array(first.utf8)
        let b = Array(second.utf8)
        let isNumber = { (bytes: [UInt8]) in !bytes.isEmpty && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        if isNumber(a) && isNumber(b) {
            let x = a.drop { $0 == 0x30 }
            let y = b.drop { $0 == 0x30 }
            if x.count != y.count { return x.count < y.count }
            if x != y { return x.lexicographicallyPrecedes(y) }
        }
        return a.lexicographicallyPrecedes(b)
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

/// One evaluated query: its id and the value of each metric, in the report's metric order.
public struct QueryValues: Sendable, Equatable {
    /// The query id.
    public var id: String
    /// Each metric's value for the query.
    public var values: [Double]
}

/// Which queries an evaluation of a run averages over.
public enum EvaluatedQueries: Sendable {
    /// The run's own queries that have a relevant document, in the run's order: for a run
    /// made from a query file, whose queries are the set asked about.
    case run
    /// Every query the judgments have a relevant document for, a query missing from the run
    /// scoring 0 (trec_eval's `-c`): for a run read from a file, so that a run that leaves out
    /// its hard queries does not look better for it.
    case judged
}

/// The metrics of a run of queries.
public struct EvaluationReport: Sendable {
    /// Per evaluated query, in the order evaluated: its id and each metric's value.
    public var perQuery: [QueryValues]
    /// The metrics, in the order asked.
    public var metrics: [EvaluationMetric]
    /// The mean of each metric over the evaluated queries.
    public var means: [Double]
    /// Queries of the run left out of the means because no document is judged relevant for them.
    public var unjudged: [String]
    /// Queries with a relevant document that the run does not have; evaluated, with every
    /// metric 0 (only with `EvaluatedQueries.judged`).
    public var missing: [String] = []

    /// Evaluates rankings (query id → document ids, best first) against judgments. Queries
    /// with no relevant judgment are left out of the means and listed in `unjudged`.
    public init(rankings: [(id: String, ranking: [String])], judgments: RelevanceJudgments, metrics: [EvaluationMetric]) {
        self.metrics = metrics
        perQuery = []
        unjudged = []
        for (id, ranking) in rankings {
            guard judgments.hasRelevantDocument(id) else {
                unjudged.append(id)
                continue
            }
            perQuery.append(QueryValues(id: id, values: Self.values(of: metrics, ranking: ranking, judgments: judgments.byQuery[id] ?? [:])))
        }
        means = Self.means(of: perQuery, metricCount: metrics.count)
    }

    /// Evaluates a run (its documents in `TrecOrder`) over the queries `queries` selects.
    ///
    /// Throws `noRelevantJudgments` when no query is left to evaluate: a mean over nothing
    /// would read as a score of 0.
    public init(run: TrecRun, judgments: RelevanceJudgments, metrics: [EvaluationMetric], queries: EvaluatedQueries) throws(EvaluationError) {
        self.metrics = metrics
        perQuery = []
        unjudged = run.queries.map(\.id).filter { !judgments.hasRelevantDocument($0) }
        let evaluated: [String]
        switch queries {
        case .run: evaluated = run.queries.map(\.id).filter(judgments.hasRelevantDocument)
        case .judged: evaluated = judgments.relevantQueryIDs
        }
        guard !evaluated.isEmpty else { throw .noRelevantJudgments }
        for id in evaluated {
            let ranking = run.query(id)?.ranking
            if ranking == nil { missing.append(id) }
            perQuery.append(QueryValues(id: id, values: Self.values(of: metrics, ranking: ranking ?? [], judgments: judgments.byQuery[id] ?? [:])))
        }
        means = Self.means(of: perQuery, metricCount: metrics.count)
    }

    static func values(of metrics: [EvaluationMetric], ranking: [String], judgments: [String: Int]) -> [Double] {
        metrics.map { $0.value(ranking: ranking, judgments: judgments) }
    }

    private static func means(of perQuery: [QueryValues], metricCount: Int) -> [Double] {
        (0..<metricCount).map { metric in
            perQuery.isEmpty ? 0 : perQuery.reduce(0.0) { $0 + $1.values[metric] } / Double(perQuery.count)
        }
    }
}

/// Problems with evaluation input: judgments, runs, and what can be computed from them.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
    /// A qrels line is not `qid iteration docno relevance`.
    case malformedQrels(line: Int, text: String)
    /// The qrels text has no judgment at all.
    case noJudgments
    /// No query to evaluate has a document judged relevant.
    case noRelevantJudgments
    /// A run line does not have the six fields `qid Q0 docid rank score tag`.
    case malformedRunLine(line: Int, text: String)
    /// A run line's rank is not a whole number.
    case runRankNotInteger(line: Int, rank: String)
    /// A run line's score is not a finite number.
    case runScoreNotNumber(line: Int, score: String)
    /// A run lists a document twice for one query (trec_eval refuses such a run too).
    case duplicateRunDocument(line: Int, query: String, document: String, firstLine: Int)
    /// The run text has no line at all.
    case emptyRun
    /// A run being built was given the same query twice.
    case duplicateRunQuery(String)
    /// A run being built was given the same document twice for one query (for Sift: two
    /// documents whose ids differ only in their file extension).
    case duplicateDocument(query: String, document: String)
    /// A comparison was asked for fewer than two runs.
    case tooFewRuns(Int)
    /// A randomization test was asked for no permutations.
    case noPermutations

    public var description: String {
        switch self {
        case .malformedQrels(let line, let text): "qrels line \(line) is not 'qid iteration docno relevance': '\(text)'"
        case .noJudgments: "no relevance judgments (expected 'qid iteration docno relevance' lines)"
        case .noRelevantJudgments: "no query to evaluate has a document judged relevant"
        case .malformedRunLine(let line, let text): "run line \(line) is not 'qid Q0 docid rank score tag': '\(text)'"
        case .runRankNotInteger(let line, let rank): "run line \(line): rank '\(rank)' is not a whole number"
        case .runScoreNotNumber(let line, let score): "run line \(line): score '\(score)' is not a finite number"
        case .duplicateRunDocument(let line, let query, let document, let firstLine):
            "run line \(line): document '\(document)' appears again for query '\(query)' (first on line \(firstLine))"
        case .emptyRun: "the run has no lines (expected 'qid Q0 docid rank score tag')"
        case .duplicateRunQuery(let query): "query '\(query)' is given twice"
        case .duplicateDocument(let query, let document): "query '\(query)' retrieved two documents with the id '\(document)'"
        case .tooFewRuns(let count): "a comparison needs at least two runs, not \(count)"
        case .noPermutations: "a randomization test needs at least one permutation"
        }
    }
}
