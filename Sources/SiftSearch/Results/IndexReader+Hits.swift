@_spi(SiftInternal) import SiftIndex

extension IndexReader {
    /// The stored id, title and text of the document `hit` found.
    /// - Throws: `IndexError.snapshotMismatch` when the hit comes from another snapshot of the
    ///   index than this reader's (its document number would name another document here);
    ///   `.documentOutOfRange` for a number this reader does not have; `.corrupt` when the
    ///   stored record cannot be read.
    public func document(for hit: SearchHit) throws(IndexError) -> StoredDocument {
        try requireSnapshot(hit.snapshot)
        return try document(at: hit.document)
    }
}
