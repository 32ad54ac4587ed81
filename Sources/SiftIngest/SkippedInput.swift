/// An input left out of the index, with the path to show the user and the reason.
public struct SkippedInput: Sendable, Equatable, CustomStringConvertible {
    /// The path as shown to the user: the root as given joined with the path below it.
    public var path: String
    /// Why it was skipped.
    public var reason: SkipReason

    /// A skip record for `path`.
    public init(path: String, reason: SkipReason) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`, the body of a warning line.
    public var description: String { "\(path): \(reason)" }
}
