/// When a commit merges segments.
///
/// Segments are grouped in levels by their live document count (level `l` holds counts in
/// `mergeFactor^l ..< mergeFactor^(l+1)`); a level with `mergeFactor` segments is merged into
/// one, so after any commit each level holds fewer than `mergeFactor` segments and an index of
/// N documents has at most `(mergeFactor − 1) · (⌊log_mergeFactor N⌋ + 1)` segments. Each
/// document is rewritten about `log_mergeFactor N` times over the index's life. A segment whose
/// deleted share passes `maxDeletedShare` is rewritten without its deleted documents, so
/// deletions never hold more than that share of a segment for long.
public struct MergePolicy: Sendable, Equatable {
    /// Segments per level that trigger a merge; 0 turns merging off.
    public var mergeFactor: Int
    /// The deleted share of a segment above which it is rewritten.
    public var maxDeletedShare: Double

    public init(mergeFactor: Int = 4, maxDeletedShare: Double = 0.2) {
        self.mergeFactor = mergeFactor
        self.maxDeletedShare = maxDeletedShare
    }

    /// The level of a segment of `live` documents.
    func level(_ live: Int) -> Int {
        var level = 0
        var remaining = max(live, 1)
        while remaining >= mergeFactor {
            remaining /= mergeFactor
            level += 1
        }
        return level
    }

    /// The next merge, if any: positions of the segments to merge, ascending. A segment with
    /// too many deletions is purged alone unless its level is full anyway.
    func merges(_ segments: [(documents: Int, live: Int)]) -> [[Int]] {
        guard mergeFactor >= 2 else { return [] }
        var levels: [Int: [Int]] = [:]
        for (index, segment) in segments.enumerated() { levels[level(segment.live), default: []].append(index) }
        if let full = levels.keys.sorted().first(where: { levels[$0]!.count >= mergeFactor }) {
            return [levels[full]!]
        }
        if let purge = segments.indices.first(where: {
            segments[$0].documents > 0 && Double(segments[$0].documents - segments[$0].live) > maxDeletedShare * Double(segments[$0].documents)
        }) {
            return [[purge]]
        }
        return []
    }
}
