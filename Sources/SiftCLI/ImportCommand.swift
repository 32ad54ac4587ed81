#if canImport(Glibc)
import Glibc
#endif
import Sift

/// `sift import`: builds an index from an exchange format another engine wrote.
enum ImportCommand {
    static let spec = CommandSpec(
        name: "import",
        overview: "Build an index from a CIFF file written by any engine (Anserini, PISA, Terrier, JASS, sift export).",
        usage: "sift import --format ciff FILE [--index PATH] [--replace] --stemmer porter|porter2|none --stopwords english|none|FILE",
        arguments: [("FILE", "The CIFF file to read.")],
        options: [
            OptionSpec(names: ["--format"], valueName: "ciff", help: "The exchange format (only ciff)."),
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder to create (default: ./index-data)."),
            OptionSpec(names: ["--replace"], help: "Replace an index already at PATH (at the commit: a failed import leaves it as it was)."),
            OptionSpec(names: ["--stemmer"], valueName: "porter|porter2|none", help: "The stemmer that made the file's terms: queries are analysed with it (required)."),
            OptionSpec(names: ["--stopwords"], valueName: "english|none|FILE", help: "The stop words the file's terms were made without (required)."),
        ],
        discussion: """
            The terms are taken as the file gives them; --stemmer and --stopwords say how queries must be analysed to match them (the file's description, printed after the import, usually names the exporter's analysis). Document lengths and ids (collection_docid) come from the file. The index has no positions and no text: term, boolean and prefix queries are answered with BM25 and pruning as usual; phrase queries, snippets and 'sift show' say that the index lacks what they need (a forward index of the documents' terms is kept, so --rm3 works); the index cannot be updated (import again instead). A damaged, truncated or inconsistent file is refused with the byte offset of the problem (exit 65), and nothing is written.
            """)

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard parsed.value("--format") != nil else { throw spec.usageError("missing --format ciff") }
        _ = try parsed.choice("--format", default: "ciff", among: ["ciff"], spec: spec)
        guard parsed.positionals.count == 1 else {
            throw spec.usageError(parsed.positionals.isEmpty ? "missing FILE to read" : "give one FILE, not \(parsed.positionals.count)")
        }
        // No defaults: a guess would make queries silently miss terms analysed another way.
        guard parsed.value("--stemmer") != nil, parsed.value("--stopwords") != nil else {
            throw spec.usageError("give --stemmer and --stopwords: how the file's terms were made, so queries are analysed the same way")
        }
        let configuration = try AnalyzeCommand.analyzerConfiguration(parsed, spec: spec)
        let file = parsed.positionals[0]
        let indexPath = parsed.value("--index") ?? "index-data"
        if !parsed.flag("--replace"), access(indexPath + "/manifest", F_OK) == 0 {
            throw spec.usageError("an index exists at '\(indexPath)'; pass --replace to replace it, or choose another --index")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let summary: CIFFImporter.Summary
        do {
            summary = try CIFFImporter.importIndex(from: file, to: indexPath, configuration: configuration)
        } catch {
            switch error {
            case .unreadable(let inner): throw .noInput("cannot read '\(file)': \(inner)")
            case .malformed(let inner): throw .data("'\(file)' is not a valid CIFF file: \(inner)")
            case .index(let inner): throw mapIndexError(inner)
            }
        }
        let seconds = seconds(since: started, clock: clock)
        Output.line("Imported \(Format.count(summary.documents, "document")), \(Format.count(summary.terms, "term")) and \(Format.count(summary.postings, "posting")) from \(file) into \(indexPath) (\(Format.fixed(seconds, decimals: 2)) s; no positions, no text)")
        if !summary.description.isEmpty {
            Output.line("The file says: \(summary.description)")
        }
        Output.line("Queries are analysed with \(configuration.flags)")
    }
}
