import Foundation
import Testing
import _TestSupport

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct ExportCommandTests {
  static let lessons: [String] = {
    let directory = AttnProcess.packageRoot.appendingPathComponent("lessons")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".md") }.sorted().map { directory.appendingPathComponent($0).path }
  }()

  /// Every lesson exports to a page whose figures are well-formed SVG and
  /// which fetches nothing from the network.
  @Test(arguments: lessons)
  func everyLessonExports(_ lesson: String) throws {
    let output = try makeTemporaryDirectory().appendingPathComponent("page.html")
    let result = try AttnProcess.run(["export", lesson, "--html", output.path])
    #expect(result.status == 0, "\(result.stderr)")
    let page = try String(contentsOf: output, encoding: .utf8)
    #expect(page.hasPrefix("<!DOCTYPE html>"))
    for attribute in ["src=\"http", "href=\"http", "@import", "url("] {
      #expect(!page.contains(attribute), "the page must open offline")
    }
    let figures = page.components(separatedBy: "<svg ").dropFirst().map {
      "<svg " + ($0.components(separatedBy: "</svg>").first ?? "") + "</svg>"
    }
    for figure in figures {
      let document = try XMLDocument(xmlString: figure)
      #expect(document.rootElement()?.name == "svg")
    }
    let source = try String(contentsOfFile: lesson, encoding: .utf8)
    let pictures =
      source.components(separatedBy: "attn> heatmap(").count - 1 + source.components(separatedBy: "attn> bars(").count
      - 1
    #expect(figures.count >= pictures, "one figure per heatmap or bars call")
  }

  @Test func alignmentFigureHasItsLabels() throws {
    let output = try makeTemporaryDirectory().appendingPathComponent("nlp.html")
    let lesson = AttnProcess.packageRoot.appendingPathComponent("lessons/07-attention-in-nlp.md").path
    #expect(try AttnProcess.run(["export", lesson, "--html", output.path]).status == 0)
    let page = try String(contentsOf: output, encoding: .utf8)
    for label in [">le<", ">chat<", ">noir<", ">the<", ">black<", ">cat<"] { #expect(page.contains(label)) }
    #expect(page.contains("<title>chat → cat: 0.96"))
  }

  @Test func missingLessonIsAUsageError() throws {
    let result = try AttnProcess.run(["export", "/nonexistent.md", "--html", "/tmp/x.html"])
    #expect(result.status == 2)
  }

  /// A lesson with script links and raw HTML exports to an inert page.
  @Test func aHostileLessonExportsToAnInertPage() throws {
    let directory = try makeTemporaryDirectory()
    let lesson = directory.appendingPathComponent("hostile.md")
    try """
    # Free GPUs

    Claim them [here](javascript:alert(document.cookie)) or [there](data:text/html,<script>alert(1)</script>).
    <script>alert(1)</script> and the [docs](https://en.wikipedia.org/wiki/Softmax_(function)).

    ```attn
    attn> "<script>alert(1)</script>"
    ```
    """.write(to: lesson, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("page.html")
    let result = try AttnProcess.run(["export", lesson.path, "--html", output.path])
    #expect(result.status == 0, "\(result.stderr)")
    let page = try String(contentsOf: output, encoding: .utf8)
    #expect(!page.lowercased().contains("javascript:"))
    #expect(!page.contains("href=\"data:"))
    #expect(!page.contains("<script"))
    #expect(page.contains("<a href=\"https://en.wikipedia.org/wiki/Softmax_(function)\">docs</a>"))
    #expect(page.contains("script-src 'none'"))
  }

  /// An explanation exports as one open, collapsible section per stage.
  @Test func explanationsExportAsCollapsibleStages() throws {
    let directory = try makeTemporaryDirectory()
    let lesson = directory.appendingPathComponent("explain.md")
    try "# E\n\n```attn nocheck\nattn> explain(attend([1, 0], [[1, 0], [0, 1]], causal: false))\n```\n".write(
      to: lesson, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("page.html")
    let result = try AttnProcess.run(["export", lesson.path, "--html", output.path])
    #expect(result.status == 0, "\(result.stderr)")
    let page = try String(contentsOf: output, encoding: .utf8)
    #expect(page.components(separatedBy: "<details open><summary>").count - 1 == 4)
    #expect(page.contains("<summary>3. softmax<span class=\"formula\">"))
    #expect(page.contains("<td>0.7311</td>"))
  }
}

/// Both exports treat a stranger's lesson alike: the notebook's Markdown
/// cells carry no raw HTML and no link to a script or another site.
@Suite struct NotebookExportSafetyTests {
  @Test func theNotebookIsAsInertAsThePage() throws {
    let directory = try makeTemporaryDirectory()
    let lesson = directory.appendingPathComponent("evil.md")
    try """
    # Evil

    <script>alert(1)</script> and <img src=x onerror=alert(1)>, yet `a < b` stays code.
    [js](javascript:alert(1)) [far](//evil.example/x) [ok](https://example.org) [near](other.md)
    [ref]: javascript:alert(2)

        <b>indented code stays as written</b>

    ```attn exercise name=e
    hint: see <script>x</script> or [this](javascript:alert(3))
    check: y
    wrong: y = 2   # expected 1
    attn> y = 1
    ```
    """.write(to: lesson, atomically: true, encoding: .utf8)
    let notebook = directory.appendingPathComponent("evil.ipynb")
    let result = try AttnProcess.run(["export", lesson.path, "--ipynb", notebook.path])
    #expect(result.status == 0, "\(result.stderr)")
    let document = try JSONSerialization.jsonObject(with: Data(contentsOf: notebook)) as? [String: Any]
    let cells = document?["cells"] as? [[String: Any]] ?? []
    let markdown = cells.filter { $0["cell_type"] as? String == "markdown" }.compactMap { $0["source"] as? String }
      .joined(separator: "\n")
    #expect(!markdown.contains("<script"), "\(markdown)")
    #expect(!markdown.contains("<img"))
    #expect(!markdown.lowercased().contains("javascript:"))
    #expect(!markdown.contains("//evil.example"))
    #expect(markdown.contains("[ok](https://example.org)") && markdown.contains("[near](other.md)"))
    #expect(markdown.contains("`a < b`"), "code spans are literal")
    #expect(markdown.contains("    <b>indented code stays as written</b>"))
  }
}
