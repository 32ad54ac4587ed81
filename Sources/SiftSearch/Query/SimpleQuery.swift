/// The parse of the commonest queries — ASCII words separated by spaces, each bare, required
/// (`+word`) or a prefix (`word*`) — read straight from the bytes, skipping the query
/// language's parser (which works on `Character`s and costs more than ranking a small index).
///
/// Anything else (operators, phrases, fields, boosts, escapes, other characters) answers nil
/// and goes through `QueryParser`; whatever this returns is exactly what the parser returns
/// for the same text (a property test checks it).
enum SimpleQuery {
    static func parse(_ text: String, defaultOperator: DefaultOperator) -> Query? {
        var text = text
        return text.withUTF8 { bytes in parse(bytes, defaultOperator: defaultOperator) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, defaultOperator: DefaultOperator) -> Query? {
        var items: [(occur: Occur?, query: Query)] = []
        var index = 0
        let count = bytes.count
        while true {
            while index < count && bytes[index] == 0x20 { index += 1 }
            guard index < count else { break }
            var occur: Occur? = nil
            if bytes[index] == UInt8(ascii: "+") {
                occur = .must
                index += 1
            }
            let start = index
            while index < count && isWordByte(bytes[index]) { index += 1 }
            let end = index
            guard end > start else { return nil }
            var isPrefix = false
            if index < count && bytes[index] == UInt8(ascii: "*") {
                isPrefix = true
                index += 1
            }
            // A word must end at a space or the end; anything else is for the parser.
            guard index == count || bytes[index] == 0x20 else { return nil }
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            // Upper-case operator words are syntax.
            if !isPrefix && occur == nil && (word == "AND" || word == "OR" || word == "NOT") { return nil }
            items.append((occur, isPrefix ? .prefix(word, field: .text) : .term(word, field: .text)))
        }
        guard !items.isEmpty else { return nil }
        if items.count == 1, items[0].occur == nil { return items[0].query }
        let fallback: Occur = defaultOperator == .and ? .must : .should
        return .boolean(items.map { BooleanClause($0.occur ?? fallback, $0.query) })
    }

    @inline(__always)
    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
