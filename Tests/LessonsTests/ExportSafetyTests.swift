import Lessons
import Testing

/// Exported pages are inert: no script can come from a lesson's text.
@Suite struct ExportSafetyTests {
  func page(_ markdown: String) -> String {
    NotebookHTML.page(title: "t", blocks: [.markdown(markdown)])
  }

  @Test func webMailAndRelativeLinksSurvive() {
    let html = page(
      "[a](https://example.org/x?y=1) [b](http://e.org) [c](mailto:me@e.org) [d](lessons/01-softmax.md) [e](#top)")
    #expect(html.contains("<a href=\"https://example.org/x?y=1\">a</a>"))
    #expect(html.contains("<a href=\"http://e.org\">b</a>"))
    #expect(html.contains("<a href=\"mailto:me@e.org\">c</a>"))
    #expect(html.contains("<a href=\"lessons/01-softmax.md\">d</a>"))
    #expect(html.contains("<a href=\"#top\">e</a>"))
  }

  @Test(arguments: [
    "javascript:alert(1)", "JavaScript:alert(1)", "  javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd",
  ])
  func otherSchemesBecomeText(_ url: String) {
    let html = page("click [here](\(url)) now")
    #expect(!html.contains("<a "), "\(html)")
    #expect(html.contains("click here now"))
    #expect(!html.lowercased().contains("href=\"javascript"))
  }

  @Test func parenthesesInsideAURLStayInIt() {
    let html = page("see [softmax](https://en.wikipedia.org/wiki/Softmax_(function)) and (this)")
    #expect(html.contains("<a href=\"https://en.wikipedia.org/wiki/Softmax_(function)\">softmax</a> and (this)"))
    let unbalanced = page("[x](javascript:alert(1)")
    #expect(!unbalanced.contains("<a "))
  }

  @Test func rawHTMLIsEscaped() {
    let html = page("<script>alert(1)</script> <img src=x onerror=alert(1)> [x](\" onclick=\"alert(1))")
    #expect(!html.contains("<script>alert"))
    #expect(!html.contains("<img"))
    #expect(html.contains("&lt;script&gt;"))
    #expect(!html.contains("\" onclick=\""), "a quote cannot leave the href attribute")
  }

  @Test func thePageForbidsScripts() {
    let html = page("text")
    #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"))
    #expect(html.contains("script-src 'none'"))
    // Before any content the policy could not yet cover.
    let policy = html.range(of: "Content-Security-Policy")
    let body = html.range(of: "<body")
    #expect(policy != nil && body != nil && policy!.lowerBound < body!.lowerBound)
  }

  /// A lesson from elsewhere may be built to be slow: links are found in
  /// one pass however many unclosed brackets and parentheses it holds.
  @Test func manyUnclosedLinksRenderInLinearTime() {
    let hostile = String(repeating: "[a](", count: 100_000) + " [b](https://e.org)"
    let started = ContinuousClock.now
    let html = page(hostile)
    #expect(ContinuousClock.now - started < .seconds(10), "quadratic link parsing")
    #expect(html.contains("<a href=\"https://e.org\">b</a>"))
    let nested = page(String(repeating: "[", count: 100_000) + "x](y)")
    #expect(nested.contains("[[[<a href=\"y\">x</a>"), "the innermost bracket is the label")
    let long = page("[" + String(repeating: "a", count: 2000) + "](y)")
    #expect(!long.contains("<a "), "a label longer than the limit is not a link")
  }
}
