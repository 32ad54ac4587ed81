@_spi(SiftInternal) import SiftIndex
/// A query that cannot be parsed: what is wrong and where (1-based column, in characters).
public struct QuerySyntaxError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. "unclosed quote".
    public var message: String
    /// The 1-based column (in characters) where the problem starts.
    public var column: Int

    public var description: String { "\(message) at column \(column)" }
}

/// Parses the query language.
///
/// ```
/// kabul taliban                  words, combined with the default operator (OR: ranked)
/// +required -excluded            required / excluded clauses
/// a AND b, a OR b, NOT a, ( )    operators (upper case); precedence NOT > AND > OR > juxtaposition
/// "exact phrase"  "a phrase"~3   phrases, with slop
/// tajik*                         prefix
/// title:kabul  title:"a b"       field-scoped (fields: text, title)
/// term^2  "a phrase"^0.5         boosts
/// category:tech  author:"J Doe"  metadata filters (any other name before ':')
/// date:2005-01..2005-06          range filters (`from..`, `..to` open); `tag:sw*` prefix
/// category:(tech OR science)     a group of values for one field
/// ```
/// Filters restrict which documents are found and do not change scores; they stand at the top
/// level or in groups of filters only (see `MetadataFilter`).
/// A backslash makes the next character literal (`\"`, `\(`, `\*`).
///
/// Parsing recurses once per level of nesting — a group `( )`, a `NOT`, a field prefix
/// `title:` — and every level past `maxDepth` is an error, so no query can exhaust the stack,
/// here or in anything that walks the parsed tree later.
public struct QueryParser: Sendable {
    /// How bare words combine.
    public var defaultOperator: DefaultOperator
    /// The deepest nesting accepted (groups, `NOT`s and field prefixes inside one another).
    public var maxDepth: Int

    public init(defaultOperator: DefaultOperator = .or, maxDepth: Int = QueryLimits.defaultMaxDepth) {
        self.defaultOperator = defaultOperator
        self.maxDepth = maxDepth
    }

    /// Every word a bare term, no operators: for natural-language queries (test collections),
    /// where `-dash` or an unmatched `(` is text, not syntax.
    public func parsePlain(_ text: String) -> Query {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map { Query.term(String($0)) }
        if words.count == 1 { return words[0] }
        return .boolean(words.map { BooleanClause(defaultOperator == .and ? .must : .should, $0) })
    }

    /// Parses `text` made only of filters (`category:tech date:2005..`, combined with the
    /// default operator, `AND`, `OR`, `NOT`, `-` and groups) into one filter: for a filter box
    /// or option kept apart from the query.
    /// - Throws: `QuerySyntaxError` for text that does not parse, or that holds search words.
    public func parseFilter(_ text: String) throws(QuerySyntaxError) -> MetadataFilter {
        let query = try parse(text)
        let separated: (scoring: Query?, filter: MetadataFilter?)
        do {
            separated = try query.separatingFilters()
        } catch {
            throw QuerySyntaxError(message: error.description, column: 1)
        }
        guard separated.scoring == nil, let filter = separated.filter else {
            throw QuerySyntaxError(message: "only filters (name:value) here, not search words", column: 1)
        }
        return filter
    }

    /// Parses `text` into a query.
    public func parse(_ text: String) throws(QuerySyntaxError) -> Query {
        var state = State(characters: Array(text), defaultOperator: defaultOperator, maxDepth: maxDepth)
        let query = try state.parseSequence(field: .text, closing: nil)
        state.skipSpaces()
        if state.index < state.characters.count {
            throw QuerySyntaxError(message: "unexpected '\(state.characters[state.index])'", column: state.index + 1)
        }
        return query
    }

    private struct State {
        let characters: [Character]
        let defaultOperator: DefaultOperator
        let maxDepth: Int
        var index = 0
        /// Groups, NOTs and field prefixes open around the cursor.
        var depth = 0
        /// Inside `name:( … )`: bare values are filter values of this metadata field.
        var filterField: String?

        init(characters: [Character], defaultOperator: DefaultOperator, maxDepth: Int) {
            self.characters = characters
            self.defaultOperator = defaultOperator
            self.maxDepth = maxDepth
        }

        /// Enters one more level of nesting (the construct starts at `column`); past
        /// `maxDepth` the query is refused before the recursion can go any deeper.
        mutating func enter(column: Int) throws(QuerySyntaxError) {
            depth += 1
            if depth > maxDepth {
                throw QuerySyntaxError(message: "query nesting deeper than \(maxDepth)", column: column)
            }
        }

        /// A clause and the modifier in front of it (+, -, NOT), if any.
        typealias Item = (occur: Occur?, query: Query)

        mutating func skipSpaces() {
            while index < characters.count && characters[index].isWhitespace { index += 1 }
        }

        /// The upper-case operator word at the cursor (AND, OR, NOT), if it stands alone.
        func operatorWord() -> String? {
            // Upper-case A, O or N first: most words are not operators, and comparing
            // characters in place makes no string.
            guard index < characters.count, characters[index] == "A" || characters[index] == "O" || characters[index] == "N" else { return nil }
            for word in ["AND", "OR", "NOT"] {
                let end = index + word.count
                guard end <= characters.count, characters[index..<end].elementsEqual(word) else { continue }
                if end == characters.count || characters[end].isWhitespace || characters[end] == "(" || characters[end] == ")"
                    || (word == "NOT" && (characters[end] == "\"" || characters[end] == "+" || characters[end] == "-"))
                {
                    return word
                }
            }
            return nil
        }

        /// Juxtaposed items up to `closing` (a parenthesis) or the end; each takes its own
        /// modifier or the default operator.
        mutating func parseSequence(field: IndexField, closing: Int?) throws(QuerySyntaxError) -> Query {
            var items: [Item] = []
            while true {
                skipSpaces()
                if index >= characters.count {
                    if let closing { throw QuerySyntaxError(message: "unclosed parenthesis", column: closing + 1) }
                    break
                }
                if characters[index] == ")" {
                    if closing == nil { throw QuerySyntaxError(message: "unexpected ')'", column: index + 1) }
                    break
                }
                if let word = operatorWord(), word != "NOT" {
                    throw QuerySyntaxError(message: "\(word) needs a clause before it", column: index + 1)
                }
                items.append(try parseOr(field: field))
            }
            if items.isEmpty, let closing {
                throw QuerySyntaxError(message: "empty parentheses", column: closing + 1)
            }
            let fallback: Occur = defaultOperator == .and ? .must : .should
            if items.count == 1, items[0].occur == nil || items[0].occur == .should { return items[0].query }
            // Filters side by side all apply, whatever the default operator — except the values
            // of one field's group, `category:(tech sport)`, which combine as words do.
            if let filters = Self.filters(items) {
                let combine: Occur = filterField != nil ? fallback : .must
                return .filter(MetadataFilter.combining(filters.map { ($0.occur ?? combine, $0.filter) }))
            }
            return .boolean(items.map { BooleanClause($0.occur ?? fallback, $0.query) })
        }

        /// The items' filters when every item is one.
        static func filters(_ items: [Item]) -> [(occur: Occur?, filter: MetadataFilter)]? {
            var filters: [(occur: Occur?, filter: MetadataFilter)] = []
            for item in items {
                guard case .filter(let filter) = item.query else { return nil }
                filters.append((item.occur, filter))
            }
            return filters
        }


        mutating func parseOr(field: IndexField) throws(QuerySyntaxError) -> Item {
            var items = [try parseAnd(field: field)]
            while true {
                let save = index
                skipSpaces()
                guard operatorWord() == "OR" else { index = save; break }
                let column = index + 1
                index += 2
                skipSpaces()
                guard index < characters.count, characters[index] != ")", operatorWord() != "AND", operatorWord() != "OR" else {
                    throw QuerySyntaxError(message: "OR needs a clause after it", column: column)
                }
                items.append(try parseAnd(field: field))
            }
            if items.count == 1 { return items[0] }
            if let filters = Self.filters(items) {
                return (nil, .filter(.any(filters.map { $0.occur == .mustNot ? .not($0.filter) : $0.filter })))
            }
            return (nil, .boolean(items.map { BooleanClause($0.occur ?? .should, $0.query) }))
        }

        mutating func parseAnd(field: IndexField) throws(QuerySyntaxError) -> Item {
            var items = [try parseUnary(field: field)]
            while true {
                let save = index
                skipSpaces()
                guard operatorWord() == "AND" else { index = save; break }
                let column = index + 1
                index += 3
                skipSpaces()
                guard index < characters.count, characters[index] != ")", operatorWord() != "AND", operatorWord() != "OR" else {
                    throw QuerySyntaxError(message: "AND needs a clause after it", column: column)
                }
                items.append(try parseUnary(field: field))
            }
            if items.count == 1 { return items[0] }
            if let filters = Self.filters(items) {
                return (nil, .filter(MetadataFilter.combining(filters.map { ($0.occur == .mustNot ? .mustNot : .must, $0.filter) })))
            }
            return (nil, .boolean(items.map { BooleanClause($0.occur == .mustNot ? .mustNot : .must, $0.query) }))
        }

        mutating func parseUnary(field: IndexField) throws(QuerySyntaxError) -> Item {
            skipSpaces()
            guard index < characters.count else {
                throw QuerySyntaxError(message: "missing clause", column: index + 1)
            }
            if operatorWord() == "NOT" {
                let column = index + 1
                index += 3
                skipSpaces()
                guard index < characters.count, characters[index] != ")", operatorWord() == nil || operatorWord() == "NOT" else {
                    throw QuerySyntaxError(message: "NOT needs a clause after it", column: column)
                }
                try enter(column: column)
                let inner = try parseUnary(field: field)
                depth -= 1
                return (.mustNot, inner.query)
            }
            let character = characters[index]
            if character == "+" || character == "-" {
                let column = index + 1
                index += 1
                guard index < characters.count, !characters[index].isWhitespace, characters[index] != ")" else {
                    throw QuerySyntaxError(message: "'\(character)' needs a clause right after it", column: column)
                }
                // `+-a` would otherwise read as `+` of the word `-a`, i.e. `+a`: say so instead.
                if characters[index] == "+" || characters[index] == "-" {
                    throw QuerySyntaxError(message: "'\(character)\(characters[index])': give one '+' or '-' per clause", column: column)
                }
                return (character == "+" ? .must : .mustNot, try parsePrimary(field: field))
            }
            return (nil, try parsePrimary(field: field))
        }

        mutating func parsePrimary(field: IndexField) throws(QuerySyntaxError) -> Query {
            let character = characters[index]
            var query: Query
            if let filterField, character != "(" {
                query = try parseFilterValue(field: filterField)
            } else if character == "(" {
                let open = index
                try enter(column: open + 1)
                index += 1
                query = try parseSequence(field: field, closing: open)
                index += 1  // the ')'
                depth -= 1
            } else if character == "\"" {
                query = try parsePhrase(field: field)
            } else if character == ")" {
                throw QuerySyntaxError(message: "unexpected ')'", column: index + 1)
            } else {
                let start = index
                var word = ""
                var isPrefix = false
                while index < characters.count {
                    let next = characters[index]
                    if next.isWhitespace || next == "(" || next == ")" || next == "\"" || next == "^" { break }
                    if next == "\\" && index + 1 < characters.count {
                        word.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    if next == "~" {
                        throw QuerySyntaxError(message: "'~' (fuzzy matching) is only supported after a phrase", column: index + 1)
                    }
                    if next == ":", let scoped = try fieldPrefix(word, start: start) {
                        try enter(column: start + 1)
                        index += 1
                        let scopedQuery: Query
                        switch scoped {
                        case .field(let field):
                            scopedQuery = try parsePrimary(field: field)
                        case .metadata(let name):
                            filterField = name
                            defer { filterField = nil }
                            scopedQuery = try parsePrimary(field: field)
                        }
                        depth -= 1
                        return try applyBoost(to: scopedQuery)
                    }
                    if next == "*" && (index + 1 == characters.count || characters[index + 1].isWhitespace
                        || characters[index + 1] == ")" || characters[index + 1] == "^")
                    {
                        isPrefix = true
                        index += 1
                        break
                    }
                    word.append(next)
                    index += 1
                }
                if word.isEmpty {
                    throw QuerySyntaxError(message: isPrefix ? "a prefix needs at least one character before '*'" : "missing clause", column: start + 1)
                }
                // `**` or `-*` would expand to nothing the index holds; say why instead.
                if isPrefix && !word.contains(where: { $0.isLetter || $0.isNumber }) {
                    throw QuerySyntaxError(message: "a prefix needs a letter or digit before '*'", column: start + 1)
                }
                query = isPrefix ? .prefix(word, field: field) : .term(word, field: field)
            }
            return try applyBoost(to: query)
        }

        mutating func parsePhrase(field: IndexField) throws(QuerySyntaxError) -> Query {
            let open = index
            index += 1
            var text = ""
            while true {
                guard index < characters.count else {
                    throw QuerySyntaxError(message: "unclosed quote", column: open + 1)
                }
                let next = characters[index]
                if next == "\\" && index + 1 < characters.count {
                    text.append(characters[index + 1])
                    index += 2
                    continue
                }
                if next == "*" {
                    throw QuerySyntaxError(message: "'*' inside a phrase: prefixes work outside phrases only (\\* is a literal star)", column: index + 1)
                }
                index += 1
                if next == "\"" { break }
                text.append(next)
            }
            var slop = 0
            if index < characters.count && characters[index] == "~" {
                let column = index + 1
                index += 1
                let digits = readNumber()
                guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else {
                    throw QuerySyntaxError(message: "'~' needs a whole number of moves", column: column)
                }
                guard let value = Int(digits), value <= QueryLimits.maxSlop else {
                    throw QuerySyntaxError(message: "'~' allows at most \(QueryLimits.maxSlop) moves, not \(digits)", column: column)
                }
                slop = value
            }
            return .phrase(text, field: field, slop: slop)
        }

        mutating func applyBoost(to query: Query) throws(QuerySyntaxError) -> Query {
            guard index < characters.count, characters[index] == "^" else { return query }
            let column = index + 1
            index += 1
            let digits = readNumber()
            guard let value = Double(digits), value.isFinite, value > 0 else {
                throw QuerySyntaxError(message: "'^' needs a positive number", column: column)
            }
            // The number must end the clause: `a^1e5` is not a boost of 1 followed by `e5`.
            if index < characters.count, !characters[index].isWhitespace, characters[index] != ")" {
                if characters[index] == "~" {
                    throw QuerySyntaxError(message: "'~' goes before '^': write \"…\"~N^B", column: index + 1)
                }
                throw QuerySyntaxError(message: "unexpected '\(characters[index])' after the boost '^\(digits)'", column: index + 1)
            }
            return query.boosted(by: value)
        }

        /// What a word followed by ':' names.
        enum FieldPrefix {
            /// A searched field: the clause after it is searched there.
            case field(IndexField)
            /// Any other name: a metadata filter on that key.
            case metadata(String)
        }

        /// The field a word followed by ':' names, or nil when the colon is just text (`10:30`,
        /// `http://…`, `Re: …`). A known field with nothing after it is an error rather than a
        /// silent search for the word. Any other name made of ASCII letters, digits, `_`, `-`
        /// and `.` (starting with a letter), with a value right after the colon, is a metadata
        /// field: `category:tech`.
        func fieldPrefix(_ word: String, start: Int) throws(QuerySyntaxError) -> FieldPrefix? {
            let after = index + 1
            let clauseFollows = after < characters.count && !characters[after].isWhitespace && characters[after] != ")"
            if let field = IndexField(rawValue: word) {
                guard clauseFollows else {
                    throw QuerySyntaxError(message: "'\(word):' needs a clause right after it", column: start + 1)
                }
                return .field(field)
            }
            let looksLikeField = word.first.map { $0.isASCII && $0.isLetter } == true
                && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }
            guard looksLikeField, clauseFollows else { return nil }
            let next = characters[after]
            // `http://…` and `a:/b` are text; a value starts with anything a value can.
            guard next != "/" && next != ":" && next != "\\" else { return nil }
            return .metadata(word)
        }

        /// One value of metadata field `field` at the cursor: `"exact text"`, `from..to`
        /// (either side may be empty, not both), `prefix*`, `*` (has the field), or a word.
        mutating func parseFilterValue(field: String) throws(QuerySyntaxError) -> Query {
            let start = index
            if characters[index] == "\"" {
                index += 1
                var text = ""
                while true {
                    guard index < characters.count else { throw QuerySyntaxError(message: "unclosed quote", column: start + 1) }
                    let next = characters[index]
                    index += 1
                    if next == "\\" && index < characters.count {
                        text.append(characters[index])
                        index += 1
                        continue
                    }
                    if next == "\"" { break }
                    text.append(next)
                }
                return .filter(.equals(field: field, value: text))
            }
            var value = ""
            var rangeAt: String.Index?
            var isPrefix = false
            while index < characters.count {
                let next = characters[index]
                if next.isWhitespace || next == ")" { break }
                if next == "\\" && index + 1 < characters.count {
                    value.append(characters[index + 1])
                    index += 2
                    continue
                }
                if next == "." && rangeAt == nil && index + 1 < characters.count && characters[index + 1] == "." {
                    rangeAt = value.endIndex
                    value.append("..")
                    index += 2
                    continue
                }
                if next == "*" && (index + 1 == characters.count || characters[index + 1].isWhitespace || characters[index + 1] == ")") {
                    isPrefix = true
                    index += 1
                    break
                }
                value.append(next)
                index += 1
            }
            if let rangeAt {
                guard !isPrefix else {
                    throw QuerySyntaxError(message: "a range filter cannot end with '*' (write \\* for a star)", column: start + 1)
                }
                let from = String(value[..<rangeAt])
                let through = String(value[value.index(rangeAt, offsetBy: 2)...])
                guard !(from.isEmpty && through.isEmpty) else {
                    throw QuerySyntaxError(message: "'\(field):..' needs a bound on at least one side", column: start + 1)
                }
                return .filter(.range(field: field, from: from.isEmpty ? nil : from, through: through.isEmpty ? nil : through))
            }
            if isPrefix { return .filter(.prefix(field: field, prefix: value)) }
            guard !value.isEmpty else { throw QuerySyntaxError(message: "'\(field):' needs a value right after it", column: start + 1) }
            return .filter(.equals(field: field, value: value))
        }

        mutating func readNumber() -> String {
            var digits = ""
            while index < characters.count, characters[index].isASCII, characters[index].isNumber || characters[index] == "." {
                digits.append(characters[index])
                index += 1
            }
            return digits
        }
    }
}
