import Testing
@testable import SiftIngest
import SiftTestSupport

@Suite struct MarkdownFrontMatterTests {
    /// Extracts `text` as if read from a Markdown file named `name`.
    private func extract(_ text: String, name: String = "post.md", unit: DocumentUnit = .file) -> ExtractedFile {
        extract(bytes: Array(text.utf8), name: name, unit: unit)
    }

    private func extract(bytes: [UInt8], name: String = "post.md", unit: DocumentUnit = .file) -> ExtractedFile {
        let file = CandidateFile(path: "corpus/" + name, relativePath: name, kind: FileKind(fileName: name)!, size: bytes.count)
        return DocumentExtractor(options: IngestOptions(unit: unit)).documents(fromContents: bytes, of: file)
    }

    /// The one document of a whole Markdown file.
    private func document(_ text: String) throws -> SourceDocument {
        let result = extract(text)
        #expect(result.skipped.isEmpty)
        return try #require(result.documents.first)
    }

    private func metadata(_ frontMatter: String) throws -> [String: String] {
        try document("---\n" + frontMatter + "---\nBody\n").metadata
    }

    // MARK: Values

    @Test func plainAndQuotedValues() throws {
        let frontMatter = #"""
            layout: post
            date:   2005-01-15   
            plain: hello world # a comment
            hash: C# and F#
            url: http://example.com/#anchor
            single: 'it''s "here" # not a comment'
            double: "tab\there \"q\" back\\slash\nline \u00e9 \x41 \/"  # a comment
            unknown: "a\qb"
            empty quoted: ""
            og:image: /img.png
            "quoted: key": v
            'single key': w
            draft: false

            """#
        #expect(try metadata(frontMatter) == [
            "layout": "post",
            "date": "2005-01-15",
            "plain": "hello world",
            "hash": "C# and F#",
            "url": "http://example.com/#anchor",
            "single": #"it's "here" # not a comment"#,
            "double": "tab\there \"q\" back\\slash\nline é A /",
            "unknown": #"a\qb"#,
            "empty quoted": "",
            "og:image": "/img.png",
            "quoted: key": "v",
            "single key": "w",
            "draft": "false",
        ])
    }

    @Test func emptyAndNullValuesAreLeftOut() throws {
        #expect(try metadata("nothing:\ntilde: ~\nnull: null\nNULL: NULL\nquoted: \"null\"\ncomment: # only a comment\n")
            == ["quoted": "null"])
    }

    @Test func commentsBlankLinesAndOtherLinesAreIgnored() throws {
        let frontMatter = """
            # a comment line

            category: tech
            this line has no colon
            : no key
            broken: "unclosed
            alsobroken: 'unclosed
            trailing: "text" after the quote
            open: [a,
              b]
            year: 2005

            """
        #expect(try metadata(frontMatter) == ["category": "tech", "year": "2005"])
    }

    @Test func theLastOfARepeatedKeyWins() throws {
        #expect(try metadata("k: first\nk: second\ngone: yes\ngone:\n") == ["k": "second"])
    }

    // MARK: Lists

    @Test func blockListsAreJSONArrays() throws {
        let frontMatter = """
            tags:
              - swift
              - "search, engines"
              - 'it''s'
              # a comment in the list

              - search # and a comment after an item
              -
            authors:
            - Ann
            - Bob
            empty:
            category: tech

            """
        #expect(try metadata(frontMatter) == [
            "tags": #"["swift","search, engines","it's","search"]"#,
            "authors": #"["Ann","Bob"]"#,
            "category": "tech",
        ])
    }

    @Test func flowListsAreJSONArrays() throws {
        let frontMatter = """
            tags: [a, "b, c", 'd', [e, f], null]  # a comment
            none: []
            trailing: [x, y, ]
            spaced: [ one ,two ]

            """
        #expect(try metadata(frontMatter) == [
            "tags": #"["a","b, c","d","[e, f]"]"#,
            "none": "[]",
            "trailing": #"["x","y"]"#,
            "spaced": #"["one","two"]"#,
        ])
    }

    @Test func nestedMapsAndListsOfMapsAreSkipped() throws {
        let frontMatter = """
            author:
              name: Ann
              email: ann@example.com
            links:
              - name: home
                url: /
            seo:
              title: Not the title
            category: tech
              continued: indented lines under a value are skipped

            """
        let document = try document("---\n" + frontMatter + "---\n# Heading\n")
        #expect(document.metadata == ["category": "tech"])
        #expect(document.title == "Heading", "a nested title is not the document's")
    }

    @Test func literalAndFoldedBlocks() throws {
        let frontMatter = """
            summary: >
              A folded
              paragraph.

              Second one.
            code: |-
              line one
                indented # kept

              line three
            empty: |
            after: kept

            """
        #expect(try metadata(frontMatter) == [
            "summary": "A folded paragraph.\nSecond one.",
            "code": "line one\n  indented # kept\n\nline three",
            "empty": "",
            "after": "kept",
        ])
    }

    // MARK: Title

    @Test func theTitleComesFromTheFrontMatterAndIsNotMetadata() throws {
        let document = try document("---\ntitle: \"Hello: World\"\nTitle: other case\n---\n# Heading\n")
        #expect(document.title == "Hello: World")
        #expect(document.metadata == ["Title": "other case"], "only the exact key `title` is the title")
    }

    @Test(arguments: ["title: \"\"\n", "title:\n", "title: ~\n", "title: '   '\n", ""])
    func withoutAFrontMatterTitleTheBodyGivesIt(entry: String) throws {
        let document = try document("---\n" + entry + "layout: post\n---\n\n## From the body\n")
        #expect(document.title == "From the body")
        #expect(document.metadata == ["layout": "post"])
    }

    @Test func aRuleAtTheStartOfTheBodyIsNeitherFrontMatterNorTitle() throws {
        let document = try document("---\nlayout: post\n---\n---\nlayout: not metadata\n---\n# Real\n")
        #expect(document.metadata == ["layout": "post"])
        #expect(document.text == Array("---\nlayout: not metadata\n---\n# Real\n".utf8))
        #expect(document.title == "layout: not metadata")
    }

    // MARK: Fences and body

    @Test func theBodyExcludesTheFrontMatter() throws {
        let document = try document("---\ntitle: Heading words\nsecret: zebra\ntags: [quagga]\n---\nThe body text.\n")
        #expect(document.text == Array("The body text.\n".utf8))
        let text = String(decoding: document.text, as: UTF8.self)
        #expect(!text.contains("zebra") && !text.contains("quagga") && !text.contains("Heading"))
        #expect(document.metadata == ["secret": "zebra", "tags": #"["quagga"]"#])
    }

    @Test func withoutAClosingLineThereIsNoFrontMatter() throws {
        let text = "---\ntitle: Not front matter\ncategory: tech\n\nBody\n"
        let document = try document(text)
        #expect(document.metadata.isEmpty)
        #expect(document.text == Array(text.utf8), "the whole file is text")
        #expect(document.title == "title: Not front matter", "the opening rule is not a title")
    }

    @Test(arguments: [" ---\na: b\n---\nBody", "--- \na: b\n---\nBody", "----\na: b\n----\nBody", "\n---\na: b\n---\nBody"])
    func onlyAnExactFirstLineOpensFrontMatter(text: String) throws {
        let document = try document(text)
        #expect(document.metadata.isEmpty)
        #expect(document.text == Array(text.utf8))
    }

    @Test func aClosingLineMustBeExact() throws {
        let document = try document("---\na: b\n --- \n---- \nc: d\n---\nBody")
        #expect(document.metadata == ["a": "b", "c": "d"])
        #expect(document.text == Array("Body".utf8))
    }

    @Test func threeDotsCloseToo() throws {
        let document = try document("---\ncategory: tech\n...\nBody\n")
        #expect(document.metadata == ["category": "tech"])
        #expect(document.text == Array("Body\n".utf8))
    }

    @Test func aByteOrderMarkMayComeFirst() throws {
        let result = extract(bytes: IngestBytes.byteOrderMark + Array("---\ncategory: tech\n---\n# Title\n".utf8))
        #expect(result.documents == [
            SourceDocument(id: "post.md", title: "Title", text: Array("# Title\n".utf8), metadata: ["category": "tech"]),
        ])
    }

    @Test func windowsLineEndings() throws {
        let text = "---\r\ntitle: T\r\ntags:\r\n  - a\r\n  - b\r\nnote: \"x\"\r\n---\r\n\r\nBody line\r\n"
        let document = try document(text)
        #expect(document.title == "T")
        #expect(document.metadata == ["tags": #"["a","b"]"#, "note": "x"])
        #expect(document.text == Array("\r\nBody line\r\n".utf8))
        #expect(extract(text, unit: .line).documents.map(\.id) == ["post.md#L9"])
    }

    @Test func anEmptyFrontMatterOrBody() throws {
        let empty = try document("---\n---\nBody")
        #expect(empty.metadata.isEmpty)
        #expect(empty.text == Array("Body".utf8))
        let noBody = try document("---\ncategory: tech\n---")
        #expect(noBody.metadata == ["category": "tech"])
        #expect(noBody.text.isEmpty)
        #expect(noBody.title == "")
    }

    @Test func theBodyStartsAfterTheClosingLine() throws {
        let bytes = Array("---\na: b\n\n---\r\nbody\n".utf8)
        let frontMatter = try #require(MarkdownFrontMatter.parse(bytes))
        #expect(frontMatter.bodyStart == 15)
        #expect(Array(bytes[frontMatter.bodyStart...]) == Array("body\n".utf8))
        #expect(frontMatter.bodyFirstLine == 5)
        #expect(MarkdownFrontMatter.parse(Array("---".utf8)) == nil)
        #expect(MarkdownFrontMatter.parse(Array("---\n---".utf8))
            == MarkdownFrontMatter(title: nil, metadata: [:], bodyStart: 7, bodyFirstLine: 3))
    }

    // MARK: Limits

    @Test func keysAndValuesOutOfBoundsArePassedOver() throws {
        let longKey = String(repeating: "k", count: SourceDocument.maximumMetadataKeyBytes + 1)
        let maxKey = String(repeating: "m", count: SourceDocument.maximumMetadataKeyBytes)
        let longValue = String(repeating: "v", count: SourceDocument.maximumMetadataValueBytes + 1)
        let maxValue = String(repeating: "w", count: SourceDocument.maximumMetadataValueBytes)
        let frontMatter = "\(longKey): x\n\(maxKey): y\nbig: \(longValue)\nfull: \(maxValue)\n\"\": empty key\nok: 1\n"
        #expect(try metadata(frontMatter) == [maxKey: "y", "full": maxValue, "ok": "1"])
    }

    // MARK: Passages

    private let passages = """
        ---
        title: The Doc
        tags: [a, b]
        ---

        First para
        still first

        Second

        """

    @Test func passagesCarryTheMetadataAndTheFileLineNumbers() throws {
        let paragraphs = extract(passages, unit: .paragraph).documents
        #expect(paragraphs.map(\.id) == ["post.md#L6", "post.md#L9"])
        #expect(paragraphs.map { String(decoding: $0.text, as: UTF8.self) } == ["First para\nstill first", "Second"])
        let lines = extract(passages, unit: .line).documents
        #expect(lines.map(\.id) == ["post.md#L6", "post.md#L7", "post.md#L9"])
        for document in paragraphs + lines {
            #expect(document.metadata == ["tags": #"["a","b"]"#])
            #expect(document.title == "The Doc")
        }
    }

    @Test func passageLineNumbersPointAtTheirLinesInTheFile() throws {
        let fileLines = passages.split(separator: "\n", omittingEmptySubsequences: false)
        for unit in [DocumentUnit.paragraph, .line] {
            for document in extract(passages, unit: unit).documents {
                let number = try #require(Int(document.id.split(separator: "L").last!))
                let text = String(decoding: document.text, as: UTF8.self)
                #expect(text.hasPrefix(String(fileLines[number - 1])), "\(document.id) starts at its line")
            }
        }
    }

    // MARK: Other kinds

    @Test func onlyMarkdownHasFrontMatter() throws {
        let text = "---\ncategory: tech\n---\nBody\n"
        for name in ["notes.txt", "page.html"] {
            let document = try #require(extract(text, name: name).documents.first)
            #expect(document.metadata.isEmpty, "\(name)")
        }
        #expect(try #require(extract(text, name: "notes.txt").documents.first).text == Array(text.utf8))
        #expect(extract("Title\n\nBody", name: "plain.md", unit: .paragraph).documents.allSatisfy { $0.metadata.isEmpty })
    }
}

/// `MetadataList`: the JSON array form of a list value, written and read back.
@Suite struct MetadataListTests {
    @Test func encodeThenItemsGivesTheItemsBack() {
        for items in [[], ["a"], ["energy", "markets"], ["quote \" and \\ back", "line\nbreak\ttab", "\u{1}", "日本", "a, b"]] {
            let encoded = MetadataList.encode(items)
            #expect(MetadataList.items(of: encoded) == items, "\(encoded)")
        }
        #expect(MetadataList.encode(["a", "b"]) == #"["a","b"]"#)
    }

    @Test func readsJSONArraysOfScalarsAsWrittenInJSONLines() {
        #expect(MetadataList.items(of: #"[ "a" , 2005, -1.5e3, true, null, "\u00e9\ud83d\ude00" ]"#) == ["a", "2005", "-1.5e3", "true", "é😀"])
        #expect(MetadataList.items(of: "[]") == [])
    }

    @Test("text and arrays of arrays or objects are one value, not a list", arguments: [
        "tech", "[draft]", "[1,[2]]", #"[{"a":1}]"#, #"["a""#, #"["a",]"#, "[,]", #"["a" "b"]"#, "[nan]", #"["\q"]"#,
    ])
    func notLists(value: String) {
        #expect(MetadataList.items(of: value) == nil)
    }
}
