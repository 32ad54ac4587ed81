import Testing
@testable import SiftIngest
import SiftTestSupport

@Suite struct JSONLineParserTests {
    private func parse(_ line: String) -> Result<JSONLineRecord, JSONLineFailure> {
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { JSONLineParser.parse($0) }
    }

    private func record(_ line: String) throws -> JSONLineRecord {
        try parse(line).get()
    }

    private func failure(_ line: String) -> String? {
        if case .failure(let failure) = parse(line) { return failure.description }
        return nil
    }

    @Test(arguments: [
        (#"{"id": "a", "text": "from text", "contents": "no", "body": "no"}"#, "from text"),
        (#"{"id": "a", "contents": "from contents", "body": "no"}"#, "from contents"),
        (#"{"id": "a", "body": "from body"}"#, "from body"),
        (#"{"id": "a", "text": null, "body": "a null text is absent"}"#, "a null text is absent"),
    ])
    func theBodyComesFromTextContentsOrBody(line: String, body: String) throws {
        #expect(try record(line).body == Array(body.utf8))
    }

    @Test(arguments: [
        (#"{"id": 42, "text": "x"}"#, "42"),
        (#"{"id": -7.50e+3, "text": "x"}"#, "-7.50e+3"),
        (#"{"id": "doc-1", "text": "x"}"#, "doc-1"),
        (#"{"id": "caf\u00e9", "text": "x"}"#, "café"),
    ])
    func idsAreStringsOrNumbersAsWritten(line: String, id: String) throws {
        #expect(try record(line).id == id)
    }

    @Test func theTitleIsOptional() throws {
        #expect(try record(#"{"id": 1, "title": "T", "text": "x"}"#).title == "T")
        #expect(try record(#"{"id": 1, "text": "x"}"#).title == nil)
        #expect(try record(#"{"id": 1, "title": 5, "text": "x"}"#).title == nil)
    }

    @Test func escapesAreDecoded() throws {
        let line = #"{"id":"e","text":"q\" b\\ s\/ \b\f\n\r\t \u00e9 \ud83d\ude00 \ud800x \udc00"}"#
        let expected = "q\" b\\ s/ \u{8}\u{C}\n\r\t é 😀 \u{FFFD}x \u{FFFD}"
        #expect(try record(line).body == Array(expected.utf8))
    }

    @Test func otherFieldsOfAnyShapeAreSkipped() throws {
        let line = #"{"meta": {"tags": ["a", {"b": [1, 2.5, true, false, null]}], "n": -0}, "id": 3, "text": "kept", "extra": []}"#
        #expect(try record(line) == JSONLineRecord(id: "3", title: nil, body: Array("kept".utf8)))
    }

    @Test func invalidUTF8InStringsIsKept() throws {
        let bytes = Array(#"{"id":1,"text":"a"#.utf8) + [0xFF] + Array(#"b"}"#.utf8)
        let parsed = try bytes.withUnsafeBufferPointer { try JSONLineParser.parse($0).get() }
        #expect(parsed.body == [0x61, 0xFF, 0x62])
    }

    @Test(arguments: [
        (#"{"id": 1, "text": "x""#, "invalid JSON at column 22: expected ',' or '}'"),
        (#"{"id": 1 "text": "x"}"#, "invalid JSON at column 10: expected ',' or '}'"),
        (#"{"id": 01, "text": "x"}"#, "invalid JSON at column 9: expected ',' or '}'"),
        (#"{"id": 1, "text": "x"} trailing"#, "invalid JSON at column 24: unexpected text after the object"),
        (#"{"id": 1, "text": "tab\#tinside"}"#, "invalid JSON at column 23: control character in a string"),
        (#"{"id": 1, "text": "\q"}"#, "invalid JSON at column 20: invalid escape"),
        (#"{"id": tru, "text": "x"}"#, "invalid JSON at column 8: unexpected character"),
        (#"not json"#, "invalid JSON at column 1: unexpected character"),
        (#"[1, 2]"#, "not a JSON object"),
        (#"{"text": "no id"}"#, "no \"id\" (a string or a number)"),
        (#"{"id": true, "text": "x"}"#, "no \"id\" (a string or a number)"),
        (#"{"id": "", "text": "x"}"#, "\"id\" is empty"),
        (#"{"id": 1, "title": "no body"}"#, "no \"text\", \"contents\" or \"body\" string"),
        (#"{"id": 1, "text": 5}"#, "no \"text\", \"contents\" or \"body\" string"),
    ])
    func badLinesSayWhatIsWrong(line: String, message: String) {
        #expect(failure(line) == message)
    }

    @Test func deepNestingIsRefusedNotCrashed() {
        let deep = #"{"id": 1, "text": "x", "n": "# + String(repeating: "[", count: 10_000)
        #expect(failure(deep)?.hasSuffix("nested too deeply") == true)
    }

    @Test func aFileReportsBadLinesByNumberAndKeepsTheRest() {
        let jsonl = """
            {"id": "a", "title": "First", "text": "alpha"}
            {"id": "b", "text": "broken"

            {"text": "no id"}\r
            {"id": 5, "contents": "epsilon"}\r
            {"id": 6}
            {"id": "g", "body": "gamma"}
            """
        let file = CandidateFile(path: "corpus/feed.jsonl", relativePath: "feed.jsonl", kind: .jsonl, size: 0)
        let result = DocumentExtractor().documents(fromContents: Array(jsonl.utf8), of: file)
        #expect(result.documents == [
            SourceDocument(id: "a", title: "First", text: Array("alpha".utf8)),
            SourceDocument(id: "5", title: "", text: Array("epsilon".utf8)),
            SourceDocument(id: "g", title: "", text: Array("gamma".utf8)),
        ])
        #expect(result.skipped.map(\.path) == ["corpus/feed.jsonl", "corpus/feed.jsonl", "corpus/feed.jsonl"])
        #expect(result.skipped.map(\.reason) == [
            .badJSONLine(line: 2, reason: "invalid JSON at column 29: expected ',' or '}'"),
            .badJSONLine(line: 4, reason: "no \"id\" (a string or a number)"),
            .badJSONLine(line: 6, reason: "no \"text\", \"contents\" or \"body\" string"),
        ])
    }
}
