import SiftAnalysis
/// A short passage of a hit's text around its best matches, for display.
///
/// ```swift
/// let snippet = try searcher.snippet(for: hit, in: results)
/// for range in snippet.highlights { print(snippet.text[range]) }   // the matched words
/// print(snippet.marked(open: "**", close: "**"))
/// ```
public struct Snippet: Sendable, Hashable, Codable {
    /// The shortest `maxLength` a snippet may be asked for: room for a word between the
    /// ellipses at both ends.
    public static let minimumLength = 20

    /// The passage on one line (white space runs collapsed), with `…` where it was cut.
    public let text: String
    /// The matched words, as ranges of `text`, in order and not overlapping.
    public var highlights: [Range<String.Index>] {
        let utf8 = text.utf8
        return utf8Highlights.map { range in
            let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            return lower..<utf8.index(lower, offsetBy: range.count)
        }
    }
    /// The same ranges as UTF-8 byte offsets within `text` (what JSON output
    /// gives).
    public let utf8Highlights: [Range<Int>]

    /// A snippet of `text` with the words at `utf8Highlights` matched: ranges within the
    /// text's UTF-8, ascending, not overlapping, on character boundaries.
    package init(text: String, utf8Highlights: [Range<Int>]) {
        self.text = text
        self.utf8Highlights = utf8Highlights
    }

    private enum CodingKeys: String, CodingKey {
        case text, utf8Highlights
    }

    /// Decodes a snippet, refusing highlights outside its text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .text)
        let ranges = try container.decode([Range<Int>].self, forKey: .utf8Highlights)
        var previousEnd = 0
        for range in ranges {
            guard range.lowerBound >= previousEnd, range.upperBound <= text.utf8.count else {
                throw DecodingError.dataCorruptedError(forKey: .utf8Highlights, in: container,
                                                       debugDescription: "highlight \(range) is outside the snippet's \(text.utf8.count) bytes or overlaps the one before")
            }
            previousEnd = range.upperBound
        }
        self.init(text: text, utf8Highlights: ranges)
    }

    /// The text with each highlight wrapped in `open` and `close` (`[`/`]`, `**`, terminal bold).
    public func marked(open: String, close: String) -> String {
        var bytes = Array(text.utf8)
        for range in utf8Highlights.reversed() {
            bytes.insert(contentsOf: close.utf8, at: range.upperBound)
            bytes.insert(contentsOf: open.utf8, at: range.lowerBound)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Chooses and cuts snippet windows.
enum SnippetBuilder {
    /// Room kept for the ellipses at both ends, `… ` and ` …` (3 + 1 bytes each).
    static let ellipsisBytes = 4
    /// Closing punctuation kept after the window's last word (`said.”`), at most.
    static let maxClosingPunctuation = 4

    /// The snippet of at most `maxLength` bytes (ellipses and punctuation included): the window
    /// holding the most matched tokens (the earliest such window on ties), widened with context
    /// and cut at word boundaries.
    static func build(text: [UInt8], tokens: [AnalyzedToken], matched: [Bool], maxLength limit: Int) -> Snippet {
        guard !text.isEmpty else { return Snippet(text: "", utf8Highlights: []) }
        // Choose the window with room for both ellipses and the closing punctuation kept after
        // it; `bounded` cuts whatever still spills (a long run of punctuation at an edge).
        let maxLength = max(limit - 2 * ellipsisBytes - maxClosingPunctuation, 1)
        let matches = tokens.indices.filter { matched[$0] }.map { tokens[$0] }
        var windowStart = 0
        var firstMatchEnd = 0
        if !matches.isEmpty {
            var best = 0
            var bestLast = 0
            var bestCount = 0
            var last = 0
            for first in matches.indices {
                if last < first { last = first }
                while last + 1 < matches.count && Int(matches[last + 1].end) - Int(matches[first].start) <= maxLength { last += 1 }
                let count = last - first + 1
                if count > bestCount {
                    bestCount = count
                    best = first
                    bestLast = last
                }
            }
            // Lead in with up to a quarter of the window of context, starting at a word — but
            // never so much that the cluster's last match no longer fits.
            let anchor = Int(matches[best].start)
            firstMatchEnd = Int(matches[bestLast].end)
            let leadIn = max(anchor - maxLength / 4, firstMatchEnd - maxLength)
            windowStart = anchor
            for token in tokens where Int(token.start) >= leadIn && Int(token.start) < anchor {
                windowStart = Int(token.start)
                break
            }
        } else if let first = tokens.first {
            windowStart = Int(first.start)
        }
        // Extend to the last token that fits (at least through the anchor match).
        var windowEnd = max(firstMatchEnd, windowStart)
        for token in tokens where Int(token.start) >= windowStart {
            if Int(token.end) - windowStart > maxLength { break }
            windowEnd = max(windowEnd, Int(token.end))
        }
        if windowEnd <= windowStart { windowEnd = min(text.count, windowStart + maxLength) }
        let moreAfter = tokens.contains { Int($0.start) >= windowEnd }
        if !moreAfter {
            // The window reaches the end: spend any room left on context before it.
            let earliest = text.count - maxLength
            if let token = tokens.first(where: { Int($0.start) >= earliest }), Int(token.start) < windowStart {
                windowStart = Int(token.start)
            }
        }
        // No word is cut off before or after: show the text's edges (leading quotes, the final
        // full stop) instead of an ellipsis.
        if let first = tokens.first, windowStart <= Int(first.start) { windowStart = 0 }
        if !moreAfter {
            windowEnd = text.count
        } else {
            // Keep closing punctuation that sticks to the last word (`said.`, `Kabul,`, `safe”`),
            // never a hyphen or anything else that would leave half a word.
            var extra = 0
            while windowEnd < text.count, extra < maxClosingPunctuation {
                let length = closingPunctuationLength(text, at: windowEnd)
                guard length > 0 else { break }
                windowEnd += length
                extra += length
            }
        }

        // Copy the window on one line: white space runs become one space, invalid bytes U+FFFD.
        var output: [UInt8] = []
        var highlights: [Range<Int>] = []
        if windowStart > 0 { output.append(contentsOf: "… ".utf8) }
        var matchIndex = matches.firstIndex { Int($0.start) >= windowStart } ?? matches.count
        var openStart: Int? = nil
        var lastWasSpace = true  // no leading white space
        text.withUnsafeBufferPointer { bytes in
            var position = windowStart
            while position < windowEnd {
                if openStart == nil, matchIndex < matches.count, Int(matches[matchIndex].start) == position {
                    openStart = output.count
                }
                let byte = bytes[position]
                var length = 1
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    if !lastWasSpace { output.append(0x20) }
                    lastWasSpace = true
                } else if let (_, scalarLength) = UTF8Decoding.decode(bytes, at: position) {
                    length = scalarLength
                    output.append(contentsOf: bytes[position..<min(position + length, bytes.count)])
                    lastWasSpace = false
                } else {
                    output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    lastWasSpace = false
                }
                position += length
                if let start = openStart, matchIndex < matches.count, position >= Int(matches[matchIndex].end) {
                    highlights.append(start..<output.count)
                    openStart = nil
                    matchIndex += 1
                }
            }
        }
        while output.last == 0x20 { output.removeLast() }
        if moreAfter { output.append(contentsOf: " …".utf8) }
        return bounded(output, highlights: highlights, limit: limit)
    }

    /// The snippet cut to `limit` bytes: at the last space that leaves room for ` …` (inside
    /// one long word, at a character boundary), highlights clipped to what is left.
    static func bounded(_ output: [UInt8], highlights: [Range<Int>], limit: Int) -> Snippet {
        guard output.count > limit else { return Snippet(text: String(decoding: output, as: UTF8.self), utf8Highlights: highlights) }
        var bytes = output
        let room = max(limit - ellipsisBytes, 0)
        var cut = room
        while cut > 0 && bytes[cut] != 0x20 { cut -= 1 }
        if cut == 0 || (cut < ellipsisBytes && bytes.starts(with: "… ".utf8)) {
            cut = room
            while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }  // not inside a character
        }
        bytes.removeSubrange(cut...)
        while bytes.last == 0x20 { bytes.removeLast() }
        let kept = bytes.count
        bytes.append(contentsOf: " …".utf8)
        let clipped = highlights.compactMap { range -> Range<Int>? in
            range.lowerBound < kept ? range.lowerBound..<min(range.upperBound, kept) : nil
        }
        return Snippet(text: String(decoding: bytes, as: UTF8.self), utf8Highlights: clipped)
    }

    /// The part of a stored text a snippet is taken from: after its first line when that line
    /// is the title (a text file's first line, a Markdown heading), which the hit shows anyway,
    /// unless nothing else is left.
    static func body(of text: [UInt8], title: String) -> ArraySlice<UInt8> {
        let wanted = trimmed(Array(title.utf8)[...])
        guard !wanted.isEmpty else { return text[...] }
        var start = 0
        while start < text.count, isSpace(text[start]) { start += 1 }
        let end = text[start...].firstIndex(of: 0x0A) ?? text.count
        var line = trimmed(text[start..<end])
        while line.first == UInt8(ascii: "#") { line = line.dropFirst() }  // a Markdown heading
        guard trimmed(line) == wanted else { return text[...] }
        let rest = text[end...]
        return rest.contains(where: { !isSpace($0) }) ? rest : text[...]
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }
}

/// The byte length of a closing punctuation mark at `position` (0 if there is none).
private func closingPunctuationLength(_ text: [UInt8], at position: Int) -> Int {
    switch text[position] {
    case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"),
         UInt8(ascii: "?"), UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "\""),
         UInt8(ascii: "'"):
        return 1
    case 0xE2 where position + 2 < text.count && text[position + 1] == 0x80 && (text[position + 2] == 0x9D || text[position + 2] == 0x99):
        return 3  // ” ’
    case 0xC2 where position + 1 < text.count && text[position + 1] == 0xBB:
        return 2  // »
    default:
        return 0
    }
}

/// Which tokens of a text a query matched: its terms anywhere, its phrases where they occur.
enum Highlighter {
    static func matches(tokens: [AnalyzedToken], leaves: [CompiledQuery], analyzer: Analyzer) -> [Bool] {
        var matched = [Bool](repeating: false, count: tokens.count)
        var termIDs = Set<Int32>()
        for leaf in leaves {
            switch leaf {
            case .term(let weight) where weight.field == .text:
                if let id = analyzer.termID(of: weight.term) { termIDs.insert(id) }
            case .phrase(let weight) where weight.field == .text:
                markPhrase(weight, tokens: tokens, analyzer: analyzer, matched: &matched)
            default:
                break
            }
        }
        for (index, token) in tokens.enumerated() where termIDs.contains(token.termID) { matched[index] = true }
        return matched
    }

    private static func markPhrase(_ phrase: PhraseWeight, tokens: [AnalyzedToken], analyzer: Analyzer, matched: inout [Bool]) {
        var ids: [Int32] = []
        for term in phrase.terms {
            guard let id = analyzer.termID(of: term) else { return }
            ids.append(id)
        }
        var positions = [[UInt32]](repeating: [], count: ids.count)
        for token in tokens {
            for (index, id) in ids.enumerated() where token.termID == id { positions[index].append(token.position) }
        }
        let anchors = PhraseMatcher.anchors(positions: positions, offsets: phrase.offsets, slop: phrase.slop)
        guard !anchors.isEmpty else { return }
        let wanted = Set(ids)
        let span = (phrase.offsets.max() ?? 0) + phrase.slop
        for anchor in anchors {
            let low = Int(anchor) - phrase.offsets[0] - phrase.slop
            let high = Int(anchor) - phrase.offsets[0] + span
            for (index, token) in tokens.enumerated()
            where Int(token.position) >= low && Int(token.position) <= high && wanted.contains(token.termID) {
                if phrase.slop == 0 {
                    // Exact phrase: only the tokens at the phrase's own slots.
                    let slot = Int(token.position) - (Int(anchor) - phrase.offsets[0])
                    guard let term = phrase.offsets.firstIndex(of: slot), ids[term] == token.termID else { continue }
                }
                matched[index] = true
            }
        }
    }
}
