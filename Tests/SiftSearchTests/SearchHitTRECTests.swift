import Testing
@testable import SiftSearch
import SiftIndex

@Suite struct SearchHitTRECTests {
    @Test("trecDocumentID drops a final file extension only")
    func trecDocumentID() {
        func id(_ raw: String) -> String { SearchHit(rank: 1, document: 0, score: 1, id: raw, title: "", snapshot: IndexSnapshot(generation: 1, fingerprint: 0)).trecDocumentID }
        #expect(id("docs/184.txt") == "docs/184")
        #expect(id("184.txt") == "184")
        #expect(id("a.md") == "a")
        #expect(id("page.html") == "page")
        #expect(id("page.htm") == "page")
        #expect(id("184") == "184")
        #expect(id(".txt") == ".txt")
        #expect(id("data.jsonl-id") == "data.jsonl-id")
    }
}
