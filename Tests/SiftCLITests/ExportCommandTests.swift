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
}
