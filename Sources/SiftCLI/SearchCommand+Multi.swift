import Foundation
import Sift

/// `sift search --index A --index B …`: several indexes searched as one with global
/// statistics; and `--global-stats FILE`: one index searched with statistics from outside.
extension SearchCommand {
    /// The indexes of the run, opened; with several, the names hits are told apart by.
    static func openMulti(_ paths: [String], verify: Bool, jobs: Int) throws(CLIError) -> MultiSearcher {
        var readers: [IndexReader] = []
        for path in paths { readers.append(try openSearcher(path, verify: verify).reader) }
        do {
            return try MultiSearcher(readers: readers, names: paths, jobs: jobs)
        } catch {
            throw .usage(error.description, usage: spec.usage)
        }
    }

    /// The sum of the statistics files of `--global-stats` (each what `sift stats --terms` writes).
    static func readStatistics(_ paths: [String]) throws(CLIError) -> CollectionStatistics {
        var sum = CollectionStatistics()
        for path in paths {
            let bytes: [UInt8]
            do {
                bytes = try readFile(path)
            } catch {
                throw .noInput("cannot read statistics file '\(path)': \(error)")
            }
            do {
                let shares = try JSONDecoder().decode(StatisticsFile.self, from: Data(bytes))
                for share in shares.indexes { sum = sum + share.statistics }
            } catch {
                throw .data("'\(path)' is not a statistics file written by 'sift stats --terms': \(error)")
            }
        }
        return sum
    }

    /// Runs every query over several indexes and prints the merged hits.
    static func runMulti(_ parsed: ParsedArguments, queries: [QueryLine], settings: Settings, batch: Bool) throws(CLIError) {
        let paths = parsed.all("--index")
        let jobs = try parsed.integer("--jobs", default: ProcessInfoLite.coreCount, range: 1...256, spec: spec)
        let multi = try openMulti(paths, verify: parsed.flag("--verify"), jobs: jobs)
        var jsonResults: [String] = []
        var failed: [String] = []
        for query in queries {
            let clock = ContinuousClock()
            let started = clock.now
            let results: MultiSearchResults
            do {
                results = try multi.search(query.text, options: settings.options)
            } catch {
                let failure = try describe(error)
                guard batch else { throw .query(failure) }
                Output.error("Error: query \(TerminalText.escaped(query.id)): \(TerminalText.escaped(failure))")
                failed.append(query.id)
                continue
            }
            let micros = Int((seconds(since: started, clock: clock) * 1e6).rounded())
            for note in results.notes {
                Output.note("\(batch ? "query \(TerminalText.escaped(query.id)): " : "")\(TerminalText.escaped(noteText(note)))")
            }
            let ids = displayIDs(results.hits)
            switch settings.format {
            case "trec":
                for (hit, id) in zip(results.hits, ids) {
                    Output.line("\(TRECField.escaped(query.id)) Q0 \(TRECField.escaped(trecID(id))) \(hit.rank) \(hit.score) \(settings.runTag)")
                }
            case "json":
                var items: [String] = []
                for (hit, id) in zip(results.hits, ids) {
                    let snippet = try call { () throws(IndexError) in try multi.snippet(for: hit, in: results, maxLength: settings.snippetLength) }
                    var pairs: [(String, String)] = [
                        ("rank", "\(hit.rank)"), ("id", JSON.string(id)), ("index", JSON.string(hit.name)),
                        ("title", JSON.string(hit.title)), ("score", JSON.number(hit.score)), ("snippet", JSON.string(snippet.text)),
                    ]
                    if settings.explain {
                        let explanation = try call { () throws(IndexError) in try multi.explain(hit, in: results) }
                        pairs.append(("explanation", explanationJSON(explanation)))
                    }
                    items.append(JSON.object(pairs))
                }
                var pairs: [(String, String)] = []
                if batch { pairs.append(("id", JSON.string(query.id))) }
                pairs += [("query", JSON.string(query.text)), ("indexes", JSON.array(paths.map(JSON.string))),
                          ("totalHits", "\(results.totalHits)"), ("totalHitsExact", results.totalHitsIsExact ? "true" : "false"),
                          ("tookMicroseconds", "\(micros)"), ("hits", JSON.array(items))]
                jsonResults.append(JSON.object(pairs))
            default:
                if batch { Output.line("Query \(TerminalText.escaped(query.id)): \(TerminalText.escaped(query.text))") }
                let styled = Output.stylesStandardOutput
                for (hit, id) in zip(results.hits, ids) {
                    let snippet = try call { () throws(IndexError) in try multi.snippet(for: hit, in: results, maxLength: settings.snippetLength) }
                    Output.line("\(hit.rank). \(Format.fixed(Double(hit.score), decimals: 4))  \(TerminalText.escaped(id))  \(TerminalText.escaped(hit.title))")
                    Output.line("    \(markedText(snippet, styled: styled))")
                    if settings.explain {
                        let explanation = try call { () throws(IndexError) in try multi.explain(hit, in: results) }
                        printExplanation(explanation, indent: "    ")
                    }
                }
                let total = results.totalHitsIsExact ? "\(results.totalHits)" : "at least \(results.totalHits)"
                let offset = settings.options.offset
                let shown = results.hits.isEmpty ? "No hits" : "Hits \(offset + 1)–\(offset + results.hits.count) of \(total)"
                Output.line("\(shown) for '\(TerminalText.escaped(query.text))' in \(Format.count(paths.count, "index", "indexes")) (\(Format.fixed(Double(micros) / 1000, decimals: 2)) ms)")
                if batch { Output.line("") }
            }
        }
        if settings.format == "json" {
            Output.line(batch ? JSON.object([("results", JSON.array(jsonResults))]) : jsonResults.first ?? "{}")
        }
        if !failed.isEmpty {
            throw .data("\(failed.count) of \(Format.count(queries.count, "query", "queries")) failed: \(failed.prefix(10).joined(separator: ", "))")
        }
    }

    /// The ids to show: a hit's own id, or `index:id` when another hit on the page has the
    /// same id in another index.
    static func displayIDs(_ hits: [MultiSearchHit]) -> [String] {
        var indexesByID: [String: Set<Int>] = [:]
        for hit in hits { indexesByID[hit.id, default: []].insert(hit.index) }
        return hits.map { (indexesByID[$0.id]?.count ?? 0) > 1 ? "\($0.name):\($0.id)" : $0.id }
    }

    /// The TREC docid of a shown id (file extension dropped, as for one index).
    static func trecID(_ id: String) -> String {
        SearchHit.trecDocumentID(of: id)
    }
}

/// What `sift stats --terms` writes: each index's share of the statistics a query needs.
struct StatisticsFile: Codable {
    struct Share: Codable {
        var index: String
        var statistics: CollectionStatistics
    }

    var indexes: [Share]
}
