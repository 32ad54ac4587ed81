import Foundation
import Testing
import SiftTestSupport

/// `sift search`, `sift eval` and `sift stats --terms` over several indexes.
@Suite struct MultiIndexCommandTests {
    static let articles: [(String, String)] = [
        ("a/one.txt", "Taliban fighters entered Kabul as Ghani fled"),
        ("a/two.txt", "Ghani fled to Tajikistan, then to the Emirates"),
        ("a/three.txt", "The Kabul airport filled with people trying to leave"),
        ("b/four.txt", "Biden defended the withdrawal from Kabul"),
        ("b/five.txt", "Tajikistan watched its border with Afghanistan"),
        ("b/six.txt", "Kabul Kabul Kabul: the name on every front page"),
    ]

    /// Writes the articles under `root` (folders a and b) and indexes a, b and both.
    static func indexes(in folder: IndexTestFolder) throws {
        for (path, text) in articles {
            let url = URL(fileURLWithPath: folder.sub("docs/" + path))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        for (name, source) in [("a", "docs/a"), ("b", "docs/b")] {
            #expect(try SiftProcess.run(["index", folder.sub(source), "--index", folder.sub(name)]).status == 0)
        }
        // The union, built from the same files in the same order (a's, then b's).
        #expect(try SiftProcess.run(["index", folder.sub("docs/a"), folder.sub("docs/b"), "--index", folder.sub("union")]).status == 0)
    }

    /// `score id` per TREC line, ids without their root folder.
    static func scores(_ output: String) -> [String] {
        output.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            return "\(fields[4]) \(fields[2].split(separator: "/").last!)"
        }
    }

    @Test("two indexes searched as one give the union index's hits, order and scores")
    func searchEqualsUnion() throws {
        try IndexTestFolder.with { folder in
            try Self.indexes(in: folder)
            for query in ["kabul", "ghani fled", "+kabul +taliban", "\"ghani fled\"", "tajik*", "kabul -biden"] {
                let union = try SiftProcess.run(["search", "--index", folder.sub("union"), "--format", "trec", "-k", "10", query])
                for jobs in ["1", "2"] {
                    let multi = try SiftProcess.run(["search", "--index", folder.sub("a"), "--index", folder.sub("b"), "--jobs", jobs,
                                                     "--format", "trec", "-k", "10", query])
                    #expect(multi.status == 0, "\(multi.stderr)")
                    #expect(Self.scores(multi.stdout) == Self.scores(union.stdout), "\(query) with --jobs \(jobs)")
                }
            }
            let text = try SiftProcess.run(["search", "--index", folder.sub("a"), "--index", folder.sub("b"), "kabul"])
            #expect(text.stdout.contains("in 2 indexes"))
            let json = try SiftProcess.run(["search", "--index", folder.sub("a"), "--index", folder.sub("b"), "--format", "json", "kabul"])
            #expect(json.stdout.contains("\"index\":\"\(folder.sub("b"))\""))
        }
    }

    @Test("statistics written by sift stats --terms, summed by --global-stats, score one index as the union does")
    func globalStatistics() throws {
        try IndexTestFolder.with { folder in
            try Self.indexes(in: folder)
            var files: [String] = []
            for name in ["a", "b"] {
                let stats = try SiftProcess.run(["stats", "--terms", "--index", folder.sub(name), "kabul", "tajik*"])
                #expect(stats.status == 0, "\(stats.stderr)")
                #expect(stats.stdout.contains("\"documentFrequencies\""))
                try Data(stats.stdout.utf8).write(to: URL(fileURLWithPath: folder.sub("\(name).json")))
                files += ["--global-stats", folder.sub("\(name).json")]
            }
            let union = Self.scores(try SiftProcess.run(["search", "--index", folder.sub("union"), "--format", "trec", "kabul tajik*"]).stdout)
            let alone = Self.scores(try SiftProcess.run(["search", "--index", folder.sub("b"), "--format", "trec"] + files + ["kabul tajik*"]).stdout)
            #expect(!alone.isEmpty)
            #expect(alone.allSatisfy(union.contains), "b's hits scored with global statistics are the union's")
            // Statistics gathered for other words: a clear error, not different scores.
            let missing = try SiftProcess.run(["search", "--index", folder.sub("b"), "--format", "trec"] + files + ["biden"])
            #expect(missing.status == 64)
            #expect(missing.stderr.contains("do not give the document frequency of 'biden'"))
            let bad = try SiftProcess.run(["search", "--index", folder.sub("b"), "--global-stats", folder.sub("docs/a/one.txt"), "kabul"])
            #expect(bad.status == 65)
            #expect(try SiftProcess.run(["search", "--index", folder.sub("a"), "--index", folder.sub("b")] + files + ["kabul"]).status == 64)
        }
    }

    @Test("indexes analysed differently are refused, naming both")
    func analyzerMismatch() throws {
        try IndexTestFolder.with { folder in
            try Self.indexes(in: folder)
            #expect(try SiftProcess.run(["index", folder.sub("docs/b"), "--index", folder.sub("c"), "--stemmer", "none"]).status == 0)
            let run = try SiftProcess.run(["search", "--index", folder.sub("a"), "--index", folder.sub("c"), "kabul"])
            #expect(run.status == 64)
            #expect(run.stderr.contains("are analysed differently"))
            #expect(run.stderr.contains(folder.sub("a")) && run.stderr.contains(folder.sub("c")))
        }
    }

    @Test("sift eval over several indexes evaluates the merged rankings")
    func evalOverSeveralIndexes() throws {
        try IndexTestFolder.with { folder in
            try Self.indexes(in: folder)
            try Data("q1\tkabul\nq2\tghani tajikistan\n".utf8).write(to: URL(fileURLWithPath: folder.sub("q.tsv")))
            try Data("q1 0 six 1\nq1 0 one 1\nq2 0 two 1\n".utf8).write(to: URL(fileURLWithPath: folder.sub("qrels")))
            let run = try SiftProcess.run(["eval", "--index", folder.sub("a"), "--index", folder.sub("b"), "--queries", folder.sub("q.tsv"),
                                           "--qrels", folder.sub("qrels"), "--metrics", "map", "--format", "json"])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("\"map\""))
        }
    }
}
