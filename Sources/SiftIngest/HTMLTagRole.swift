/// What an HTML tag does to the text around it once the tags are gone.
///
/// Browsers lay out block elements on lines of their own and run inline elements into the
/// surrounding words; the extracted text keeps that shape, so paragraph and line units of an
/// HTML file follow its paragraphs, and `intern<b>ation</b>al` stays one word.
enum HTMLTagRole: Equatable {
    /// Starts and ends a paragraph (a blank line in the text): `p`, `div`, `h1`…`h6`, `table`…
    case paragraphBreak
    /// Starts and ends a line: `li`, `tr`, `dt`, `dd`, `option`…
    case lineBreak
    /// `br`: one line break each time, so two in a row make a blank line.
    case forcedBreak
    /// Joins the words around it: `b`, `i`, `em`, `a`, `span`…
    case inline
    /// Anything else (`td`, `img`, `input`, unknown tags): a space, so words never merge.
    case wordBreak

    /// The role of a tag from its lowercased name.
    static func role(ofTag name: String) -> HTMLTagRole {
        roles[name] ?? .wordBreak
    }

    private static let roles: [String: HTMLTagRole] = {
        var table: [String: HTMLTagRole] = [:]
        let paragraphs = [
            "address", "article", "aside", "blockquote", "body", "caption", "center", "details",
            "dialog", "dir", "div", "dl", "fieldset", "figcaption", "figure", "footer", "form",
            "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "legend",
            "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "title", "ul",
        ]
        let lines = ["dd", "dt", "li", "optgroup", "option", "tbody", "tfoot", "thead", "tr"]
        let inlines = [
            "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font",
            "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub",
            "sup", "time", "tt", "u", "var", "wbr",
        ]
        for name in paragraphs { table[name] = .paragraphBreak }
        for name in lines { table[name] = .lineBreak }
        for name in inlines { table[name] = .inline }
        table["br"] = .forcedBreak
        return table
    }()
}
