import Sift

/// `sift index`: builds the index of one or more folders, or brings an existing one up to
/// date with them, and commits atomically.
enum IndexCommand {
    static let spec = CommandSpec(
        name: "index",
        overview: "Index the articles under one or more folders; an existing index is updated with what changed.",
        usage: "sift index DIR... [--index PATH] [--full] [--dry-run] [--allow-deletes] [--unit file|paragraph|line] [--include GLOB]... [--exclude GLOB]... [--follow-symlinks] [--stemmer porter|porter2|none] [--stopwords english|none|FILE] [--max-file-size BYTES] [--jobs N] [--memory-budget MB] [--store text|none]",
        arguments: [("DIR", "Folders to index, walked recursively (hidden entries are skipped, and symbolic links unless --follow-symlinks).")],
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data); never indexed itself."),
            OptionSpec(names: ["--full"], help: "Rebuild from scratch instead of updating the existing index (needed to change --unit, --stemmer, --stopwords or --store, to drop stored --include/--exclude patterns or --follow-symlinks, or after a Sift with another analyzer version)."),
            OptionSpec(names: ["--dry-run"], help: "List the files that would be added, updated and deleted, by id; write nothing (exit 64 if the update would be refused)."),
            OptionSpec(names: ["--allow-deletes"], help: "Let an update (or --full) delete more than half of the index's documents; without it, such a run is refused (exit 64) and names what it would delete."),
            OptionSpec(names: ["--unit"], valueName: "file|paragraph|line", help: "One document per file (default), per blank-line-separated paragraph, or per non-empty line. An update keeps the index's unit."),
            OptionSpec(names: ["--include"], valueName: "GLOB", help: "Only index files whose relative path or name matches (repeatable). Stored with the index: an update without --include keeps the stored patterns, one with --include replaces them.", repeatable: true),
            OptionSpec(names: ["--exclude"], valueName: "GLOB", help: "Skip files and folders whose relative path or name matches (repeatable). Stored like --include.", repeatable: true),
            OptionSpec(names: ["--follow-symlinks"], help: "Follow symbolic links to files and folders (a link to a folder being walked is skipped: no loops). Stored with the index."),
            OptionSpec(names: ["--stemmer"], valueName: "porter|porter2|none", help: "Stemmer stored with the index (default: porter; an update keeps the index's)."),
            OptionSpec(names: ["--stopwords"], valueName: "english|none|FILE", help: "Stop words stored with the index (default: english; an update keeps the index's)."),
            OptionSpec(names: ["--max-file-size"], valueName: "BYTES", help: "Skip larger files with a warning (default: 67108864, 64 MiB)."),
            OptionSpec(names: ["--jobs"], valueName: "N", help: "Threads for reading and analysis (default: the number of cores); the index is the same for any N."),
            OptionSpec(names: ["--memory-budget"], valueName: "MB", help: "Postings held in memory before a partial segment is written and merged at the end (default: 512)."),
            OptionSpec(names: ["--store"], valueName: "text|none", help: "Keep each document's text (default: snippets, 'sift show') or not (a smaller index keeping each document's terms and counts instead, for RM3 and deletions; no snippets, 'sift show' refuses). An update keeps the index's choice; changing it needs --full."),
        ],
        discussion: """
            File kinds: .txt, .md, .html/.htm, .jsonl (one document per line: id, title, text|contents|body).
            On an existing index, only files whose size or content (hash) changed since the last run are read: new files are added, changed ones replaced, missing ones deleted; a file that cannot be read keeps its documents; segments are merged as they accumulate.
            Ids: a file's path below DIR; with several DIRs, behind the folder's name, and an index built so keeps that form when updated from one of them.
            A failed or interrupted run (Ctrl-C, a full disk) leaves the previous index as it was, and no file of its own.
            """)

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard !parsed.positionals.isEmpty else { throw spec.usageError("missing folder to index (DIR)") }
        let maxFileSize = try parsed.integer("--max-file-size", default: IngestOptions.defaultMaxFileSize, range: 1...Int(UInt32.max), spec: spec)
        let jobs = try parsed.integer("--jobs", default: ProcessInfoLite.coreCount, range: 1...256, spec: spec)
        let budget = try parsed.integer("--memory-budget", default: 512, range: 16...1_048_576, spec: spec)
        let indexPath = parsed.value("--index") ?? "index-data"
        let full = parsed.flag("--full")
        let dryRun = parsed.flag("--dry-run")
        let allowDeletes = parsed.flag("--allow-deletes")

        // An update keeps the index's settings; asking for others needs --full. With --full the
        // current index is still read, if it can be, to tell what the rebuild would delete.
        var existing: IndexReader? = nil
        var current: IndexReader? = nil
        do {
            current = try IndexReader(path: indexPath)
        } catch {
            // Without --full, damage is reported (a rebuild is the cure); --full rebuilds anyway.
            if case .missingIndex = error {} else if !full { throw mapIndexError(error, hint: "; 'sift index --full' rebuilds it") }
        }
        if !full { existing = current }
        let stored: IndexedFileSettings?
        do {
            stored = try existing?.indexedFileSettings()
        } catch {
            throw mapIndexError(error, hint: "; 'sift index --full' rebuilds it")
        }
        if let existing, existing.analyzerVersion != Analyzer.version {
            throw mapIndexError(.analyzerVersionMismatch(path: indexPath, stored: existing.analyzerVersion, current: Analyzer.version))
        }
        var configuration = try AnalyzeCommand.analyzerConfiguration(parsed, spec: spec)
        if let existing {
            let asked = parsed.value("--stemmer") != nil || parsed.value("--stopwords") != nil
            if asked && configuration != existing.configuration {
                throw spec.usageError("the index '\(indexPath)' was built with \(existing.configuration.flags); pass --full to rebuild it with \(configuration.flags)")
            }
            configuration = existing.configuration
        }
        let storeName = try parsed.choice("--store", default: existing?.storage.rawValue ?? "text", among: TextStorage.allCases.map(\.rawValue), spec: spec)
        if let existing, storeName != existing.storage.rawValue {
            throw spec.usageError("the index '\(indexPath)' was built with --store \(existing.storage.rawValue); pass --full to rebuild it with --store \(storeName)")
        }
        let storage = TextStorage(rawValue: storeName)!
        let unitName = try parsed.choice("--unit", default: stored?.unit ?? "file", among: DocumentUnit.allCases.map(\.rawValue), spec: spec)
        if let stored, unitName != stored.unit {
            throw spec.usageError("the index '\(indexPath)' was built with --unit \(stored.unit); pass --full to rebuild it with --unit \(unitName)")
        }
        var options = IngestOptions()
        options.unit = DocumentUnit(rawValue: unitName)!
        // Patterns and links are stored with the index: given ones replace the stored ones.
        options.include = parsed.values["--include"] ?? stored?.include ?? []
        options.exclude = parsed.values["--exclude"] ?? stored?.exclude ?? []
        options.followSymbolicLinks = parsed.flag("--follow-symlinks") || (stored?.followsSymbolicLinks ?? false)
        options.maxFileSize = maxFileSize
        if let invalid = options.invalidPattern {
            throw spec.usageError("'\(invalid)' is not a valid glob pattern (an unclosed '[', a trailing '\\', or empty)")
        }
        if let stored {
            // Ids keep the form the index has, however many folders are given now.
            if !stored.idsStartWithFolderName && parsed.positionals.count > 1 {
                throw spec.usageError("the index '\(indexPath)' was built from one folder, so its ids are paths below it; ids of several folders start with each folder's name: pass --full to rebuild it so, or index one folder")
            }
            options.idsStartWithFolderName = stored.idsStartWithFolderName
        }
        let extractor = DocumentExtractor(options: options)

        let clock = ContinuousClock()
        let started = clock.now
        let walk: CorpusWalk
        do {
            walk = try CorpusWalker(roots: parsed.positionals, options: options, jobs: jobs, skippedFolders: [indexPath]).walk()
        } catch {
            switch error {
            case .insideSkippedFolder(let root, _):
                throw spec.usageError("'\(root)' is the index folder (--index \(indexPath)) or inside it: give the folder of the documents to index (an index is never indexed)")
            case .duplicateRootName, .overlappingRoots: throw spec.usageError(error.description)
            case .missingDirectory, .notADirectory: throw .noInput("\(error)")
            }
        }
        for skip in walk.skipped { Output.warning("skipped \(skip)") }
        if existing == nil && walk.candidates.isEmpty && !options.include.isEmpty {
            Output.warning("no file matches --include \(options.include.joined(separator: " "))")
        }

        // A rebuild deletes the documents of files the walk no longer finds: guarded like an update.
        let rebuildRemoval = full ? current.flatMap { try? $0.documentsMissing(from: walk.candidates) } : nil
        let refusedRebuild = rebuildRemoval.map { !allowDeletes && $0.documentCount * 2 > current!.documentCount && $0.documentCount > 0 } ?? false

        if dryRun {
            try printPlan(existing: existing, replacing: full ? current?.documentCount : nil, candidates: walk.candidates,
                          extractor: extractor, jobs: jobs, indexPath: indexPath, allowDeletes: allowDeletes)
            if refusedRebuild, let removal = rebuildRemoval {
                throw mapIndexError(.tooManyDeletions(path: indexPath, files: removal.keys, documents: removal.documentCount, of: current!.documentCount))
            }
            return
        }
        if refusedRebuild, let removal = rebuildRemoval {
            throw mapIndexError(.tooManyDeletions(path: indexPath, files: removal.keys, documents: removal.documentCount, of: current!.documentCount))
        }
        let writer: IndexWriter
        do {
            writer = try IndexWriter(path: indexPath, configuration: configuration, jobs: jobs, memoryBudget: budget << 20,
                                     mode: existing == nil ? .replace : .open, storage: storage)
        } catch {
            throw mapIndexError(error, hint: "; 'sift index --full' rebuilds it")
        }
        // Ctrl-C or a kill: the files of the unfinished commit are removed before exiting.
        InterruptCleanup.install(index: indexPath)
        defer { InterruptCleanup.uninstall() }
        var progress = Progress(total: walk.candidates.count)
        let update: IndexUpdateSummary
        do {
            update = try writer.update(with: walk.candidates, extractor: extractor, allowingMassDeletion: allowDeletes || existing == nil) { step in
                progress.update(files: step.files, bytes: step.bytes, documents: step.documents)
            }
        } catch {
            InterruptCleanup.waitIfInterrupted()
            progress.finish()
            throw mapIndexError(error)
        }
        progress.finish()
        for skip in update.ingest.skipped { Output.warning("skipped \(skip)") }
        for skip in update.nowSkippedFiles { Output.warning("\(skip.path) is now skipped, \(skip.reason): its documents are deleted from the index") }
        for skip in update.unreadableFiles { Output.warning("cannot read \(skip.path) (\(skip.reason)): its documents are kept as they were indexed") }
        let skipped = walk.skipped + update.ingest.skipped + update.nowSkippedFiles
        if existing == nil && writer.documentCount == 0 {
            Output.warning("no documents found under \(parsed.positionals.joined(separator: ", ")); writing an empty index")
        }
        // Nothing changed: the index stays byte for byte as it was.
        let changed = writer.hasChanges
        let summary: CommitSummary
        do {
            summary = try writer.commit()
        } catch {
            InterruptCleanup.waitIfInterrupted()
            throw mapIndexError(error)
        }
        writer.close()
        let seconds = seconds(since: started, clock: clock)
        var reasons: [String: Int] = [:]
        for skip in skipped { reasons[skip.reason.category, default: 0] += 1 }
        let reasonText = reasons.isEmpty ? "" : " (" + reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        if existing == nil {
            var rate = "\(Format.fixed(Double(update.ingest.bytesRead) / 1_048_576 / max(seconds, 1e-9), decimals: 1)) MB/s"
            if summary.documentCount > 0 {
                rate += ", \(Format.count(Int((Double(summary.documentCount) / max(seconds, 1e-9)).rounded()), "document"))/s"
            }
            Output.line("Indexed \(Format.count(summary.documentCount, "document")) from \(Format.count(update.ingest.filesIndexed, "file")) into \(indexPath)")
            Output.line("  skipped:  \(skipped.count)\(reasonText)")
            Output.line("  terms:    \(summary.termCount)")
            Output.line("  postings: \(summary.postingCount)")
            Output.line("  tokens:   \(summary.tokenCount)")
            Output.line("  bytes:    \(summary.byteCount) in \(Format.count(summary.files.count, "file"))")
            Output.line("  time:     \(Format.fixed(seconds, decimals: 2)) s (\(rate))")
            return
        }
        var fileCounts = [Format.count(update.addedFiles.count, "file") + " added", "\(update.changedFiles.count) changed",
                          "\(update.removedFiles.count) removed"]
        if !update.nowSkippedFiles.isEmpty { fileCounts.append("\(update.nowSkippedFiles.count) now skipped (documents deleted)") }
        if !update.unreadableFiles.isEmpty { fileCounts.append("\(update.unreadableFiles.count) unreadable (documents kept)") }
        fileCounts.append("\(update.unchangedFileCount) unchanged")
        if changed {
            Output.line("Updated \(indexPath): " + fileCounts.joined(separator: ", "))
        } else {
            Output.line("\(indexPath) is up to date: \(Format.count(update.unchangedFileCount, "file")) unchanged"
                        + (update.unreadableFiles.isEmpty ? "" : ", \(update.unreadableFiles.count) unreadable (documents kept)"))
        }
        Output.line("  documents: \(update.addedDocuments) added, \(update.updatedDocuments) updated, \(update.deletedDocuments) deleted, \(update.unchangedDocuments) unchanged")
        Output.line("  skipped:   \(skipped.count)\(reasonText)")
        if changed {
            Output.line("  index:     \(Format.count(summary.documentCount, "document")) in \(Format.count(summary.segmentCount, "segment")) (\(summary.deletedCount) deleted kept until merged), generation \(summary.generation)")
            if summary.mergedSegmentCount > 0 { Output.line("  merged:    \(Format.count(summary.mergedSegmentCount, "segment"))") }
            Output.line("  bytes:     \(summary.byteCount) in \(Format.count(summary.files.count, "file"))")
        }
        let compared = update.unchangedFileCount + update.changedFiles.count + update.nowSkippedFiles.count + update.unreadableFiles.count
        let read = update.addedFiles.count + update.changedFiles.count
        Output.line("  time:      \(Format.fixed(seconds, decimals: 2)) s (\(compared) compared by content, \(read) read for documents, \(Format.count(update.ingest.bytesRead, "byte")))")
    }

    /// `--dry-run`: what an update would add, replace and delete, each file by its id (its
    /// key in the index: the path below the folder, behind the folder's name when ids have it).
    private static func printPlan(existing: IndexReader?, replacing: Int?, candidates: [CandidateFile], extractor: DocumentExtractor,
                                  jobs: Int, indexPath: String, allowDeletes: Bool) throws(CLIError) {
        let plan: IndexUpdateSummary
        if let existing {
            do {
                plan = try existing.planUpdate(with: candidates, extractor: extractor, jobs: jobs)
            } catch {
                throw mapIndexError(error)
            }
        } else {
            var all = IndexUpdateSummary()
            all.addedFiles = candidates
            all.deletedDocuments = replacing ?? 0
            plan = all
        }
        for file in plan.addedFiles { Output.line("add     \(file.relativePath)") }
        for file in plan.changedFiles { Output.line("update  \(file.relativePath)") }
        for key in plan.removedFiles { Output.line("delete  \(key)") }
        for skip in plan.nowSkippedFiles { Output.line("delete  \(skip.path)  (now skipped: \(skip.reason))") }
        for skip in plan.unreadableFiles { Output.line("keep    \(skip.path)  (\(skip.reason))") }
        let note = replacing != nil ? " (--full: a rebuild replacing all \(Format.count(replacing!, "document")))" : existing == nil ? " (no index yet)" : ""
        var counts = ["\(Format.count(plan.addedFiles.count, "file")) to add",
                      "\(plan.changedFiles.count) to update (\(Format.count(plan.documentsOfChangedFiles, "document")) to replace)",
                      "\(plan.removedFiles.count + plan.nowSkippedFiles.count) to delete (\(Format.count(plan.deletedDocuments, "document")))"]
        if !plan.unreadableFiles.isEmpty { counts.append("\(plan.unreadableFiles.count) unreadable (kept)") }
        counts.append("\(plan.unchangedFileCount) unchanged")
        Output.line("Dry run on \(indexPath)\(note): " + counts.joined(separator: ", ") + "; nothing written")
        if let existing, !allowDeletes, existing.documentCount > 0, plan.deletedDocuments * 2 > existing.documentCount {
            let files = (plan.removedFiles + plan.nowSkippedFiles.map(\.path)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            throw mapIndexError(.tooManyDeletions(path: indexPath, files: files, documents: plan.deletedDocuments, of: existing.documentCount))
        }
    }
}

extension SkipReason {
    /// A short word for the summary's count of skips by kind.
    var category: String {
        switch self {
        case .tooLarge: "too large"
        case .binary: "binary"
        case .unreadable: "unreadable"
        case .badJSONLine: "bad JSON lines"
        case .duplicate: "reached twice"
        case .duplicateID: "repeated ids"
        case .symbolicLinkLoop: "link loops"
        case .skippedFolder: "index folder"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
