import Testing
@testable import SiftIngest
import SiftTestSupport

@Suite struct SourceLineScannerTests {
    private func lines(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return SourceLineScanner(bytes).map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
    }

    @Test func linesEndAtLineFeedsWithoutCarriageReturns() {
        #expect(lines("") == [])
        #expect(lines("a") == ["a"])
        #expect(lines("a\n") == ["a"])
        #expect(lines("a\n\n") == ["a", ""])
        #expect(lines("a\r\nb\rc\r\n\r\n") == ["a", "b\rc", ""])
        #expect(lines("\r") == [""])
    }

    @Test func linesAreNumberedFromOne() {
        let numbers = SourceLineScanner(Array("x\n\ny\n".utf8)).map(\.number)
        #expect(numbers == [1, 2, 3])
    }

    @Test func theTailOfAFileKeepsItsLineNumbers() {
        let numbers = SourceLineScanner(Array("x\r\n\ny".utf8), firstLineNumber: 5).map(\.number)
        #expect(numbers == [5, 6, 7])
    }
}
