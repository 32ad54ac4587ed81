/// What an index keeps of each document besides its postings: the text itself (for
/// snippets, `sift show`, RM3 and exact deletions), or only each document's terms and their
/// counts (a forward index: smaller, and enough for RM3 and exact deletions, not for
/// snippets). Chosen when an index is built (`sift index --store text|none`) and kept by
/// updates; changing it needs a rebuild.
public enum TextStorage: String, Sendable, Equatable, CaseIterable {
    /// Every document's text, compressed (the default).
    case text
    /// No text: a forward index of each document's terms and counts instead.
    case none

    /// The manifest's code.
    var code: UInt8 { self == .text ? 0 : 1 }

    init?(code: UInt8) {
        switch code {
        case 0: self = .text
        case 1: self = .none
        default: return nil
        }
    }
}
