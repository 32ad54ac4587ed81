import Dispatch
import SiftStorage

/// Lists the files under one or more folders that ingest will read, in a deterministic order.
///
/// The same folders always give the same list in the same order (each folder's entries sorted
/// by the bytes of their names, depth first), so that the same corpus always builds the same
/// index, byte for byte. Hidden entries (names starting with `.`) are skipped: they are version
/// control data, editor state and caches, not documents.
///
/// Symbolic links below a root are skipped, files and folders alike, unless
/// `IngestOptions.followSymbolicLinks` is set: then a link is walked as what it points to,
/// under the link's own name, except a link to a folder the walk is inside of (a loop), which
/// is skipped with a warning. A root given on the command line may itself be a link.
///
/// A file is listed once: the same file reached again (through a link, a hard link, or a
/// second path) is skipped with a warning naming the path it was listed under. Names that are
/// not valid UTF-8 are listed with each byte that is not part of valid UTF-8 spelt `\xHH`
/// (uppercase hex) in the id, and read by their real bytes.
public struct CorpusWalker: Sendable {
    /// The folders to walk, in the order given.
    public var roots: [String]
    /// Include and exclude patterns, links, ids (the unit and size limit are the extractor's).
    public var options: IngestOptions
    /// Threads: sibling folders are walked side by side (the list is the same for any number).
    public var jobs: Int
    /// Folders never walked into, such as the index being written (so a walk never picks up
    /// the index's own files); each one met is reported as skipped.
    public var skippedFolders: [String] = []

    /// A walker over `roots`.
    public init(roots: [String], options: IngestOptions = IngestOptions(), jobs: Int = 1, skippedFolders: [String] = []) {
        self.roots = roots
        self.options = options
        self.jobs = max(1, jobs)
        self.skippedFolders = skippedFolders
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
    /// examined (an unreadable folder, a broken link), were met again, or were skipped folders,
    /// which deserve a warning.
    ///
    /// - Throws: `IngestError` if a root is missing or not a folder, two roots overlap, or a
    ///   root is inside a skipped folder; nothing is walked then.
    public func walk() throws(IngestError) -> CorpusWalk {
        var rootIdentities: [IngestFileSystem.FileIdentity] = []
        for root in roots {
            switch IngestFileSystem.status(ofPath: root, followingLinks: true) {
            case .failure:
                throw .missingDirectory(root)
            case .success(let status) where status.kind != .directory:
                throw .notADirectory(root)
            case .success(let status):
                rootIdentities.append(status.identity)
            }
        }
        let labelled = options.idsStartWithFolderName ?? (roots.count > 1)
        if labelled {
            var seen: [String: String] = [:]
            for root in roots {
                guard let label = Self.label(ofRoot: root) else { continue }
                if let first = seen[label] { throw .duplicateRootName(first, root) }
                seen[label] = root
            }
        }
        let resolvedRoots = roots.map { IngestFileSystem.resolvedPath(of: $0) }
        for (index, root) in roots.enumerated() {
            guard let resolved = resolvedRoots[index] else { continue }
            for folder in skippedFolders {
                guard let skipped = IngestFileSystem.resolvedPath(of: folder) else { continue }
                if Self.isInside(resolved, skipped) { throw .insideSkippedFolder(root, folder) }
            }
            for (other, otherRoot) in roots.enumerated() where other != index {
                guard let otherResolved = resolvedRoots[other] else { continue }
                if Self.isInside(resolved, otherResolved) && (resolved != otherResolved || other < index) {
                    throw .overlappingRoots(otherRoot, root)
                }
            }
        }
        var skippedIdentities: [IngestFileSystem.FileIdentity: String] = [:]
        for folder in skippedFolders {
            if case .success(let status) = IngestFileSystem.status(ofPath: folder, followingLinks: true) {
                skippedIdentities[status.identity] = folder
            }
        }
        var walk = Walk(filter: IngestPathFilter(include: options.include, exclude: options.exclude),
                        followLinks: options.followSymbolicLinks, skippedFolders: skippedIdentities)
        for (index, root) in roots.enumerated() {
            var prefix = ""
            if labelled, let label = Self.label(ofRoot: root) { prefix = label + "/" }
            walk.visitDirectory(path: Walk.Path(root), relativePath: "", idPrefix: prefix, ancestors: [rootIdentities[index]],
                                jobs: jobs)
        }
        return walk.finish()
    }

    /// Whether the resolved path `path` is `folder` or below it.
    static func isInside(_ path: String, _ folder: String) -> Bool {
        path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }

    /// The name that prefixes a root's ids when several roots are indexed: its last path
    /// component, or for `.`, `..` and the like the name of the folder they resolve to.
    static func label(ofRoot root: String) -> String? {
        if let last = root.split(separator: "/").last, last != ".", last != ".." {
            return String(last)
        }
        return IngestFileSystem.resolvedLastComponent(of: root)
    }

    /// A name as it appears in ids: valid UTF-8 as it is, any other byte as `\xHH`.
    static func displayName(_ raw: [UInt8]) -> (name: String, valid: Bool) {
        if let name = String(validating: raw, as: UTF8.self) { return (name, true) }
        var result = ""
        var index = 0
        while index < raw.count {
            // The longest valid UTF-8 sequence starting here, if any (at most 4 bytes).
            var decoded: String? = nil
            var length = 1
            for candidate in stride(from: min(4, raw.count - index), through: 1, by: -1) {
                if let text = String(validating: raw[index..<(index + candidate)], as: UTF8.self), text.unicodeScalars.count == 1 {
                    decoded = text
                    length = candidate
                    break
                }
            }
            if let decoded {
                result += decoded
            } else {
                let digits = String(raw[index], radix: 16, uppercase: true)
                result += "\\x" + (digits.count == 1 ? "0" : "") + digits
            }
            index += length
        }
        return (result, false)
    }

    /// The state of one walk: what was found so far.
    private struct Walk {
        /// A path as bytes (what the system is given) and as text (what people are shown).
        struct Path {
            var bytes: [UInt8]
            var text: String
            /// Whether `text` spells `bytes` exactly (no name on it was escaped).
            var exact: Bool

            init(_ path: String) {
                bytes = Array(path.utf8)
                text = path
                exact = true
            }

            init(bytes: [UInt8], text: String, exact: Bool) {
                self.bytes = bytes
                self.text = text
                self.exact = exact
            }

            func appending(_ name: [UInt8], as shown: String, exact nameExact: Bool) -> Path {
                let slash = text.hasSuffix("/")
                return Path(bytes: bytes + (slash ? [] : [UInt8(ascii: "/")]) + name, text: text + (slash ? "" : "/") + shown,
                            exact: exact && nameExact)
            }
        }

        let filter: IngestPathFilter
        let followLinks: Bool
        let skippedFolders: [IngestFileSystem.FileIdentity: String]
        /// Candidates with the identity of their file, until `finish` drops repeats.
        var found: [(file: CandidateFile, identity: IngestFileSystem.FileIdentity)] = []
        var skipped: [SkippedInput] = []

        init(filter: IngestPathFilter, followLinks: Bool, skippedFolders: [IngestFileSystem.FileIdentity: String]) {
            self.filter = filter
            self.followLinks = followLinks
            self.skippedFolders = skippedFolders
        }

        /// The candidates in walk order, each file once (the first path it was reached by), and
        /// what was skipped, the repeats last.
        func finish() -> CorpusWalk {
            var firstPath: [IngestFileSystem.FileIdentity: String] = [:]
            var keys: [String: String] = [:]
            var candidates: [CandidateFile] = []
            var repeats: [SkippedInput] = []
            candidates.reserveCapacity(found.count)
            for (file, identity) in found {
                if let first = firstPath[identity] {
                    repeats.append(SkippedInput(path: file.path, reason: .duplicate(of: first)))
                    continue
                }
                if let first = keys[file.relativePath] {
                    repeats.append(SkippedInput(path: file.path, reason: .duplicate(of: first)))
                    continue
                }
                firstPath[identity] = file.path
                keys[file.relativePath] = file.path
                candidates.append(file)
            }
            return CorpusWalk(candidates: candidates, skipped: skipped + repeats)
        }

        /// Walks `path`. With `jobs` > 1, the first folder (from here down) holding two or more
        /// folders has them walked on separate threads and their findings joined in order.
        /// `ancestors`: the folders being walked, this one last (a link to one is a loop).
        mutating func visitDirectory(path: Path, relativePath: String, idPrefix: String,
                                     ancestors: [IngestFileSystem.FileIdentity], jobs: Int = 1) {
            let entries: [(name: [UInt8], status: Result<IngestFileSystem.EntryStatus, IngestFileSystem.Failure>)]
            switch IngestFileSystem.directoryEntries(atPath: path.bytes) {
            case .success(let listed):
                entries = listed.sorted { ByteOrder.precedes($0.name, $1.name) }
            case .failure(let failure):
                skipped.append(SkippedInput(path: path.text, reason: .unreadable(failure.description)))
                return
            }
            // Admitted subfolders, walked after this loop (in parallel when asked), their
            // findings put where the folder's name sorts.
            var folders: [(path: Path, relativePath: String, identity: IngestFileSystem.FileIdentity, position: Int)] = []
            var positions: [(candidates: Int, skipped: Int)] = []
            for (rawName, entryStatus) in entries where rawName.first != UInt8(ascii: ".") {
                let (name, exact) = CorpusWalker.displayName(rawName)
                let joinedPath = path.appending(rawName, as: name, exact: exact)
                let childRelativePath = relativePath.isEmpty ? name : relativePath + "/" + name
                var status: IngestFileSystem.EntryStatus
                switch entryStatus {
                case .success(let entry):
                    status = entry
                case .failure(let failure):
                    skipped.append(SkippedInput(path: joinedPath.text, reason: .unreadable(failure.description)))
                    continue
                }
                if status.kind == .symbolicLink {
                    guard followLinks else { continue }  // see the type's documentation
                    switch IngestFileSystem.status(ofPath: joinedPath.bytes, followingLinks: true) {
                    case .success(let target):
                        status = target
                    case .failure(let failure):
                        skipped.append(SkippedInput(path: joinedPath.text, reason: .unreadable("a broken symbolic link (\(failure.description))")))
                        continue
                    }
                    if status.kind == .directory && ancestors.contains(status.identity) {
                        skipped.append(SkippedInput(path: joinedPath.text, reason: .symbolicLinkLoop))
                        continue
                    }
                }
                switch status.kind {
                case .directory:
                    if let folder = skippedFolders[status.identity] {
                        skipped.append(SkippedInput(path: joinedPath.text, reason: .skippedFolder(folder)))
                        continue
                    }
                    if filter.admitsDirectory(relativePath: childRelativePath, name: name) {
                        folders.append((joinedPath, childRelativePath, status.identity, positions.count))
                        positions.append((found.count, skipped.count))
                    }
                case .regularFile:
                    guard let kind = FileKind(fileName: name),
                          filter.admitsFile(relativePath: childRelativePath, name: name)
                    else { continue }
                    var candidate = CandidateFile(path: joinedPath.text, relativePath: idPrefix + childRelativePath, kind: kind,
                                                  size: status.size, idPrefix: idPrefix)
                    if !joinedPath.exact { candidate.rawPath = joinedPath.bytes }
                    found.append((candidate, status.identity))
                case .symbolicLink, .other:
                    continue
                }
            }
            guard !folders.isEmpty else { return }
            var walks = [Walk](repeating: Walk(filter: filter, followLinks: followLinks, skippedFolders: skippedFolders),
                               count: folders.count)
            if jobs > 1 && folders.count > 1 {
                let folders = folders
                walks.withUnsafeMutableBufferPointer { slots in
                    nonisolated(unsafe) let slots = slots
                    DispatchQueue.concurrentPerform(iterations: folders.count) { index in
                        slots[index].visitDirectory(path: folders[index].path, relativePath: folders[index].relativePath,
                                                    idPrefix: idPrefix, ancestors: ancestors + [folders[index].identity], jobs: jobs)
                    }
                }
            } else {
                for index in folders.indices {
                    walks[index].visitDirectory(path: folders[index].path, relativePath: folders[index].relativePath,
                                                idPrefix: idPrefix, ancestors: ancestors + [folders[index].identity], jobs: jobs)
                }
            }
            // Splice each folder's findings in at its place among this folder's files.
            var mergedFound: [(file: CandidateFile, identity: IngestFileSystem.FileIdentity)] = []
            var mergedSkipped: [SkippedInput] = []
            mergedFound.reserveCapacity(found.count + walks.reduce(0) { $0 + $1.found.count })
            var foundStart = 0
            var skippedStart = 0
            for (index, folder) in folders.enumerated() {
                let at = positions[folder.position]
                mergedFound += found[foundStart..<at.candidates]
                mergedSkipped += skipped[skippedStart..<at.skipped]
                mergedFound += walks[index].found
                mergedSkipped += walks[index].skipped
                foundStart = at.candidates
                skippedStart = at.skipped
            }
            mergedFound += found[foundStart...]
            mergedSkipped += skipped[skippedStart...]
            found = mergedFound
            skipped = mergedSkipped
        }
    }
}

/// What a walk found (`CorpusWalker.walk()`).
public struct CorpusWalk: Sendable, Equatable {
    /// The files to read, in walk order.
    public var candidates: [CandidateFile]
    /// Entries that could not be examined (an unreadable folder, a broken link), were met
    /// again, or were skipped folders: each deserves a warning.
    public var skipped: [SkippedInput]

    public init(candidates: [CandidateFile], skipped: [SkippedInput]) {
        self.candidates = candidates
        self.skipped = skipped
    }
}
