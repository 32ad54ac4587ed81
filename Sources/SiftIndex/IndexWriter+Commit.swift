import Dispatch
import SiftAnalysis
@_spi(SiftInternal) import SiftStorage
import SiftIngest

extension IndexWriter {
    /// Asks the next commit to merge the whole index into one segment without deletions.
    public func forceMerge() {
        mergeEverything = true
        structureChanged = true
    }

    /// Makes the added documents, the deletions and the chosen merges live atomically.
    /// The lock is kept; call `close()` to free it. If it throws, the index on disk is the
    /// previous one, untouched, and every file the writer wrote for it is removed; but the
    /// writer's view of the index is not as before: close it and open another.
    @discardableResult
    public func commit() throws(IndexError) -> CommitSummary {
        do {
            return try commitChanges()
        } catch {
            removeUncommittedFiles()
            throw error
        }
    }

    private func commitChanges() throws(IndexError) -> CommitSummary {
        // Without the lock another writer may be at work: never replace the index under it.
        guard lock != nil else { throw .writerClosed(path) }
        var summary = CommitSummary()
        guard hasChanges else {
            // Nothing to commit: the index stays byte for byte as it is; only leftovers of an
            // interrupted run are cleared.
            let manifest = Manifest(configuration: configuration, storage: storage, hasPositions: hasPositions, generation: generation - 1,
                                    segments: segments.map(\.entry), sources: committedSources)
            return finishCommit(manifest, summary: summary)
        }
        if documentCount > 0 {
            let segment: WrittenSegment
            let taken = Set(segments.map(\.entry.name)).union(committedSegmentNames)
            if flushed.isEmpty {
                segment = try SegmentWriter.write(buffer, terms: keys, directory: path, avoiding: taken, storage: storage)
            } else {
                try flush()
                segment = try SegmentMerger.merge(flushed.map(\.reader), directory: path, avoiding: taken, storage: storage).segment
            }
            for (name, _) in segment.files { uncommittedFiles.insert(name) }
            summary.termCount = segment.termCount
            summary.postingCount = segment.postingCount
            summary.addedDocumentCount = Int(segment.entry.documentCount)
            let reader = try SegmentReader(directory: path, entry: segment.entry, verifyChecksums: false)
            segments.append(LiveSegment(entry: segment.entry, reader: reader))
            // Documents deleted or replaced since they were added are written as deleted: the
            // new segment holds the added documents in the order they were added.
            for local in supersededDocuments { delete(segment: segments.count - 1, local: local) }
        }
        supersededDocuments = []
        pendingIDs = [:]
        pendingFileIDs = []
        let freshKeys = pendingSources.map(\.key).sorted(by: SourceTable.precedes)
        for var file in pendingSources {
            // A file that gave no document (empty, or only bad JSON lines) is still recorded,
            // so that the next run finds it unchanged.
            file.segment = file.documentCount > 0 ? segments.count - 1 : -1
            sources![file.key] = file
        }
        pendingSources = []
        buffer = SegmentBuffer()
        flushed = []
        flushedDocuments = 0

        // Segments with no live document left go; then the policy's merges.
        keepSegments(segments.indices.filter { segments[$0].liveCount > 0 })
        var merges = mergeEverything ? (segments.count > 1 || segments.contains { $0.deletions != nil } ? [Array(segments.indices)] : [])
                                     : mergePolicy.merges(segments.map { (documents: $0.reader.documentCount, live: $0.liveCount) })
        while let group = merges.first {
            try merge(group)
            summary.mergedSegmentCount += group.count
            merges = mergeEverything ? [] : mergePolicy.merges(segments.map { (documents: $0.reader.documentCount, live: $0.liveCount) })
        }
        mergeEverything = false
        if reorderDocuments {
            if segments.count == 1 { try reorder(0) }
            reorderDocuments = false
        }

        // Deletions files for the segments that keep deletions.
        for index in segments.indices where !segments[index].pendingDeletions.isEmpty {
            try countDeletedTerms(index)
            let bytes = segments[index].deletions!.encode(segment: segments[index].entry.name)
            segments[index].entry.deletions = Manifest.Deletions(
                count: UInt32(segments[index].deletions!.count),
                file: try writeContentFile(bytes, kind: IndexFormat.deletionsExtension))
            segments[index].pendingDeletions = []
        }

        var manifest = Manifest(configuration: configuration, storage: storage, hasPositions: hasPositions, generation: generation,
                                segments: segments.map(\.entry))
        if let sources, let sourceSettings {
            let table = SourceTable(settings: sourceSettings, files: Self.mergeTable(sourceOrder, freshKeys, from: sources))
            sourceOrder = table.files.map(\.key)
            manifest.sources = try writeContentFile(table.encode(), kind: IndexFormat.sourcesExtension)
        }
        do {
            // One sync of the folder makes the renames of every file above durable.
            try FileIO.syncDirectory(path)
            try FileIO.atomicReplace(path + "/" + IndexFormat.manifestName, with: manifest.encode())
        } catch {
            throw .io(error)
        }
        uncommittedFiles = []
        committedSegmentNames = Set(manifest.segments.map(\.name))
        generation += 1
        structureChanged = false
        committedSources = manifest.sources
        return finishCommit(manifest, summary: summary)
    }

    /// Removes what `manifest` does not name and completes the summary.
    func finishCommit(_ manifest: Manifest, summary: CommitSummary) -> CommitSummary {
        var summary = summary
        // Files of replaced segments (and partial segments) are dropped only now, after the
        // manifest no longer needs them.
        let live = Self.fileNames(manifest)
        removeUnreferencedFiles(keeping: live)

        summary.documentCount = committedDocumentCount
        summary.deletedCount = segments.reduce(0) { $0 + ($1.deletions?.count ?? 0) }
        summary.tokenCount = segments.reduce(0) { $0 + $1.entry.tokenCount - ($1.deletions?.tokenCount ?? 0) }
        summary.segmentCount = segments.count
        summary.generation = manifest.generation
        for name in live.sorted() {
            if let size = FileIO.size(of: path + "/" + name) { summary.files.append(IndexFile(name: name, byteCount: size)) }
        }
        return summary
    }

    /// Keeps the segments at `indices` (ascending), renumbering the files that point at them.
    func keepSegments(_ indices: [Int]) {
        guard indices.count != segments.count else { return }
        var newPosition = [Int](repeating: -1, count: segments.count)
        for (position, index) in indices.enumerated() { newPosition[index] = position }
        segments = indices.map { segments[$0] }
        if let current = sources {
            sources = current.compactMapValues { file in
                guard file.segment >= 0 else { return file }
                var file = file
                file.segment = newPosition[file.segment]
                return file.segment >= 0 ? file : nil
            }
        }
    }

    /// Merges the segments at `group` (ascending) into one, in the place of the first.
    func merge(_ group: [Int]) throws(IndexError) {
        // A merge writes fresh checksums, so damage in its input would come out looking sound:
        // the committed segments were verified when the writer opened them, and the others
        // are this writer's own. Live segments' names are avoided, as for a new segment.
        let (written, maps) = try SegmentMerger.merge(group.map { segments[$0].reader }, deletions: group.map { segments[$0].deletions },
                                                      directory: path, avoiding: Set(segments.map(\.entry.name)).union(committedSegmentNames),
                                                      storage: storage)
        for (name, _) in written.files { uncommittedFiles.insert(name) }
        let reader = try SegmentReader(directory: path, entry: written.entry, verifyChecksums: false)
        let target = group[0]
        if let current = sources {
            var updated = current
            for (key, file) in current where file.segment >= 0 {
                guard let member = group.firstIndex(of: file.segment) else { continue }
                var moved = file
                moved.segment = target
                // Files are deleted whole, so a file's documents are all live or all gone.
                guard maps[member][file.firstDocument] != SegmentMerger.dropped else {
                    updated[key] = nil
                    continue
                }
                if file.scatteredDocuments.isEmpty && file.documentCount > 0
                    && maps[member][file.firstDocument + file.documentCount - 1] == maps[member][file.firstDocument] + UInt32(file.documentCount - 1) {
                    // Contiguous before, contiguous after (a merge keeps the order).
                    moved.firstDocument = Int(maps[member][file.firstDocument])
                } else {
                    moved.setDocuments(file.documents.map { Int(maps[member][$0]) }.sorted())
                }
                updated[key] = moved
            }
            sources = updated
        }
        segments[target] = LiveSegment(entry: written.entry, reader: reader)
        keepSegments(segments.indices.filter { !group.dropFirst().contains($0) })
    }

    /// The entries of `sources` in key order, from `old` (ascending, possibly naming files
    /// since removed) and `fresh` (ascending, possibly repeated) merged: one lookup per key,
    /// no sort of the whole table.
    static func mergeTable(_ old: [String], _ fresh: [String], from sources: [String: SourceFile]) -> [SourceFile] {
        var merged: [SourceFile] = []
        merged.reserveCapacity(sources.count)
        var i = 0
        var j = 0
        while i < old.count || j < fresh.count {
            let key: String
            if j == fresh.count || (i < old.count && SourceTable.precedes(old[i], fresh[j])) {
                key = old[i]
                i += 1
            } else {
                if i < old.count && old[i] == fresh[j] { i += 1 }
                key = fresh[j]
                j += 1
                while j < fresh.count && fresh[j] == key { j += 1 }
            }
            if let file = sources[key] { merged.append(file) }
        }
        return merged
    }

    /// Writes a deletions or sources file under its content name, synced; the folder is
    /// synced once for all of them before the manifest is replaced.
    func writeContentFile(_ bytes: [UInt8], kind: String) throws(IndexError) -> Manifest.NamedFile {
        let name = IndexFormat.contentName(bytes, kind: kind)
        // A file of the same name is one of the same bytes: maybe the live one, which a failed
        // commit must then keep (it removes only what the manifest on disk does not name).
        uncommittedFiles.insert(name)
        do {
            try FileIO.atomicReplace(path + "/" + name, with: bytes, syncingFolder: false)
        } catch {
            throw .io(error)
        }
        let trailer = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self)) }
        return Manifest.NamedFile(name: name, info: Manifest.FileInfo(size: UInt64(bytes.count), checksum: trailer))
    }

    /// Deletes segment files and stale temporaries the new manifest does not name — only files
    /// of Sift's own naming, so nothing else in the folder is ever touched. Readers that mapped
    /// them keep their pages until they close, so this never breaks a running search.
    func removeUnreferencedFiles(keeping live: Set<String>) {
        guard let names = try? FileIO.listDirectory(path) else { return }
        for name in names where !live.contains(name) && IndexFormat.isIndexFileName(name) {
            FileIO.remove(path + "/" + name)
        }
    }
}
