/// A value a caller passed that the method or option does not accept: which one, what it was,
/// and what it must be. A mistake in the calling code, never damage: nothing was read or
/// written when it is thrown.
public struct InvalidArgument: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The parameter or property, as it is spelt in code (`maxExpansions`, `bm25.k1`).
    public var name: String
    /// The value given, as text.
    public var value: String
    /// What a valid value is (`at least 1`, `a finite number from 0 to 1`).
    public var requirement: String

    public init(name: String, value: String, requirement: String) {
        self.name = name
        self.value = value
        self.requirement = requirement
    }

    /// An invalid number, shown as Swift prints it (`-1`, `nan`, `inf`).
    public init<Value: CustomStringConvertible>(name: String, value: Value, requirement: String) {
        self.init(name: name, value: value.description, requirement: requirement)
    }

    public var description: String { "\(name) is \(value); it must be \(requirement)" }
}
