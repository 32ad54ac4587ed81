import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `sift index` never empties an index by mistake: a folder mixed up with the index, a bad or
/// unmatched glob, another folder, or a rebuild from the wrong place is refused (64) with what
/// it would delete, unless `--allow-deletes`; walk settings and id forms are kept by updates.
@Suite struct IndexSafetyCommandTests {
    typealias Kit = IndexCLITestKit
    typealias Inc = IncrementalKit

    static let files = ["a.txt": "Alpha\n\nriver", "b.txt": "Beta\n\nocean", "sub/c.txt": "Gamma\n\ncanyon", "sub/d.md": "# Delta\n\nmeadow"]

    @Test("folder and index mixed up, an invalid glob, a glob that matches nothing: refused (64), nothing written")
    func mixups() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Kit.makeIndex(Self.files, in: folder)
            let before = try Inc.folderSnapshot(index)
            let mixedUp = try Kit.sift(["index", index, "--index", index])
            #expect(mixedUp.status == 64 && mixedUp.stderr.contains("index folder"), "\(mixedUp.stdout) \(mixedUp.stderr)")
            let invalid = try Kit.sift(["index", corpus, "--index", index, "--include", "["])
            #expect(invalid.status == 64 && invalid.stderr.contains("'[' is not a valid glob pattern"), "\(invalid.stderr)")
            let nothing = try Kit.sift(["index", corpus, "--index", index, "--include", "business"])
            #expect(nothing.status == 64, "\(nothing.stdout) \(nothing.stderr)")
            #expect(nothing.stderr.contains("every one of the 4 documents") && nothing.stderr.contains("'a.txt'")
                    && nothing.stderr.contains("--allow-deletes"), "\(nothing.stderr)")
            #expect(nothing.stdout.isEmpty)
            // A dry run shows the same plan, and says it would be refused.
            let dry = try Kit.sift(["index", corpus, "--index", index, "--include", "business", "--dry-run"])
            #expect(dry.status == 64 && dry.stderr.contains("--allow-deletes"), "\(dry.stderr)")
            #expect(dry.stdout.contains("delete  a.txt\n") && dry.stdout.contains("delete  sub/d.md\n")
                    && dry.stdout.contains("4 to delete (4 documents)"), "\(dry.stdout)")
            #expect(try Inc.folderSnapshot(index) == before, "nothing written")
            #expect(try Kit.documentCount(index) == 4)
            // Asked for, it is done.
            let allowed = try Kit.sift(["index", corpus, "--index", index, "--include", "business", "--allow-deletes"])
            #expect(allowed.status == 0 && allowed.stdout.contains("0 files added, 0 changed, 4 removed"), "\(allowed.stdout) \(allowed.stderr)")
            #expect(try Kit.documentCount(index) == 0)
        }
    }

    @Test("more than half of the documents deleted is refused; half is not; --full from the wrong folder is refused too")
    func deletionThreshold() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Kit.makeIndex(Self.files, in: folder)
            let corpusURL = URL(fileURLWithPath: corpus)
            try FileManager.default.removeItem(at: corpusURL.appendingPathComponent("a.txt"))
            try FileManager.default.removeItem(at: corpusURL.appendingPathComponent("b.txt"))
            let half = try Kit.sift(["index", corpus, "--index", index])
            #expect(half.status == 0 && half.stdout.contains("2 removed"), "half is allowed: \(half.stdout) \(half.stderr)")
            try FileManager.default.removeItem(at: corpusURL.appendingPathComponent("sub/c.txt"))
            try FileManager.default.removeItem(at: corpusURL.appendingPathComponent("sub/d.md"))
            let more = try Kit.sift(["index", corpus, "--index", index])
            #expect(more.status == 64 && more.stderr.contains("every one of the 2 documents"), "\(more.stderr)")
            // A rebuild from another folder would delete them too.
            let other = folder.appendingPathComponent("other")
            try SiftProcess.write(["z.txt": "zeta"], in: other)
            let full = try Kit.sift(["index", other.path, "--index", index, "--full"])
            #expect(full.status == 64 && full.stderr.contains("--allow-deletes"), "\(full.stdout) \(full.stderr)")
            #expect(try Kit.documentCount(index) == 2)
            let forced = try Kit.sift(["index", other.path, "--index", index, "--full", "--allow-deletes"])
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(try Kit.searchIds(["zeta"], index: index) == ["z.txt"])
        }
    }

    @Test("an index inside the folder indexed is not walked: a warning, none of its files indexed")
    func indexInsideCorpus() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try SiftProcess.write(Self.files, in: corpus)
            let index = corpus.appendingPathComponent("ix").path
            let first = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(first.status == 0 && first.stdout.hasPrefix("Indexed 4 documents from 4 files"), "\(first.stdout) \(first.stderr)")
            // Something indexable inside the index folder is still never read.
            try SiftProcess.write(["ix/notes.txt": "inside the index"], in: corpus)
            let again = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(again.status == 0 && again.stdout.contains("is up to date: 4 files unchanged"), "\(again.stdout)")
            #expect(again.stderr.contains("index folder"), "\(again.stderr)")
            #expect(try Kit.searchIds(["inside"], index: index).isEmpty)
        }
    }

    @Test("ids keep their form: an index of two folders updated from one keeps the folder names; the other way is refused")
    func stableIDs() throws {
        try Kit.withFolder { folder in
            let notes = folder.appendingPathComponent("notes")
            let second = folder.appendingPathComponent("d2")
            try SiftProcess.write(["001.txt": "one river", "002.txt": "two river", "003.txt": "three river"], in: notes)
            try SiftProcess.write(["x.txt": "ex ocean"], in: second)
            let index = folder.appendingPathComponent("index").path
            #expect(try Kit.sift(["index", notes.path, second.path, "--index", index]).status == 0)
            #expect(try Kit.searchIds(["three"], index: index) == ["notes/003.txt"])
            // One of the two folders: only the other's files go, every id stays.
            let dry = try Kit.sift(["index", notes.path, "--index", index, "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            #expect(dry.stdout.hasPrefix("delete  d2/x.txt\nDry run on \(index): 0 files to add, 0 to update (0 documents to replace), 1 to delete (1 document), 3 unchanged"),
                    "dry-run lines name files by id: \(dry.stdout)")
            let update = try Kit.sift(["index", notes.path, "--index", index])
            #expect(update.status == 0 && update.stdout.contains("0 files added, 0 changed, 1 removed, 3 unchanged"), "\(update.stdout)")
            #expect(try Kit.searchIds(["three"], index: index) == ["notes/003.txt"])
            // An index of one folder has ids without its name: two folders would change them.
            let single = folder.appendingPathComponent("single").path
            #expect(try Kit.sift(["index", notes.path, "--index", single]).status == 0)
            let two = try Kit.sift(["index", notes.path, second.path, "--index", single])
            #expect(two.status == 64 && two.stderr.contains("--full"), "\(two.stdout) \(two.stderr)")
            #expect(try Kit.searchIds(["three"], index: single) == ["003.txt"])
        }
    }

    @Test("overlapping folders are refused; JSONL ids given twice are indexed once, the kept one named")
    func duplicates() throws {
        try Kit.withFolder { folder in
            let notes = folder.appendingPathComponent("notes")
            try SiftProcess.write(["a.txt": "alpha", "sub/b.txt": "beta"], in: notes)
            let index = folder.appendingPathComponent("index").path
            let overlap = try Kit.sift(["index", notes.path, notes.appendingPathComponent("sub").path, "--index", index])
            #expect(overlap.status == 64 && overlap.stderr.contains("is inside"), "\(overlap.stdout) \(overlap.stderr)")
            #expect(!FileManager.default.fileExists(atPath: index + "/manifest"))

            let jsonl = folder.appendingPathComponent("jsonl")
            try SiftProcess.write(["one.jsonl": #"{"id": "d1", "text": "first river"}"# + "\n" + #"{"id": "d1", "text": "second river"}"# + "\n",
                                   "two.jsonl": #"{"id": "d1", "text": "third river"}"# + "\n"], in: jsonl)
            let result = try Kit.sift(["index", jsonl.path, "--index", index])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try Kit.searchIds(["river"], index: index) == ["d1"])
            #expect(try Kit.searchIds(["first"], index: index) == ["d1"], "the first is kept")
            let warnings = result.stderr.split(separator: "\n").filter { $0.contains("id 'd1'") && $0.contains("one.jsonl") }
            #expect(warnings.count == 2, "each repeat is named, with the file kept: \(result.stderr)")
            #expect(result.stdout.contains("2 repeated ids"), "\(result.stdout)")
        }
    }

    @Test("--follow-symlinks indexes linked files and folders, skips loops with a warning, and is kept by updates")
    func followSymlinks() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            let outside = folder.appendingPathComponent("outside")
            try SiftProcess.write(["a.txt": "alpha river"], in: corpus)
            try SiftProcess.write(["b.txt": "beta ocean", "deep/c.txt": "gamma canyon"], in: outside)
            try FileManager.default.createSymbolicLink(atPath: corpus.path + "/linked", withDestinationPath: outside.path)
            try FileManager.default.createSymbolicLink(atPath: corpus.path + "/loop", withDestinationPath: corpus.path)
            let index = folder.appendingPathComponent("index").path
            let plain = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(plain.stdout.hasPrefix("Indexed 1 document from 1 file"), "links are skipped by default: \(plain.stdout)")
            let followed = try Kit.sift(["index", corpus.path, "--index", index, "--follow-symlinks"])
            #expect(followed.status == 0, "\(followed.stderr)")
            #expect(followed.stderr.contains("loop"), "\(followed.stderr)")
            #expect(Set(try Kit.searchIds(["ocean", "canyon"], index: index)) == ["linked/b.txt", "linked/deep/c.txt"])
            let again = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(again.stdout.contains("is up to date: 3 files unchanged"), "the stored setting is kept: \(again.stdout)")
        }
    }

    @Test("a file whose name is not UTF-8 is indexed, its id spelling the bad byte as \\xHH")
    func nameNotUTF8() throws {
        try Kit.withFolder { folder in
            let corpus = folder.appendingPathComponent("corpus")
            try SiftProcess.write(["good.txt": "good words"], in: corpus)
            var path = Array((corpus.path + "/caf").utf8) + [0xE9] + Array(".txt".utf8) + [0]
            let descriptor = path.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
            }
            try #require(descriptor >= 0)
            _ = "latin words".withCString { write(descriptor, $0, 11) }
            close(descriptor)
            let index = folder.appendingPathComponent("index").path
            let result = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(result.status == 0 && result.stdout.hasPrefix("Indexed 2 documents from 2 files"), "\(result.stdout) \(result.stderr)")
            #expect(try Kit.searchIds(["latin"], index: index) == ["caf\\xE9.txt"])
            let again = try Kit.sift(["index", corpus.path, "--index", index])
            #expect(again.stdout.contains("is up to date: 2 files unchanged"), "\(again.stdout)")
        }
    }

    @Test("summaries count each document once and say what happened to each file, in singular and plural")
    func summaries() throws {
        try Kit.withFolder { folder in
            let (corpus, index) = try Kit.makeIndex(["a.txt": "Alpha\n\nriver", "b.txt": "Beta\n\nocean"], in: folder)
            try SiftProcess.write(["a.txt": "Alpha\n\nriver edited"], in: URL(fileURLWithPath: corpus))
            let dry = try Kit.sift(["index", corpus, "--index", index, "--dry-run"])
            #expect(dry.stdout.contains("0 files to add, 1 to update (1 document to replace), 0 to delete (0 documents), 1 unchanged"), "\(dry.stdout)")
            let edit = try Kit.sift(["index", corpus, "--index", index])
            #expect(edit.stdout.contains("Updated \(index): 0 files added, 1 changed, 0 removed, 1 unchanged"), "\(edit.stdout)")
            #expect(edit.stdout.contains("documents: 0 added, 1 updated, 0 deleted, 1 unchanged"), "\(edit.stdout)")
            #expect(edit.stdout.contains("index:     2 documents in"), "\(edit.stdout)")

            let lines = folder.appendingPathComponent("lines")
            try SiftProcess.write(["p.txt": (1...6).map { "line \($0) river" }.joined(separator: "\n")], in: lines)
            let lineIndex = folder.appendingPathComponent("line-index").path
            let built = try Kit.sift(["index", lines.path, "--index", lineIndex, "--unit", "line"])
            #expect(built.stdout.hasPrefix("Indexed 6 documents from 1 file into"), "\(built.stdout)")
            try SiftProcess.write(["p.txt": (1...6).map { "line \($0) ocean" }.joined(separator: "\n")], in: lines)
            let lineEdit = try Kit.sift(["index", lines.path, "--index", lineIndex])
            #expect(lineEdit.stdout.contains("documents: 0 added, 6 updated, 0 deleted, 0 unchanged"), "\(lineEdit.stdout)")

            let one = folder.appendingPathComponent("one")
            try SiftProcess.write(["only.txt": "single"], in: one)
            let oneIndex = folder.appendingPathComponent("one-index").path
            let single = try Kit.sift(["index", one.path, "--index", oneIndex])
            #expect(single.stdout.hasPrefix("Indexed 1 document from 1 file into"), "\(single.stdout)")
            let optimize = try Kit.sift(["optimize", "--index", oneIndex])
            #expect(optimize.stdout.hasPrefix("Optimized \(oneIndex): 1 segment with 0 deleted documents -> 1 segment of 1 document"), "\(optimize.stdout)")
            let empty = folder.appendingPathComponent("empty")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
            let none = try Kit.sift(["index", empty.path, "--index", folder.appendingPathComponent("empty-index").path])
            #expect(none.stdout.hasPrefix("Indexed 0 documents from 0 files") && !none.stdout.contains("documents/s"),
                    "no rate of nothing: \(none.stdout)")
        }
    }
}
