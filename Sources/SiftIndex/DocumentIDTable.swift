import Synchronization
@_spi(SiftInternal) import SiftStorage

/// A segment's documents sorted by a hash of their ids, so that finding the documents of one
/// id is a binary search and a check of the few stored ids whose hash matches, instead of a
/// read of every stored record.
///
/// It is made from the stored ids the first time a segment is asked for an id (O(documents
/// of the segment) once) and kept with the segment's reader, which a reopened reader and a
/// writer's later commits share while the segment lives; segments never change, so neither
/// does the table. It lives in memory only: the index format is unchanged.
final class DocumentIDTable: Sendable {
    /// (hash of the id, local document number), ascending.
    private let entries: [(hash: UInt64, local: UInt32)]

    init(_ segment: SegmentReader) throws(IndexError) {
        var entries: [(hash: UInt64, local: UInt32)] = []
        entries.reserveCapacity(segment.documentCount)
        var stored = StoredFieldsReader(segment.storedFields)
        for local in 0..<segment.documentCount {
            let id = try stored.document(local, includeText: false, includeMetadata: false).id
            entries.append((Self.hash(id), UInt32(local)))
        }
        entries.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.local < $1.local }
        self.entries = entries
    }

    static func hash(_ id: String) -> UInt64 {
        var id = id
        return id.withUTF8 { ByteInterner.hash($0) }
    }

    /// The local documents (deleted ones included) whose hash is `id`'s, ascending; the caller
    /// checks their stored ids.
    /// - Complexity: O(log documents) plus the matches.
    func candidates(for id: String) -> [Int] {
        let key = Self.hash(id)
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].hash < key { low = middle + 1 } else { high = middle }
        }
        var found: [Int] = []
        while low < entries.count && entries[low].hash == key {
            found.append(Int(entries[low].local))
            low += 1
        }
        return found
    }
}

extension SegmentReader {
    /// The local documents whose stored id is `id`, deleted ones included, ascending.
    /// - Complexity: O(log documents) once the segment's id table is made; making it is
    ///   O(documents of the segment), the first time only.
    func documents(withID id: String) throws(IndexError) -> [Int] {
        let table = try idTable()
        var found: [Int] = []
        var stored = StoredFieldsReader(storedFields)
        for local in table.candidates(for: id) where try stored.document(local, includeText: false, includeMetadata: false).id == id {
            found.append(local)
        }
        return found
    }

    private func idTable() throws(IndexError) -> DocumentIDTable {
        if let table = idTableSlot.withLock({ $0 }) { return table }
        let made = try DocumentIDTable(self)
        return idTableSlot.withLock { slot in
            if let table = slot { return table }
            slot = made
            return made
        }
    }
}
