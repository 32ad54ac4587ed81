import Testing
@testable import SiftSearch
import SiftTestSupport

/// The parser's shortcut for plain ASCII words must give exactly what the query language's
/// parser gives, and leave everything else to it.
@Suite struct SimpleQueryTests {
    static let pieces = ["a", "kabul", "Taliban", "x9", "42", "AND", "OR", "NOT", "ORx", "ANDROID", "+", "-", "*", "tajik*",
                         "+word", "+AND", "AND*", " ", "  ", "title:", "\"", "(", ")", "^2", "~", "\\", "é", "\t", ":"]

    @Test("on random texts, a shortcut parse equals the parser's, for both default operators")
    func matchesParser() {
        var random = TestRandom(seed: 99)
        var shortcuts = 0
        for _ in 0..<20_000 {
            let text = (0..<random.int(in: 1...6)).map { _ in random.pick(Self.pieces) }.joined(separator: random.below(3) == 0 ? "" : " ")
            for defaultOperator in [DefaultOperator.or, .and] {
                guard let simple = SimpleQuery.parse(text, defaultOperator: defaultOperator) else { continue }
                shortcuts += 1
                let parsed = try? QueryParser(defaultOperator: defaultOperator).parse(text)
                #expect(parsed == simple, "'\(text)'")
            }
        }
        #expect(shortcuts > 1000)
    }

    @Test("the shortcut takes words, +words and prefixes, and leaves syntax to the parser")
    func scope() {
        #expect(SimpleQuery.parse("kabul", defaultOperator: .or) == .term("kabul"))
        #expect(SimpleQuery.parse("tajik*", defaultOperator: .or) == .prefix("tajik"))
        #expect(SimpleQuery.parse("+a +b", defaultOperator: .or) == .boolean([BooleanClause(.must, .term("a")), BooleanClause(.must, .term("b"))]))
        #expect(SimpleQuery.parse("a b", defaultOperator: .and) == .boolean([BooleanClause(.must, .term("a")), BooleanClause(.must, .term("b"))]))
        for text in ["a AND b", "NOT a", "\"a b\"", "title:a", "a^2", "-a", "café", "a\tb", "(a)", "", "  ", "+", "a*b"] {
            #expect(SimpleQuery.parse(text, defaultOperator: .or) == nil, "'\(text)'")
        }
    }
}
