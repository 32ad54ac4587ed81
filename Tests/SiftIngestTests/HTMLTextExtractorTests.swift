import Testing
@testable import SiftIngest
import SiftTestSupport

@Suite struct HTMLTextExtractorTests {
    private func extract(_ html: String) -> (title: String?, text: String) {
        let page = HTMLTextExtractor().extract(Array(html.utf8))
        return (page.title, String(decoding: page.text, as: UTF8.self))
    }

    @Test func theTitleIsTakenOutOfTheText() {
        let page = extract("<html><head><title>\n  Kabul &amp;\n the  Taliban </title></head><body>Body text</body></html>")
        #expect(page.title == "Kabul & the Taliban")
        #expect(page.text == "Body text")
    }

    @Test func onlyTheFirstTitleCountsAndEmptyTitlesAreNone() {
        #expect(extract("<title>One</title><title>Two</title>x").title == "One")
        #expect(extract("<title>  </title>x").title == nil)
        #expect(extract("<p>no title</p>").title == nil)
    }

    @Test func scriptsStylesAndCommentsAreDropped() {
        let html = """
            <p>Before</p><script type="text/javascript">if (a < b && c > d) { document.write("<p>hidden</p>") }</script>
            <style>p > a { color: red }</STYLE ><!-- a comment with <p>tags</p> -->
            <SCRIPT>var s = "</scripty>";</Script><p>After</p><!-- unterminated
            """
        #expect(extract(html).text == "Before\n\nAfter")
    }

    @Test func declarationsAndProcessingInstructionsAreDropped() {
        #expect(extract("<!DOCTYPE html><?xml version=\"1.0\"?><p>text</p>").text == "text")
    }

    @Test(arguments: [
        ("&amp; &lt; &gt; &quot; &apos;", "& < > \" '"),
        ("caf&eacute; &copy; &Eacute;t&eacute; na&iuml;ve", "café © Été naïve"),
        ("a&mdash;b&ndash;c&hellip;", "a—b–c…"),
        ("&lsquo;x&rsquo; &ldquo;y&rdquo;", "‘x’ “y”"),
        ("&alpha;&Omega;&sigmaf;&euro;&trade;&rarr;", "αΩς€™→"),
        ("a&nbsp;b", "a b"),
        ("AT&T &unknown; &amp", "AT&T &unknown; &amp"),
        ("&#65;&#x42;&#X43;&#100", "ABCd"),
        ("&#233;&#x1F600;", "é😀"),
        ("&#150;&#x93;quoted&#x94;", "–“quoted”"),
        ("&#0;&#xD800;&#x110000;&#99999999999;", "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"),
        ("&#;&#x;&", "&#;&#x;&"),
    ])
    func characterReferencesAreDecoded(html: String, text: String) {
        #expect(extract(html).text == text)
    }

    @Test func blockTagsBreakLinesAndParagraphs() {
        let html = "<h1>Title</h1><p>One</p><div>Two<br>Three<br><br><br>Four</div>"
            + "<ul><li>a</li><li>b</li></ul><table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>"
        #expect(extract(html).text == "Title\n\nOne\n\nTwo\nThree\n\nFour\n\na\nb\n\n1 2\n3")
    }

    @Test func inlineTagsJoinWordsAndOtherTagsSeparateThem() {
        #expect(extract("intern<b>ation</b>al <a href='x'>link</a>ed").text == "international linked")
        #expect(extract("one<img src=x.png>two<input>three").text == "one two three")
    }

    @Test func whitespaceCollapsesOutsidePre() {
        #expect(extract("  lots   of\n\n\t space  ").text == "lots of space")
        #expect(extract("<pre>\n  keep\n\n    this</pre>after").text == "  keep\n\n    this\n\nafter")
    }

    @Test func aQuotedGreaterThanDoesNotEndATag() {
        #expect(extract("<a title=\"a > b\" data-x='c>d'>text</a>").text == "text")
    }

    @Test func strayMarkupCharactersAreText() {
        #expect(extract("a < b and c<3 and </> x").text == "a < b and c<3 and x")
        #expect(extract("x <").text == "x <")
        #expect(extract("x <p").text == "x")  // an unclosed tag runs to the end
    }

    @Test func bytesThatAreNotUTF8PassThrough() {
        let page = HTMLTextExtractor().extract([0x3C, 0x70, 0x3E, 0x61, 0xFF, 0x62])  // <p>a\xFFb
        #expect(page.text == [0x61, 0xFF, 0x62])
    }

    @Test func aLargePageIsExtractedInFull() {
        let block = "<div class=\"c\"><p>word &amp; <b>bold</b> text</p><script>x()</script></div>\n"
        let html = Array(String(repeating: block, count: 20_000).utf8)  // about 1.6 MB
        let text = HTMLTextExtractor().extract(html).text
        let paragraphs = String(decoding: text, as: UTF8.self).split(separator: "\n\n", omittingEmptySubsequences: false)
        #expect(paragraphs.count == 20_000)
        #expect(paragraphs.allSatisfy { $0 == "word & bold text" })
    }
}
