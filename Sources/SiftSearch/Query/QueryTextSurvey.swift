import SiftAnalysis

/// What the tokenizer makes of a query's text, to tell the user why a query found nothing to
/// search for: it had no words at all, only words too long to be indexed, or invalid UTF-8 —
/// not just "only stop words", which is true only when words were there and were stop words.
struct QueryTextSurvey {
    /// Words found (stop words and too long ones included).
    private(set) var wordCount = 0
    /// Words longer than the analyzer keeps, and the longest one's length in bytes.
    private(set) var tooLongCount = 0
    private(set) var longestTooLong = 0
    /// Whether the text holds U+FFFD, which is how invalid UTF-8 reaches a `String`.
    let hasReplacementCharacter: Bool

    init(_ text: String) {
        hasReplacementCharacter = text.unicodeScalars.contains("\u{FFFD}")
        var words = 0
        var tooLong = 0
        var longest = 0
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            Tokenizer.withScratch { scratch in
                var tokenizer = Tokenizer(bytes, scratch: scratch)
                while let token = tokenizer.next() {
                    words += 1
                    if token.isTooLong {
                        tooLong += 1
                        longest = max(longest, token.end - token.start)
                    }
                }
            }
        }
        wordCount = words
        tooLongCount = tooLong
        longestTooLong = longest
    }

    /// The notes of a search of this text: the compiler's, with "only stop words" replaced by
    /// what really happened, and a note for words left out or bytes that are not UTF-8.
    /// - Parameter terms: the terms that can add to a score (empty: nothing was searched for).
    func notes(adjusting notes: [SearchNote], terms: [String]) -> [SearchNote] {
        var result = notes
        var front: [SearchNote] = []
        if terms.isEmpty && wordCount == tooLongCount {
            // No word survived, and none was a stop word: "only stop words" would be untrue.
            result.removeAll { $0.kind == .onlyStopWords }
            if wordCount == 0 { front.append(SearchNote(kind: .noWords, message: "the query has no words (letters or digits) to search for")) }
        }
        if hasReplacementCharacter {
            front.append(SearchNote(kind: .invalidUTF8, message: "the query is not valid UTF-8 (or holds U+FFFD); the bad bytes were read as spaces"))
        }
        if tooLongCount == 1 {
            front.append(SearchNote(kind: .wordTooLong, message: "a word of \(longestTooLong) bytes was left out: words longer than \(Tokenizer.maximumTokenBytes) bytes are not indexed"))
        } else if tooLongCount > 1 {
            front.append(SearchNote(kind: .wordTooLong, message: "\(tooLongCount) words longer than \(Tokenizer.maximumTokenBytes) bytes were left out: such words are not indexed"))
        }
        return front + result
    }
}
