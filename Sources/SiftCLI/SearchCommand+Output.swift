import Sift

/// Text and JSON output of `sift search`.
extension SearchCommand {
    /// A hit's id split into its article and passage (`a.txt#L3` → `a.txt`, `#L3`); a whole
    /// document has no passage.
    static func passage(of id: String) -> (article: Substring, passage: Substring)? {
        guard let hash = id.range(of: "#L", options: .backwards),
              !id[hash.upperBound...].isEmpty, id[hash.upperBound...].allSatisfy(\.isASCII), id[hash.upperBound...].allSatisfy(\.isNumber)
        else { return nil }
        return (id[..<hash.lowerBound], id[hash.lowerBound...])
    }

    /// Whole documents: `rank. score  id  title` and the snippet under it. Passages: a heading
    /// (article and title) for each run of hits from one article, then `rank. score  #Ln  passage`.
    static func printText(query: QueryLine, results: SearchResults, micros: Int,
                          searcher: Searcher, settings: Settings, batch: Bool) throws(CLIError) {
        if batch { Output.line("Query \(TerminalText.escaped(query.id)): \(TerminalText.escaped(query.text))") }
        if settings.explain, let expansion = results.expansion { printExpansion(expansion) }
        let styled = Output.stylesStandardOutput
        var article: Substring? = nil
        let hasText = searcher.reader.storage == .text
        for hit in results.hits {
            // An index without stored text has no snippets: the hit's line alone.
            let snippet = hasText ? try call { () throws(SearchError) in try searcher.snippet(for: hit, in: results, maxLength: settings.snippetLength) } : nil
            let marked = snippet.map { markedText($0, styled: styled) } ?? ""
            let score = Format.fixed(Double(hit.score), decimals: 4)
            if let (hitArticle, passage) = passage(of: hit.id) {
                if hitArticle != article {
                    let heading = "\(TerminalText.escaped(String(hitArticle)))  \(TerminalText.escaped(hit.title))"
                    Output.line(styled ? "\u{1B}[1m" + heading + "\u{1B}[0m" : heading)
                    if !hit.metadata.isEmpty { Output.line("  " + metadataLine(hit.metadata)) }
                    article = hitArticle
                }
                Output.line(snippet == nil ? "  \(hit.rank). \(score)  \(passage)" : "  \(hit.rank). \(score)  \(passage)  \(marked)")
            } else {
                Output.line("\(hit.rank). \(score)  \(TerminalText.escaped(hit.id))  \(TerminalText.escaped(hit.title))")
                if !hit.metadata.isEmpty { Output.line("    " + metadataLine(hit.metadata)) }
                if snippet != nil { Output.line("    \(marked)") }
            }
            if settings.explain {
                let explanation = try call { () throws(SearchError) in try searcher.explain(hit, in: results) }
                printExplanation(explanation, indent: "    ")
            }
        }
        Output.line("\(summary(query: query.text, results: results, offset: settings.options.offset)) (\(Format.fixed(Double(micros) / 1000, decimals: 2)) ms)")
        if batch { Output.line("") }
    }

    /// A hit's metadata on one line, keys in order: `category: tech · date: 2005-03-01`, each
    /// value cut to 80 characters (`sift show` prints them whole).
    static func metadataLine(_ metadata: [String: String]) -> String {
        metadata.keys.sorted().map { key in
            let value = metadata[key]!
            let shown = value.count > 80 ? value.prefix(79) + "…" : Substring(value)
            return TerminalText.escaped(key) + ": " + TerminalText.escaped(String(shown))
        }.joined(separator: " · ")
    }

    /// Metadata as a JSON object, keys in order.
    static func metadataJSON(_ metadata: [String: String]) -> String {
        JSON.object(metadata.keys.sorted().map { ($0, JSON.string(metadata[$0]!)) })
    }

    /// The last line: which hits were shown of how many, true also when none were shown
    /// although some matched (`-k 0`, or an offset past them).
    static func summary(query: String, results: SearchResults, offset: Int) -> String {
        let echo = "'\(TerminalText.escaped(query))'"
        let total = results.totalHitsIsExact ? "\(results.totalHits)" : "at least \(results.totalHits)"
        if !results.hits.isEmpty {
            return "Hits \(offset + 1)–\(offset + results.hits.count) of \(total) for \(echo)"
        }
        if results.totalHits == 0 { return "No hits for \(echo)" }
        let counted = (results.totalHitsIsExact ? "" : "at least ") + Format.count(results.totalHits, "hit")
        let why = offset > 0 ? "none after --offset \(offset)" : "none shown (-k 0)"
        return "\(counted) for \(echo), \(why)"
    }

    /// The snippet with its matches marked (bold, or `[` `]`) and control characters escaped.
    static func markedText(_ snippet: Snippet, styled: Bool) -> String {
        let (open, close) = styled ? ("\u{1B}[1m", "\u{1B}[0m") : ("[", "]")
        let bytes = Array(snippet.text.utf8)
        var result = ""
        var position = 0
        for range in snippet.utf8Highlights {
            result += TerminalText.escaped(String(decoding: bytes[position..<range.lowerBound], as: UTF8.self))
            result += open + TerminalText.escaped(String(decoding: bytes[range], as: UTF8.self)) + close
            position = range.upperBound
        }
        result += TerminalText.escaped(String(decoding: bytes[position...], as: UTF8.self))
        return result
    }

    static func printExplanation(_ node: Explanation, indent: String) {
        switch node.kind {
        case .sum:
            Output.line("\(indent)\(node.value) = sum of:")
            for detail in node.details { printExplanation(detail, indent: indent + "  ") }
        case .term, .phrase:
            let df = node.documentFrequency.map { "df=\($0) " } ?? ""
            let name = node.kind == .phrase ? "\"\(node.text)\"" + (node.slop > 0 ? "~\(node.slop)" : "") : node.text
            let field = node.field == .text ? "" : "\(node.field.rawValue):"
            Output.line("\(indent)\(node.value)  \(field)\(TerminalText.escaped(name))  tf=\(node.termFrequency) \(df)N=\(node.documentCount) idf=\(Format.fixed(node.idf, decimals: 4)) len=\(node.documentLength) avgLen=\(Format.fixed(node.averageLength, decimals: 2)) k1=\(node.k1) b=\(node.b) boost=\(node.boost)")
        }
    }

    static func explanationJSON(_ node: Explanation) -> String {
        switch node.kind {
        case .sum:
            return JSON.object([("type", JSON.string("sum")), ("value", JSON.number(node.value)),
                                ("clauses", JSON.array(node.details.map(explanationJSON)))])
        case .term, .phrase:
            var pairs: [(String, String)] = [
                ("type", JSON.string(node.kind.rawValue)), ("field", JSON.string(node.field.rawValue)),
                ("text", JSON.string(node.text)), ("value", JSON.number(node.value)), ("tf", "\(node.termFrequency)"),
            ]
            if let df = node.documentFrequency { pairs.append(("df", "\(df)")) }
            if node.kind == .phrase { pairs.append(("slop", "\(node.slop)")) }
            pairs += [("N", "\(node.documentCount)"), ("idf", JSON.number(node.idf)), ("length", "\(node.documentLength)"),
                      ("averageLength", JSON.number(node.averageLength)), ("k1", JSON.number(node.k1)),
                      ("b", JSON.number(node.b)), ("boost", JSON.number(node.boost))]
            return JSON.object(pairs)
        }
    }

    static func json(query: QueryLine, results: SearchResults, micros: Int,
                     searcher: Searcher, settings: Settings, batch: Bool) throws(CLIError) -> String {
        var items: [String] = []
        let hasText = searcher.reader.storage == .text
        for hit in results.hits {
            var pairs: [(String, String)] = [
                ("rank", "\(hit.rank)"), ("id", JSON.string(hit.id)), ("title", JSON.string(hit.title)),
                ("score", JSON.number(hit.score)), ("metadata", metadataJSON(hit.metadata)),
            ]
            // An index without stored text has no snippets: the keys are left out.
            if hasText {
                let snippet = try call { () throws(SearchError) in try searcher.snippet(for: hit, in: results, maxLength: settings.snippetLength) }
                pairs += [("snippet", JSON.string(snippet.text)),
                          ("highlights", JSON.array(snippet.utf8Highlights.map { JSON.object([("start", "\($0.lowerBound)"), ("end", "\($0.upperBound)")]) }))]
            }
            if settings.explain {
                let explanation = try call { () throws(SearchError) in try searcher.explain(hit, in: results) }
                pairs.append(("explanation", explanationJSON(explanation)))
            }
            items.append(JSON.object(pairs))
        }
        var pairs: [(String, String)] = []
        if batch { pairs.append(("id", JSON.string(query.id))) }
        pairs += [("query", JSON.string(query.text)), ("totalHits", "\(results.totalHits)"),
                  ("totalHitsExact", results.totalHitsIsExact ? "true" : "false"),
                  ("tookMicroseconds", "\(micros)"), ("hits", JSON.array(items))]
        if let expansion = results.expansion { pairs.append(("expansion", expansionJSON(expansion))) }
        if !results.notes.isEmpty { pairs.append(("notes", JSON.array(results.notes.map { JSON.string(noteText($0)) }))) }
        return JSON.object(pairs)
    }
}
