import Foundation
import Testing

/// `sift-bench`'s command line: every unknown option is an error, and `generate` makes its
/// output folders.
@Suite struct BenchCommandTests {
    static func bench(_ arguments: [String]) throws -> SiftProcess.Result {
        try SiftProcess.run(arguments, input: Data(), executable: SiftProcess.benchmarkExecutable)
    }

    @Test("an unknown option is an error (64), whether or not a value follows it",
          arguments: [["analyze", "--format", "json"], ["analyze", "--verbose"], ["search", "--index", "x", "--bogus", "1"],
                      ["generate", "--out", "/nonexistent", "--doc", "5"], ["open", "--index", "x", "--jsn"]])
    func unknownOptions(arguments: [String]) throws {
        let result = try Self.bench(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: unknown option '"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("generate creates --out and --queries-out, parents included")
    func generateCreatesFolders() throws {
        let folder = try SiftProcess.temporaryDirectory()
        defer { SiftProcess.removeTemporaryDirectory(folder) }
        let out = folder.appendingPathComponent("new/corpus").path
        let queries = folder.appendingPathComponent("new/queries").path
        let result = try Self.bench(["generate", "--docs", "20", "--out", out, "--queries-out", queries, "--queries", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/part-00000.jsonl"))
        #expect(FileManager.default.fileExists(atPath: queries + "/term1.tsv"))
        // Again into the folders that now exist: fine.
        #expect(try Self.bench(["generate", "--docs", "20", "--out", out]).status == 0)
        // A file where the folder should be: an error, not a crash.
        let file = folder.appendingPathComponent("file").path
        FileManager.default.createFile(atPath: file, contents: Data())
        let blocked = try Self.bench(["generate", "--docs", "1", "--out", file])
        #expect(blocked.status != 0)
        #expect(blocked.stderr.contains("is not a folder"), "\(blocked.stderr)")
    }
}
