import Testing
@testable import SiftEvaluation

/// TREC runs: strict parsing, and ranking in trec_eval's order whatever the file says.
@Suite struct RunFileTests {
    @Test("six fields separated by spaces or tabs; blank lines and CRLF are fine; queries in first-seen order")
    func parse() throws {
        let text = "2 Q0 x 1 3.5 tag\r\n\n1\tQ0\ta\t1\t2\tother\n  \n2 Q0 y 2 1.25 tag\n1 Q0 b 7 -0.5 tag"
        let run = try TrecRun(parsing: text)
        #expect(try TrecRun(parsing: Array(text.utf8)) == run)
        #expect(try TrecRun(parsing: "1 Q0 a -3 2 t\n1 Q0 b +4 1e-3 t").query("1")?.entries
                == [RunEntry(documentID: "a", score: 2), RunEntry(documentID: "b", score: 0.001)])
        #expect(run.queries.map(\.id) == ["2", "1"])
        #expect(run.query("2")?.entries == [RunEntry(documentID: "x", score: 3.5), RunEntry(documentID: "y", score: 1.25)])
        #expect(run.query("1")?.ranking == ["a", "b"])
        #expect(run.query("3") == nil)
    }

    @Test("the rank column is ignored: documents are ranked by score, highest first")
    func rankColumnIgnored() throws {
        // The file claims c, b, a; the scores say a (3), b (2), c (1).
        let run = try TrecRun(parsing: "q Q0 c 1 1 t\nq Q0 b 2 2 t\nq Q0 a 3 3 t\n")
        #expect(run.query("q")?.ranking == ["a", "b", "c"])
    }

    @Test("ties go to the greater document id, compared byte by byte, as trec_eval's comp_sim_docno")
    func tieOrder() throws {
        // All score 1: descending bytes are "é" (0xC3 0xA9) > "b" > "a10" > "a1" > "a" > "B" (0x42).
        let run = try TrecRun(parsing: ["a", "B", "a10", "é", "b", "a1"].map { "q Q0 \($0) 1 1 t" }.joined(separator: "\n"))
        #expect(run.query("q")?.ranking == ["é", "b", "a10", "a1", "a", "B"])
    }

    @Test("scores are compared as single-precision floats, as trec_eval stores them")
    func floatTies() throws {
        // 1.00000001 and 1.00000002 are the same Float (1.0), so they tie and the greater id
        // ranks first; 1.0000002 is the next Float up and beats both.
        let run = try TrecRun(parsing: "q Q0 a 1 1.00000002 t\nq Q0 b 2 1.00000001 t\nq Q0 c 3 1.0000002 t\n")
        #expect(run.query("q")?.ranking == ["c", "b", "a"])
        #expect(TrecOrder.precedes(RunEntry(documentID: "b", score: 1.00000001), RunEntry(documentID: "a", score: 1.00000002)))
    }

    @Test("appending ranks in trec order, keeps an empty query, and refuses repeats")
    func append() throws {
        var run = TrecRun()
        try run.append(query: "1", entries: [RunEntry(documentID: "d1", score: 1), RunEntry(documentID: "d2", score: 1), RunEntry(documentID: "d0", score: 2)])
        try run.append(query: "2", entries: [])
        #expect(run.query("1")?.ranking == ["d0", "d2", "d1"])
        #expect(run.query("2")?.entries == [])
        #expect(throws: EvaluationError.duplicateRunQuery("1")) { try run.append(query: "1", entries: []) }
        #expect(throws: EvaluationError.duplicateDocument(query: "3", document: "a")) {
            try run.append(query: "3", entries: [RunEntry(documentID: "a", score: 2), RunEntry(documentID: "a", score: 1)])
        }
        #expect(run.queries.count == 2)
    }

    /// AP by hand on a tie. Query q judges d1 relevant (R = 1); d1 and d2 both score 1.5.
    /// trec_eval ranks d2 (the greater id) first: AP = 1/2. In the file's own order d1 would be
    /// first and AP 1.
    @Test("ties change the metric the way trec_eval computes it")
    func tieChangesAveragePrecision() throws {
        let run = try TrecRun(parsing: "q Q0 d1 1 1.5 t\nq Q0 d2 2 1.5 t\n")
        let report = try EvaluationReport(run: run, judgments: RelevanceJudgments(["q": ["d1": 1]]), metrics: [.averagePrecision], queries: .judged)
        #expect(report.means == [0.5])
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var text: String
        var error: EvaluationError
        var message: String
        var testDescription: String { message }
    }

    static let errors = [
        ErrorCase(text: "1 Q0 a 1 2.0\n", error: .malformedRunLine(line: 1, text: "1 Q0 a 1 2.0"),
                  message: "run line 1 is not 'qid Q0 docid rank score tag': '1 Q0 a 1 2.0'"),
        ErrorCase(text: "1 Q0 a 1 2 t\n\n1 Q0 b 2 1 t extra\n", error: .malformedRunLine(line: 3, text: "1 Q0 b 2 1 t extra"),
                  message: "run line 3 is not 'qid Q0 docid rank score tag': '1 Q0 b 2 1 t extra'"),
        ErrorCase(text: "1 Q0 a one 2 t\n", error: .runRankNotInteger(line: 1, rank: "one"), message: "run line 1: rank 'one' is not a whole number"),
        ErrorCase(text: "1 Q0 a 1.5 2 t\n", error: .runRankNotInteger(line: 1, rank: "1.5"), message: "run line 1: rank '1.5' is not a whole number"),
        ErrorCase(text: "1 Q0 a 1 high t\n", error: .runScoreNotNumber(line: 1, score: "high"), message: "run line 1: score 'high' is not a finite number"),
        ErrorCase(text: "1 Q0 a 1 nan t\n", error: .runScoreNotNumber(line: 1, score: "nan"), message: "run line 1: score 'nan' is not a finite number"),
        ErrorCase(text: "1 Q0 a 1 inf t\n", error: .runScoreNotNumber(line: 1, score: "inf"), message: "run line 1: score 'inf' is not a finite number"),
        ErrorCase(text: "1 Q0 a 1 2 t\n2 Q0 a 1 2 t\n1 Q0 a 2 1 t\n", error: .duplicateRunDocument(line: 3, query: "1", document: "a", firstLine: 1),
                  message: "run line 3: document 'a' appears again for query '1' (first on line 1)"),
        // Line numbers count a CRLF as one line end, and a lone CR as one too.
        ErrorCase(text: "1 Q0 a 1 2 t\r\n1 Q0 b 2 x t\r\n", error: .runScoreNotNumber(line: 2, score: "x"),
                  message: "run line 2: score 'x' is not a finite number"),
        ErrorCase(text: "1 Q0 a 1 2 t\r\r1 Q0 a 2 1 t", error: .duplicateRunDocument(line: 3, query: "1", document: "a", firstLine: 1),
                  message: "run line 3: document 'a' appears again for query '1' (first on line 1)"),
        ErrorCase(text: "1 Q0 a 99999999999999999999 2 t\n", error: .runRankNotInteger(line: 1, rank: "99999999999999999999"),
                  message: "run line 1: rank '99999999999999999999' is not a whole number"),
        ErrorCase(text: "1 Q0 a - 2 t\n", error: .runRankNotInteger(line: 1, rank: "-"), message: "run line 1: rank '-' is not a whole number"),
        ErrorCase(text: "", error: .emptyRun, message: "the run has no lines (expected 'qid Q0 docid rank score tag')"),
        ErrorCase(text: "\n \n", error: .emptyRun, message: "the run has no lines (expected 'qid Q0 docid rank score tag')"),
    ]

    @Test("malformed runs name the line and the problem", arguments: errors)
    func malformed(_ testCase: ErrorCase) {
        #expect(throws: testCase.error) { try TrecRun(parsing: testCase.text) }
        #expect(testCase.error.description == testCase.message)
    }
}
