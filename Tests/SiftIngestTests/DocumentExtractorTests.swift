import Foundation
import Testing
@testable import SiftIngest
import SiftTestSupport

@Suite struct DocumentExtractorTests {
    /// Extracts `text` as if read from a file named `name`.
    private func extract(
        _ text: String, name: String = "doc.txt", unit: DocumentUnit = .file, idPrefix: String = ""
    ) -> ExtractedFile {
        extract(bytes: Array(text.utf8), name: name, unit: unit, idPrefix: idPrefix)
    }

    private func extract(
        bytes: [UInt8], name: String = "doc.txt", unit: DocumentUnit = .file, idPrefix: String = ""
    ) -> ExtractedFile {
        let file = CandidateFile(
            path: "corpus/" + name, relativePath: idPrefix + name, kind: FileKind(fileName: name)!,
            size: bytes.count, idPrefix: idPrefix)
        return DocumentExtractor(options: IngestOptions(unit: unit)).documents(fromContents: bytes, of: file)
    }

    // MARK: Titles

    @Test func textTitleIsTheFirstNonBlankLineTrimmed() {
        let text = "\n  \t\n   Kabul falls  \nThe president fled.\n"
        let result = extract(text)
        #expect(result.skipped.isEmpty)
        #expect(result.documents == [SourceDocument(id: "doc.txt", title: "Kabul falls", text: Array(text.utf8))])
    }

    @Test(arguments: [
        ("# Getting started\nbody", "Getting started"),
        ("\n###   Spaced out   ###\nbody", "Spaced out"),
        ("#\n\nFirst words\n", "First words"),
        ("Plain first line\n# Heading", "Plain first line"),
        ("# C#\n", "C#"),
        ("***\n\n---\nText after rules\n", "Text after rules"),
        ("", ""),
    ])
    func markdownTitleDropsHeadingMarks(markdown: String, title: String) {
        let result = extract(markdown, name: "doc.md")
        #expect(result.documents.first?.title == title)
        #expect(result.documents.first?.text == Array(markdown.utf8), "the text is the file, marks included")
    }

    @Test func aLongFirstLineGivesAShortenedTitle() {
        // Byte 200 falls inside an "é", which must be dropped whole rather than cut in half.
        let line = "a" + String(repeating: "é", count: 300)
        #expect(extract(line).documents[0].title == "a" + String(repeating: "é", count: 99) + "…")
    }

    @Test func aByteOrderMarkIsNotPartOfTheTitleOrText() {
        let result = extract(bytes: [0xEF, 0xBB, 0xBF] + Array("Title\nbody".utf8))
        #expect(result.documents == [SourceDocument(id: "doc.txt", title: "Title", text: Array("Title\nbody".utf8))])
    }

    @Test func invalidUTF8IsKeptAsItIs() {
        let bytes: [UInt8] = [0x66, 0xFF, 0x6F, 0x0A, 0xC3, 0x28, 0x0A]
        let result = extract(bytes: bytes)
        #expect(result.skipped.isEmpty)
        #expect(result.documents.first?.text == bytes)
        #expect(result.documents.first?.title == "f\u{FFFD}o")
    }

    // MARK: Units

    private let paragraphs = "First para\nstill first\n\n  \t\nSecond\n\n\nThird line\nend"

    @Test func paragraphUnitsAreBlankLineSeparatedSlices() {
        let result = extract(paragraphs, unit: .paragraph)
        #expect(result.documents.map(\.id) == ["doc.txt#L1", "doc.txt#L5", "doc.txt#L8"])
        #expect(result.documents.map { String(decoding: $0.text, as: UTF8.self) } == [
            "First para\nstill first", "Second", "Third line\nend",
        ])
        #expect(result.documents.allSatisfy { $0.title == "First para" }, "every unit has the file's title")
    }

    @Test func lineUnitsAreNonBlankLines() {
        let result = extract(paragraphs + "\n", unit: .line)
        #expect(result.documents.map(\.id) == [
            "doc.txt#L1", "doc.txt#L2", "doc.txt#L5", "doc.txt#L8", "doc.txt#L9",
        ])
        #expect(result.documents.map { String(decoding: $0.text, as: UTF8.self) } == [
            "First para", "still first", "Second", "Third line", "end",
        ])
    }

    @Test func unitTextsAreExactSlicesOfTheFile() throws {
        let bytes = Array(paragraphs.utf8)
        for unit in [DocumentUnit.paragraph, .line] {
            for document in extract(bytes: bytes, unit: unit).documents {
                let line = try #require(Int(document.id.split(separator: "L").last!))
                let lineStart = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                    .prefix(line - 1).reduce(0) { $0 + $1.count + 1 }
                #expect(Array(bytes[lineStart..<lineStart + document.text.count]) == document.text)
            }
        }
    }

    @Test func carriageReturnsBeforeLineFeedsAreNotPartOfLines() {
        let text = "Title\r\n\r\nBody one\r\nBody two\r\n"
        let paragraphs = extract(text, unit: .paragraph).documents
        #expect(paragraphs.map(\.id) == ["doc.txt#L1", "doc.txt#L3"])
        #expect(paragraphs.map(\.title) == ["Title", "Title"])
        #expect(paragraphs.map(\.text) == [Array("Title".utf8), Array("Body one\r\nBody two".utf8)])
        let lines = extract(text, unit: .line).documents
        #expect(lines.map(\.text) == [Array("Title".utf8), Array("Body one".utf8), Array("Body two".utf8)])
        #expect(extract(text).documents.first?.text == Array(text.utf8), "a whole file stays as written")
    }

    @Test func anEmptyFileIsOneEmptyDocumentOrNoUnits() {
        #expect(extract("").documents == [SourceDocument(id: "doc.txt", title: "", text: [])])
        #expect(extract("\n \n", unit: .paragraph).documents.isEmpty)
        #expect(extract("\n \n", unit: .line).documents.isEmpty)
    }

    @Test func idsCarryTheRootPrefix() {
        let result = extract("a\n\nb", unit: .paragraph, idPrefix: "news/")
        #expect(result.documents.map(\.id) == ["news/doc.txt#L1", "news/doc.txt#L3"])
    }

    // MARK: HTML and JSON Lines through the extractor

    @Test func htmlUnitsNumberTheExtractedLines() {
        let html = """
            <html><head><title>The Page</title><style>p { color: red }</style></head>
            <body><h1>Heading</h1><p>First paragraph,
            with a wrapped line.</p><p>Second<br>with a break.</p></body></html>
            """
        let whole = extract(html, name: "page.html").documents
        #expect(whole.map(\.title) == ["The Page"])
        #expect(String(decoding: whole[0].text, as: UTF8.self)
            == "Heading\n\nFirst paragraph, with a wrapped line.\n\nSecond\nwith a break.")
        let units = extract(html, name: "page.html", unit: .paragraph).documents
        #expect(units.map(\.id) == ["page.html#L1", "page.html#L3", "page.html#L5"])
        #expect(units.map(\.title) == ["The Page", "The Page", "The Page"])
        #expect(units.last?.text == Array("Second\nwith a break.".utf8))
    }

    @Test func htmlWithoutTitleUsesItsFirstLine() {
        let result = extract("<p>  Opening words </p><p>More</p>", name: "page.htm")
        #expect(result.documents.first?.title == "Opening words")
    }

    @Test func jsonLinesIgnoreTheUnitAndTakeThePrefix() {
        let jsonl = "{\"id\": 7, \"text\": \"one\\n\\ntwo\"}\n"
        let result = extract(jsonl, name: "feed.jsonl", unit: .line, idPrefix: "blog/")
        #expect(result.documents == [SourceDocument(id: "blog/7", title: "", text: Array("one\n\ntwo".utf8))])
    }

    // MARK: Skips

    @Test func aNulByteInTheFirst8KiBMeansBinary() {
        var bytes = Array("text".utf8) + [0] + Array("more".utf8)
        #expect(extract(bytes: bytes).skipped == [SkippedInput(path: "corpus/doc.txt", reason: .binary)])
        #expect(extract(bytes: bytes).documents.isEmpty)
        bytes = [UInt8](repeating: UInt8(ascii: "a"), count: DocumentExtractor.binaryProbeLength) + [0]
        #expect(extract(bytes: bytes).skipped.isEmpty, "a NUL after the first 8 KiB is not looked for")
    }

    @Test func filesOverTheLimitAreTooLarge() throws {
        try IngestScratchFolder.with { folder in
            try folder.write("big.txt", String(repeating: "x", count: 100))
            try folder.write("small.txt", "tiny")
            let options = IngestOptions(maxFileSize: 50)
            let candidates = try CorpusWalker(roots: [folder.path], options: options).candidates()
            #expect(candidates.map(\.relativePath) == ["big.txt", "small.txt"], "the walk does not filter by size")
            let extractor = DocumentExtractor(options: options)
            let big = extractor.extract(candidates[0])
            #expect(big.documents.isEmpty)
            #expect(big.skipped == [SkippedInput(path: folder.path + "/big.txt", reason: .tooLarge(size: 100, limit: 50))])
            // A file that grew after the walk is caught while reading.
            var stale = candidates[0]
            stale.size = 10
            #expect(extractor.extract(stale).skipped.first?.reason == .tooLarge(size: 100, limit: 50))
            #expect(extractor.extract(candidates[1]).documents.map(\.title) == ["tiny"])
        }
    }

    @Test func unreadableFilesAreSkippedWithTheSystemReason() throws {
        try IngestScratchFolder.with { folder in
            // A folder named like a text file: open succeeds, read fails with EISDIR (even as root).
            let folderPath = try folder.makeFolder("x.txt")
            let asFolder = CandidateFile(path: folderPath, relativePath: "x.txt", kind: .text, size: 0)
            let result = DocumentExtractor().extract(asFolder)
            #expect(result.documents.isEmpty)
            #expect(result.skipped == [SkippedInput(path: folderPath, reason: .unreadable(String(cString: strerror(EISDIR))))])

            // A file that vanished between the walk and the read.
            let path = try folder.write("gone.txt", "soon gone")
            let candidate = try #require(try CorpusWalker(roots: [folder.path]).candidates().first)
            try FileManager.default.removeItem(atPath: path)
            #expect(DocumentExtractor().extract(candidate).skipped
                == [SkippedInput(path: path, reason: .unreadable(String(cString: strerror(ENOENT))))])
        }
    }

    @Test func readingFromDiskMatchesReadingFromMemory() throws {
        try IngestScratchFolder.with { folder in
            let text = "Heading\r\n\r\nBody \u{E9}\n"
            try folder.write("sub/a.txt", text)
            let options = IngestOptions(unit: .paragraph)
            let candidate = try #require(try CorpusWalker(roots: [folder.path], options: options).candidates().first)
            let fromDisk = DocumentExtractor(options: options).extract(candidate)
            let fromMemory = DocumentExtractor(options: options).documents(fromContents: Array(text.utf8), of: candidate)
            #expect(fromDisk.documents == fromMemory.documents)
            #expect(fromDisk.documents.map(\.id) == ["sub/a.txt#L1", "sub/a.txt#L3"])
        }
    }

    @Test func skipReasonsReadWell() {
        #expect(SkipReason.tooLarge(size: 10, limit: 5).description == "too large (10 bytes, limit 5)")
        #expect(SkipReason.binary.description == "binary (a NUL byte in the first 8 KiB)")
        #expect(SkippedInput(path: "d/a.txt", reason: .unreadable("Permission denied")).description
            == "d/a.txt: unreadable: Permission denied")
        #expect(SkipReason.badJSONLine(line: 3, reason: "no \"id\"").description == "line 3: no \"id\"")
    }
}
