import Foundation
import Testing
@testable import SiftIngest
import SiftTestSupport

@Suite struct CorpusWalkerTests {
    private func relativePaths(_ roots: [String], _ options: IngestOptions = IngestOptions()) throws -> [String] {
        try CorpusWalker(roots: roots, options: options).candidates().map(\.relativePath)
    }

    @Test func entriesAreSortedByNameBytesDepthFirst() throws {
        try IngestScratchFolder.with { folder in
            for name in ["b.txt", "a.txt", "B.txt", "a/x.txt", "a/sub/y.md", "é.txt", "z.txt", "a0/w.txt"] {
                try folder.write(name, name)
            }
            let expected = ["B.txt", "a/sub/y.md", "a/x.txt", "a.txt", "a0/w.txt", "b.txt", "z.txt", "é.txt"]
            #expect(try relativePaths([folder.path]) == expected)
            #expect(try relativePaths([folder.path]) == expected, "a second walk gives the same order")
        }
    }

    @Test("walking sibling folders on several threads gives the same list, skips included, in the same order")
    func parallelWalkIsTheSame() throws {
        try IngestScratchFolder.with { folder in
            var names: [String] = []
            for top in ["a", "b", "c0", "c"] {
                for sub in ["x", "y", "x.y"] {
                    for file in ["1.txt", "2.md", "skip.bin", "0.html"] { names.append("\(top)/\(sub)/\(file)") }
                }
                names.append("\(top)/file.txt")
                names.append("\(top).txt")
            }
            names += ["top.txt", "deep/1/2/3/4/leaf.txt", "deep/1/2/other.md"]
            for name in names { try folder.write(name, name) }
            try FileManager.default.createSymbolicLink(atPath: folder.path + "/b/link", withDestinationPath: folder.path + "/a")
            let sequential = try CorpusWalker(roots: [folder.path], jobs: 1).walk()
            #expect(sequential.candidates.count == names.filter { !$0.hasSuffix(".bin") }.count)
            for jobs in [2, 3, 8] {
                let parallel = try CorpusWalker(roots: [folder.path], jobs: jobs).walk()
                #expect(parallel.candidates == sequential.candidates, "jobs \(jobs)")
                #expect(parallel.skipped == sequential.skipped, "jobs \(jobs)")
            }
            let two = try CorpusWalker(roots: [folder.path + "/a", folder.path + "/deep"], jobs: 4).walk()
            #expect(two.candidates == (try CorpusWalker(roots: [folder.path + "/a", folder.path + "/deep"]).walk().candidates))
        }
    }

    @Test func candidatesCarryPathKindAndSize() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("docs/a.md", "# Hello\n")
            let root = folder.path + "/"  // a trailing slash must not double up
            let candidates = try CorpusWalker(roots: [root], options: IngestOptions()).candidates()
            #expect(candidates == [CandidateFile(
                path: folder.path + "/docs/a.md", relativePath: "docs/a.md", kind: .markdown, size: 8)])
        }
    }

    @Test func hiddenFilesAndFoldersAreSkipped() throws {
        try IngestScratchFolder.with { folder in
            try folder.write(".hidden.txt", "secret")
            try folder.write(".git/notes.txt", "secret")
            try folder.write("sub/.draft.md", "secret")
            try folder.write("sub/visible.md", "shown")
            try folder.write("shown.txt", "shown")
            #expect(try relativePaths([folder.path]) == ["shown.txt", "sub/visible.md"])
        }
    }

    @Test func symbolicLinksAreNeverFollowed() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("root/real.txt", "real")
            try folder.write("outside/secret.txt", "secret")
            try folder.write("outside/more/deep.txt", "secret")
            try folder.link("root/alias.txt", to: "real.txt")                 // inside the root
            try folder.link("root/escape.txt", to: "../outside/secret.txt")   // outside the root
            try folder.link("root/linked-folder", to: folder.path + "/outside")
            try folder.link("root/loop", to: ".")
            #expect(try relativePaths([folder.path + "/root"]) == ["real.txt"])
        }
    }

    @Test func aRootMayItselfBeALink() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("real/a.txt", "a")
            try folder.link("alias", to: folder.path + "/real")
            #expect(try relativePaths([folder.path + "/alias"]) == ["a.txt"])
        }
    }

    @Test func kindsComeFromExtensionsInAnyCase() throws {
        try IngestScratchFolder.with { folder in
            for name in ["a.TXT", "b.Md", "c.HTM", "d.html", "e.JsonL", "f.pdf", "g", "h.txt.bak", "i.json", "j.markdown"] {
                try folder.write(name, "x")
            }
            let candidates = try CorpusWalker(roots: [folder.path]).candidates()
            #expect(candidates.map(\.relativePath) == ["a.TXT", "b.Md", "c.HTM", "d.html", "e.JsonL"])
            #expect(candidates.map(\.kind) == [.text, .markdown, .html, .html, .jsonl])
        }
    }

    @Test(arguments: [
        (["*.md"], ["guide.md", "notes/deep/more.md"]),
        (["notes/*"], ["notes/a.txt", "notes/deep/more.md"]),  // `*` crosses `/`
        (["a.txt"], ["notes/a.txt"]),                           // a bare name matches at any depth
        (["*.md", "top.txt"], ["guide.md", "notes/deep/more.md", "top.txt"]),
        (["*.pdf"], []),                                        // included but not a known kind
    ])
    func includePatternsKeepOnlyMatches(patterns: [String], expected: [String]) throws {
        try IngestScratchFolder.with { folder in
            for name in ["top.txt", "guide.md", "notes/a.txt", "notes/deep/more.md", "paper.pdf"] {
                try folder.write(name, "x")
            }
            #expect(try relativePaths([folder.path], IngestOptions(include: patterns)) == expected)
        }
    }

    @Test(arguments: [
        (["*.html"], ["drafts/wip.txt", "keep.txt", "notes/b.txt", "notes/c.md"]),
        (["drafts"], ["keep.txt", "notes/b.txt", "notes/c.md", "page.html"]),   // a folder, pruned
        (["notes/b.txt"], ["drafts/wip.txt", "keep.txt", "notes/c.md", "page.html"]),
        (["notes/*", "*.html"], ["drafts/wip.txt", "keep.txt"]),
    ])
    func excludePatternsRemoveMatches(patterns: [String], expected: [String]) throws {
        try IngestScratchFolder.with { folder in
            for name in ["keep.txt", "page.html", "drafts/wip.txt", "notes/b.txt", "notes/c.md"] {
                try folder.write(name, "x")
            }
            #expect(try relativePaths([folder.path], IngestOptions(exclude: patterns)) == expected)
        }
    }

    @Test func excludeWinsOverInclude() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("a.md", "x")
            try folder.write("b.md", "x")
            let options = IngestOptions(include: ["*.md"], exclude: ["b.*"])
            #expect(try relativePaths([folder.path], options) == ["a.md"])
        }
    }

    @Test func missingRootThrows() throws {
        try IngestScratchFolder.with { folder in
            let missing = folder.path + "/nope"
            #expect(throws: IngestError.missingDirectory(missing)) {
                try CorpusWalker(roots: [missing]).candidates()
            }
            #expect(IngestError.missingDirectory("nope").description == "no such directory: nope")
        }
    }

    @Test func aFileAsRootThrows() throws {
        try IngestScratchFolder.with { folder in
            let file = try folder.write("a.txt", "x")
            try folder.write("ok/b.txt", "x")
            // Every root is checked before any is walked.
            #expect(throws: IngestError.notADirectory(file)) {
                try CorpusWalker(roots: [folder.path + "/ok", file]).candidates()
            }
        }
    }

    @Test func severalRootsPrefixIdsWithTheirNames() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("x/news/a.txt", "a")
            try folder.write("y/blog/a.txt", "a")
            try folder.write("y/blog/feed.jsonl", "{}")
            let roots = [folder.path + "/x/news", folder.path + "/y/blog/"]
            let candidates = try CorpusWalker(roots: roots).candidates()
            #expect(candidates.map(\.relativePath) == ["news/a.txt", "blog/a.txt", "blog/feed.jsonl"])
            #expect(candidates.map(\.idPrefix) == ["news/", "blog/", "blog/"])
            #expect(candidates.map(\.path) == [
                folder.path + "/x/news/a.txt", folder.path + "/y/blog/a.txt", folder.path + "/y/blog/feed.jsonl",
            ])
            // One root: no prefix.
            #expect(try relativePaths([roots[0]]) == ["a.txt"])
        }
    }

    @Test func rootLabelsResolveDotPaths() throws {
        #expect(CorpusWalker.label(ofRoot: "docs") == "docs")
        #expect(CorpusWalker.label(ofRoot: "a/b/docs//") == "docs")
        let cwdName = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).lastPathComponent
        #expect(CorpusWalker.label(ofRoot: ".") == cwdName)
    }

    @Test("names that are not UTF-8 are listed with the bad bytes escaped as \\xHH, and read by their real bytes")
    func namesThatAreNotUTF8AreIndexedEscaped() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("good.txt", "x")
            // Made with open(2): Foundation cannot spell a name that is not UTF-8.
            var path = Array((folder.path + "/bad").utf8) + [0xFF] + Array("é".utf8) + [0xC3] + Array(".txt".utf8) + [0]
            let descriptor = path.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
            }
            try #require(descriptor >= 0)
            _ = "latin words".withCString { write(descriptor, $0, 11) }
            close(descriptor)
            let result = try CorpusWalker(roots: [folder.path]).walk()
            #expect(result.candidates.map(\.relativePath) == ["bad\\xFFé\\xC3.txt", "good.txt"])
            #expect(result.skipped.isEmpty)
            let extracted = DocumentExtractor().extract(result.candidates[0])
            #expect(extracted.documents.map(\.id) == ["bad\\xFFé\\xC3.txt"] && extracted.skipped.isEmpty, "\(extracted.skipped)")
            #expect(extracted.documents.first?.text == Array("latin words".utf8))
            #expect(DocumentExtractor().fingerprint(result.candidates[0]) == FileFingerprint(of: Array("latin words".utf8)))
        }
    }

    @Test("--follow-symlinks walks links to files and folders under the link's name, and skips a link back up (a loop)")
    func followedLinks() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("root/real.txt", "real")
            try folder.write("outside/secret.txt", "secret")
            try folder.write("outside/more/deep.txt", "deep")
            try folder.link("root/escape.txt", to: "../outside/secret.txt")
            try folder.link("root/linked-folder", to: folder.path + "/outside")
            try folder.link("root/loop", to: ".")
            try folder.link("outside/more/up", to: "..")
            try folder.link("root/broken.txt", to: "nowhere.txt")
            let options = IngestOptions(followSymbolicLinks: true)
            let result = try CorpusWalker(roots: [folder.path + "/root"], options: options).walk()
            #expect(result.candidates.map(\.relativePath) == ["escape.txt", "linked-folder/more/deep.txt", "real.txt"])
            let reasons = result.skipped.map { "\($0.path.split(separator: "/").suffix(2).joined(separator: "/")): \($0.reason)" }
            #expect(result.skipped.contains { $0.path.hasSuffix("root/loop") && $0.reason == .symbolicLinkLoop }, "\(reasons)")
            #expect(result.skipped.contains { $0.path.hasSuffix("more/up") && $0.reason == .symbolicLinkLoop }, "\(reasons)")
            #expect(result.skipped.contains { $0.path.hasSuffix("broken.txt") }, "\(reasons)")
            // linked-folder/secret.txt is escape.txt's file, reached a second time.
            #expect(result.skipped.contains { $0.path.hasSuffix("linked-folder/secret.txt") && $0.reason == .duplicate(of: folder.path + "/root/escape.txt") },
                    "\(reasons)")
            #expect(try CorpusWalker(roots: [folder.path + "/root"], options: options, jobs: 4).walk() == result, "any --jobs")
        }
    }

    @Test("a file reached twice (a hard link) is listed once, the other path reported with the one kept")
    func hardLinkListedOnce() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("a/one.txt", "text")
            try FileManager.default.createDirectory(atPath: folder.path + "/b", withIntermediateDirectories: true)
            try FileManager.default.linkItem(atPath: folder.path + "/a/one.txt", toPath: folder.path + "/b/two.txt")
            let result = try CorpusWalker(roots: [folder.path]).walk()
            #expect(result.candidates.map(\.relativePath) == ["a/one.txt"])
            #expect(result.skipped == [SkippedInput(path: folder.path + "/b/two.txt", reason: .duplicate(of: folder.path + "/a/one.txt"))])
        }
    }

    @Test("overlapping folders are refused; a skipped folder (the index) is not walked, nor walked from")
    func overlapsAndSkippedFolders() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("notes/a.txt", "a")
            try folder.write("notes/sub/b.txt", "b")
            try folder.write("notes/index/c.txt", "c")
            #expect(throws: IngestError.overlappingRoots(folder.path + "/notes", folder.path + "/notes/sub")) {
                try CorpusWalker(roots: [folder.path + "/notes", folder.path + "/notes/sub"]).walk()
            }
            #expect(throws: IngestError.overlappingRoots(folder.path + "/notes", folder.path + "/notes/sub")) {
                try CorpusWalker(roots: [folder.path + "/notes/sub", folder.path + "/notes"]).walk()
            }
            let index = folder.path + "/notes/index"
            let result = try CorpusWalker(roots: [folder.path + "/notes"], skippedFolders: [index]).walk()
            #expect(result.candidates.map(\.relativePath) == ["a.txt", "sub/b.txt"])
            #expect(result.skipped == [SkippedInput(path: index, reason: .skippedFolder(index))])
            #expect(throws: IngestError.insideSkippedFolder(index, index)) {
                try CorpusWalker(roots: [index], skippedFolders: [index]).walk()
            }
        }
    }

    @Test("patterns: an unclosed bracket, a trailing backslash or an empty pattern is invalid", arguments: [
        ("[", false), ("a[bc", false), ("x\\", false), ("", false), ("*.txt", true), ("[abc]*", true), ("[]]", true),
        ("[!a]", true), ("\\[", true), ("business", true),
    ])
    func patternValidity(pattern: String, valid: Bool) {
        #expect(IngestPathFilter.isValidPattern(pattern) == valid)
        #expect((IngestOptions(include: [pattern]).invalidPattern == nil) == valid)
    }
}
