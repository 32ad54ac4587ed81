import Sift

/// `sift stem`: one word per line in, one stem per line out, the vocabulary files' format.
enum StemCommand {
    static let spec = CommandSpec(
        name: "stem",
        overview: "Stem words read one per line from standard input, writing one stem per line.",
        usage: "sift stem [--stemmer porter|porter2]",
        options: [OptionSpec(names: ["--stemmer"], valueName: "porter|porter2", help: "Stemmer (default: porter).")],
        discussion: "Words are stemmed exactly as given (no folding), so `sift stem < voc.txt | diff - output.txt` checks a vocabulary.")

    static func run(_ arguments: [String]) throws(CLIError) {
        let parsed = try spec.parse(arguments)
        guard parsed.positionals.isEmpty else { throw spec.usageError("unexpected argument '\(parsed.positionals[0])'") }
        let name = try parsed.choice("--stemmer", default: "porter", among: ["porter", "porter2"], spec: spec)
        let stemmer = Stemmer(StemmerKind(rawValue: name)!)
        let input = readStandardInput()
        var word: [UInt8] = []
        var output: [UInt8] = []
        output.reserveCapacity(input.count)
        var lineStart = 0
        for index in 0...input.count where index == input.count || input[index] == UInt8(ascii: "\n") {
            if index == input.count && lineStart == index { break }  // no final partial line
            var end = index
            if end > lineStart && input[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            word.removeAll(keepingCapacity: true)
            word.append(contentsOf: input[lineStart..<end])
            stemmer.stem(&word)
            output.append(contentsOf: word)
            output.append(UInt8(ascii: "\n"))
            lineStart = index + 1
        }
        Output.write(String(decoding: output, as: UTF8.self))
    }
}
