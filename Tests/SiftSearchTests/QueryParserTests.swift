import Testing
@testable import SiftSearch
import SiftTestSupport
@_spi(SiftInternal) @testable import SiftIndex

/// The query language, construct by construct: what `QueryParser.parse` makes of a string,
/// and where it says a string is wrong (message and 1-based column, counted in characters).
@Suite struct QueryParserTests {
    // Shorthands for the expected trees.
    static func term(_ text: String, _ field: IndexField = .text, boost: Double = 1) -> Query {
        .term(text, field: field, boost: boost)
    }
    static func should(_ query: Query) -> BooleanClause { BooleanClause(.should, query) }
    static func must(_ query: Query) -> BooleanClause { BooleanClause(.must, query) }
    static func mustNot(_ query: Query) -> BooleanClause { BooleanClause(.mustNot, query) }
    static func any(_ words: String...) -> Query { .boolean(words.map { should(term($0)) }) }

    /// One parse and the tree it must give.
    struct ParseCase: Sendable, CustomTestStringConvertible {
        var input: String
        var expected: Query
        var testDescription: String { "«\(input)»" }
        init(_ input: String, _ expected: Query) {
            self.input = input
            self.expected = expected
        }
    }

    static let orCases: [ParseCase] = [
        // Bare words: OR (should) by default; a single word is just the term.
        ParseCase("kabul", term("kabul")),
        ParseCase("kabul taliban", any("kabul", "taliban")),
        ParseCase("  kabul \t taliban  ", any("kabul", "taliban")),
        ParseCase("a b c", any("a", "b", "c")),
        // Required and excluded clauses.
        ParseCase("+req -excl", .boolean([must(term("req")), mustNot(term("excl"))])),
        ParseCase("+req", .boolean([must(term("req"))])),
        ParseCase("-excl", .boolean([mustNot(term("excl"))])),
        ParseCase("+a b -c", .boolean([must(term("a")), should(term("b")), mustNot(term("c"))])),
        ParseCase("+\"a b\" -tajik*", .boolean([must(.phrase("a b")), mustNot(.prefix("tajik"))])),
        // Operators.
        ParseCase("a AND b", .boolean([must(term("a")), must(term("b"))])),
        ParseCase("a AND b AND c", .boolean([must(term("a")), must(term("b")), must(term("c"))])),
        ParseCase("a OR b", any("a", "b")),
        ParseCase("a OR b OR c", any("a", "b", "c")),
        ParseCase("NOT a", .boolean([mustNot(term("a"))])),
        ParseCase("a AND NOT b", .boolean([must(term("a")), mustNot(term("b"))])),
        ParseCase("NOT a AND b", .boolean([mustNot(term("a")), must(term("b"))])),
        ParseCase("a AND -b", .boolean([must(term("a")), mustNot(term("b"))])),
        ParseCase("a AND +b", .boolean([must(term("a")), must(term("b"))])),
        ParseCase("NOT\"a b\"", .boolean([mustNot(.phrase("a b"))])),
        // Precedence: NOT > AND > OR > juxtaposition.
        ParseCase("a b AND c", .boolean([should(term("a")), should(.boolean([must(term("b")), must(term("c"))]))])),
        ParseCase("a OR b c", .boolean([should(any("a", "b")), should(term("c"))])),
        ParseCase("a AND b OR c", .boolean([should(.boolean([must(term("a")), must(term("b"))])), should(term("c"))])),
        ParseCase("a OR b AND c", .boolean([should(term("a")), should(.boolean([must(term("b")), must(term("c"))]))])),
        ParseCase("a OR NOT b", .boolean([should(term("a")), mustNot(term("b"))])),
        // Parentheses.
        ParseCase("(taliban OR ghani) AND NOT biden",
                  .boolean([must(any("taliban", "ghani")), mustNot(term("biden"))])),
        ParseCase("(a b)", any("a", "b")),
        ParseCase("((a))", term("a")),
        ParseCase("a (b c)", .boolean([should(term("a")), should(any("b", "c"))])),
        ParseCase("(a OR b) AND (c OR d)", .boolean([must(any("a", "b")), must(any("c", "d"))])),
        ParseCase("a AND (b OR c)", .boolean([must(term("a")), must(any("b", "c"))])),
        ParseCase("+(a b) -(c d)", .boolean([must(any("a", "b")), mustNot(any("c", "d"))])),
        // Operators are upper case and stand alone; anything else is a word.
        ParseCase("a and b", any("a", "and", "b")),
        ParseCase("a or not b", any("a", "or", "not", "b")),
        ParseCase("ANDROID ORBIT NOTE", any("ANDROID", "ORBIT", "NOTE")),
        ParseCase("And Or Not", any("And", "Or", "Not")),
        // Phrases, with slop.
        ParseCase("\"fled the country\"", .phrase("fled the country")),
        ParseCase("\"a b\"~3", .phrase("a b", slop: 3)),
        ParseCase("\"a b\"~0", .phrase("a b")),
        ParseCase("kabul \"fled the country\"", .boolean([should(term("kabul")), should(.phrase("fled the country"))])),
        ParseCase("\"\"", .phrase("")),
        // Prefixes.
        ParseCase("tajik*", .prefix("tajik")),
        ParseCase("tajik* kabul", .boolean([should(.prefix("tajik")), should(term("kabul"))])),
        ParseCase("(tajik*)", .prefix("tajik")),
        ParseCase("ta*ik", term("ta*ik")),
        // Fields.
        ParseCase("title:kabul", term("kabul", .title)),
        ParseCase("text:kabul", term("kabul")),
        ParseCase("title:\"presidential palace\"", .phrase("presidential palace", field: .title)),
        ParseCase("title:\"a b\"~2", .phrase("a b", field: .title, slop: 2)),
        ParseCase("title:(a b)", .boolean([should(term("a", .title)), should(term("b", .title))])),
        ParseCase("title:(a AND NOT b)", .boolean([must(term("a", .title)), mustNot(term("b", .title))])),
        ParseCase("title:tajik*", .prefix("tajik", field: .title)),
        ParseCase("+title:kabul -title:biden", .boolean([must(term("kabul", .title)), mustNot(term("biden", .title))])),
        // A colon that does not follow a field name is text: times, URLs, "Re:".
        ParseCase("10:30", term("10:30")),
        ParseCase("http://example.org", term("http://example.org")),
        ParseCase("Re: kabul", any("Re:", "kabul")),
        ParseCase("foo\\:bar", term("foo:bar")),
        // Boosts.
        ParseCase("term^2", term("term", boost: 2)),
        ParseCase("term^1.5 other", .boolean([should(term("term", boost: 1.5)), should(term("other"))])),
        ParseCase("\"a phrase\"^0.5", .phrase("a phrase", boost: 0.5)),
        ParseCase("\"a b\"~2^4", .phrase("a b", slop: 2, boost: 4)),
        ParseCase("tajik*^2", .prefix("tajik", boost: 2)),
        ParseCase("title:kabul^2", term("kabul", .title, boost: 2)),
        ParseCase("+a^2 -b", .boolean([must(term("a", boost: 2)), mustNot(term("b"))])),
        ParseCase("(a b)^3", .boolean([should(term("a")), should(term("b"))], boost: 3)),
        ParseCase("(a^2 b)^3", .boolean([should(term("a", boost: 2)), should(term("b"))], boost: 3)),
        ParseCase("((a b)^2)^3", .boolean([should(term("a")), should(term("b"))], boost: 6)),
        ParseCase("(a)^3", term("a", boost: 3)),
        // Backslash escapes: the next character is literal.
        ParseCase("\\\"a", term("\"a")),
        ParseCase("a\\*", term("a*")),
        ParseCase("\\(a\\)", term("(a)")),
        ParseCase("\"say \\\"hi\\\"\"", .phrase("say \"hi\"")),
        ParseCase("a\\ b", term("a b")),
        ParseCase("\\+a \\-b", any("+a", "-b")),
        ParseCase("a \\AND b", any("a", "AND", "b")),
        ParseCase("title\\:kabul", term("title:kabul")),
        ParseCase("a\\^2", term("a^2")),
        ParseCase("a\\~2", term("a~2")),
        // Punctuation inside a word is the word's (the analyzer splits it later).
        ParseCase("e-mail a+b", any("e-mail", "a+b")),
    ]

    @Test("parses every construct (default operator OR)", arguments: orCases)
    func parsesWithOr(_ testCase: ParseCase) throws {
        #expect(try QueryParser().parse(testCase.input) == testCase.expected)
    }

    static let andCases: [ParseCase] = [
        ParseCase("kabul", term("kabul")),
        ParseCase("kabul taliban", .boolean([must(term("kabul")), must(term("taliban"))])),
        ParseCase("+a -b c", .boolean([must(term("a")), mustNot(term("b")), must(term("c"))])),
        ParseCase("a OR b c", .boolean([must(any("a", "b")), must(term("c"))])),
        ParseCase("a b AND c", .boolean([must(term("a")), must(.boolean([must(term("b")), must(term("c"))]))])),
        ParseCase("title:(a b)", .boolean([must(term("a", .title)), must(term("b", .title))])),
        ParseCase("\"a b\" c*", .boolean([must(.phrase("a b")), must(.prefix("c"))])),
        // An explicit OR stays an OR.
        ParseCase("a OR b", any("a", "b")),
    ]

    @Test("--mode all: every bare word is required", arguments: andCases)
    func parsesWithAnd(_ testCase: ParseCase) throws {
        #expect(try QueryParser(defaultOperator: .and).parse(testCase.input) == testCase.expected)
    }

    /// One bad query, the message and the column the parser must report.
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var input: String
        var message: String
        var column: Int
        var testDescription: String { "«\(input)»" }
        init(_ input: String, _ message: String, _ column: Int) {
            self.input = input
            self.message = message
            self.column = column
        }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase("\"unclosed quote", "unclosed quote", 1),
        ErrorCase("kabul \"fled the", "unclosed quote", 7),
        ErrorCase("(a b", "unclosed parenthesis", 1),
        ErrorCase("x (a b", "unclosed parenthesis", 3),
        ErrorCase("(a (b)", "unclosed parenthesis", 1),
        ErrorCase("a)", "unexpected ')'", 2),
        ErrorCase(")", "unexpected ')'", 1),
        ErrorCase("(a) b)", "unexpected ')'", 6),
        ErrorCase("()", "empty parentheses", 1),
        ErrorCase("AND a", "AND needs a clause before it", 1),
        ErrorCase("OR a", "OR needs a clause before it", 1),
        ErrorCase("(AND a)", "AND needs a clause before it", 2),
        ErrorCase("a AND", "AND needs a clause after it", 3),
        ErrorCase("a OR", "OR needs a clause after it", 3),
        ErrorCase("a AND OR b", "AND needs a clause after it", 3),
        ErrorCase("a OR OR b", "OR needs a clause after it", 3),
        ErrorCase("(a AND) b", "AND needs a clause after it", 4),
        ErrorCase("NOT", "NOT needs a clause after it", 1),
        ErrorCase("a NOT", "NOT needs a clause after it", 3),
        ErrorCase("NOT AND a", "NOT needs a clause after it", 1),
        ErrorCase("+", "'+' needs a clause right after it", 1),
        ErrorCase("a -", "'-' needs a clause right after it", 3),
        ErrorCase("- a", "'-' needs a clause right after it", 1),
        ErrorCase("a^", "'^' needs a positive number", 2),
        ErrorCase("a^-1", "'^' needs a positive number", 2),
        ErrorCase("a^0", "'^' needs a positive number", 2),
        ErrorCase("a^x", "'^' needs a positive number", 2),
        ErrorCase("\"a b\"^", "'^' needs a positive number", 6),
        ErrorCase("\"a b\"~x", "'~' needs a whole number of moves", 6),
        ErrorCase("\"a b\"~", "'~' needs a whole number of moves", 6),
        ErrorCase("\"a b\"~-1", "'~' needs a whole number of moves", 6),
        ErrorCase("\"a b\"~1.5", "'~' needs a whole number of moves", 6),
        ErrorCase("a~2", "'~' (fuzzy matching) is only supported after a phrase", 2),
        ErrorCase("kabul~", "'~' (fuzzy matching) is only supported after a phrase", 6),
        ErrorCase("*", "a prefix needs at least one character before '*'", 1),
        ErrorCase("a *", "a prefix needs at least one character before '*'", 3),
        // Misreadings that used to pass silently.
        ErrorCase("arsenal +-chelsea", "'+-': give one '+' or '-' per clause", 9),
        ErrorCase("-+a", "'-+': give one '+' or '-' per clause", 1),
        ErrorCase("--a", "'--': give one '+' or '-' per clause", 1),
        ErrorCase("title:", "'title:' needs a clause right after it", 1),
        ErrorCase("title: kabul", "'title:' needs a clause right after it", 1),
        ErrorCase("(title:)", "'title:' needs a clause right after it", 2),
        // Any other name before ':' is a metadata filter; its value must be one.
        ErrorCase("category:..", "'category:..' needs a bound on at least one side", 10),
        ErrorCase("a date:2005..2006*", "a range filter cannot end with '*' (write \\* for a star)", 8),
        ErrorCase("a Author:\"x y", "unclosed quote", 10),
        ErrorCase("\"tajik* president\"", "'*' inside a phrase: prefixes work outside phrases only (\\* is a literal star)", 7),
        ErrorCase("**", "a prefix needs a letter or digit before '*'", 1),
        ErrorCase("-*", "a prefix needs at least one character before '*'", 2),
        ErrorCase("+.*", "a prefix needs a letter or digit before '*'", 2),
        // Errors that blamed the wrong thing.
        ErrorCase("\"a b\"~4000000000", "'~' allows at most 1000000 moves, not 4000000000", 6),
        ErrorCase("\"a b\"^2~3", "'~' goes before '^': write \"…\"~N^B", 8),
        ErrorCase("a^2^3", "unexpected '^' after the boost '^2'", 4),
        ErrorCase("a^2x", "unexpected 'x' after the boost '^2'", 4),
        // Columns count characters, not bytes or scalars.
        ErrorCase("日本 \"x", "unclosed quote", 4),
        ErrorCase("café (x", "unclosed parenthesis", 6),
        ErrorCase("👍🏽 \"x", "unclosed quote", 3),
    ]

    @Test("syntax errors name the problem and its column", arguments: errorCases)
    func reportsErrors(_ testCase: ErrorCase) {
        #expect(throws: QuerySyntaxError(message: testCase.message, column: testCase.column)) {
            try QueryParser().parse(testCase.input)
        }
        // The same in --mode all: the default operator does not change what is valid.
        #expect(throws: QuerySyntaxError(message: testCase.message, column: testCase.column)) {
            try QueryParser(defaultOperator: .and).parse(testCase.input)
        }
    }

    @Test("an error reads 'message at column N', and the searcher reports it as a syntax error")
    func errorDescription() throws {
        #expect(QuerySyntaxError(message: "unclosed quote", column: 1).description == "unclosed quote at column 1")
        do {
            _ = try QueryParser().parse("kabul \"fled the")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.description == "unclosed quote at column 7")
        }
        try IndexTestFolder.with { folder throws in
            try IndexTestKit.write([IndexTestDocument(id: "a", text: "kabul")], at: folder.path)
            let searcher = Searcher(reader: try IndexReader(path: folder.path))
            #expect(throws: SearchError.syntax(QuerySyntaxError(message: "unclosed quote", column: 1))) {
                try searcher.search("\"unclosed quote")
            }
            // Plain syntax reads the same text as words: no error.
            let plain = try searcher.search("\"kabul (", options: SearchOptions(syntax: .plain))
            #expect(plain.hits.map(\.id) == ["a"])
        }
    }

    @Test("parsePlain: every whitespace-separated word is a bare term, punctuation included")
    func plain() {
        let parser = QueryParser()
        #expect(parser.parsePlain("-dash (x") == Self.any("-dash", "(x"))
        #expect(parser.parsePlain("kabul") == Self.term("kabul"))
        #expect(parser.parsePlain("a \"b OR c) NOT") == Self.any("a", "\"b", "OR", "c)", "NOT"))
        #expect(parser.parsePlain("what is tajik* ?") == Self.any("what", "is", "tajik*", "?"))
        #expect(parser.parsePlain("title:kabul a^2") == Self.any("title:kabul", "a^2"))
        #expect(QueryParser(defaultOperator: .and).parsePlain("-dash (x")
                == .boolean([Self.must(Self.term("-dash")), Self.must(Self.term("(x"))]))
    }

    @Test("random strings of syntax characters parse or fail with a column inside the text")
    func randomStrings() {
        var random = TestRandom(seed: 0x51F7_0001)
        let pieces = ["a", "b", "kabul", " ", " ", "  ", "\"", "(", ")", "+", "-", "*", "^", "^2", "~", "~1",
                      "AND", "OR", "NOT", " AND ", " OR ", " NOT ", "title:", "foo:", "\\", "é", "日"]
        for _ in 0..<3000 {
            let text = (0..<random.int(in: 0...8)).map { _ in pieces[random.below(pieces.count)] }.joined()
            do {
                _ = try QueryParser().parse(text)
            } catch {
                #expect(error.column >= 1 && error.column <= text.count + 1, "«\(text)»: \(error)")
                #expect(!error.message.isEmpty)
            }
        }
    }
}
