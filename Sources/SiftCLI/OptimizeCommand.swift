import Sift

/// `sift optimize`: merges an index into one segment without deleted documents.
enum OptimizeCommand {
    static let spec = CommandSpec(
        name: "optimize",
        overview: "Merge an index into a single segment, dropping deleted documents (crash-safe like every commit).",
        usage: "sift optimize [--index PATH]",
        options: [OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data).")])

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard parsed.positionals.isEmpty else { throw spec.usageError("unexpected argument '\(parsed.positionals[0])'") }
        let indexPath = parsed.value("--index") ?? "index-data"
        let clock = ContinuousClock()
        let started = clock.now
        let summary: CommitSummary
        let before: (segments: Int, deleted: Int)
        do {
            let reader = try IndexReader(path: indexPath)
            before = (reader.segmentCount, reader.deletedCount)
            // The writer checks every checksum of what it merges or keeps: damage exits 65.
            let writer = try IndexWriter(path: indexPath, configuration: reader.configuration, mode: .open)
            writer.forceMerge()
            summary = try writer.commit()
            writer.close()
        } catch {
            throw mapIndexError(error)
        }
        let seconds = seconds(since: started, clock: clock)
        Output.line("Optimized \(indexPath): \(Format.count(before.segments, "segment")) with \(Format.count(before.deleted, "deleted document")) -> \(Format.count(summary.segmentCount, "segment")) of \(Format.count(summary.documentCount, "document")), \(Format.count(summary.byteCount, "byte")), in \(Format.fixed(seconds, decimals: 2)) s")
    }
}
