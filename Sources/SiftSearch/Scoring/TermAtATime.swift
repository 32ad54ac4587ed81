@_spi(SiftInternal) import SiftIndex

/// Exhaustive scoring of an OR of terms, a term at a time: every posting's contribution is
/// added into a score per document, in clause order, then the best k are kept.
///
/// Used when every match must be counted or scored (`exhaustive`, `countTotalHits`), and for
/// ORs of many terms (prefix expansions), where MaxScore's per-candidate loops over the terms
/// cost more than scoring every posting. Its scores are exactly MaxScore's: the same
/// contributions added in the same order.
struct TermAtATimeSearch {
    let reader: IndexReader
    let lengthFactors: LengthFactors

    /// Reusable accumulators: a score per document (zero between searches) and the documents
    /// touched by the current search.
    final class Scratch {
        var scores: [Float]
        var touched: [UInt32] = []
        let documents = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)
        let frequencies = UnsafeMutablePointer<UInt32>.allocate(capacity: IndexFormat.blockSize)

        init(documentCount: Int) {
            scores = [Float](repeating: 0, count: documentCount)
        }

        deinit {
            documents.deallocate()
            frequencies.deallocate()
        }
    }

    /// Scores `terms` into `top`; returns the number of live matching documents.
    func run(_ terms: [TermWeight], into top: inout TopK, scratch: Scratch) throws(IndexError) -> Int {
        try scratch.scores.withUnsafeMutableBufferPointer { scores throws(IndexError) in
            try accumulate(terms, into: scores, touched: &scratch.touched, scratch: scratch)
        }
        var matched = scratch.touched.count
        let deleted = reader.deletedBits
        for document in scratch.touched {
            if IndexReader.isLive(document, deleted) {
                top.insert(ScoredDocument(score: scratch.scores[Int(document)], document: document))
            } else {
                matched -= 1
            }
            scratch.scores[Int(document)] = 0
        }
        scratch.touched.removeAll(keepingCapacity: true)
        return matched
    }

    private func accumulate(_ terms: [TermWeight], into scores: UnsafeMutableBufferPointer<Float>, touched: inout [UInt32],
                            scratch: Scratch) throws(IndexError) {
        let documents = scratch.documents
        let frequencies = scratch.frequencies
        for term in terms {
            let factors = lengthFactors.factors(term.field)
            for (index, segment) in reader.segments.enumerated() {
                guard let found = term.entries[index] else { continue }
                let list = try segment.postings(found)
                let base = reader.segmentBases[index]
                for block in 0..<list.blockCount {
                    let count = try list.decode(block: block, documents: documents, frequencies: frequencies)
                    for slot in 0..<count {
                        let document = base + Int(documents[slot])
                        let contribution = term.bm25.score(frequency: Float(frequencies[slot]), lengthFactor: factors[document])
                        if scores[document] == 0 { touched.append(UInt32(document)) }
                        scores[document] += contribution
                    }
                }
            }
        }
    }
}
