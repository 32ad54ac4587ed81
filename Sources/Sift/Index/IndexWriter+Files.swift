import Dispatch

/// How far `addFiles` has got, for progress lines.
public struct IndexProgress: Sendable {
    /// Files read so far, of `totalFiles`.
    public var files: Int
    public var totalFiles: Int
    /// Bytes of the files read so far.
    public var bytes: Int
    /// Documents added so far.
    public var documents: Int
}

/// What `addFiles` did besides adding documents.
public struct FileIngestSummary: Sendable {
    /// Files or lines skipped, with why, in the order met.
    public var skipped: [SkippedInput] = []
    /// Files whose documents were indexed (a JSONL file with a bad line still counts).
    public var filesIndexed = 0
    /// Bytes of the files read.
    public var bytesRead = 0
}

extension IndexWriter {
    /// Reads, extracts and adds the documents of `files`, in order — what `sift index` does.
    /// Files are read and extracted on `jobs` threads, a batch at a time, and analyzed on
    /// `jobs` threads; documents keep the files' order, so the index does not depend on `jobs`.
    public func addFiles(_ files: [CandidateFile], extractor: DocumentExtractor,
                         progress: ((IndexProgress) -> Void)? = nil) throws(IndexError) -> FileIngestSummary {
        var summary = FileIngestSummary()
        var start = 0
        while start < files.count {
            // A batch: up to 4 MiB or 256 files, whichever comes first (its documents are held
            // in memory until analyzed, on top of the memory budget).
            var end = start
            var batchBytes = 0
            while end < files.count && (end == start || (batchBytes < 4 << 20 && end - start < 256)) {
                batchBytes += files[end].size
                end += 1
            }
            let batch = Array(files[start..<end])
            let results = Self.extract(batch, extractor: extractor, jobs: jobs)
            var documents: [SourceDocument] = []
            for (file, result) in zip(batch, results) {
                var wholeFileSkipped = false
                for skip in result.skipped {
                    summary.skipped.append(skip)
                    if case .badJSONLine = skip.reason {} else { wholeFileSkipped = true }
                }
                if !wholeFileSkipped { summary.filesIndexed += 1 }
                summary.bytesRead += file.size
                documents.append(contentsOf: result.documents)
            }
            try add(contentsOf: documents)
            start = end
            progress?(IndexProgress(files: end, totalFiles: files.count, bytes: summary.bytesRead, documents: documentCount))
        }
        return summary
    }

    private static func extract(_ files: [CandidateFile], extractor: DocumentExtractor, jobs: Int)
        -> [(documents: [SourceDocument], skipped: [SkippedInput])]
    {
        var results = [(documents: [SourceDocument], skipped: [SkippedInput])](repeating: ([], []), count: files.count)
        if jobs == 1 || files.count == 1 {
            for (index, file) in files.enumerated() { results[index] = extractor.documents(from: file) }
            return results
        }
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: min(jobs, files.count)) { worker in
                var index = worker
                while index < files.count {
                    slots[index] = extractor.documents(from: files[index])
                    index += min(jobs, files.count)
                }
            }
        }
        return results
    }
}
