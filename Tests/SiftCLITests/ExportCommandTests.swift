import Foundation
import Testing
import SiftTestSupport

@Suite struct ExportCommandTests {
    @Test("sift export --format ciff writes a CIFF file and says what it wrote; bad arguments are usage errors")
    func export() throws {
        try IndexTestFolder.with { folder in
            let docs = folder.sub("docs")
            try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
            try Data("Ghani fled to Tajikistan".utf8).write(to: URL(fileURLWithPath: docs + "/a.txt"))
            try Data("The Taliban entered Kabul".utf8).write(to: URL(fileURLWithPath: docs + "/b.txt"))
            #expect(try SiftProcess.run(["index", docs, "--index", folder.sub("ix")]).status == 0)
            let run = try SiftProcess.run(["export", "--format", "ciff", "--index", folder.sub("ix"), folder.sub("out.ciff")])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.hasPrefix("Exported 2 documents, "))
            #expect(FileManager.default.fileExists(atPath: folder.sub("out.ciff")))
            #expect(try SiftProcess.run(["export", "--index", folder.sub("ix"), folder.sub("x.ciff")]).status == 64)
            #expect(try SiftProcess.run(["export", "--format", "json", "--index", folder.sub("ix"), folder.sub("x.ciff")]).status == 64)
            #expect(try SiftProcess.run(["export", "--format", "ciff", "--index", folder.sub("ix")]).status == 64)
            let missing = try SiftProcess.run(["export", "--format", "ciff", "--index", folder.sub("none"), folder.sub("x.ciff")])
            #expect(missing.status == 66)
            #expect(!FileManager.default.fileExists(atPath: folder.sub("x.ciff")))
            let unwritable = try SiftProcess.run(["export", "--format", "ciff", "--index", folder.sub("ix"), folder.sub("no/such/dir/x.ciff")])
            #expect(unwritable.status == 74)
        }
    }

    @Test("sift import --format ciff builds an index that answers like the exported one; phrases, snippets and updates say what it lacks; bad files exit 65 and write nothing")
    func importRoundTrip() throws {
        try IndexTestFolder.with { folder in
            let docs = folder.sub("docs")
            try FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
            try Data("Ghani fled to Tajikistan as the government fell".utf8).write(to: URL(fileURLWithPath: docs + "/a.txt"))
            try Data("The Taliban entered Kabul; Ghani had fled".utf8).write(to: URL(fileURLWithPath: docs + "/b.txt"))
            try Data("Markets in Tajikistan were calm".utf8).write(to: URL(fileURLWithPath: docs + "/c.txt"))
            #expect(try SiftProcess.run(["index", docs, "--index", folder.sub("ix"), "--stemmer", "porter2"]).status == 0)
            #expect(try SiftProcess.run(["export", "--format", "ciff", "--index", folder.sub("ix"), folder.sub("out.ciff")]).status == 0)

            let imported = try SiftProcess.run(["import", "--format", "ciff", folder.sub("out.ciff"), "--index", folder.sub("copy"),
                                                "--stemmer", "porter2", "--stopwords", "english"])
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stdout.hasPrefix("Imported 3 documents, "))
            #expect(imported.stdout.contains("stemmer porter2"))
            for query in ["ghani tajikistan", "+ghani +fled", "tajik*", "kabul -ghani"] {
                let original = try SiftProcess.run(["search", query, "--index", folder.sub("ix"), "--format", "trec"])
                let copy = try SiftProcess.run(["search", query, "--index", folder.sub("copy"), "--format", "trec"])
                #expect(copy.status == 0 && copy.stdout == original.stdout, "\(query): \(copy.stdout) \(copy.stderr)")
            }
            let phrase = try SiftProcess.run(["search", "\"ghani fled\"", "--index", folder.sub("copy")])
            #expect(phrase.status == 64 && phrase.stderr.contains("has no positions"))
            let update = try SiftProcess.run(["index", docs, "--index", folder.sub("copy")])
            #expect(update.status == 64 && update.stderr.contains("imported"))
            #expect(try SiftProcess.run(["check", "--deep", "--index", folder.sub("copy")]).status == 0)

            // Usage: the analysis must be given; an existing index needs --replace.
            let noFlags = try SiftProcess.run(["import", "--format", "ciff", folder.sub("out.ciff"), "--index", folder.sub("other")])
            #expect(noFlags.status == 64 && noFlags.stderr.contains("--stemmer and --stopwords"))
            let existing = try SiftProcess.run(["import", "--format", "ciff", folder.sub("out.ciff"), "--index", folder.sub("copy"),
                                                "--stemmer", "porter2", "--stopwords", "english"])
            #expect(existing.status == 64 && existing.stderr.contains("--replace"))
            #expect(try SiftProcess.run(["import", "--format", "ciff", folder.sub("out.ciff"), "--index", folder.sub("copy"), "--replace",
                                         "--stemmer", "porter2", "--stopwords", "english"]).status == 0)
            let unreadable = try SiftProcess.run(["import", "--format", "ciff", folder.sub("none.ciff"), "--index", folder.sub("other"),
                                                  "--stemmer", "porter2", "--stopwords", "english"])
            #expect(unreadable.status == 66)

            // A truncated file: exit 65 naming the byte, and no index appears.
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.sub("out.ciff")))
            try bytes.dropLast(5).write(to: URL(fileURLWithPath: folder.sub("cut.ciff")))
            let cut = try SiftProcess.run(["import", "--format", "ciff", folder.sub("cut.ciff"), "--index", folder.sub("other"),
                                           "--stemmer", "porter2", "--stopwords", "english"])
            #expect(cut.status == 65 && cut.stderr.contains("at byte"), "\(cut.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.sub("other/manifest")))
        }
    }
}
