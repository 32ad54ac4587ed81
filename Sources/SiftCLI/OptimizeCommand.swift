import Sift

/// `sift optimize`: merges an index into one segment without deleted documents.
enum OptimizeCommand {
    static let spec = CommandSpec(
        name: "optimize",
        overview: "Merge an index into a single segment, dropping deleted documents (crash-safe like every commit); with --reorder, also renumber the documents so that similar ones are near each other (a smaller, faster index; the same scores).",
        usage: "sift optimize [--index PATH] [--reorder] [--jobs N] [--memory-budget MB]",
        options: [OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
                  OptionSpec(names: ["--reorder"], help: "Renumber documents by recursive graph bisection: postings shrink and more blocks are skipped; scores stay the same, only hits with exactly equal scores may change places. Deterministic."),
                  OptionSpec(names: ["--jobs"], valueName: "N", help: "Threads for checking and reordering (default: the number of cores); the index is the same for any N."),
                  OptionSpec(names: ["--memory-budget"], valueName: "MB", help: "Memory the reordering may use (default: 512); it stops with an error rather than use more.")])

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard parsed.positionals.isEmpty else { throw spec.usageError("unexpected argument '\(parsed.positionals[0])'") }
        let indexPath = parsed.value("--index") ?? "index-data"
        let reorder = parsed.flag("--reorder")
        let jobs = try parsed.integer("--jobs", default: ProcessInfoLite.coreCount, range: 1...256, spec: spec)
        let budget = try parsed.integer("--memory-budget", default: 512, range: 16...1_048_576, spec: spec)
        let clock = ContinuousClock()
        let started = clock.now
        let summary: CommitSummary
        let before: (segments: Int, deleted: Int)
        do {
            let reader = try IndexReader(path: indexPath)
            before = (reader.segmentCount, reader.deletedCount)
            // The writer checks every checksum of what it merges or keeps: damage exits 65.
            let writer = try IndexWriter(path: indexPath, configuration: reader.configuration, jobs: jobs, memoryBudget: budget << 20,
                                         mode: .update)
            writer.forceMerge(reorderingDocuments: reorder)
            summary = try writer.commit()
            writer.close()
        } catch {
            throw mapIndexError(error)
        }
        let seconds = seconds(since: started, clock: clock)
        Output.line("\(reorder ? "Optimized and reordered" : "Optimized") \(indexPath): \(Format.count(before.segments, "segment")) with \(Format.count(before.deleted, "deleted document")) -> \(Format.count(summary.segmentCount, "segment")) of \(Format.count(summary.documentCount, "document")), \(Format.count(summary.byteCount, "byte")), in \(Format.fixed(seconds, decimals: 2)) s")
    }
}
