import Foundation
import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex
import SiftIngest

/// Metadata filters restrict hits without changing scores, and pruning stays exact under them.
@Suite struct MetadataFilterTests {
    /// The filter's meaning written out again, independently of `MetadataIndex`: the oracle.
    static func passes(_ filter: MetadataFilter, _ metadata: [String: String]) -> Bool {
        func number(_ text: String) -> Double? {
            guard text.range(of: #"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil else { return nil }
            return Double(text)
        }
        func bytesLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        // A list holds a leaf filter when one of its items does.
        func values(_ field: String) -> [String] {
            guard let value = metadata[field] else { return [] }
            return MetadataList.items(of: value) ?? [value]
        }
        switch filter {
        case .equals(let field, let value):
            return values(field).contains(value)
        case .prefix(let field, let prefix):
            return values(field).contains { $0.utf8.starts(with: prefix.utf8) }
        case .range(let field, let from, let through):
            return values(field).contains { value in
                let numeric = (from == nil || from.flatMap(number) != nil) && (through == nil || through.flatMap(number) != nil)
                if numeric, let x = number(value) {
                    return (from.flatMap(number).map { x >= $0 } ?? true) && (through.flatMap(number).map { x <= $0 } ?? true)
                }
                let low = from.map { !bytesLess(value, $0) } ?? true
                let high = through.map { bound in !bytesLess(bound, String(decoding: value.utf8.prefix(bound.utf8.count), as: UTF8.self)) } ?? true
                return low && high
            }
        case .all(let filters):
            return filters.allSatisfy { passes($0, metadata) }
        case .any(let filters):
            return filters.contains { passes($0, metadata) }
        case .not(let inner):
            return !passes(inner, metadata)
        }
    }

    static let categories = ["tech", "sport", "politics", "business", "Tech"]

    static func metadata(_ random: inout TestRandom) -> [String: String] {
        var metadata: [String: String] = [:]
        if random.below(8) != 0 { metadata["category"] = random.pick(categories) }
        if random.below(6) != 0 {
            let precision = random.below(3)
            var date = String(format: "%04d-%02d", 2003 + random.below(4), 1 + random.below(12))
            if precision > 0 { date += String(format: "-%02d", 1 + random.below(28)) }
            if precision > 1 { date += "T12:00" }
            metadata["date"] = date
        }
        if random.below(3) == 0 {
            metadata["tags"] = MetadataList.encode(["a", "b", "c", "d"].filter { _ in random.below(2) == 0 })
        }
        if random.below(4) != 0 {
            metadata["price"] = random.below(10) == 0 ? "n/a" : String(random.int(in: -20...200)) + (random.below(3) == 0 ? ".5" : "")
        }
        return metadata
    }

    static func randomFilter(_ random: inout TestRandom, depth: Int = 0) -> MetadataFilter {
        // Past depth 1 only leaves, so trees stay small.
        switch random.below(depth > 1 ? 6 : 9) {
        case 0: return .equals(field: "category", value: random.pick(categories))
        case 1:
            let from = random.below(4) == 0 ? nil : String(format: "%04d-%02d", 2003 + random.below(4), 1 + random.below(12))
            let through = random.below(4) == 0 ? nil : String(format: "%04d", 2003 + random.below(4))
            return .range(field: "date", from: from, through: from == nil && through == nil ? "2005" : through)
        case 2: return .range(field: "price", from: String(random.int(in: -30...100)), through: random.below(3) == 0 ? nil : String(random.int(in: 50...250)))
        case 3: return .prefix(field: random.pick(["category", "date"]), prefix: random.pick(["t", "20", "2004-0", ""]))
        case 4: return .equals(field: "tags", value: random.pick(["a", "b", "c"]))
        case 5:
            // Runs of consecutive documents (`seq` follows the order they were added in): the
            // scorers jump over whole blocks the filter leaves out.
            let from = random.below(40)
            return .range(field: "seq", from: String(from), through: String(from + random.below(8)))
        case 6: return .not(randomFilter(&random, depth: depth + 1))
        case 7: return .any([randomFilter(&random, depth: depth + 1), randomFilter(&random, depth: depth + 1)])
        default: return .all([randomFilter(&random, depth: depth + 1), randomFilter(&random, depth: depth + 1)])
        }
    }

    static func signature(_ results: SearchResults) -> [String] {
        results.hits.map { "\($0.id):\($0.score.bitPattern)" }
    }

    @Test("random corpora, segments and deletions: a filtered search is the unfiltered ranking without the documents the filter leaves out", arguments: 0..<4)
    func filteredEqualsOracle(seed: Int) throws {
        var random = TestRandom(seed: UInt64(7100 + seed))
        let vocabulary = (0..<50).map { "w\($0)" }
        try IndexTestFolder.with { folder in
            var metadataByID: [String: [String: String]] = [:]
            let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: .replace)
            let count = random.int(in: 700...1800)
            for number in 0..<count {
                let words = (0..<random.int(in: 1...60)).map { _ in
                    vocabulary[min(Int(Double(vocabulary.count) * pow(random.unit(), 2.2)), vocabulary.count - 1)]
                }
                var metadata = Self.metadata(&random)
                metadata["seq"] = String(number / 37)
                metadataByID["d\(number)"] = metadata
                try writer.add(id: "d\(number)", title: "", text: words.joined(separator: " "), metadata: metadata)
                // Several segments, some with no metadata at all.
                if number % 400 == 399 { try writer.commit() }
            }
            try writer.add(id: "plain", title: "", text: "w0 w1 w2")
            metadataByID["plain"] = [:]
            try writer.commit()
            for _ in 0..<20 {
                let id = "d\(random.below(count))"
                if try writer.deleteDocuments(withID: id) > 0 { metadataByID[id] = nil }
            }
            try writer.commit()
            writer.close()

            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            let wide = (0..<30).map { vocabulary[$0] }.joined(separator: " ")
            for round in 0..<60 {
                let terms = (0..<random.int(in: 1...4)).map { _ in vocabulary[random.below(vocabulary.count)] }
                let queries = [terms.joined(separator: " "), terms.map { "+" + $0 }.joined(separator: " "),
                               "\"\(terms.prefix(2).joined(separator: " "))\"", "w1*", wide]
                let query = queries[round % queries.count]
                let filter = Self.randomFilter(&random)
                let all = try searcher.search(query, options: SearchOptions(limit: 100_000, exhaustive: true))
                let kept = all.hits.filter { Self.passes(filter, metadataByID[$0.id]!) }
                for k in [1, 10, 100] {
                    let expected = kept.prefix(k).map { "\($0.id):\($0.score.bitPattern)" }
                    let pruned = try searcher.search(query, options: SearchOptions(limit: k, filter: filter))
                    #expect(Self.signature(pruned) == expected, "'\(query)' k=\(k) filter \(filter)")
                    let exhaustive = try searcher.search(query, options: SearchOptions(limit: k, exhaustive: true, filter: filter))
                    #expect(Self.signature(exhaustive) == expected, "'\(query)' exhaustive k=\(k) filter \(filter)")
                    #expect(exhaustive.totalHits == kept.count)
                    for hit in pruned.hits { #expect(hit.metadata == metadataByID[hit.id]!) }
                }
            }
            // A filter alone lists every passing live document, score 0, in document order.
            let filter = MetadataFilter.equals(field: "category", value: "tech")
            let listed = try searcher.search(.filter(filter), options: SearchOptions(limit: 100_000))
            let expected = metadataByID.filter { $0.value["category"] == "tech" }.count
            #expect(listed.totalHits == expected && listed.hits.count == expected)
            #expect(listed.hits.allSatisfy { $0.score == 0 && $0.metadata["category"] == "tech" })
            #expect(listed.hits.map(\.document) == listed.hits.map(\.document).sorted())
        }
    }

    @Test("FilterSkip.nextPassing finds the next clear bit across words, and stops at the end")
    func nextPassing() {
        var words: [UInt64] = [~0, ~0, ~0 ^ (1 << 5), ~0]  // only document 133 passes
        words.withUnsafeMutableBufferPointer { bits in
            let skipped = bits.baseAddress!
            #expect(FilterSkip.nextPassing(skipped, from: 0, end: 256) == 133)
            #expect(FilterSkip.nextPassing(skipped, from: 133, end: 256) == 133)
            #expect(FilterSkip.nextPassing(skipped, from: 134, end: 256) == 256)
            #expect(FilterSkip.nextPassing(skipped, from: 0, end: 100) == 100)
            #expect(FilterSkip.nextPassing(skipped, from: 0, end: 134) == 133)
            #expect(FilterSkip.nextPassing(skipped, from: 0, end: 133) == 133)
            #expect(FilterSkip.nextPassing(skipped, from: 200, end: 200) == 200)
        }
        // Past the last document in a partial word: the end, never a bit beyond it.
        var partial: [UInt64] = [0b111]
        partial.withUnsafeMutableBufferPointer { bits in
            #expect(FilterSkip.nextPassing(bits.baseAddress!, from: 0, end: 3) == 3)
            #expect(FilterSkip.nextPassing(bits.baseAddress!, from: 0, end: 4) == 3)
        }
    }

    static func smallIndex(_ folder: IndexTestFolder) throws -> Searcher {
        let writer = try IndexWriter(path: folder.path, configuration: IndexTestKit.plain, mode: .replace)
        try writer.add(id: "a", title: "", text: "kabul airport flights", metadata: ["category": "news", "date": "2005-03-01"])
        try writer.add(id: "b", title: "", text: "kabul kabul market", metadata: ["category": "tech", "date": "2005-07-15"])
        try writer.add(id: "c", title: "", text: "herat flights", metadata: ["category": "tech", "date": "2006-01-02", "author": "Jane Doe"])
        try writer.add(id: "d", title: "", text: "kabul", metadata: [:])
        try writer.commit()
        writer.close()
        return Searcher(reader: try IndexReader(path: folder.path))
    }

    @Test("query syntax: value, quoted, range, open range, prefix, presence, groups, NOT and -")
    func querySyntax() throws {
        try IndexTestFolder.with { folder in
            let searcher = try Self.smallIndex(folder)
            func ids(_ query: String, _ options: SearchOptions = SearchOptions()) throws -> [String] {
                try searcher.search(query, options: options).hits.map(\.id).sorted()
            }
            #expect(try ids("kabul category:tech") == ["b"])
            #expect(try ids("kabul +category:tech") == ["b"])
            #expect(try ids("kabul -category:tech") == ["a", "d"])
            #expect(try ids("kabul NOT category:tech") == ["a", "d"])
            #expect(try ids("kabul date:2005-01..2005-06") == ["a"])
            #expect(try ids("kabul date:2005..") == ["a", "b"])
            #expect(try ids("flights date:..2005") == ["a"])
            #expect(try ids("flights author:\"Jane Doe\"") == ["c"])
            #expect(try ids("flights author:Jane*") == ["c"])
            #expect(try ids("kabul author:*") == [])
            #expect(try ids("kabul category:*") == ["a", "b"])
            #expect(try ids("kabul OR herat category:(news OR tech)") == ["a", "b", "c"])
            #expect(try ids("kabul (category:news OR date:2005-07..)") == ["a", "b"])
            #expect(try ids("category:tech") == ["b", "c"])
            #expect(try ids("category:Tech") == [], "values are case-sensitive")
            // The default operator AND does not turn a filter group into an intersection of words.
            #expect(try ids("kabul category:tech", SearchOptions(defaultOperator: .and)) == ["b"])
        }
    }

    @Test("a filter changes no score and no statistic")
    func scoresUnchanged() throws {
        try IndexTestFolder.with { folder in
            let searcher = try Self.smallIndex(folder)
            let all = try searcher.search("kabul flights")
            let filtered = try searcher.search("kabul flights category:tech")
            for hit in filtered.hits {
                #expect(all.hits.first { $0.id == hit.id }?.score == hit.score)
            }
            let explanation = try searcher.explain(filtered.hits[0], in: filtered)
            #expect(abs(Double(explanation.value) - Double(filtered.hits[0].score)) < 1e-4)
        }
    }

    @Test("misplaced filters, empty values and ranges are refused; a colon that is text stays text", arguments: [
        ("kabul (herat OR category:tech)", "the filter on 'category' is inside a group of search words", 17),
        ("category:..", "'category:..' needs a bound on at least one side", 10),
        ("date:2005..2006*", "a range filter cannot end with '*'", 6),
        ("author:\"Jane", "unclosed quote", 8),
    ])
    func refused(query: String, message: String, column: Int) throws {
        try IndexTestFolder.with { folder in
            let searcher = try Self.smallIndex(folder)
            do {
                _ = try searcher.search(query)
                Issue.record("'\(query)' was accepted")
            } catch let error as SearchError {
                guard case .syntax(let syntax) = error else { Issue.record("\(error)"); return }
                #expect(syntax.message.hasPrefix(message), "\(syntax.message)")
                #expect(syntax.column == column)
            }
        }
    }

    @Test("a filter in a group of words built in code is an invalid argument; so is an empty field")
    func refusedInCode() throws {
        try IndexTestFolder.with { folder in
            let searcher = try Self.smallIndex(folder)
            let mixed = Query.boolean([BooleanClause(.must, .term("kabul")),
                                       BooleanClause(.must, .boolean([BooleanClause(.should, .term("herat")),
                                                                      BooleanClause(.should, .filter(.equals(field: "category", value: "tech")))]))])
            #expect(throws: SearchError.self) { try searcher.search(mixed) }
            do {
                _ = try searcher.search("kabul", options: SearchOptions(filter: .equals(field: "", value: "x")))
                Issue.record("an empty field was accepted")
            } catch let error as SearchError {
                guard case .invalidArgument(let argument) = error else { Issue.record("\(error)"); return }
                #expect(argument.name == "filter field")
            }
            var deep = MetadataFilter.equals(field: "a", value: "b")
            for _ in 0..<500 { deep = .not(deep) }
            #expect(throws: SearchError.self) { try searcher.search("kabul", options: SearchOptions(filter: deep)) }
        }
    }

    @Test("colons that are text, not filters: times, URLs, 'Re:'")
    func colonsAsText() throws {
        let parser = QueryParser()
        #expect(try parser.parse("10:30") == .term("10:30"))
        #expect(try parser.parse("http://example.com") == .term("http://example.com"))
        #expect(try parser.parse("Re: kabul") == .boolean([BooleanClause(.should, .term("Re:")), BooleanClause(.should, .term("kabul"))]))
        #expect(try parser.parse("category:tech") == .filter(.equals(field: "category", value: "tech")))
        #expect(try parser.parse("price:-5..5") == .filter(.range(field: "price", from: "-5", through: "5")))
        #expect(try parser.parse("url:\"http://x.org/a b\"") == .filter(.equals(field: "url", value: "http://x.org/a b")))
    }

    @Test("a filter naming a field no document has is noted; options' and query's filters combine with AND")
    func notesAndCombination() throws {
        try IndexTestFolder.with { folder in
            let searcher = try Self.smallIndex(folder)
            let results = try searcher.search("kabul categroy:tech")
            #expect(results.hits.isEmpty)
            #expect(results.notes.contains { $0.kind == .unknownMetadataField && $0.message.contains("'categroy'") })
            let both = try searcher.search("kabul OR flights category:tech",
                                           options: SearchOptions(filter: .range(field: "date", from: "2006", through: nil)))
            #expect(both.hits.map(\.id) == ["c"])
        }
    }
}
