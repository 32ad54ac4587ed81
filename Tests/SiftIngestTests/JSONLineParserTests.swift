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

    @Test func otherFieldsOfAnyShapeAreMetadata() throws {
        let line = #"{"meta": {"tags": ["a", {"b": [1, 2.5, true, false, null]}], "n": -0}, "id": 3, "text": "kept", "extra": []}"#
        #expect(try record(line) == JSONLineRecord(id: "3", title: nil, body: Array("kept".utf8), metadata: [
            "meta": #"{"tags":["a",{"b":[1,2.5,true,false,null]}],"n":-0}"#,
            "extra": "[]",
        ]))
    }

    // MARK: Metadata

    @Test func scalarsBecomeTextAndNullsAreLeftOut() throws {
        let line = #"{"id": "m", "category": "tech", "year": 2005, "score": -1.5e3, "zero": 0, "draft": false, "featured": true, "author": null, "text": "x"}"#
        #expect(try record(line).metadata == [
            "category": "tech", "year": "2005", "score": "-1.5e3", "zero": "0", "draft": "false", "featured": "true",
        ])
    }

    @Test func arraysAndObjectsAreCompactJSONAsWritten() throws {
        let line = #"{"id": 1, "text": "x", "tags": [ "a b" , "c\"d" ,1.0 ],"where": { "city" : "New  York", "at": [ ] }, "empty": {}}"#
        #expect(try record(line).metadata == [
            "tags": #"["a b","c\"d",1.0]"#,
            "where": #"{"city":"New  York","at":[]}"#,
            "empty": "{}",
        ], "whitespace inside strings is kept, escapes stay as written")
    }

    @Test func theFieldsIngestUsesAreNotMetadata() throws {
        let line = #"{"id": 1, "title": 5, "text": "x", "contents": "y", "body": "z", "Title": "kept"}"#
        #expect(try record(line).metadata == ["Title": "kept"], "a title that is not a string is still not metadata")
    }

    @Test func aRecordWithoutOtherFieldsHasNoMetadata() throws {
        #expect(try record(#"{"id": 1, "title": "T", "text": "x"}"#).metadata.isEmpty)
        #expect(try record(#"{"text": "x", "id": "a"}"#).metadata.isEmpty)
    }

    @Test func theLastOfARepeatedKeyWins() throws {
        #expect(try record(#"{"id": 1, "text": "x", "k": "first", "k": 2}"#).metadata == ["k": "2"])
        #expect(try record(#"{"id": 1, "text": "x", "k": "first", "k": null}"#).metadata == [:], "a last null removes it")
        #expect(try record(#"{"id": 1, "text": "x", "k": null, "k": [1]}"#).metadata == ["k": "[1]"])
    }

    @Test func keysAndValuesAreDecoded() throws {
        let line = #"{"id": 1, "text": "x", "caf\u00e9 \"q\"": "line\none \ud83d\ude00 \/ \\", "k\tey": "plain"}"#
        #expect(try record(line).metadata == ["café \"q\"": "line\none 😀 / \\", "k\tey": "plain"])
    }

    @Test func keysAndValuesAtTheLimitsAreKept() throws {
        let key = String(repeating: "k", count: SourceDocument.maximumMetadataKeyBytes)
        let value = String(repeating: "é", count: SourceDocument.maximumMetadataValueBytes / 2)
        let line = #"{"id": 1, "text": "x", ""# + key + #"": ""# + value + #"", "a": 1}"#
        #expect(try record(line).metadata == [key: value, "a": "1"])
    }

    @Test func anEmptyFieldNameMakesABadLine() {
        let message = "a field name is empty (a metadata key must be 1 to 256 bytes)"
        #expect(failure(#"{"id": 1, "text": "x", "": "v"}"#) == message)
        #expect(failure(#"{"id": 1, "text": "x", "": null}"#) == message, "even when the value is left out")
    }

    // The long inputs are built inside the tests, not passed as arguments, so that they do
    // not fill the test log.
    @Test func aFieldNameOverTheLimitMakesABadLineNamingIt() {
        let key = String(repeating: "k", count: SourceDocument.maximumMetadataKeyBytes + 1)
        #expect(failure(#"{"id": 1, "text": "x", "ok": 1, ""# + key + #"": 1}"#)
            == #"the field name ""# + String(repeating: "k", count: 40) + #"…" is 257 bytes (a metadata key must be 1 to 256 bytes)"#)
    }

    @Test func aValueOverTheLimitMakesABadLineNamingItsKey() {
        let string = String(repeating: "a", count: SourceDocument.maximumMetadataValueBytes + 1)
        #expect(failure(#"{"id": 1, "text": "x", "abstract": ""# + string + #""}"#)
            == #"the value of "abstract" is 65537 bytes (a metadata value must be at most 65536 bytes)"#)
        // Measured as stored: compact (the line holds 98,306 bytes of it, the value 65,539) ...
        let array = "[" + String(repeating: "1, ", count: 32_768) + "1]"
        #expect(failure(#"{"id": 1, "text": "x", "big": "# + array + "}")
            == #"the value of "big" is 65539 bytes (a metadata value must be at most 65536 bytes)"#)
        // ... and decoded (the line holds 196,614 bytes of escapes, the value 65,538).
        let escaped = String(repeating: #"\u00e9"#, count: 32_769)
        #expect(failure(#"{"id": 1, "text": "x", "esc": ""# + escaped + #""}"#)
            == #"the value of "esc" is 65538 bytes (a metadata value must be at most 65536 bytes)"#)
    }

    @Test func aMalformedLineIsReportedBeforeMetadataOutOfBounds() {
        #expect(failure(#"{"id": 1, "": "v", "text": "x""#) == "invalid JSON at column 31: expected ',' or '}'")
        #expect(failure(#"{"": "v", "text": "x"}"#) == "no \"id\" (a string or a number)")
    }

    @Test func metadataReachesTheDocumentAndBadRecordsAreSkipped() {
        let jsonl = """
            {"id": "a", "text": "alpha", "category": "tech", "year": 2005}
            {"id": "b", "text": "beta", "": "no name"}
            {"id": "c", "text": "gamma"}
            """
        let file = CandidateFile(path: "corpus/feed.jsonl", relativePath: "feed.jsonl", kind: .jsonl, size: 0)
        let result = DocumentExtractor().documents(fromContents: Array(jsonl.utf8), of: file)
        #expect(result.documents == [
            SourceDocument(id: "a", title: "", text: Array("alpha".utf8), metadata: ["category": "tech", "year": "2005"]),
            SourceDocument(id: "c", title: "", text: Array("gamma".utf8)),
        ])
        #expect(result.skipped == [SkippedInput(path: "corpus/feed.jsonl", reason: .badJSONLine(
            line: 2, reason: "a field name is empty (a metadata key must be 1 to 256 bytes)"))])
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
