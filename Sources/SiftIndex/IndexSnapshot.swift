/// One committed state of one index, as readers see it.
///
/// Document numbers — and so hits, explanations and snippets — mean something only within one
/// snapshot: a commit can add, delete and merge documents and renumber every one of them. So a
/// reader, and every search result it gives, carries its snapshot, and a reader refuses a
/// number or result of another (`IndexError.snapshotMismatch`) instead of answering with
/// another document.
///
/// Two readers share a snapshot exactly when they read the same manifest bytes: the same
/// segments, deletions and order, so the same documents under the same numbers (two readers of
/// one commit, or a reader and its `reopenIfChanged()` when nothing changed).
public struct IndexSnapshot: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The commit's generation: 1 for a new or replaced index, one more for each later commit
    /// that changed it. Two different indexes (or one replaced) can have the same generation;
    /// `fingerprint` tells them apart.
    public let generation: UInt64
    /// A 64-bit hash of the manifest, which names every file of the snapshot by its contents.
    public let fingerprint: UInt64

    package init(generation: UInt64, fingerprint: UInt64) {
        self.generation = generation
        self.fingerprint = fingerprint
    }

    /// `generation 3 (manifest 1f0c…)`.
    public var description: String {
        let digits = String(fingerprint, radix: 16)
        return "generation \(generation) (manifest \(String(repeating: "0", count: 16 - digits.count) + digits))"
    }
}
