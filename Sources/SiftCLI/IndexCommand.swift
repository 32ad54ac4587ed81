import Sift

/// `sift index`: builds the index of one or more folders, or brings an existing one up to
/// date with them, and commits atomically.
enum IndexCommand {
    static let spec = CommandSpec(
        name: "index",
        overview: "Index the articles under one or more folders; an existing index is updated with what changed.",
        usage: "sift index DIR... [--index PATH] [--full] [--dry-run] [--unit file|paragraph|line] [--include GLOB]... [--exclude GLOB]... [--stemmer porter|porter2|none] [--stopwords english|none|FILE] [--max-file-size BYTES] [--jobs N] [--memory-budget MB]",
        arguments: [("DIR", "Folders to index, walked recursively (hidden entries and symbolic links are skipped).")],
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
            OptionSpec(names: ["--full"], help: "Rebuild from scratch instead of updating the existing index (needed to change --unit, --stemmer or --stopwords)."),
            OptionSpec(names: ["--dry-run"], help: "List the files that would be added, updated and deleted; write nothing."),
            OptionSpec(names: ["--unit"], valueName: "file|paragraph|line", help: "One document per file (default), per blank-line-separated paragraph, or per non-empty line. An update keeps the index's unit."),
            OptionSpec(names: ["--include"], valueName: "GLOB", help: "Only index files whose relative path or name matches (repeatable).", repeatable: true),
            OptionSpec(names: ["--exclude"], valueName: "GLOB", help: "Skip files whose relative path or name matches (repeatable).", repeatable: true),
            OptionSpec(names: ["--stemmer"], valueName: "porter|porter2|none", help: "Stemmer stored with the index (default: porter; an update keeps the index's)."),
            OptionSpec(names: ["--stopwords"], valueName: "english|none|FILE", help: "Stop words stored with the index (default: english; an update keeps the index's)."),
            OptionSpec(names: ["--max-file-size"], valueName: "BYTES", help: "Skip larger files with a warning (default: 67108864, 64 MiB)."),
            OptionSpec(names: ["--jobs"], valueName: "N", help: "Threads for reading and analysis (default: the number of cores); the index is the same for any N."),
            OptionSpec(names: ["--memory-budget"], valueName: "MB", help: "Postings held in memory before a partial segment is written and merged at the end (default: 512)."),
        ],
        discussion: """
            File kinds: .txt, .md, .html/.htm, .jsonl (one document per line: id, title, text|contents|body).
            On an existing index, only files whose size or content (hash) changed since the last run are read: new files are added, changed ones replaced, missing ones deleted; segments are merged as they accumulate.
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

        // An update keeps the index's settings; asking for others needs --full.
        var existing: IndexReader? = nil
        if !full {
            do {
                existing = try IndexReader(path: indexPath)
            } catch {
                if case .missingIndex = error {} else { throw mapIndexError(error, hint: "; 'sift index --full' rebuilds it") }
            }
        }
        let storedUnit: String?
        do {
            storedUnit = try existing?.indexedUnit()
        } catch {
            throw mapIndexError(error, hint: "; 'sift index --full' rebuilds it")
        }
        var configuration = try AnalyzeCommand.analyzerConfiguration(parsed, spec: spec)
        if let existing {
            let asked = parsed.value("--stemmer") != nil || parsed.value("--stopwords") != nil
            if asked && configuration != existing.configuration {
                throw spec.usageError("the index '\(indexPath)' was built with \(existing.configuration.flags); pass --full to rebuild it with \(configuration.flags)")
            }
            configuration = existing.configuration
        }
        let unitName = try parsed.choice("--unit", default: storedUnit ?? "file", among: DocumentUnit.allCases.map(\.rawValue), spec: spec)
        if let storedUnit, unitName != storedUnit {
            throw spec.usageError("the index '\(indexPath)' was built with --unit \(storedUnit); pass --full to rebuild it with --unit \(unitName)")
        }
        var options = IngestOptions()
        options.unit = DocumentUnit(rawValue: unitName)!
        options.include = parsed.all("--include")
        options.exclude = parsed.all("--exclude")
        options.maxFileSize = maxFileSize
        let extractor = DocumentExtractor(options: options)

        let clock = ContinuousClock()
        let started = clock.now
        let walk: (candidates: [CandidateFile], skipped: [SkippedInput])
        do {
            walk = try CorpusWalker(roots: parsed.positionals, options: options, jobs: jobs).walk()
        } catch {
            if case .duplicateRootName = error { throw spec.usageError(error.description) }
            throw .noInput("\(error)")
        }
        for skip in walk.skipped { Output.warning("skipped \(skip)") }

        if dryRun {
            // With --full every current document goes, whatever changed.
            let replaced = full ? (try? IndexReader(path: indexPath))?.documentCount : nil
            try printPlan(existing: existing, replacing: replaced, candidates: walk.candidates, extractor: extractor, jobs: jobs,
                          indexPath: indexPath)
            return
        }
        let writer: IndexWriter
        do {
            writer = try IndexWriter(path: indexPath, configuration: configuration, jobs: jobs, memoryBudget: budget << 20,
                                     mode: existing == nil ? .create : .update)
        } catch {
            throw mapIndexError(error)
        }
        var progress = Progress(total: walk.candidates.count)
        let update: IndexUpdateSummary
        do {
            update = try writer.update(with: walk.candidates, extractor: extractor) { step in
                progress.update(files: step.files, bytes: step.bytes, documents: step.documents)
            }
        } catch {
            throw mapIndexError(error)
        }
        progress.finish()
        for skip in update.ingest.skipped { Output.warning("skipped \(skip)") }
        let skipped = walk.skipped + update.ingest.skipped
        if existing == nil && writer.documentCount == 0 {
            Output.warning("no documents found under \(parsed.positionals.joined(separator: ", ")); writing an empty index")
        }
        // Nothing changed: the index stays byte for byte as it was.
        let changed = writer.hasChanges
        let summary: CommitSummary
        do {
            summary = try writer.commit()
        } catch {
            throw mapIndexError(error)
        }
        writer.close()
        let seconds = seconds(since: started, clock: clock)
        var reasons: [String: Int] = [:]
        for skip in skipped { reasons[skip.reason.category, default: 0] += 1 }
        let reasonText = reasons.isEmpty ? "" : " (" + reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        let rate = "\(Format.fixed(Double(update.ingest.bytesRead) / 1_048_576 / max(seconds, 1e-9), decimals: 1)) MB/s"
        if existing == nil {
            Output.line("Indexed \(summary.documentCount) documents from \(update.ingest.filesIndexed) files into \(indexPath)")
            Output.line("  skipped:  \(skipped.count)\(reasonText)")
            Output.line("  terms:    \(summary.termCount)")
            Output.line("  postings: \(summary.postingCount)")
            Output.line("  tokens:   \(summary.tokenCount)")
            Output.line("  bytes:    \(summary.byteCount) in \(summary.files.count) files")
            Output.line("  time:     \(Format.fixed(seconds, decimals: 2)) s (\(rate), \(Int((Double(summary.documentCount) / max(seconds, 1e-9)).rounded())) documents/s)")
            return
        }
        if changed {
            Output.line("Updated \(indexPath): \(update.addedFiles.count) files added, \(update.changedFiles.count) changed, \(update.removedFiles.count) removed, \(update.unchangedFileCount) unchanged")
        } else {
            Output.line("\(indexPath) is up to date: \(update.unchangedFileCount) files unchanged")
        }
        Output.line("  documents: \(update.addedDocuments) added, \(update.updatedDocuments) updated, \(update.deletedDocuments) deleted, \(update.unchangedDocuments) unchanged")
        Output.line("  skipped:   \(skipped.count)\(reasonText)")
        if changed {
            Output.line("  index:     \(summary.documentCount) documents in \(summary.segmentCount) segments (\(summary.deletedCount) deleted kept until merged), generation \(summary.generation)")
            if summary.mergedSegmentCount > 0 { Output.line("  merged:    \(summary.mergedSegmentCount) segments") }
            Output.line("  bytes:     \(summary.byteCount) in \(summary.files.count) files")
        }
        let compared = update.unchangedFileCount + update.changedFiles.count
        let read = update.addedFiles.count + update.changedFiles.count
        Output.line("  time:      \(Format.fixed(seconds, decimals: 2)) s (\(compared) files compared by content, \(read) read for documents, \(update.ingest.bytesRead) bytes)")
    }

    /// `--dry-run`: what an update would add, replace and delete.
    private static func printPlan(existing: IndexReader?, replacing: Int?, candidates: [CandidateFile], extractor: DocumentExtractor,
                                  jobs: Int, indexPath: String) throws(CLIError) {
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
        for file in plan.addedFiles { Output.line("add     \(file.path)") }
        for file in plan.changedFiles { Output.line("update  \(file.path)") }
        for key in plan.removedFiles { Output.line("delete  \(key)") }
        let note = replacing != nil ? " (--full: a rebuild replacing all \(replacing!) documents)" : existing == nil ? " (no index yet)" : ""
        Output.line("Dry run on \(indexPath)\(note): \(plan.addedFiles.count) files to add, \(plan.changedFiles.count) to update, \(plan.removedFiles.count) to delete (\(plan.deletedDocuments) documents), \(plan.unchangedFileCount) unchanged; nothing written")
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
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
