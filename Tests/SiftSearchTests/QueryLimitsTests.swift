import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex

/// No query can crash Sift or cost without bound: nesting, bytes and clauses have limits, each
/// refused with the limit named; within them, work grows linearly with the query.
@Suite struct QueryLimitsTests {
    static let limit = QueryLimits.defaultMaxDepth

    /// Every construct that nests, `depth` levels deep around `kabul`.
    static func nested(_ construct: String, depth: Int) -> String {
        switch construct {
        case "parentheses": String(repeating: "(", count: depth) + "kabul" + String(repeating: ")", count: depth)
        case "NOT": String(repeating: "NOT ", count: depth) + "kabul"
        case "field groups": String(repeating: "title:(", count: depth) + "kabul" + String(repeating: ")", count: depth)
        case "field prefixes": String(repeating: "title:", count: depth) + "kabul"
        case "required groups": String(repeating: "+(", count: depth) + "kabul" + String(repeating: ")", count: depth)
        case "excluded groups": "a " + String(repeating: "-(a ", count: depth) + "kabul" + String(repeating: ")", count: depth)
        case "boosted groups": String(repeating: "(", count: depth) + "kabul" + String(repeating: ")^2", count: depth)
        default: String(repeating: "(a OR NOT ", count: depth) + "kabul" + String(repeating: ")", count: depth)
        }
    }

    static let constructs = ["parentheses", "NOT", "field groups", "field prefixes", "required groups", "excluded groups",
                             "boosted groups", "mixed"]

    @Test("10,000 levels of any nesting construct are refused with the limit named, never a crash", arguments: constructs)
    func deepNestingRefused(construct: String) throws {
        let text = Self.nested(construct, depth: 10_000)
        do {
            _ = try QueryParser().parse(text)
            Issue.record("expected an error for \(construct)")
        } catch {
            #expect(error.message == "query nesting deeper than \(Self.limit)", "\(construct)")
            #expect(error.column >= 1 && error.column <= text.count)
        }
    }

    @Test("nesting at the limit parses, searches, scores and explains", arguments: constructs)
    func nestingAtLimit(construct: String) throws {
        // `title:(` and `(a OR NOT ` open two levels each.
        let levels = construct == "field groups" || construct == "mixed" ? 2 : 1
        let text = Self.nested(construct, depth: Self.limit / levels)
        _ = try QueryParser().parse(text)
        #expect(throws: QuerySyntaxError.self) { try QueryParser().parse(Self.nested(construct, depth: Self.limit / levels + 1)) }
        try QueryTestKit.withSearcher([IndexTestDocument(id: "d", title: "kabul", text: "kabul a b")]) { searcher throws in
            let results = try searcher.search(text, options: SearchOptions(limit: 10))
            for hit in results.hits { _ = try searcher.explain(hit, in: results) }
        }
    }

    @Test("the searcher reports deep nesting as a syntax error; a Query built in code as a limit error")
    func searcherDepth() throws {
        try QueryTestKit.withSearcher([IndexTestDocument(id: "d", text: "kabul")]) { searcher throws in
            #expect(throws: SearchError.syntax(QuerySyntaxError(message: "query nesting deeper than \(Self.limit)", column: Self.limit + 1))) {
                try searcher.search(Self.nested("parentheses", depth: 20_000))
            }
            var built = Query.term("kabul")
            // Deeper than any parsed query gets (a tree far deeper would overflow the stack when
            // Swift frees it, whatever Sift does).
            for _ in 0..<1_000 { built = .boolean([BooleanClause(.must, built)]) }
            #expect(throws: SearchError.limit(.tooDeep(limit: Self.limit * 4))) { try searcher.search(built) }
            withExtendedLifetime(built) {}
        }
    }

    @Test("a query longer than the byte limit is refused, naming both")
    func bytes() throws {
        try QueryTestKit.withSearcher([IndexTestDocument(id: "d", text: "kabul")]) { searcher throws in
            let long = String(repeating: "kabul ", count: 11_000)  // 66,000 bytes
            #expect(throws: SearchError.limit(.tooLong(bytes: 66_000, limit: 65_536))) { try searcher.search(long) }
            #expect(throws: SearchError.limit(.tooLong(bytes: 66_000, limit: 65_536))) {
                try searcher.search(long, options: SearchOptions(syntax: .plain))
            }
            let atLimit = String(repeating: "x", count: 65_536)
            _ = try searcher.search(atLimit)
            #expect(SearchError.limit(.tooLong(bytes: 66_000, limit: 65_536)).description
                    == "query of 66000 bytes is longer than the limit of 65536 bytes")
        }
    }

    @Test("terms, phrase words and prefix expansions count together against the clause limit")
    func clauses() throws {
        let words = (0..<40).map { "w\($0)" }
        let documents = [IndexTestDocument(id: "d", text: words.joined(separator: " "))]
        try QueryTestKit.withSearcher(documents) { searcher throws in
            let options = SearchOptions(limits: QueryLimits(maxClauses: 40))
            let refused = SearchError.limit(.tooManyClauses(limit: 40))
            // 40 terms: at the limit. 41: past it, known or not.
            _ = try searcher.search(words.joined(separator: " "), options: options)
            #expect(throws: refused) { try searcher.search(words.joined(separator: " ") + " unknown", options: options) }
            // A phrase counts its words.
            _ = try searcher.search("\"" + words.joined(separator: " ") + "\"", options: options)
            #expect(throws: refused) { try searcher.search("\"" + words.joined(separator: " ") + "\" w0", options: options) }
            // `w*` expands to the 40 terms; one more term passes the limit.
            _ = try searcher.search("w*", options: options)
            #expect(throws: refused) { try searcher.search("w* w1", options: options) }
            // Stop words and unanalyzable text do not count; plain syntax counts the same way.
            #expect(throws: refused) { try searcher.search(words.joined(separator: " ") + " w1", options: SearchOptions(syntax: .plain, limits: QueryLimits(maxClauses: 40))) }
            #expect(refused.description == "query has more than 40 clauses (terms, phrase words and prefix expansions together)")
            // The default is Lucene's 1024.
            #expect(SearchOptions().limits.maxClauses == 1024)
        }
    }

    /// A query of `size` clauses: words and two-word phrases that every document holds.
    static func query(size: Int) -> String {
        (0..<size).map { $0 % 4 == 3 ? "\"v\($0 % 50) v\(($0 + 1) % 50)\"" : "v\($0 % 50)" }.joined(separator: " ")
    }

    @Test("work grows linearly with query size: clause visits double when the query doubles")
    func linearGrowth() throws {
        // Every document holds v0…v49 in order, so every clause matches every document: the
        // case that cost 47 s for a 1 MB query. Work is counted, not timed.
        let text = (0..<50).map { "v\($0)" }.joined(separator: " ")
        let documents = (0..<200).map { IndexTestDocument(id: "d\($0)", text: text) }
        try QueryTestKit.withSearcher(documents) { searcher throws in
            var previous: Int? = nil
            for size in [50, 100, 200, 400, 800] {  // 800 clauses hold 1,000 words: within the limit
                let results = try searcher.search(Self.query(size: size), options: SearchOptions(limit: 10))
                let work = results.work.clauseVisits
                #expect(results.totalHits == 200)
                #expect(work > 0)
                if let previous {
                    let ratio = Double(work) / Double(previous)
                    #expect(ratio <= 2.1, "size \(size): \(work) visits, \(ratio)× the half-size query's")
                }
                previous = work
            }
            #expect(throws: SearchError.limit(.tooManyClauses(limit: 1024))) { try searcher.search(Self.query(size: 2048)) }
        }
    }
}
