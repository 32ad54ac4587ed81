import Sift

/// `sift-bench generate`: a deterministic synthetic corpus for scale tests (JSONL files of
/// `--docs-per-file` documents in a folder) — a Zipf-distributed
/// vocabulary (200,000 words, s = 1.1), about 100 tokens a document — plus query sets per
/// query class drawn from it.
enum CorpusGenerator {
    static let vocabularySize = 200_000
    static let exponent = 1.1

    static func run(_ arguments: ArraySlice<String>) throws {
        let options = try BenchOptions(arguments, flags: [], values: ["--docs", "--seed", "--out", "--docs-per-file", "--queries-out", "--queries"])
        let documents = try options.integer("--docs", default: 10_000)
        let seed = UInt64(try options.integer("--seed", default: 1))
        guard let output = options.string("--out") else { throw BenchError.usage("generate needs --out DIR") }
        let perFile = max(1, try options.integer("--docs-per-file", default: 10_000))
        let queryFolder = options.string("--queries-out")
        let queryCount = try options.integer("--queries", default: 200)

        var random = SplitMix64(seed: seed)
        let words = (0..<vocabularySize).map(word(rank:))
        let cumulative = zipfCumulative(size: vocabularySize, exponent: exponent)
        try makeFolders(output)
        var file: UnsafeMutablePointer<FILE>? = nil
        defer { if let file { fclose(file) } }
        var adjacentPairs: [(Int, Int)] = []
        var line: [UInt8] = []
        var totalTokens = 0
        for number in 0..<documents {
            if number % perFile == 0 {
                // Parts of `perFile` documents: files `sift index` reads in parallel, none too large.
                if let file { fclose(file) }
                let digits = String(number / perFile)
                let path = output + "/part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".jsonl"
                guard let opened = fopen(path, "w") else { throw BenchError.failed("cannot write \(path)") }
                file = opened
            }
            let length = 50 + Int(random.next() % 101)  // 50…150, mean 100
            var ranks: [Int] = []
            ranks.reserveCapacity(length)
            for _ in 0..<length { ranks.append(sample(cumulative, random.nextUnit())) }
            totalTokens += length
            if adjacentPairs.count < queryCount * 4 && number % 7 == 0 {
                let start = Int(random.next() % UInt64(length - 1))
                adjacentPairs.append((ranks[start], ranks[start + 1]))
            }
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: "{\"id\":\"doc\(number)\",\"title\":\"".utf8)
            for index in 0..<5 {
                if index > 0 { line.append(UInt8(ascii: " ")) }
                line.append(contentsOf: words[ranks[index]].utf8)
            }
            line.append(contentsOf: "\",\"text\":\"".utf8)
            for (index, rank) in ranks.enumerated() {
                if index > 0 { line.append(UInt8(ascii: " ")) }
                line.append(contentsOf: words[rank].utf8)
            }
            line.append(contentsOf: "\"}\n".utf8)
            _ = line.withUnsafeBytes { fwrite($0.baseAddress!, 1, $0.count, file!) }
        }
        print("generated \(documents) documents, \(totalTokens) tokens, into \(output)/part-*.jsonl")

        guard let queryFolder else { return }
        try makeFolders(queryFolder)
        // Queries: words from ranks 10…20,000 (skipping the few that are in nearly every document).
        func pick() -> String { words[10 + Int(random.next() % 19_990)] }
        var classes: [(String, [String])] = [("term1", []), ("or2", []), ("and2", []), ("or5", []), ("phrase", []), ("prefix", [])]
        for _ in 0..<queryCount {
            classes[0].1.append(pick())
            classes[1].1.append("\(pick()) \(pick())")
            classes[2].1.append("+\(pick()) +\(pick())")
            classes[3].1.append((0..<5).map { _ in pick() }.joined(separator: " "))
            let pair = adjacentPairs.isEmpty ? (10, 11) : adjacentPairs[Int(random.next() % UInt64(adjacentPairs.count))]
            classes[4].1.append("\"\(words[pair.0]) \(words[pair.1])\"")
            classes[5].1.append(String(pick().prefix(4)) + "*")
        }
        for (name, queries) in classes {
            let path = queryFolder + "/" + name + ".tsv"
            guard let out = fopen(path, "w") else { throw BenchError.failed("cannot write \(path)") }
            for (index, query) in queries.enumerated() { fputs("\(index + 1)\t\(query)\n", out) }
            fclose(out)
        }
        print("wrote query sets term1, or2, and2, or5, phrase, prefix (\(queryCount) each) into \(queryFolder)")
    }

    /// A distinct pronounceable word per rank: base-52 digits as consonant–vowel syllables,
    /// at least two syllables.
    static func word(rank: Int) -> String {
        let consonants = Array("bdfgklmnprtvz")
        let vowels = Array("aiou")
        var value = rank + 52
        var syllables: [Character] = []
        while value > 0 {
            let digit = value % 52
            syllables.append(vowels[digit % 4])
            syllables.append(consonants[digit / 4])
            value /= 52
        }
        return String(syllables.reversed())
    }

    static func zipfCumulative(size: Int, exponent: Double) -> [Double] {
        var cumulative = [Double](repeating: 0, count: size)
        var total = 0.0
        for rank in 0..<size {
            total += 1 / pow(Double(rank + 1), exponent)
            cumulative[rank] = total
        }
        return cumulative.map { $0 / total }
    }

    /// The first rank whose cumulative probability reaches `unit`.
    static func sample(_ cumulative: [Double], _ unit: Double) -> Int {
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < unit { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The SplitMix64 generator: tiny, fast, and the same sequence on every machine.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Creates `path` and any missing folders above it (`mkdir -p`); an existing folder is fine.
func makeFolders(_ path: String) throws(BenchError) {
    var current = path.hasPrefix("/") ? "" : "."
    for component in path.split(separator: "/") {
        current += "/" + component
        if mkdir(current, 0o755) != 0 && errno != EEXIST {
            throw .failed("cannot create folder \(current): \(String(cString: strerror(errno)))")
        }
    }
    var status = stat()
    guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
        throw .failed("\(path) is not a folder")
    }
}
