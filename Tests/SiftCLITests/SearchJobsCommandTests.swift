import Foundation
import Sift
import Testing

/// `sift search --jobs N` (a query file ranked on N threads) and `--verify`.
@Suite struct SearchJobsCommandTests {
    typealias Kit = IndexCLITestKit

    @Test("--jobs 2 prints exactly what one job prints, in query order, and the rate on stderr")
    func parallelBatch() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(SearchCommandTests.animals, in: folder)
            let queries = folder.appendingPathComponent("queries.tsv")
            let lines = ["1\tcat", "2\tdog bird", "3\tfish water", "4\tnothingmatches", "5\tcat cat feline", "6\t+cat +dog"]
            try (lines.joined(separator: "\n") + "\n").write(to: queries, atomically: true, encoding: .utf8)
            for format in ["trec", "json", "text"] {
                let one = try Kit.sift(["search", "--index", index, "--queries", queries.path, "--format", format, "--syntax", "query"])
                let two = try Kit.sift(["search", "--index", index, "--queries", queries.path, "--format", format, "--syntax", "query", "--jobs", "2"])
                #expect(one.status == 0 && two.status == 0, "\(two.stderr)")
                if format == "json" {
                    // Only the measured times may differ.
                    let strip = { (text: String) in text.replacingOccurrences(of: #""tookMicroseconds":\d+"#, with: "", options: .regularExpression) }
                    #expect(strip(one.stdout) == strip(two.stdout))
                } else if format == "text" {
                    let strip = { (text: String) in text.replacingOccurrences(of: #"\([0-9.]+ ms\)"#, with: "", options: .regularExpression) }
                    #expect(strip(one.stdout) == strip(two.stdout))
                } else {
                    #expect(one.stdout == two.stdout)
                }
                #expect(two.stderr.contains("searched 6 queries") && two.stderr.contains("queries/s"), "\(two.stderr)")
                #expect(!one.stderr.contains("queries/s"))
            }
        }
    }

    @Test("bad --jobs values are usage errors (64)", arguments: ["0", "-1", "x", "100000"])
    func badJobs(value: String) throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(SearchCommandTests.animals, in: folder)
            let result = try Kit.sift(["search", "--index", index, "--jobs", value, "cat"])
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("Error:"))
        }
    }

    @Test("--verify on an intact index answers as without it")
    func verifyIntact() throws {
        try Kit.withFolder { folder in
            let (_, index) = try Kit.makeIndex(SearchCommandTests.animals, in: folder)
            let plain = try Kit.sift(["search", "--index", index, "--format", "trec", "cat"])
            let verified = try Kit.sift(["search", "--index", index, "--format", "trec", "--verify", "cat"])
            #expect(verified.status == 0 && verified.stdout == plain.stdout)
        }
    }
}
