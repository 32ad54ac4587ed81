import Testing
@testable import SiftSearch
import SiftTestSupport

/// The heap that keeps the best k: the same documents and order as sorting every candidate.
@Suite struct TopKTests {
    @Test("random candidates with many ties: TopK keeps exactly the k best by score, then lower document", arguments: [0, 1, 2, 10, 100, 1000])
    func matchesSorting(capacity: Int) {
        var random = TestRandom(seed: UInt64(500 + capacity))
        for _ in 0..<20 {
            let count = random.int(in: 0...2000)
            // Few distinct scores, so ties decide most places.
            let candidates = (0..<count).map { _ in ScoredDocument(score: Float(random.below(50)) / 4, document: UInt32(random.below(1_000_000))) }
            var top = TopK(capacity: capacity)
            for candidate in candidates { top.insert(candidate) }
            let expected = Array(candidates.sorted { $0.ranksBefore($1) }.prefix(capacity))
            #expect(top.sorted() == expected)
            #expect(top.isFull == (capacity > 0 && count >= capacity))
            if top.isFull { #expect(top.weakest == expected.last) }
        }
    }

    @Test("a candidate that ties the weakest on score enters only with a lower document")
    func ties() {
        var top = TopK(capacity: 2)
        top.insert(ScoredDocument(score: 1, document: 5))
        top.insert(ScoredDocument(score: 2, document: 9))
        top.insert(ScoredDocument(score: 1, document: 7))
        #expect(top.sorted().map(\.document) == [9, 5])
        top.insert(ScoredDocument(score: 1, document: 3))
        #expect(top.sorted().map(\.document) == [9, 3])
    }
}
