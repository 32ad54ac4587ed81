import Dispatch
import Synchronization
@_spi(SiftInternal) import SiftStorage
/// What `check()` verified, for the report of `sift check`.
public struct CheckReport: Sendable {
    /// Segments verified.
    public var segmentCount = 0
    /// Documents whose stored fields decoded.
    public var documentCount = 0
    /// Terms verified in order.
    public var termCount = 0
    /// Postings decoded.
    public var postingCount: UInt64 = 0
    /// Positions decoded.
    public var positionCount: UInt64 = 0
    /// Bytes whose checksums were verified.
    public var byteCount = 0
    /// Deleted documents, their bitmaps and statistics checked.
    public var deletedCount = 0
    /// Indexed files whose document ranges were checked.
    public var sourceFileCount = 0
    /// Whether postings, positions and stored documents were decoded (`deep`).
    public var deep = false
}

extension IndexReader {
    /// Checks the CRC-32C of every byte of every file of the index (as `verifyChecksums: true`
    /// at open does), the files shared among `jobs` threads, largest first.
    /// - Throws: `IndexError.corrupt` naming the first damaged file in index order.
    /// - Complexity: O(index size).
    public func verifyChecksums(jobs: Int) throws(IndexError) {
        var listed: [MappedFile] = []
        for segment in segments {
            listed += segment.files
            if let deletions = segment.deletions { listed.append(deletions.file) }
        }
        if let sourcesFile { listed.append(sourcesFile) }
        let files = listed
        let order = files.indices.sorted { files[$0].bytes.count > files[$1].bytes.count }
        var failures = [IndexError?](repeating: nil, count: files.count)
        let workers = max(1, min(jobs, files.count))
        let next = Atomic<Int>(0)
        failures.withUnsafeMutableBufferPointer { failures in
            nonisolated(unsafe) let failures = failures
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let slot = next.add(1, ordering: .relaxed).oldValue
                    guard slot < order.count else { return }
                    let file = files[order[slot]]
                    do throws(IndexError) {
                        try IndexFormat.verifyChecksum(file.bytes, file: file.path)
                    } catch {
                        failures[order[slot]] = error
                    }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
    }

    /// Verifies every checksum and the invariants that tie the files together: lengths that add
    /// up to the manifest's token counts, deletion bitmaps and the deleted documents' token
    /// counts, the table of indexed files (ranges inside their segments, never overlapping,
    /// naming live documents only). With `deep`, also decodes every posting list (terms
    /// strictly ascending, documents ascending, block metadata true to its blocks, positions
    /// ascending and as many as the frequencies say), every stored document, and recounts each
    /// term's deleted documents against the deletions file. Throws the first problem found,
    /// naming the file.
    /// - Complexity: O(size of the index).
    public func check(deep: Bool = true) throws(IndexError) -> CheckReport {
        var report = CheckReport()
        report.deep = deep
        for segment in segments {
            for file in segment.files + (segment.deletions.map { [$0.file] } ?? []) {
                try IndexFormat.verifyChecksum(file.bytes, file: file.path)
                report.byteCount += file.bytes.count
            }
            try checkLengths(segment)
            if deep { try check(segment, into: &report) }
            report.segmentCount += 1
            report.deletedCount += segment.deletedCount
        }
        if let table = try sourceTable() {
            try checkSources(table, into: &report)
        }
        return report
    }

    /// Field lengths against the manifest's token counts, and the deleted documents' lengths
    /// against the deletions file.
    private func checkLengths(_ segment: SegmentReader) throws(IndexError) {
        let documentsPath = segment.documentsFile.path
        for field in IndexField.allCases {
            var lengthSum: UInt64 = 0
            var deletedSum: UInt64 = 0
            for document in 0..<segment.documentCount {
                let length = UInt64(segment.length(of: document, field: field))
                lengthSum += length
                if segment.deletions?.isDeleted(document) == true { deletedSum += length }
            }
            guard lengthSum == segment.tokenCount(of: field) else {
                throw .corrupt(file: documentsPath, reason: "\(field) lengths add up to \(lengthSum), the manifest says \(segment.tokenCount(of: field)) tokens")
            }
            if let deletions = segment.deletions {
                let recorded = field == .text ? deletions.tokenCount : deletions.titleTokenCount
                guard deletedSum == recorded else {
                    throw .corrupt(file: deletions.path, reason: "deleted documents hold \(deletedSum) \(field) tokens, the file says \(recorded)")
                }
            }
        }
    }

    /// Each indexed file's documents lie in one segment, are live, and belong to no other file.
    /// (Documents added with `IndexWriter.add` belong to no file.)
    private func checkSources(_ table: SourceTable, into report: inout CheckReport) throws(IndexError) {
        let path = self.path + "/" + (manifest.sources?.name ?? "")
        var owned = segments.map { [Bool](repeating: false, count: $0.documentCount) }
        var tracked = 0
        for file in table.files where file.documentCount > 0 {
            let segment = segments[file.segment]
            for local in file.documents {
                guard !owned[file.segment][local] else {
                    throw .corrupt(file: path, reason: "document \(local) of segment \(segment.name) belongs to two files ('\(file.key)' and another)")
                }
                guard segment.deletions?.isDeleted(local) != true else {
                    throw .corrupt(file: path, reason: "file '\(file.key)' names document \(local) of segment \(segment.name), which is deleted")
                }
                owned[file.segment][local] = true
            }
            tracked += file.documentCount
            report.sourceFileCount += 1
        }
        guard tracked <= documentCount else {
            throw .corrupt(file: path, reason: "the files account for \(tracked) documents, the index has \(documentCount) live")
        }
    }

    private func check(_ segment: SegmentReader, into report: inout CheckReport) throws(IndexError) {
        let termsPath = segment.termsFile.path
        let postingsPath = segment.postingsFile.path
        let positionsPath = segment.positionsFile.path

        var stored = StoredFieldsReader(segment.storedFields)
        // Without stored text, the forward index: each term's documents and occurrences as
        // its records count them, compared with the dictionary below.
        let forward = segment.storedFields.hasForwardIndex
        var forwardDocuments = [UInt32](repeating: 0, count: forward ? segment.termCount : 0)
        var forwardOccurrences = [UInt64](repeating: 0, count: forward ? segment.termCount : 0)
        var forwardTerms: [(ordinal: UInt32, frequency: UInt32)] = []
        // The metadata index must be exactly the one the records make.
        var metadataIndex = MetadataIndexBuilder()
        for document in 0..<segment.documentCount {
            let fields = try stored.document(document)
            if !fields.metadata.isEmpty { metadataIndex.add(document: UInt32(document), metadata: fields.metadata) }
            if forward {
                try segment.storedFields.forwardTerms(document, termCount: segment.termCount, into: &forwardTerms)
                for term in forwardTerms {
                    forwardDocuments[Int(term.ordinal)] += 1
                    forwardOccurrences[Int(term.ordinal)] += UInt64(term.frequency)
                }
            }
            report.documentCount += 1
        }
        if segment.storedFields.hasMetadata, !metadataIndex.encode().elementsEqual(segment.storedFields.metadataIndex.bytes) {
            throw .corrupt(file: segment.documentsFile.path, reason: "the metadata index does not match the documents' metadata")
        }
        var titleTerm = [Bool](repeating: false, count: forward ? segment.termCount : 0)

        var positions: [UInt32] = []
        var documents = [UInt32](repeating: 0, count: IndexFormat.blockSize)
        var frequencies = [UInt32](repeating: 0, count: IndexFormat.blockSize)
        var expectedPostingsOffset = IndexFormat.headerSize
        var expectedPositionsOffset = IndexFormat.headerSize
        var occurrenceSum: [IndexField: UInt64] = [.text: 0, .title: 0]
        var previousTerm: [UInt8]? = nil
        var deletedTerms = 0
        var terms = try segment.terms()
        var index = -1
        while let (term, entry) = try terms.next() {
            index += 1
            if let previousTerm, !previousTerm.lexicographicallyPrecedes(term) {
                throw .corrupt(file: termsPath, reason: "term \(index) is not after term \(index - 1) in byte order")
            }
            guard !term.isEmpty else { throw .corrupt(file: termsPath, reason: "term \(index) is empty") }
            previousTerm = term
            let field = IndexFormat.field(ofKey: term)
            guard field == .text || term.count > 1 else { throw .corrupt(file: termsPath, reason: "term \(index) is an empty title term") }
            guard Int(entry.postingsOffset) == expectedPostingsOffset else {
                throw .corrupt(file: termsPath, reason: "term \(index) postings start at \(entry.postingsOffset), expected \(expectedPostingsOffset)")
            }
            guard Int(entry.positionsOffset) == expectedPositionsOffset else {
                throw .corrupt(file: termsPath, reason: "term \(index) positions start at \(entry.positionsOffset), expected \(expectedPositionsOffset)")
            }
            let list = try segment.postings(entry)
            var totalFrequency: UInt64 = 0
            var deletedHolding: UInt32 = 0
            var positionOffset = list.positionsStart
            var allPairs: [(frequency: UInt32, length: UInt32)] = []
            for block in 0..<list.blockCount {
                if list.blockCount > 1 {
                    let meta = list.metadata(block)
                    guard Int(meta.positionsStart) == positionOffset - list.positionsStart else {
                        throw .corrupt(file: postingsPath, reason: "term \(index) block \(block) positions start at \(meta.positionsStart), expected \(positionOffset - list.positionsStart)")
                    }
                }
                let count = try documents.withUnsafeMutableBufferPointer { documents throws(IndexError) -> Int in
                    try frequencies.withUnsafeMutableBufferPointer { frequencies throws(IndexError) -> Int in
                        try list.decode(block: block, documents: documents.baseAddress!, frequencies: frequencies.baseAddress!)
                    }
                }
                for slot in 0..<count where segment.deletions?.isDeleted(Int(documents[slot])) == true { deletedHolding += 1 }
                var pairs: [(frequency: UInt32, length: UInt32)] = []
                var groupCount = 0
                for slot in 0..<count {
                    pairs.append((frequencies[slot], segment.length(of: Int(documents[slot]), field: field)))
                    totalFrequency += UInt64(frequencies[slot])
                    groupCount += Int(frequencies[slot])
                }
                // The block's impacts are exactly the pairs of its postings that no other beats.
                let pareto = Impacts.pareto(pairs)
                let stored = Impacts.read(list.impacts(ofBlock: block))
                guard stored.elementsEqual(pareto, by: { $0 == $1 }) else {
                    throw .corrupt(file: postingsPath, reason: "term \(index) block \(block) impacts \(stored) differ from its postings' \(pareto)")
                }
                allPairs.append(contentsOf: pareto)
                report.postingCount += UInt64(count)
                // An imported index has term frequencies only: its positions file is empty.
                guard hasPositions else { continue }
                // The block's positions group: chunks that decode, ascending within each
                // document, as many as the frequencies say, ending where the next group starts.
                positions.removeAll(keepingCapacity: true)
                positions.append(contentsOf: repeatElement(0, count: groupCount))
                var chunkStart = 0
                while chunkStart < groupCount {
                    let size = min(PostingsList.positionChunk, groupCount - chunkStart)
                    let after = positions.withUnsafeMutableBufferPointer { buffer in
                        PostingsList.decodePositionChunk(list.positions, at: positionOffset, end: list.positionsEnd, count: size,
                                                         into: buffer.baseAddress! + chunkStart)
                    }
                    guard let after else {
                        throw .corrupt(file: positionsPath, reason: "term \(index) block \(block): a chunk of \(size) positions at \(positionOffset) does not decode")
                    }
                    positionOffset = after
                    chunkStart += size
                }
                var ordinal = 0
                for slot in 0..<count {
                    var position: UInt64 = 0
                    for occurrence in 0..<Int(frequencies[slot]) {
                        let delta = positions[ordinal]
                        guard occurrence == 0 || delta > 0 else {
                            throw .corrupt(file: positionsPath, reason: "term \(index) document \(documents[slot]): positions do not ascend")
                        }
                        position += UInt64(delta)
                        guard position <= UInt64(UInt32.max) else {
                            throw .corrupt(file: positionsPath, reason: "term \(index) document \(documents[slot]): position past 2^32")
                        }
                        ordinal += 1
                    }
                }
                report.positionCount += UInt64(groupCount)
            }
            let listPareto = Impacts.pareto(allPairs)
            guard Impacts.read(list.listImpacts()).elementsEqual(listPareto, by: { $0 == $1 }) else {
                throw .corrupt(file: postingsPath, reason: "term \(index) list impacts differ from its postings'")
            }
            guard totalFrequency == entry.totalTermFrequency else {
                throw .corrupt(file: termsPath, reason: "term \(index) frequencies in the dictionary differ from its postings")
            }
            guard list.span(ofBlock: list.blockCount - 1).end == list.listEnd,
                  list.blockCount == 1 || list.dataStart + Int(list.metadata(list.blockCount - 1).dataEnd) == list.listEnd
            else {
                throw .corrupt(file: postingsPath, reason: "term \(index) postings do not fill the \(entry.postingsLength) bytes the dictionary gives them")
            }
            guard positionOffset == list.positionsEnd else {
                throw .corrupt(file: positionsPath, reason: "term \(index) positions do not fill the \(entry.positionsLength) bytes the dictionary gives them")
            }
            if let deletions = segment.deletions {
                let recorded = term.withUnsafeBytes { deletions.deletedFrequency(of: $0) }
                guard recorded == deletedHolding else {
                    throw .corrupt(file: deletions.path, reason: "term \(index) is held by \(deletedHolding) deleted documents, the file says \(recorded)")
                }
                if recorded > 0 { deletedTerms += 1 }
            }
            if forward {
                guard forwardDocuments[index] == entry.documentFrequency, forwardOccurrences[index] == totalFrequency else {
                    throw .corrupt(file: segment.documentsFile.path, reason: "the documents' terms list term \(index) in \(forwardDocuments[index]) documents \(forwardOccurrences[index]) times, its postings in \(entry.documentFrequency) documents \(totalFrequency) times")
                }
                titleTerm[index] = field == .title
            }
            occurrenceSum[field, default: 0] += totalFrequency
            expectedPostingsOffset = list.listEnd
            expectedPositionsOffset = positionOffset
            report.termCount += 1
        }
        if let deletions = segment.deletions, deletions.keyCount != deletedTerms {
            throw .corrupt(file: deletions.path, reason: "lists \(deletions.keyCount) terms of deleted documents, the postings hold \(deletedTerms)")
        }
        guard index + 1 == segment.termCount else {
            throw .corrupt(file: termsPath, reason: "holds \(index + 1) terms, its header says \(segment.termCount)")
        }
        guard expectedPostingsOffset == segment.postingsBytes.count - IndexFormat.trailerSize else {
            throw .corrupt(file: postingsPath, reason: "\(segment.postingsBytes.count - IndexFormat.trailerSize - expectedPostingsOffset) bytes after the last posting list")
        }
        guard expectedPositionsOffset == segment.positionsBytes.count - IndexFormat.trailerSize else {
            throw .corrupt(file: positionsPath, reason: "\(segment.positionsBytes.count - IndexFormat.trailerSize - expectedPositionsOffset) bytes after the last positions")
        }
        for field in IndexField.allCases where occurrenceSum[field] != segment.tokenCount(of: field) {
            throw .corrupt(file: termsPath, reason: "\(field) term frequencies add up to \(occurrenceSum[field] ?? 0), the documents hold \(segment.tokenCount(of: field)) tokens")
        }
        // Each document's terms add up to its lengths (its postings were matched above).
        if forward {
            for document in 0..<segment.documentCount {
                try segment.storedFields.forwardTerms(document, termCount: segment.termCount, into: &forwardTerms)
                var lengths: [UInt64] = [0, 0]
                for term in forwardTerms { lengths[titleTerm[Int(term.ordinal)] ? 1 : 0] += UInt64(term.frequency) }
                guard lengths[0] == UInt64(segment.length(of: document, field: .text)),
                      lengths[1] == UInt64(segment.length(of: document, field: .title))
                else {
                    throw .corrupt(file: segment.documentsFile.path, reason: "document \(document)'s terms add up to \(lengths[0]) text and \(lengths[1]) title tokens, its lengths are \(segment.length(of: document, field: .text)) and \(segment.length(of: document, field: .title))")
                }
            }
        }
    }
}
