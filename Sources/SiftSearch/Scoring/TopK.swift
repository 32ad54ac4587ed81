/// A scored document; ordering puts higher scores first and breaks ties by ascending id.
struct ScoredDocument: Sendable, Equatable {
    var score: Float
    var document: UInt32

    /// True when `self` ranks before `other`.
    @inline(__always)
    func ranksBefore(_ other: ScoredDocument) -> Bool {
        score > other.score || (score == other.score && document < other.document)
    }
}

/// The best `capacity` documents seen so far: a binary min-heap whose root is the weakest kept,
/// so a candidate is compared with one value and most are rejected at once.
struct TopK {
    let capacity: Int
    private(set) var heap: [ScoredDocument] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(min(capacity, 1 << 16))
    }

    var isFull: Bool { capacity > 0 && heap.count >= capacity }

    /// The weakest kept document (only meaningful when full).
    var weakest: ScoredDocument? { heap.first }

    /// Offers a candidate; keeps it if it ranks before the weakest kept.
    @inline(__always)
    mutating func insert(_ candidate: ScoredDocument) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(candidate)
            siftUp(heap.count - 1)
        } else if candidate.ranksBefore(heap[0]) {
            heap[0] = candidate
            siftDown(0)
        }
    }

    /// The kept documents, best first.
    func sorted() -> [ScoredDocument] {
        heap.sorted { $0.ranksBefore($1) }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            // The weaker document rises: parent must rank after (be weaker than) its children.
            guard heap[parent].ranksBefore(heap[child]) else { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var weaker = left
            let right = left + 1
            if right < count && heap[left].ranksBefore(heap[right]) { weaker = right }
            guard heap[parent].ranksBefore(heap[weaker]) else { break }
            heap.swapAt(parent, weaker)
            parent = weaker
        }
    }
}
