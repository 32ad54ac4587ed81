import Sift

/// `sift export`: writes an index in an exchange format another engine reads.
enum ExportCommand {
    static let spec = CommandSpec(
        name: "export",
        overview: "Write the index's live documents as a CIFF file (for PISA, Anserini/Lucene, Terrier, JASS).",
        usage: "sift export --format ciff [--index PATH] FILE",
        arguments: [("FILE", "The file to write (replaced atomically when complete).")],
        options: [
            OptionSpec(names: ["--format"], valueName: "ciff", help: "The exchange format (only ciff)."),
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
        ],
        discussion: """
            Documents are numbered densely from 0 in index order, deleted ones left out; collection_docid is the document's id and doclength the text length BM25 uses. Only the text field is exported (CIFF has one field; title: terms are not). The header's description names the analyzer, so the receiving engine can analyse queries the same way.
            """)

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard parsed.value("--format") != nil else { throw spec.usageError("missing --format ciff") }
        _ = try parsed.choice("--format", default: "ciff", among: ["ciff"], spec: spec)
        guard parsed.positionals.count == 1 else {
            throw spec.usageError(parsed.positionals.isEmpty ? "missing FILE to write" : "give one FILE, not \(parsed.positionals.count)")
        }
        let indexPath = parsed.value("--index") ?? "index-data"
        let clock = ContinuousClock()
        let started = clock.now
        let summary: CIFFExporter.Summary
        do {
            let reader = try IndexReader(path: indexPath, verifyChecksums: true)
            summary = try CIFFExporter.export(reader, to: parsed.positionals[0])
        } catch let error as IndexError {
            throw mapIndexError(error)
        } catch let error as CIFFExporter.ExportError {
            switch error {
            case .index(let inner): throw mapIndexError(inner)
            case .write(.io(let inner)): throw .io(inner.description)
            case .write(.inconsistent(let message)): throw .data("cannot export '\(indexPath)': \(message)")
            }
        } catch {
            throw .io("\(error)")
        }
        let seconds = seconds(since: started, clock: clock)
        Output.line("Exported \(Format.count(summary.documents, "document")), \(Format.count(summary.postingsLists, "term")) and \(Format.count(summary.postings, "posting")) from \(indexPath) to \(parsed.positionals[0]) (CIFF, \(Format.count(summary.bytes, "byte")), \(Format.fixed(seconds, decimals: 2)) s)")
    }
}
