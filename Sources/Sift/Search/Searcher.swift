/// How a search runs.
public struct SearchOptions: Sendable, Equatable {
    /// Hits to return.
    public var limit: Int
    /// Hits to skip first (for paging).
    public var offset: Int
    /// BM25's k1 and b.
    public var bm25: BM25Parameters

    public init(limit: Int = 10, offset: Int = 0, bm25: BM25Parameters = BM25Parameters()) {
        self.limit = limit
        self.offset = offset
        self.bm25 = bm25
    }
}

/// One ranked document.
public struct SearchHit: Sendable, Equatable {
    /// 1-based rank in the whole result list (offset included).
    public var rank: Int
    /// Global document number in the index.
    public var document: Int
    /// BM25 score.
    public var score: Float
    /// The document's stored id.
    public var id: String
    /// The document's title.
    public var title: String
}

/// The answer to one query.
public struct SearchResults: Sendable {
    /// The hits, best first, after `offset`.
    public var hits: [SearchHit]
    /// Documents matching at least one query term.
    public var totalHits: Int
    /// The analyzed query terms, in query order, repeats kept.
    public var terms: [String]
    /// Why there can be no hits, when the query itself explains it (e.g. only stop words).
    public var note: String?
}

/// Ranks documents of an `IndexReader` against queries with BM25.
///
/// The query is analyzed with the index's own analyzer; its terms are combined with OR. Scoring
/// is term-at-a-time over the postings into a score per document, then a heap keeps the top k.
/// A searcher owns reusable scratch and an analyzer, so it is not thread-safe: use one per thread.
public final class Searcher {
    /// The index searched.
    public let reader: IndexReader
    private let analyzer: Analyzer
    private var scores: [Float]
    private var touched: [UInt32] = []
    private var lengthFactors: [Float] = []
    private var lengthFactorParameters: BM25Parameters? = nil
    private var tokens: [AnalyzedToken] = []
    private let blockDocuments = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
    private let blockFrequencies = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: IndexFormat.blockSize)

    public init(reader: IndexReader) {
        self.reader = reader
        analyzer = Analyzer(configuration: reader.configuration)
        scores = [Float](repeating: 0, count: reader.documentCount)
    }

    deinit {
        blockDocuments.deallocate()
        blockFrequencies.deallocate()
    }

    /// Ranks the index's documents against `query`.
    /// - Complexity: O(postings of the query terms + matches · log k).
    public func search(_ query: String, options: SearchOptions = SearchOptions()) throws(IndexError) -> SearchResults {
        let queryTokens = analyzer.analyze(query)
        let terms = queryTokens.map(\.term)
        if terms.isEmpty {
            let hasWords = !Array(query.utf8).withUnsafeBufferPointer { bytes in
                var tokenizer = Tokenizer(bytes)
                return tokenizer.next() == nil
            }
            return SearchResults(hits: [], totalHits: 0, terms: [],
                                 note: hasWords ? "the query has only stop words, which are not indexed" : "the query has no words")
        }
        // A term repeated n times counts n times: one weight of n · idf.
        var distinct: [String] = []
        var repeats: [String: Int] = [:]
        for term in terms {
            if repeats[term] == nil { distinct.append(term) }
            repeats[term, default: 0] += 1
        }
        prepareLengthFactors(options.bm25)
        let documentCount = reader.documentCount
        let k1Plus1 = options.bm25.k1 + 1
        for term in distinct {
            let bytes = Array(term.utf8)
            var lists: [(base: Int, list: PostingsList)] = []
            var documentFrequency = 0
            for (index, segment) in reader.segments.enumerated() {
                let found = try segment.lookup(bytes)
                if let found {
                    let list = try segment.postings(at: found)
                    documentFrequency += list.documentFrequency
                    lists.append((reader.segmentBases[index], list))
                }
            }
            guard documentFrequency > 0 else { continue }
            let idf = BM25Parameters.idf(documentCount: documentCount, documentFrequency: documentFrequency)
            let weight = Float(Double(repeats[term]!) * idf * k1Plus1)
            for (base, list) in lists {
                try accumulate(list, base: base, weight: weight)
            }
        }

        var top = TopK(capacity: options.offset + options.limit)
        for document in touched {
            top.insert(ScoredDocument(score: scores[Int(document)], document: document))
            scores[Int(document)] = 0
        }
        let totalHits = touched.count
        touched.removeAll(keepingCapacity: true)
        var hits: [SearchHit] = []
        for (rank, scored) in top.sorted().enumerated() where rank >= options.offset {
            let stored = try reader.document(Int(scored.document))
            hits.append(SearchHit(rank: rank + 1, document: Int(scored.document), score: scored.score,
                                  id: stored.id, title: stored.title))
        }
        return SearchResults(hits: hits, totalHits: totalHits, terms: terms, note: nil)
    }

    /// Adds one term's BM25 contributions over one segment's postings to the per-document scores:
    /// `weight · tf / (tf + lengthFactor[d])`, with `weight = n · idf · (k1 + 1)`.
    private func accumulate(_ list: PostingsList, base: Int, weight: Float) throws(IndexError) {
        for block in 0..<list.blockCount {
            let count = try list.decode(block: block, documents: blockDocuments.baseAddress!, frequencies: blockFrequencies.baseAddress!)
            for slot in 0..<count {
                let document = base + Int(blockDocuments[slot])
                let frequency = Float(blockFrequencies[slot])
                let contribution = weight * frequency / (frequency + lengthFactors[document])
                if scores[document] == 0 { touched.append(UInt32(document)) }
                scores[document] += contribution
            }
        }
    }

    /// The snippet of a hit: the best window of its stored text for the query's terms.
    /// - Parameter maxLength: the window's length in bytes at most.
    public func snippet(for hit: SearchHit, terms: [String], maxLength: Int = 200) throws(IndexError) -> Snippet {
        let stored = try reader.document(hit.document)
        var wanted = Set<Int32>()
        for term in terms {
            if let id = analyzer.terms.find(Array(term.utf8)) { wanted.insert(id) }
        }
        tokens.removeAll(keepingCapacity: true)
        stored.text.withUnsafeBufferPointer { _ = analyzer.analyze($0, into: &tokens) }
        return SnippetBuilder.build(text: stored.text, tokens: tokens, isMatch: { wanted.contains($0) }, maxLength: maxLength)
    }

    private func prepareLengthFactors(_ parameters: BM25Parameters) {
        guard lengthFactorParameters != parameters || lengthFactors.count != reader.documentCount else { return }
        let average = reader.averageDocumentLength
        lengthFactors = (0..<reader.documentCount).map {
            Float(parameters.lengthFactor(length: reader.length(of: $0), averageLength: average))
        }
        lengthFactorParameters = parameters
    }
}
