import Sift

/// `sift check`: verifies an index end to end.
enum CheckCommand {
    static let spec = CommandSpec(
        name: "check",
        overview: "Verify every checksum and invariant of an index (exit 65 on the first problem).",
        usage: "sift check [--index PATH] [--deep]",
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
            OptionSpec(names: ["--deep"], help: "Also decode every posting list, position and stored document, and recount each term's deleted documents."),
        ])

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard parsed.positionals.isEmpty else { throw spec.usageError("unexpected argument '\(parsed.positionals[0])'") }
        let indexPath = parsed.value("--index") ?? "index-data"
        let report: CheckReport
        do {
            report = try IndexReader(path: indexPath, verifyChecksums: true).check(deep: parsed.flag("--deep"))
        } catch {
            throw mapIndexError(error)
        }
        if report.deep {
            Output.line("ok: \(indexPath): \(Format.count(report.segmentCount, "segment")), \(Format.count(report.documentCount, "document")) (\(report.deletedCount) deleted), \(Format.count(report.termCount, "term")), \(Format.count(report.postingCount, "posting")), \(Format.count(report.positionCount, "position")), \(Format.count(report.sourceFileCount, "file")), \(Format.count(report.byteCount, "byte")) verified")
        } else {
            Output.line("ok: \(indexPath): \(Format.count(report.segmentCount, "segment")), \(Format.count(report.deletedCount, "deleted document")), \(Format.count(report.sourceFileCount, "file")), \(Format.count(report.byteCount, "byte")) verified (--deep also decodes every posting and document)")
        }
    }
}
