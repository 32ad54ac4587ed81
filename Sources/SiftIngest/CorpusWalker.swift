import Dispatch
import SiftStorage

/// Lists the files under one or more folders that ingest will read, in a deterministic order.
///
/// The same folders always give the same list in the same order (each folder's entries sorted
/// by the bytes of their names, depth first), so that the same corpus always builds the same
/// index, byte for byte. Hidden entries (names starting with `.`) are skipped: they are version
/// control data, editor state and caches, not documents.
///
/// Symbolic links below a root are skipped entirely, files and folders alike. Following them
/// could leave the root, loop forever, or index one file twice; skipping them is the simplest
/// rule that is always safe. A root given on the command line may itself be a link.
public struct CorpusWalker: Sendable {
    /// The folders to walk, in the order given.
    public var roots: [String]
    /// Include and exclude patterns (the unit and size limit are the extractor's concern).
    public var options: IngestOptions
    /// Threads: sibling folders are walked side by side (the list is the same for any number).
    public var jobs: Int

    /// A walker over `roots`.
    public init(roots: [String], options: IngestOptions = IngestOptions(), jobs: Int = 1) {
        self.roots = roots
        self.options = options
        self.jobs = max(1, jobs)
    }

    /// The candidate files under the roots: roots in the order given, each walked depth first
    /// with entries sorted by the UTF-8 bytes of their names.
    ///
    /// - Throws: `IngestError` if a root is missing or not a folder; nothing is walked then.
    /// - Complexity: O(n log n) in the number of entries below the roots.
    public func candidates() throws(IngestError) -> [CandidateFile] {
        try walk().candidates
    }

    /// The candidate files, as `candidates()`, together with the entries that could not be
    /// examined (an unreadable folder, a name that is not UTF-8), which deserve a warning.
    ///
    /// - Throws: `IngestError` if a root is missing or not a folder; nothing is walked then.
    public func walk() throws(IngestError) -> (candidates: [CandidateFile], skipped: [SkippedInput]) {
        for root in roots {
            switch IngestFileSystem.status(ofPath: root, followingLinks: true) {
            case .failure:
                throw .missingDirectory(root)
            case .success(let status) where status.kind != .directory:
                throw .notADirectory(root)
            case .success:
                break
            }
        }
        if roots.count > 1 {
            var seen: [String: String] = [:]
            for root in roots {
                guard let label = Self.label(ofRoot: root) else { continue }
                if let first = seen[label] { throw .duplicateRootName(first, root) }
                seen[label] = root
            }
        }
        var walk = Walk(filter: IngestPathFilter(include: options.include, exclude: options.exclude))
        for root in roots {
            var prefix = ""
            if roots.count > 1, let label = Self.label(ofRoot: root) { prefix = label + "/" }
            walk.visitDirectory(path: root, relativePath: "", idPrefix: prefix, jobs: jobs)
        }
        return (walk.candidates, walk.skipped)
    }

    /// The name that prefixes a root's ids when several roots are indexed: its last path
    /// component, or for `.`, `..` and the like the name of the folder they resolve to.
    static func label(ofRoot root: String) -> String? {
        if let last = root.split(separator: "/").last, last != ".", last != ".." {
            return String(last)
        }
        return IngestFileSystem.resolvedLastComponent(of: root)
    }

    /// The state of one walk: what was found so far.
    private struct Walk {
        let filter: IngestPathFilter
        var candidates: [CandidateFile] = []
        var skipped: [SkippedInput] = []

        init(filter: IngestPathFilter) {
            self.filter = filter
        }

        /// Walks `path`. With `jobs` > 1, the first folder (from here down) holding two or more
        /// folders has them walked on separate threads and their findings joined in order.
        mutating func visitDirectory(path: String, relativePath: String, idPrefix: String, jobs: Int = 1) {
            let entries: [(name: [UInt8], status: Result<IngestFileSystem.EntryStatus, IngestFileSystem.Failure>)]
            switch IngestFileSystem.directoryEntries(atPath: path) {
            case .success(let found):
                entries = found.sorted { ByteOrder.precedes($0.name, $1.name) }
            case .failure(let failure):
                skipped.append(SkippedInput(path: path, reason: .unreadable(failure.description)))
                return
            }
            // Admitted subfolders, walked after this loop (in parallel when asked), their
            // findings put where the folder's name sorts.
            var folders: [(path: String, relativePath: String, position: Int)] = []
            var positions: [(candidates: Int, skipped: Int)] = []
            for (rawName, entryStatus) in entries where rawName.first != UInt8(ascii: ".") {
                let joinedPath = Self.join(path, String(decoding: rawName, as: UTF8.self))
                // A name that is not UTF-8 cannot become an id (nor be opened again from one).
                guard let name = String(validating: rawName, as: UTF8.self) else {
                    skipped.append(SkippedInput(
                        path: joinedPath, reason: .unreadable("the file name is not valid UTF-8")))
                    continue
                }
                let childRelativePath = relativePath.isEmpty ? name : relativePath + "/" + name
                let status: IngestFileSystem.EntryStatus
                switch entryStatus {
                case .success(let found):
                    status = found
                case .failure(let failure):
                    skipped.append(SkippedInput(path: joinedPath, reason: .unreadable(failure.description)))
                    continue
                }
                switch status.kind {
                case .directory:
                    if filter.admitsDirectory(relativePath: childRelativePath, name: name) {
                        folders.append((joinedPath, childRelativePath, positions.count))
                        positions.append((candidates.count, skipped.count))
                    }
                case .regularFile:
                    guard let kind = FileKind(fileName: name),
                          filter.admitsFile(relativePath: childRelativePath, name: name)
                    else { continue }
                    candidates.append(CandidateFile(
                        path: joinedPath,
                        relativePath: idPrefix + childRelativePath,
                        kind: kind,
                        size: status.size,
                        idPrefix: idPrefix))
                case .symbolicLink, .other:
                    continue  // see the type's documentation: links are never followed
                }
            }
            guard !folders.isEmpty else { return }
            var found = [Walk](repeating: Walk(filter: filter), count: folders.count)
            if jobs > 1 && folders.count > 1 {
                let folders = folders
                found.withUnsafeMutableBufferPointer { slots in
                    nonisolated(unsafe) let slots = slots
                    DispatchQueue.concurrentPerform(iterations: folders.count) { index in
                        slots[index].visitDirectory(path: folders[index].path, relativePath: folders[index].relativePath,
                                                    idPrefix: idPrefix, jobs: jobs)
                    }
                }
            } else {
                for index in folders.indices {
                    found[index].visitDirectory(path: folders[index].path, relativePath: folders[index].relativePath,
                                                idPrefix: idPrefix, jobs: jobs)
                }
            }
            // Splice each folder's findings in at its place among this folder's files.
            var mergedCandidates: [CandidateFile] = []
            var mergedSkipped: [SkippedInput] = []
            mergedCandidates.reserveCapacity(candidates.count + found.reduce(0) { $0 + $1.candidates.count })
            var candidateStart = 0
            var skippedStart = 0
            for (index, folder) in folders.enumerated() {
                let at = positions[folder.position]
                mergedCandidates += candidates[candidateStart..<at.candidates]
                mergedSkipped += skipped[skippedStart..<at.skipped]
                mergedCandidates += found[index].candidates
                mergedSkipped += found[index].skipped
                candidateStart = at.candidates
                skippedStart = at.skipped
            }
            mergedCandidates += candidates[candidateStart...]
            mergedSkipped += skipped[skippedStart...]
            candidates = mergedCandidates
            skipped = mergedSkipped
        }

        static func join(_ folder: String, _ name: String) -> String {
            folder.hasSuffix("/") ? folder + name : folder + "/" + name
        }
    }
}
