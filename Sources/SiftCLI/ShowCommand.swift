import Sift

/// `sift show`: one stored document in full, so a hit can be read.
enum ShowCommand {
    static let spec = CommandSpec(
        name: "show",
        overview: "Print a stored document (id, title, metadata, text) in full.",
        usage: "sift show ID [--index PATH] [--format text|json]",
        arguments: [("ID", "A document id as search prints it; for an index of passages (--unit line or paragraph), a file's id shows all its passages in order.")],
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
            OptionSpec(names: ["--format"], valueName: "text|json", help: "For people (default; control characters escaped) or one JSON document {id, title, metadata, text}, or {id, passages: [{id, title, metadata, text}]} for a file's passages."),
        ])

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard let id = parsed.positionals.first else { throw spec.usageError("missing document ID") }
        guard parsed.positionals.count == 1 else { throw spec.usageError("unexpected argument '\(parsed.positionals[1])' (one ID at a time)") }
        let format = try parsed.choice("--format", default: "text", among: ["text", "json"], spec: spec)
        let indexPath = parsed.value("--index") ?? "index-data"
        let documents = try SearchCommand.call { () throws(IndexError) -> (exact: Bool, [StoredDocument]) in
            let reader = try IndexReader(path: indexPath, verifyChecksums: true)
            // Without stored text there is nothing to show (ids and titles: 'sift list').
            guard reader.storage == .text else { throw IndexError.noStoredText(path: indexPath) }
            var numbers = try reader.documentNumbers(withID: id)
            let exact = !numbers.isEmpty
            // A file of an index of passages: every passage, in order.
            if numbers.isEmpty { numbers = try reader.documentNumbers(withIDPrefix: id + "#") }
            var documents: [StoredDocument] = []
            for number in numbers { documents.append(try reader.document(at: number)) }
            return (exact, documents)
        }
        guard !documents.1.isEmpty else {
            throw .noInput("no document '\(id)' in \(indexPath) ('sift list' shows the ids)")
        }
        if documents.exact {
            // The same id twice (two inputs gave it) shows both.
            for document in documents.1 { try print(document, format: format) }
        } else if format == "json" {
            let passages = documents.1.map(json)
            Output.line(JSON.object([("id", JSON.string(id)), ("passages", JSON.array(passages))]))
        } else {
            Output.line("id:     \(TerminalText.escaped(id)) (\(Format.count(documents.1.count, "passage")))")
            Output.line("title:  \(TerminalText.escaped(documents.1[0].title))")
            let metadata = documents.1[0].metadata
            for key in metadata.keys.sorted() { Output.line("\(TerminalText.escaped(key)): \(TerminalText.escaped(metadata[key]!, keepingLines: true))") }
            for document in documents.1 {
                let passage = SearchCommand.passage(of: document.id)?.passage ?? Substring(document.id)
                Output.line("")
                Output.line("\(passage)  \(TerminalText.escaped(document.text, keepingLines: true))")
            }
        }
    }

    private static func print(_ document: StoredDocument, format: String) throws(CLIError) {
        if format == "json" {
            Output.line(json(document))
            return
        }
        Output.line("id:     \(TerminalText.escaped(document.id))")
        Output.line("title:  \(TerminalText.escaped(document.title))")
        for key in document.metadata.keys.sorted() {
            Output.line("\(TerminalText.escaped(key)): \(TerminalText.escaped(document.metadata[key]!, keepingLines: true))")
        }
        Output.line("")
        let text = TerminalText.escaped(document.text, keepingLines: true)
        Output.write(text.hasSuffix("\n") ? text : text + "\n")
    }

    private static func json(_ document: StoredDocument) -> String {
        JSON.object([("id", JSON.string(document.id)), ("title", JSON.string(document.title)),
                     ("metadata", SearchCommand.metadataJSON(document.metadata)), ("text", JSON.string(document.text))])
    }
}

/// `sift list`: the documents' ids and titles, a page at a time.
enum ListCommand {
    static let spec = CommandSpec(
        name: "list",
        overview: "List the documents' ids and titles, a page at a time, in index order.",
        usage: "sift list [--index PATH] [--offset N] [--limit N] [--format text|json]",
        options: [
            OptionSpec(names: ["--index"], valueName: "PATH", help: "Index folder (default: ./index-data)."),
            OptionSpec(names: ["--offset"], valueName: "N", help: "Skip the first N documents (default: 0)."),
            OptionSpec(names: ["--limit"], valueName: "N", help: "Documents to list (default: 100)."),
            OptionSpec(names: ["--format"], valueName: "text|json", help: "'id  title' per line and a count (default), or one JSON document {total, offset, documents: [{id, title}]}."),
        ])

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard parsed.positionals.isEmpty else { throw spec.usageError("unexpected argument '\(parsed.positionals[0])'") }
        let offset = try parsed.integer("--offset", default: 0, range: 0...Int(Int32.max), spec: spec)
        let limit = try parsed.integer("--limit", default: 100, range: 1...Int(Int32.max), spec: spec)
        let format = try parsed.choice("--format", default: "text", among: ["text", "json"], spec: spec)
        let indexPath = parsed.value("--index") ?? "index-data"
        let (total, page) = try SearchCommand.call { () throws(IndexError) in
            let reader = try IndexReader(path: indexPath, verifyChecksums: true)
            return (reader.documentCount, try reader.documentSummaries(offset: offset, limit: limit))
        }
        if format == "json" {
            let items = page.map { JSON.object([("id", JSON.string($0.id)), ("title", JSON.string($0.title))]) }
            Output.line(JSON.object([("total", "\(total)"), ("offset", "\(offset)"), ("documents", JSON.array(items))]))
            return
        }
        for document in page { Output.line("\(TerminalText.escaped(document.id))  \(TerminalText.escaped(document.title))") }
        if page.isEmpty {
            Output.line(total == 0 ? "No documents in \(indexPath)" : "No documents after --offset \(offset) (\(Format.count(total, "document")) in all)")
        } else {
            let more = offset + page.count < total ? " (--offset \(offset + page.count) for more)" : ""
            Output.line("Documents \(offset + 1)–\(offset + page.count) of \(total)\(more)")
        }
    }
}
