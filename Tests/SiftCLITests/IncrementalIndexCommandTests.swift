import Foundation
import Testing

/// `sift index` on an existing index: `--dry-run` lists exactly the changes and writes
/// nothing; an unchanged folder leaves every byte as it was; other analyzer settings or unit
/// need `--full` (exit 64, nothing written); `--full` rebuilds from scratch.
@Suite struct IncrementalIndexCommandTests {
    typealias Kit = IndexCLITestKit
    typealias Inc = IncrementalKit

    static let files = [
        "a.txt": "Alpha notes\n\nriver mountain forest",
        "b.txt": "Beta notes\n\nocean island glacier",
        "sub/c.md": "# Gamma\n\ncanyon meadow valley river",
        "sub/d.txt": "Delta\n\ndesert ocean",
        "sub/deep/e.txt": "Epsilon\n\nforest forest glacier",
        "f.txt": "Zeta\n\nisland canyon",
        "g.jsonl": #"{"id": "g1", "title": "G one", "text": "river delta"}"# + "\n" + #"{"id": "g2", "title": "G two", "text": "ocean delta"}"# + "\n",
    ]

    /// Builds the index of `files` in `folder/corpus` → `folder/index`.
    static func build(in folder: URL, extra: [String] = [],
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> (corpus: URL, index: String) {
        let (corpus, index) = try Kit.makeIndex(files, in: folder, extra: extra, sourceLocation: sourceLocation)
        return (URL(fileURLWithPath: corpus), index)
    }

    static func setModificationDate(_ url: URL, _ date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: url.path)
    }

    @Test("--dry-run lists exactly the added, changed and deleted files and writes nothing")
    func dryRun() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Self.build(in: folder)
            // Changes: two new files (one in a new folder), a same-size edit, an append, a
            // deleted file and a deleted JSONL file (two documents); a touched file is unchanged.
            try SiftProcess.write(["new.txt": "Fresh\n\nriver", "brand/new/h.md": "# H\n\nvalley"], in: corpus)
            try SiftProcess.write(["a.txt": "Alpha notes\n\nriver mountain FOREST",
                                   "sub/deep/e.txt": Self.files["sub/deep/e.txt"]! + " meadow"], in: corpus)
            try FileManager.default.removeItem(at: corpus.appendingPathComponent("sub/d.txt"))
            try FileManager.default.removeItem(at: corpus.appendingPathComponent("g.jsonl"))
            try Self.setModificationDate(corpus.appendingPathComponent("b.txt"), Date(timeIntervalSinceNow: -86_400))

            let before = try Inc.folderSnapshot(index)
            let dry = try Kit.sift(["index", corpus.path, "--index", index, "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let lines = dry.stdout.split(separator: "\n").map(String.init)
            let adds = Set(lines.filter { $0.hasPrefix("add     ") }.map { String($0.dropFirst(8)) })
            let updates = Set(lines.filter { $0.hasPrefix("update  ") }.map { String($0.dropFirst(8)) })
            let deletes = Set(lines.filter { $0.hasPrefix("delete  ") }.map { String($0.dropFirst(8)) })
            // Every line names a file by its id, the same way on both sides.
            #expect(adds == ["new.txt", "brand/new/h.md"], "\(dry.stdout)")
            #expect(updates == ["a.txt", "sub/deep/e.txt"], "\(dry.stdout)")
            #expect(deletes == ["sub/d.txt", "g.jsonl"], "\(dry.stdout)")
            #expect(lines.count == 7, "one line per change and the summary: \(dry.stdout)")
            #expect(lines.last?.hasPrefix("Dry run on \(index): 2 files to add, 2 to update (2 documents to replace), 2 to delete (3 documents), 3 unchanged") == true,
                    "\(dry.stdout)")
            #expect(try Inc.folderSnapshot(index) == before, "a dry run writes nothing")

            // The run itself does what the dry run said.
            let update = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(update.status == 0, "\(update.stderr)")
            #expect(update.stdout.contains("Updated \(index): 2 files added, 2 changed, 2 removed, 3 unchanged"), "\(update.stdout)")
            #expect(update.stdout.contains("documents: 2 added, 2 updated, 3 deleted, 3 unchanged"), "\(update.stdout)")
            #expect(Set(try Kit.searchIds(["forest"], index: index)) == ["a.txt", "sub/deep/e.txt"])
            #expect(try Kit.searchIds(["desert"], index: index).isEmpty)
            #expect(try Kit.searchIds(["delta"], index: index).isEmpty, "the JSONL documents went with their file")
            #expect(Set(try Kit.searchIds(["valley"], index: index)) == ["sub/c.md", "brand/new/h.md"])
            #expect(try Kit.documentCount(index) == 7)

            // Now nothing is left to do.
            let after = try Inc.folderSnapshot(index)
            let again = try Kit.sift(["index", corpus.path, "--index", index, "--dry-run"])
            #expect(again.status == 0)
            #expect(again.stdout == "Dry run on \(index): 0 files to add, 0 to update (0 documents to replace), 0 to delete (0 documents), 7 unchanged; nothing written\n",
                    "\(again.stdout)")
            #expect(try Inc.folderSnapshot(index) == after)
        }
    }

    @Test("--dry-run without an index lists every file and creates nothing")
    func dryRunWithoutIndex() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try SiftProcess.write(Self.files, in: corpus)
            let index = folder.appendingPathComponent("nothing-yet").path
            let dry = try Kit.sift(["index", corpus.path, "--index", index, "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let adds = dry.stdout.split(separator: "\n").filter { $0.hasPrefix("add     ") }
            #expect(adds.count == Self.files.count, "\(dry.stdout)")
            #expect(dry.stdout.contains("(no index yet)"))
            #expect(!FileManager.default.fileExists(atPath: index), "nothing written, not even the folder")
        }
    }

    @Test("an unchanged folder leaves the index byte for byte as it was, also after updates")
    func upToDate() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Self.build(in: folder)
            let built = try Inc.folderSnapshot(index)
            let generation = Inc.int(try Inc.stats(index), "generation")
            // New timestamps, same bytes: still up to date.
            for name in ["a.txt", "sub/c.md", "g.jsonl"] {
                try Self.setModificationDate(corpus.appendingPathComponent(name), Date(timeIntervalSinceNow: 3600))
            }
            let same = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(same.status == 0, "\(same.stderr)")
            #expect(same.stdout.hasPrefix("\(index) is up to date: 7 files unchanged\n"), "\(same.stdout)")
            #expect(same.stdout.contains("documents: 0 added, 0 updated, 0 deleted, 8 unchanged"), "\(same.stdout)")
            #expect(!same.stdout.contains("Updated"))
            #expect(try Inc.folderSnapshot(index) == built, "not a byte rewritten")
            #expect(Inc.int(try Inc.stats(index), "generation") == generation)

            // After an update that keeps deleted documents, an unchanged rerun rewrites nothing either.
            try SiftProcess.write(["b.txt": "Beta notes\n\nocean island glacier glacier"], in: corpus)
            let update = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(update.stdout.contains("Updated \(index): 0 files added, 1 changed, 0 removed, 6 unchanged"), "\(update.stdout)")
            #expect(Inc.int(try Inc.stats(index), "generation") == generation + 1)
            let updated = try Inc.folderSnapshot(index)
            #expect(updated != built)
            let rerun = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(rerun.stdout.hasPrefix("\(index) is up to date: 7 files unchanged\n"), "\(rerun.stdout)")
            #expect(try Inc.folderSnapshot(index) == updated)
            // A file changed and changed back is unchanged again (content, not history).
            try SiftProcess.write(["f.txt": "Zeta\n\nisland canyon!"], in: corpus)
            try SiftProcess.write(["f.txt": Self.files["f.txt"]!], in: corpus)
            let back = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(back.stdout.hasPrefix("\(index) is up to date"), "\(back.stdout)")
            #expect(try Inc.folderSnapshot(index) == updated)
        }
    }

    @Test("other analyzer settings or unit without --full: exit 64 naming --full, index untouched", arguments: [
        ["--stemmer", "porter2"],
        ["--stemmer", "none"],
        ["--stopwords", "none"],
        ["--stemmer", "porter", "--stopwords", "none"],
        ["--unit", "line"],
        ["--unit", "paragraph"],
    ])
    func settingsMismatch(arguments: [String]) throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Self.build(in: folder)
            // A pending change, which the refused run must not apply either.
            try SiftProcess.write(["a.txt": "Alpha notes\n\nchanged words", "z.txt": "zebra"], in: corpus)
            let before = try Inc.folderSnapshot(index)
            let refused = try Kit.sift(["index", corpus.path, "--index", index] + arguments)
            #expect(refused.status == 64, "\(arguments): \(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.contains("--full"), "\(refused.stderr)")
            #expect(refused.stdout.isEmpty)
            #expect(try Inc.folderSnapshot(index) == before, "\(arguments): the refused run wrote something")
            let dry = try Kit.sift(["index", corpus.path, "--index", index, "--dry-run"] + arguments)
            #expect(dry.status == 64, "\(arguments): a dry run is refused the same way: \(dry.stdout)")

            // --full with the new settings rebuilds; later updates keep them.
            let full = try Kit.sift(["index", corpus.path, "--index", index, "--full"] + arguments)
            #expect(full.status == 0, "\(full.stderr)")
            #expect(full.stdout.hasPrefix("Indexed "), "\(full.stdout)")
            let cut = arguments.contains("--unit") ? "#L1" : ""
            #expect(try Kit.searchIds(["zebra"], index: index) == ["z.txt" + cut])
            let stats = try Inc.stats(index)
            let analyzer = stats["analyzer"] as? [String: String] ?? [:]
            let stemmer = arguments.firstIndex(of: "--stemmer").map { arguments[$0 + 1] } ?? "porter"
            let stopwords = arguments.firstIndex(of: "--stopwords").map { arguments[$0 + 1] } ?? "english"
            #expect(analyzer["stemmer"] == stemmer && analyzer["stopwords"] == stopwords, "\(analyzer)")
            try SiftProcess.write(["y.txt": "yak river"], in: corpus)
            let update = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(update.status == 0, "\(update.stderr)")
            #expect(update.stdout.contains("1 file added, 0 changed, 0 removed"), "\(update.stdout)")
            #expect(try Inc.stats(index)["analyzer"] as? [String: String] == analyzer, "an update keeps the stored settings")
            #expect(try Kit.searchIds(["yak"], index: index) == ["y.txt" + cut], "the update cuts new files with the stored unit")
            // Repeating the stored settings is no change.
            let same = try Kit.sift(["index", corpus.path, "--index", index] + arguments)
            #expect(same.status == 0, "\(same.stderr)")
            #expect(same.stdout.contains("is up to date"), "\(same.stdout)")
            try Inc.expectDeepCheck(index, "\(arguments)")
        }
    }

    @Test("--full rebuilds an updated index from scratch: one segment, no deletions, same answers as a new index")
    func fullRebuild() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Self.build(in: folder)
            try SiftProcess.write(["a.txt": "Alpha\n\nriver river", "n.txt": "New\n\nforest ocean"], in: corpus)
            try FileManager.default.removeItem(at: corpus.appendingPathComponent("sub/d.txt"))
            #expect(try Kit.sift(["index", corpus.path, "--index", index]).status == 0)
            let updated = try Inc.stats(index)
            #expect(Inc.int(updated, "segments") >= 1)

            let full = try Kit.sift(["index", corpus.path, "--index", index, "--full"])
            #expect(full.status == 0, "\(full.stderr)")
            #expect(full.stdout.hasPrefix("Indexed 8 documents from 7 files into \(index)"), "\(full.stdout)")
            let rebuilt = try Inc.stats(index)
            #expect(Inc.int(rebuilt, "segments") == 1 && Inc.int(rebuilt, "deletedDocuments") == 0)
            #expect(Inc.int(rebuilt, "documents") == Inc.int(updated, "documents"))

            let fresh = folder.appendingPathComponent("fresh").path
            #expect(try Kit.sift(["index", corpus.path, "--index", fresh]).status == 0)
            let rebuiltFiles = try Kit.indexFiles(index)
            let freshFiles = try Kit.indexFiles(fresh)
            #expect(rebuiltFiles.keys.sorted() == freshFiles.keys.sorted(), "no file of the old index is left")
            for (name, bytes) in freshFiles where name != "manifest" { #expect(rebuiltFiles[name] == bytes, "\(name) differs") }
            for word in ["river", "forest", "ocean", "delta"] {
                #expect(try Kit.searchIds([word], index: index) == (try Kit.searchIds([word], index: fresh)), "\(word)")
            }
            // The rebuilt index is updated incrementally again.
            let again = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(again.stdout.contains("is up to date: 7 files unchanged"), "\(again.stdout)")
        }
    }

    @Test("files that become binary, too large or empty leave the index like a rebuild does")
    func skippedAndEmptyFiles() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Self.build(in: folder, extra: ["--max-file-size", "200"])
            try Kit.write(bytes: Array("binary\u{0}river".utf8), to: "a.txt", in: corpus)
            try SiftProcess.write(["b.txt": String(repeating: "ocean ", count: 50), "f.txt": ""], in: corpus)
            let update = try Kit.sift(["index", corpus.path, "--index", index, "--max-file-size", "200"])
            #expect(update.status == 0, "\(update.stderr)")
            // Said plainly: the empty file changed, the binary and the too large ones are now
            // skipped and their documents deleted.
            #expect(update.stdout.contains("0 files added, 1 changed, 0 removed, 2 now skipped (documents deleted), 4 unchanged"), "\(update.stdout)")
            #expect(update.stdout.contains("documents: 0 added, 1 updated, 2 deleted, 5 unchanged"), "\(update.stdout)")
            #expect(update.stdout.contains("skipped:   2 (1 binary, 1 too large)"), "\(update.stdout)")
            #expect(!update.stderr.contains("warning: skipped"), "each file is reported once, as now skipped: \(update.stderr)")
            #expect(update.stderr.contains("a.txt is now skipped, binary") && update.stderr.contains("b.txt is now skipped, too large"),
                    "warnings name the skipped files: \(update.stderr)")
            let fresh = folder.appendingPathComponent("fresh").path
            #expect(try Kit.sift(["index", corpus.path, "--index", fresh, "--max-file-size", "200"]).status == 0)
            #expect(try Kit.documentCount(index) == (try Kit.documentCount(fresh)))
            for word in ["river", "ocean", "island", "canyon", "zeta"] {
                #expect(Set(try Kit.searchIds([word], index: index)) == Set(try Kit.searchIds([word], index: fresh)), "\(word)")
            }
            try Inc.expectDeepCheck(index, "after skips")
            // The skipped files are still skipped on the next run; nothing else changes.
            let before = try Kit.indexFiles(index)
            let again = try Kit.sift(["index", corpus.path, "--index", index, "--max-file-size", "200"])
            #expect(again.status == 0)
            #expect(try Kit.indexFiles(index) == before, "\(again.stdout)")
        }
    }

    @Test("--include/--exclude are stored: a plain update keeps them, given ones replace them, --full drops them")
    func includeExcludeChanges() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Self.build(in: folder)
            let excluded = try Kit.sift(["index", corpus.path, "--index", index, "--exclude", "sub"])
            #expect(excluded.stdout.contains("0 files added, 0 changed, 3 removed, 4 unchanged"), "\(excluded.stdout)")
            #expect(try Kit.searchIds(["canyon"], index: index) == ["f.txt"])
            // A plain run keeps the stored --exclude: the excluded files do not come back.
            let plain = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(plain.status == 0 && plain.stdout.hasPrefix("\(index) is up to date: 4 files unchanged"), "\(plain.stdout)")
            // New patterns replace the stored ones; this one would delete 4 of 5 documents.
            let narrowed = ["index", corpus.path, "--index", index, "--include", "*.md", "--exclude", "none-such"]
            let refused = try Kit.sift(narrowed)
            #expect(refused.status == 64 && refused.stderr.contains("--allow-deletes"), "\(refused.stderr)")
            let included = try Kit.sift(narrowed + ["--allow-deletes"])
            #expect(included.stdout.contains("1 file added, 0 changed, 4 removed, 0 unchanged"), "\(included.stdout)")
            #expect(try Kit.documentCount(index) == 1)
            let kept = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(kept.stdout.hasPrefix("\(index) is up to date: 1 file unchanged"), "\(kept.stdout)")
            let all = try Kit.sift(["index", corpus.path, "--index", index, "--full"])
            #expect(all.status == 0 && all.stdout.hasPrefix("Indexed 8 documents from 7 files"), "\(all.stdout) \(all.stderr)")
            let fresh = folder.appendingPathComponent("fresh").path
            #expect(try Kit.sift(["index", corpus.path, "--index", fresh]).status == 0)
            for word in ["river", "ocean", "canyon", "delta", "glacier"] {
                #expect(Set(try Kit.searchIds([word], index: index)) == Set(try Kit.searchIds([word], index: fresh)), "\(word)")
            }
        }
    }

    @Test("an update gives byte-identical files for any --jobs")
    func updateIndependentOfJobs() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try Inc.generate(count: 60, in: corpus, seed: 5)
            let base = folder.appendingPathComponent("base")
            #expect(try Kit.sift(["index", corpus.path, "--index", base.path]).status == 0)
            try Inc.generate(count: 12, in: corpus, seed: 6) { "more/m\($0).txt" }
            try FileManager.default.removeItem(at: corpus.appendingPathComponent("d1/file0001.txt"))
            try SiftProcess.write(["d2/file0002.txt": "replaced river text"], in: corpus)
            var results: [[String: Data]] = []
            for jobs in ["1", "3"] {
                let copy = folder.appendingPathComponent("jobs\(jobs)")
                try Inc.copyFolder(base, to: copy)
                let update = try Kit.sift(["index", corpus.path, "--index", copy.path, "--jobs", jobs])
                #expect(update.stdout.contains("12 files added, 1 changed, 1 removed"), "\(update.stdout)")
                results.append(try Kit.indexFiles(copy.path))
            }
            #expect(results[0] == results[1], "files differ: \(Inc.snapshotDifference(results[0], results[1]))")
        }
    }

    @Test("with several folders, --dry-run names a deleted file by its key (its document id)")
    func severalRootsDryRunKey() throws {
        try Kit.withFolder { folder in
            try SiftProcess.write(["left/a.txt": "alpha", "left/b.txt": "beta", "right/a.txt": "alpha"], in: folder)
            let left = folder.appendingPathComponent("left").path
            let right = folder.appendingPathComponent("right").path
            let index = folder.appendingPathComponent("idx").path
            #expect(try Kit.sift(["index", left, right, "--index", index]).status == 0)
            #expect(try Kit.searchIds(["beta"], index: index) == ["left/b.txt"])
            try FileManager.default.removeItem(atPath: left + "/b.txt")
            let dry = try Kit.sift(["index", left, right, "--index", index, "--dry-run"])
            #expect(dry.stdout.hasPrefix("delete  left/b.txt\n"), "\(dry.stdout)")
        }
    }

    @Test("an update refuses to carry a damaged deletions file into a new one")
    func damagedDeletionsNotCarried() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            var files: [String: String] = [:]
            for number in 1...20 { files["f\(number).txt"] = "alpha beta word\(number)" }
            try SiftProcess.write(files, in: corpus)
            let index = folder.appendingPathComponent("idx").path
            #expect(try Kit.sift(["index", corpus.path, "--index", index]).status == 0)
            try FileManager.default.removeItem(at: corpus.appendingPathComponent("f1.txt"))
            #expect(try Kit.sift(["index", corpus.path, "--index", index]).status == 0)
            // One flipped bit near the end (in the deleted documents' terms): only its checksum tells.
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: index).first { $0.hasPrefix("del-") })
            let url = URL(fileURLWithPath: index).appendingPathComponent(name)
            var bytes = Array(try Data(contentsOf: url))
            bytes[bytes.count - 6] ^= 0x02
            try Data(bytes).write(to: url)
            let check = try Kit.sift(["check", "--index", index])
            #expect(check.status == 65 && check.stderr.contains(name), "\(check.stderr)")
            let before = try Kit.indexFiles(index)

            // An update that deletes another document of the same segment.
            try FileManager.default.removeItem(at: corpus.appendingPathComponent("f2.txt"))
            let update = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(update.status == 65, "the update must not launder the damage: \(update.stdout)")
            #expect(update.stderr.contains(name), "\(update.stderr)")
            #expect(try Kit.indexFiles(index) == before)
            #expect(try Kit.sift(["check", "--index", index]).status == 65, "the damage is still reported")
        }
    }

    // MARK: - Regressions: bugs these tests found

    @Test("several folders with the same name are refused (exit 64): their ids would collide")
    func sameFolderNames() throws {
        try Kit.withFolder { folder in
            try SiftProcess.write(["x/data/g.txt": "gamma x", "y/data/g.txt": "gamma y", "z/data2/h.txt": "eta"], in: folder)
            let roots = [folder.appendingPathComponent("x/data").path, folder.appendingPathComponent("y/data").path]
            let index = folder.appendingPathComponent("idx").path
            let refused = try Kit.sift(["index"] + roots + ["--index", index])
            #expect(refused.status == 64, "\(refused.stdout)")
            #expect(refused.stderr.contains("same name") && refused.stderr.contains("x/data") && refused.stderr.contains("y/data"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: index + "/manifest"), "nothing written")
            // Differently named folders still index together, and a rerun is up to date.
            let distinct = [roots[0], folder.appendingPathComponent("z/data2").path]
            #expect(try Kit.sift(["index"] + distinct + ["--index", index]).status == 0)
            let before = try Kit.indexFiles(index)
            let again = try Kit.sift(["index"] + distinct + ["--index", index])
            #expect(again.stdout.contains("is up to date: 2 files unchanged"), "\(again.stdout)")
            #expect(try Kit.indexFiles(index) == before)
        }
    }

    @Test("an index built with --unit line from an empty folder keeps cutting lines")
    func emptyIndexKeepsUnit() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
            let index = folder.appendingPathComponent("idx").path
            #expect(try Kit.sift(["index", corpus.path, "--index", index, "--unit", "line"]).status == 0)
            try SiftProcess.write(["a.txt": "one alpha\ntwo beta\n"], in: corpus)
            let update = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(update.status == 0, "\(update.stderr)")
            #expect(try Kit.searchIds(["alpha"], index: index) == ["a.txt#L1"], "an update keeps the index's unit")
            #expect(try Kit.documentCount(index) == 2)
            let paragraph = try Kit.sift(["index", corpus.path, "--index", index, "--unit", "paragraph"])
            #expect(paragraph.status == 64, "another unit needs --full: \(paragraph.stdout)")
        }
    }

    @Test("--full --dry-run on an existing index does not claim there is no index")
    func fullDryRun() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Self.build(in: folder)
            let dry = try Kit.sift(["index", corpus.path, "--index", index, "--full", "--dry-run"])
            #expect(dry.status == 0)
            #expect(!dry.stdout.contains("(no index yet)"), "\(dry.stdout)")
            #expect(dry.stdout.contains("(8 documents)"), "a rebuild replaces the 8 documents: \(dry.stdout)")
        }
    }
}
