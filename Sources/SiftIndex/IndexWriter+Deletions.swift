import Dispatch
import SiftAnalysis
@_spi(SiftInternal) import SiftStorage
import SiftIngest

extension IndexWriter {
    /// Deletes the committed documents of the indexed file whose key is `relativePath` — its
    /// path relative to the folder indexed, as `update(with:extractor:)` and `addFiles` record
    /// it (`notes/a.txt`; behind the folder's name when several folders were indexed) — and
    /// forgets the file, so a later update reads it again if it is still there. Returns how
    /// many documents were deleted: 0 for a path the index holds no file of. Documents added
    /// since the last commit are not affected.
    @discardableResult
    public func deleteDocuments(ofFileAtRelativePath relativePath: String) -> Int {
        guard let file = sources?.removeValue(forKey: relativePath) else { return 0 }
        // Even a file that gave no document changes the table.
        structureChanged = true
        for local in file.documents { delete(segment: file.segment, local: local) }
        return file.documentCount
    }

    /// Deletes the documents whose id is `id` — committed ones, and those added by id since
    /// the last commit — and returns how many; 0 when no document has the id. Nothing changes
    /// on disk or for readers until `commit()`.
    ///
    /// A document that a folder sync indexed belongs to its file, and a file's documents are
    /// indexed and deleted together: deleting one deletes the file's other documents (its
    /// other passages) too, and the file is forgotten, so a later update reads it again if it
    /// is still there. Those are not counted in the result.
    /// - Complexity: O(segments × log documents), after each segment's first lookup (which
    ///   reads its stored ids once).
    @discardableResult
    public func deleteDocuments(withID id: String) throws(IndexError) -> Int {
        guard lock != nil else { throw .writerClosed(path) }
        var deleted: [(segment: Int, local: Int)] = []
        for index in segments.indices {
            for local in try segments[index].reader.documents(withID: id) where segments[index].deletions?.contains(local) != true {
                delete(segment: index, local: local)
                deleted.append((index, local))
            }
        }
        if !deleted.isEmpty, let current = sources {
            let owners = current.values.filter { file in
                file.segment >= 0 && deleted.contains { $0.segment == file.segment && file.documents.contains($0.local) }
            }
            for file in owners { deleteDocuments(ofFileAtRelativePath: file.key) }
        }
        let pending = pendingIDs.removeValue(forKey: id) ?? []
        supersededDocuments.append(contentsOf: pending)
        return deleted.count + pending.count
    }

    /// Whether a live document has the id `id`: a committed one this writer has not deleted,
    /// or one added by id since the last commit.
    /// - Complexity: O(segments × log documents), as `deleteDocuments(withID:)`.
    public func containsDocument(withID id: String) throws(IndexError) -> Bool {
        if pendingIDs[id]?.isEmpty == false || pendingFileIDs.contains(id) { return true }
        for index in segments.indices {
            for local in try segments[index].reader.documents(withID: id) where segments[index].deletions?.contains(local) != true {
                return true
            }
        }
        return false
    }

    /// Deletes every committed document, those of indexed files and those added by id
    /// (documents added since the last commit stay).
    public func deleteAll() {
        for index in segments.indices {
            for local in 0..<segments[index].reader.documentCount { delete(segment: index, local: local) }
        }
        if sources != nil { sources = [:] }
    }

    func delete(segment index: Int, local: Int) {
        if segments[index].deletions == nil {
            segments[index].deletions = SegmentDeletions(documentCount: segments[index].reader.documentCount)
        }
        if segments[index].deletions!.insert(local) {
            segments[index].pendingDeletions.append(local)
            structureChanged = true
        }
    }

    /// Adds the terms and lengths of the documents deleted from segment `index` since the last
    /// commit to its deletions, by analyzing their stored text again.
    func countDeletedTerms(_ index: Int) throws(IndexError) {
        let reader = segments[index].reader
        // Taken out of the array while it grows, so its tables are not copied on write.
        var deletions = segments[index].deletions!
        segments[index].deletions = nil
        defer { segments[index].deletions = deletions }
        // The analysis threads and the writer's keys: their caches are warm from the documents
        // just added (often new versions of the deleted ones). Keys interned here and never
        // posted are not written to any segment. Each thread reads and analyzes a share of a
        // round (reading means expanding compressed text: the larger part of the work).
        var counts: [UInt32] = []
        let pending = segments[index].pendingDeletions.sorted()
        if reader.storedFields.hasForwardIndex {
            try countDeletedTerms(pending, of: reader, into: &deletions)
            return
        }
        var start = 0
        while start < pending.count {
            let round = Array(pending[start..<min(start + 256 * jobs, pending.count)])
            let shares = min(jobs, round.count)
            let shareSize = (round.count + shares - 1) / shares
            var failures = [IndexError?](repeating: nil, count: shares)
            let workers = self.workers
            failures.withUnsafeMutableBufferPointer { failures in
                nonisolated(unsafe) let failures = failures
                DispatchQueue.concurrentPerform(iterations: shares) { share in
                    var stored = StoredFieldsReader(reader.storedFields)
                    var documents: [SourceDocument] = []
                    do throws(IndexError) {
                        for local in round[(share * shareSize)..<min((share + 1) * shareSize, round.count)] {
                            let fields = try stored.document(local)
                            documents.append(SourceDocument(id: fields.id, title: fields.title, text: fields.textBytes))
                        }
                        workers[share].analyze(documents[...])
                    } catch {
                        failures[share] = error
                    }
                }
            }
            if let failure = failures.compactMap({ $0 }).first {
                for share in 0..<shares { workers[share].reset() }
                throw failure
            }
            for share in 0..<shares {
                let worker = workers[share]
                defer { worker.reset() }
                worker.mapKeys(into: &keys)
                for (slot, local) in round[(share * shareSize)..<min((share + 1) * shareSize, round.count)].enumerated() {
                    let length = reader.length(of: local, field: .text)
                    let titleLength = reader.length(of: local, field: .title)
                    guard worker.lengths[slot] == length, worker.titleLengths[slot] == titleLength else {
                        throw .corrupt(file: reader.documentsFile.path, reason: "document \(local) analyzes to \(worker.lengths[slot]) tokens, the segment says \(length)")
                    }
                    deletions.tokenCount += UInt64(length)
                    deletions.titleTokenCount += UInt64(titleLength)
                    for key in worker.globalKeys[worker.postingRange(slot)] {
                        if Int(key) >= counts.count { counts.append(contentsOf: repeatElement(0, count: Int(key) + 1 - counts.count)) }
                        counts[Int(key)] += 1
                    }
                }
            }
            start += round.count
        }
        for key in 0..<counts.count where counts[key] > 0 {
            deletions.frequencies[Array(keys.bytes(Int32(key))), default: 0] += counts[key]
        }
    }

    /// The same from the forward index of a segment without stored text: each deleted
    /// document's terms and counts, their lengths checked against the segment's.
    private func countDeletedTerms(_ pending: [Int], of reader: SegmentReader, into deletions: inout SegmentDeletions) throws(IndexError) {
        var holders = [UInt32](repeating: 0, count: reader.termCount)
        var terms: [(ordinal: UInt32, frequency: UInt32)] = []
        var keys: [[UInt8]] = []
        var held: [Int] = []
        for local in pending {
            try reader.storedFields.forwardTerms(local, termCount: reader.termCount, into: &terms)
            var length: UInt64 = 0
            var titleLength: UInt64 = 0
            keys = try reader.dictionary.keys(ofOrdinals: terms.map { Int($0.ordinal) })
            for (key, term) in zip(keys, terms) {
                if IndexFormat.field(ofKey: key) == .title { titleLength += UInt64(term.frequency) } else { length += UInt64(term.frequency) }
                if holders[Int(term.ordinal)] == 0 { held.append(Int(term.ordinal)) }
                holders[Int(term.ordinal)] += 1
            }
            guard length == UInt64(reader.length(of: local, field: .text)), titleLength == UInt64(reader.length(of: local, field: .title)) else {
                throw .corrupt(file: reader.documentsFile.path, reason: "document \(local) lists \(length) text terms, the segment says \(reader.length(of: local, field: .text))")
            }
            deletions.tokenCount += length
            deletions.titleTokenCount += titleLength
        }
        held.sort()
        for (ordinal, key) in zip(held, try reader.dictionary.keys(ofOrdinals: held)) {
            deletions.frequencies[key, default: 0] += holders[ordinal]
        }
    }
}
