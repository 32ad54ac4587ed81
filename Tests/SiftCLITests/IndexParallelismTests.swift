import Foundation
import Testing

/// `sift index --jobs` and `--memory-budget` change how the work is done, never the index.
@Suite struct IndexParallelismTests {
    typealias Kit = IndexCLITestKit

    /// The index files' names and bytes (the lock file left out).
    static func files(_ path: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name != "write.lock" {
            result[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
        }
        return result
    }

    @Test("--jobs 1, --jobs 2 and a tiny --memory-budget give byte-identical indexes")
    func sameIndex() throws {
        try Kit.withFolder { folder in
            // Enough text (about 7 MB, 32,000 line documents) that a 16 MB budget forces
            // partial segments and a merge.
            let corpus = folder.appendingPathComponent("corpus")
            let words = (0..<3000).map { "w\($0 * 7919 % 100_003)" }
            for file in 0..<40 {
                var text = ""
                for line in 0..<800 {
                    for word in 0..<30 { text += words[(file * 131 + line * 17 + word * word) % words.count] + " " }
                    text += "\n"
                }
                try Kit.write(bytes: Array(text.utf8), to: "doc\(file).txt", in: corpus)
            }
            var indexes: [[String: Data]] = []
            for options in [["--jobs", "1"], ["--jobs", "2"], ["--jobs", "2", "--memory-budget", "16"]] {
                let index = folder.appendingPathComponent("index-\(options.joined())").path
                let result = try Kit.sift(["index", corpus.path, "--index", index, "--unit", "line"] + options)
                #expect(result.status == 0, "\(result.stderr)")
                indexes.append(try Self.files(index))
            }
            #expect(indexes[0].count == 6)
            #expect(indexes[1] == indexes[0])
            #expect(indexes[2] == indexes[0])
        }
    }

    @Test("bad --jobs and --memory-budget values are usage errors")
    func badValues() throws {
        try Kit.withFolder { folder in
            for options in [["--jobs", "0"], ["--jobs", "x"], ["--memory-budget", "1"], ["--memory-budget", "-5"]] {
                let result = try Kit.sift(["index", folder.path, "--index", folder.appendingPathComponent("i").path] + options)
                #expect(result.status == 64, "\(options): \(result.stderr)")
                #expect(result.stderr.hasPrefix("Error: "))
            }
        }
    }
}
