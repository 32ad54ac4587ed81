import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) import SiftIndex

/// The scorer counts a document's phrase occurrences from its position buffers without making
/// arrays; the count must be the number of anchors `PhraseMatcher.anchors` finds.
@Suite struct PhraseCountTests {
    @Test("count(positions:) equals anchors(…).count for 2–4 terms, exact and sloppy, on random position lists")
    func countMatchesAnchors() {
        var random = TestRandom(seed: 4242)
        for _ in 0..<3000 {
            let terms = random.int(in: 2...4)
            let lists: [[UInt32]] = (0..<terms).map { _ in
                Array(Set((0..<random.int(in: 0...12)).map { _ in UInt32(random.below(40)) })).sorted()
            }
            var offsets = [0]
            for _ in 1..<terms { offsets.append(offsets.last! + random.int(in: 0...2)) }
            let slop = random.below(4) == 0 ? random.int(in: 1...3) : 0
            let buffers = UnsafeMutablePointer<PositionBuffer>.allocate(capacity: terms)
            for (index, list) in lists.enumerated() {
                var buffer = PositionBuffer(capacity: 1)
                buffer.reserve(list.count)
                for (slot, position) in list.enumerated() { buffer.base[slot] = position }
                buffer.count = list.count
                (buffers + index).initialize(to: buffer)
            }
            let counted = offsets.withUnsafeBufferPointer {
                PhraseMatcher.count(positions: buffers, offsets: $0.baseAddress!, terms: terms, slop: slop)
            }
            let expected = PhraseMatcher.anchors(positions: lists, offsets: offsets, slop: slop).count
            #expect(counted == expected, "\(lists) offsets \(offsets) slop \(slop)")
            for index in 0..<terms { buffers[index].deallocate() }
            buffers.deinitialize(count: terms)
            buffers.deallocate()
        }
    }
}
