@_spi(SiftInternal) import SiftIndex

/// Finds phrase occurrences in position lists.
///
/// A phrase of terms t₀…tₙ at query offsets q₀…qₙ occurs at anchor position p of t₀ when
/// positions pᵢ of each tᵢ (all distinct) can be chosen so that the values pᵢ − qᵢ lie within a
/// window of `slop` + 1 consecutive integers — Lucene's sloppy-phrase distance: the number
/// of moves that bring the terms into place. With slop 0 that is exact adjacency (stop
/// words keep their slot). The phrase frequency of a document is its number of anchors.
enum PhraseMatcher {
    /// The number of anchors of the phrase in one document's position buffers (one per term,
    /// in phrase order): what the scorer needs, without making arrays for an exact phrase —
    /// each term's list is walked once, as anchors ascend.
    static func count(positions: UnsafePointer<PositionBuffer>, offsets: UnsafePointer<Int>, terms: Int, slop: Int) -> Int {
        guard terms > 0, positions[0].count > 0 else { return 0 }
        guard slop == 0 else {
            let lists = (0..<terms).map { Array(positions[$0].positions) }
            return anchors(positions: lists, offsets: Array(UnsafeBufferPointer(start: offsets, count: terms)), slop: slop).count
        }
        if terms == 2 { return countPairs(positions[0], positions[1], distance: offsets[1] - offsets[0]) }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: terms) { cursor in
            cursor.initialize(repeating: 0)
            var found = 0
            let first = positions[0]
            anchors: for anchorIndex in 0..<first.count {
                let base = Int(first.base[anchorIndex]) - offsets[0]
                for term in 1..<max(terms, 1) {
                    let target = base + offsets[term]
                    let list = positions[term]
                    var index = cursor[term]
                    while index < list.count && Int(list.base[index]) < target { index += 1 }
                    cursor[term] = index
                    if index == list.count { break anchors }  // no later anchor can match either
                    if Int(list.base[index]) != target { continue anchors }
                }
                found += 1
            }
            return found
        }
    }

    /// Anchors of a two-term exact phrase: positions p of the first term with p + distance
    /// among the second's, both lists walked once.
    @inline(__always)
    static func countPairs(_ first: PositionBuffer, _ second: PositionBuffer, distance: Int) -> Int {
        var found = 0
        var other = 0
        for index in 0..<first.count {
            let target = Int(first.base[index]) + distance
            while other < second.count && Int(second.base[other]) < target { other += 1 }
            if other == second.count { break }
            if Int(second.base[other]) == target { found += 1 }
        }
        return found
    }

    /// The anchors (positions of the first term) where the phrase occurs.
    static func anchors(positions: [[UInt32]], offsets: [Int], slop: Int) -> [UInt32] {
        guard let first = positions.first, !first.isEmpty else { return [] }
        var result: [UInt32] = []
        if slop == 0 {
            for anchor in first {
                let base = Int(anchor) - offsets[0]
                var matched = true
                for index in 1..<positions.count {
                    if !contains(positions[index], base + offsets[index]) { matched = false; break }
                }
                if matched { result.append(anchor) }
            }
            return result
        }
        // Order terms by offset for the greedy choice of distinct positions (same-length
        // windows shifted by increasing offsets: earliest-available is optimal).
        let order = offsets.indices.sorted { offsets[$0] != offsets[$1] ? offsets[$0] < offsets[$1] : $0 < $1 }
        var used: [Int] = []
        for anchor in first {
            let anchorValue = Int(anchor) - offsets[0]
            // The window starts at one of the chosen values; try each candidate ≤ the anchor.
            var candidates: [Int] = [anchorValue]
            for (index, list) in positions.enumerated() where index > 0 {
                for position in list {
                    let value = Int(position) - offsets[index]
                    if value >= anchorValue - slop && value <= anchorValue { candidates.append(value) }
                }
            }
            candidates.sort()
            var found = false
            var previous: Int? = nil
            for low in candidates where low != previous {
                previous = low
                let high = low + slop
                used.removeAll(keepingCapacity: true)
                used.append(Int(anchor))
                var ok = true
                for index in order where index != 0 {
                    var chosen: Int? = nil
                    for position in positions[index] {
                        let value = Int(position) - offsets[index]
                        if value < low { continue }
                        if value > high { break }
                        if !used.contains(Int(position)) { chosen = Int(position); break }
                    }
                    guard let chosen else { ok = false; break }
                    used.append(chosen)
                }
                if ok { found = true; break }
            }
            if found { result.append(anchor) }
        }
        return result
    }

    /// Binary search in an ascending list.
    static func contains(_ list: [UInt32], _ value: Int) -> Bool {
        guard value >= 0, value <= Int(UInt32.max) else { return false }
        let target = UInt32(value)
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low < list.count && list[low] == target
    }
}
