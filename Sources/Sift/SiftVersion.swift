/// The version of Sift, printed by `sift --version`.
public enum SiftVersion {
    /// Semantic version of the library and tools.
    public static let current = "0.1.0"
}
