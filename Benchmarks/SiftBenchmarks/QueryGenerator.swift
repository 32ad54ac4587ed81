import Sift

/// Makes a query set from the `Subject:` lines of a mail/news corpus (20 Newsgroups), the
/// query set the peers' figures in the speed issue were measured with.
enum SubjectQueries {
    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: [], values: ["--corpus", "--count", "--seed"])
        guard let corpus = options.string("--corpus") else { throw BenchError.usage("subject-queries needs --corpus DIR") }
        let count = try options.integer("--count", default: 1000)
        let seed = UInt64(try options.integer("--seed", default: 1))
        var seen = Set<String>()
        var subjects: [String] = []
        let extractor = DocumentExtractor(options: IngestOptions())
        for file in try CorpusWalker(roots: [corpus], options: IngestOptions()).candidates() {
            for document in extractor.extract(file).documents {
                guard let subject = subjectLine(document.text), seen.insert(subject.lowercased()).inserted else { continue }
                subjects.append(subject)
            }
        }
        // A seeded Fisher–Yates shuffle, so the set is a fair sample and the same every time.
        var state = seed
        for index in stride(from: subjects.count - 1, to: 0, by: -1) {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            subjects.swapAt(index, Int(z % UInt64(index + 1)))
        }
        for (number, subject) in subjects.prefix(count).enumerated() {
            print("\(number + 1)\t\(subject)")
        }
    }

    /// The text of the first `Subject:` header line, without `Re:` prefixes; nil when empty.
    static func subjectLine(_ text: [UInt8]) -> String? {
        let prefix = Array("Subject:".utf8)
        var lineStart = 0
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count && text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if lineEnd == lineStart { return nil }  // end of the headers
            if text[lineStart..<lineEnd].starts(with: prefix) {
                var subject = String(decoding: text[(lineStart + prefix.count)..<lineEnd], as: UTF8.self)
                while true {
                    let trimmed = subject.drop { $0 == " " || $0 == "\t" }
                    if trimmed.lowercased().hasPrefix("re:") { subject = String(trimmed.dropFirst(3)) } else { subject = String(trimmed); break }
                }
                subject = subject.replacingTabs()
                return subject.contains { $0.isLetter || $0.isNumber } ? subject : nil
            }
            lineStart = lineEnd + 1
        }
        return nil
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(map { $0 == "\t" || $0 == "\r" ? " " : $0 })
    }
}
