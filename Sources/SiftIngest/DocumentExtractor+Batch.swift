import Dispatch

extension DocumentExtractor {
    /// Reads and extracts `files` on `jobs` threads; the results keep the files' order, so
    /// what is indexed never depends on `jobs`.
    package func extract(_ files: [CandidateFile], jobs: Int) -> [ExtractedFile] {
        var results = [ExtractedFile](repeating: ExtractedFile(), count: files.count)
        if jobs <= 1 || files.count <= 1 {
            for (index, file) in files.enumerated() { results[index] = extract(file) }
            return results
        }
        let workers = min(jobs, files.count)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var index = worker
                while index < files.count {
                    slots[index] = extract(files[index])
                    index += workers
                }
            }
        }
        return results
    }

    /// The fingerprints of `files` (or why a file has none: it cannot be read, or is over the
    /// size limit), read on `jobs` threads.
    ///
    /// Each thread takes a contiguous share (so the files of one folder mostly go to one
    /// thread) and opens them by name within their open folder: resolving whole paths was
    /// most of the cost of an update. Read buffers are reused, so hashing a corpus allocates
    /// nothing per file.
    package func fingerprints(of files: [CandidateFile], jobs: Int) -> [IngestFileSystem.FingerprintOutcome] {
        var results = [IngestFileSystem.FingerprintOutcome](repeating: .unreadable(""), count: files.count)
        guard !files.isEmpty else { return results }
        let workers = max(1, min(jobs, files.count))
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var folderPath: Substring = ""
                var folder: Int32 = -1
                var scratch = [UInt8](repeating: 0, count: 1 << 16)
                defer { IngestFileSystem.closeFolder(folder) }
                for index in (files.count * worker / workers)..<(files.count * (worker + 1) / workers) {
                    let path = files[index].path
                    guard files[index].rawPath == nil, let slash = path.lastIndex(of: "/") else {
                        slots[index] = fingerprint(files[index], name: files[index].rawPath ?? Array(path.utf8),
                                                   relativeTo: IngestFileSystem.currentFolder, scratch: &scratch)
                        continue
                    }
                    if path[..<slash] != folderPath || folder < 0 {
                        IngestFileSystem.closeFolder(folder)
                        folderPath = path[..<slash]
                        folder = IngestFileSystem.openFolder(folderPath.isEmpty ? "/" : String(folderPath))
                    }
                    slots[index] = folder < 0
                        ? fingerprint(files[index], name: Array(path.utf8), relativeTo: IngestFileSystem.currentFolder, scratch: &scratch)
                        : fingerprint(files[index], name: Array(path[path.index(after: slash)...].utf8), relativeTo: folder,
                                      scratch: &scratch)
                }
            }
        }
        return results
    }
}
