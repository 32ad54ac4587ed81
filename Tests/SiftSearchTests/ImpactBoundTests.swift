import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex

/// Block bounds from impacts (the (tf, length) pairs no posting of a block beats): for any k1
/// and b chosen at query time they bound every posting's contribution, equal the best
/// posting's (the bound is exact), are never looser than the largest tf and smallest length
/// taken apart, and keep pruned search bit-identical to exhaustive search.
@Suite struct ImpactBoundTests {
    static let settings: [(k1: Double, b: Double)] = [(1.2, 0.75), (0, 0.75), (0.3, 1), (3, 0), (10, 0.5), (1.2, 1), (100, 0.9)]

    /// Documents of very different lengths whose words repeat unevenly: blocks whose best
    /// posting is neither the one of the largest tf nor the one of the shortest document.
    static func corpus(seed: UInt64, count: Int) -> [IndexTestDocument] {
        var random = TestRandom(seed: seed)
        let vocabulary = (0..<30).map { "w\($0)" }
        return (0..<count).map { number in
            var words: [String] = []
            let length = [random.int(in: 1...6), random.int(in: 5...60), random.int(in: 100...600)][random.below(3)]
            for _ in 0..<length {
                let rank = Int(Double(vocabulary.count) * pow(random.unit(), 2))
                words.append(vocabulary[min(rank, vocabulary.count - 1)])
            }
            // Now and then a burst of one word: large tf in a long document.
            if random.below(8) == 0 { words += Array(repeating: vocabulary[random.below(8)], count: random.int(in: 5...60)) }
            return IndexTestDocument(id: "d\(number)", text: words.joined(separator: " "))
        }
    }

    @Test("a block's impact bound covers every posting, equals the best one's, and is no looser than max tf with min length")
    func boundsAreExactAndTight() throws {
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Self.corpus(seed: 51, count: 2000), at: folder.path)
            let reader = try IndexReader(path: folder.path)
            let segment = reader.segments[0]
            var documents = [UInt32](repeating: 0, count: IndexFormat.blockSize)
            var frequencies = [UInt32](repeating: 0, count: IndexFormat.blockSize)
            var tighter = 0
            var blocks = 0
            for (k1, b) in Self.settings {
                let parameters = BM25Parameters(k1: k1, b: b)
                var terms = try segment.terms()
                while let (key, entry) = try terms.next() {
                    let list = try segment.postings(entry)
                    let weight = BM25Weight(idf: 1.7, boost: 1, parameters: parameters, averageLength: reader.averageDocumentLength)
                    var listBest = 0.0
                    for block in 0..<list.blockCount {
                        let count = try list.decode(block: block, documents: &documents, frequencies: &frequencies)
                        var best = 0.0
                        var maxFrequency: UInt32 = 0
                        var minLength = UInt32.max
                        for slot in 0..<count {
                            let length = segment.length(of: Int(documents[slot]), field: entry.field)
                            best = max(best, weight.bound(maxFrequency: frequencies[slot], minLength: length))
                            maxFrequency = max(maxFrequency, frequencies[slot])
                            minLength = min(minLength, length)
                        }
                        let bound = weight.bound(list.impacts(ofBlock: block))
                        #expect(bound == best, "term \(key) block \(block) at k1 \(k1), b \(b)")
                        let separate = weight.bound(maxFrequency: maxFrequency, minLength: minLength)
                        #expect(bound <= separate)
                        if bound < separate * (1 - 1e-9) { tighter += 1 }
                        blocks += 1
                        listBest = max(listBest, best)
                    }
                    #expect(weight.bound(list.listImpacts()) == listBest, "term \(key) list at k1 \(k1), b \(b)")
                }
            }
            // The corpus is made so that the separate corners often overestimate.
            #expect(tighter * 10 >= blocks, "impacts tighter in \(tighter) of \(blocks) blocks")
        }
    }

    @Test("pruned equals exhaustive with impact bounds at query-time k1 and b: terms, ORs, ANDs and phrases, k = 1, 10, 100",
          arguments: 0..<2)
    func prunedEqualsExhaustive(seed: Int) throws {
        var random = TestRandom(seed: UInt64(5200 + seed))
        try IndexTestFolder.with { folder in
            try IndexTestKit.write(Self.corpus(seed: UInt64(5300 + seed), count: 2500), at: folder.path)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            var skipped = 0
            for (k1, b) in Self.settings {
                for round in 0..<8 {
                    let words = (0..<random.int(in: 1...4)).map { _ in "w\(random.below(20))" }
                    let query: String
                    switch round % 4 {
                    case 0: query = words[0]
                    case 1: query = words.joined(separator: " ")
                    case 2: query = "+" + words.joined(separator: " +") + " w\(random.below(30))"
                    default: query = "\"w\(random.below(6)) w\(random.below(6))\""
                    }
                    for k in [1, 10, 100] {
                        let pruned = try searcher.search(query, options: SearchOptions(limit: k, bm25: BM25Parameters(k1: k1, b: b)))
                        let exhaustive = try searcher.search(query, options: SearchOptions(limit: k, bm25: BM25Parameters(k1: k1, b: b), exhaustive: true))
                        #expect(PruningEquivalenceTests.signature(pruned) == PruningEquivalenceTests.signature(exhaustive),
                                "'\(query)' at k = \(k), k1 \(k1), b \(b)")
                        if pruned.work.postingsDecoded < exhaustive.work.postingsDecoded { skipped += 1 }
                    }
                }
            }
            #expect(skipped > 0, "pruning should skip some work")
        }
    }
}
