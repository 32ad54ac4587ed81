extension SourceDocument {
    /// The longest metadata key ingest keeps, in UTF-8 bytes (keys are at least one byte).
    ///
    /// A key names a filter (`category:tech`), so a longer one is a mistake in the input,
    /// not a name anyone types; the limit also keeps what the index stores per key small.
    public static let maximumMetadataKeyBytes = 256

    /// The longest metadata value ingest keeps, in UTF-8 bytes.
    ///
    /// Metadata is stored with every document and returned with its hits; a value longer
    /// than this is text that belongs in the body, where it would be searched.
    public static let maximumMetadataValueBytes = 65_536
}
