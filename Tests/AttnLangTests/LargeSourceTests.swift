import Attention
import Testing
import _TestSupport

@testable import AttnLang

/// Sources of a megabyte or more run part by part; they must behave exactly
/// as small ones do.
@Suite struct LargeSourceTests {
  /// Filler of `count` lines, each a complete statement.
  func filler(_ count: Int) -> String {
    (0..<count).map { "a\($0 % 10) = \($0) + 1\n" }.joined()
  }

  @Test func boundariesFallBetweenWholeStatementsOnly() throws {
    let text =
      filler(3000)
      + "m = [\n  [1, 2],\n  [3, 4]\n]\nif 1 {\n  b = 2\n}\n# doc of g\ndef g(x) = x\n" + filler(3000)
    let source = SourceFile(name: "big.attn", text: text)
    let boundaries = Lexer.statementBoundaries(of: source, every: 100)
    #expect(boundaries.first == 0)
    #expect(boundaries.last == source.bytes.count)
    #expect(boundaries.count > 100)
    var statements = 0
    for (start, end) in zip(boundaries, boundaries.dropFirst()) {
      var parser = Parser(source, range: start..<end)
      statements += parser.parseProgram().count
      #expect(parser.diagnostics.isEmpty, "a part starting at \(start) does not parse alone")
    }
    var whole = Parser(source)
    #expect(statements == whole.parseProgram().count)
    // A comment above a def stays with it.
    let docStart = try #require(text.range(of: "# doc of g")).lowerBound.utf16Offset(in: text)
    #expect(!boundaries.contains(docStart + "# doc of g\n".utf8.count))
  }

  @Test func aLargeSourceRunsAsASmallOneDoes() throws {
    let text = "# doubles\ndef twice(x) = 2 * x\n" + filler(80_000) + "help(twice)\ntwice(a3)\n"
    #expect(text.utf8.count >= Session.inPartsThreshold)
    let values = try Session().values(text)
    #expect(values.count == 2)
    #expect(values.last == .tensor(Tensor(2 * 79_994)))
    guard case .text(let help)? = values.first else {
      Issue.record("help gives no text")
      return
    }
    #expect(help.contains("doubles"))
  }

  @Test func aSyntaxErrorOnTheLastLineStopsEverything() throws {
    let session = Session()
    let text = "print(\"ran\")\nx = 1\n" + filler(70_000) + "y = (1 +\n"
    var printed: [Output] = []
    #expect(throws: Diagnostics.self) {
      try session.execute(SourceFile(name: "big.attn", text: text)) { printed.append($0) }
    }
    #expect(printed.isEmpty)
    #expect(session.value(of: "x") == nil, "nothing ran")
  }

  @Test func mistakesAcrossPartsAreCappedWithACount() throws {
    let bad = (0..<25).map { _ in filler(3000) + "break\n" }.joined()
    let session = Session()
    do {
      try session.execute(SourceFile(name: "big.attn", text: bad)) { _ in }
      Issue.record("break outside a loop must be an error")
    } catch {
      #expect(error.items.count == Session.maximumReportedErrors + 1)
      #expect(error.items.last?.message == "15 more errors not shown")
      #expect(error.items.first?.message == "'break' is only allowed inside a loop")
    }
  }

  @Test func aRuntimeErrorKeepsWhatRanBefore() throws {
    let session = Session()
    let text = "x = 1\n" + filler(70_000) + "x = 2\nundefined_name\nx = 3\n"
    #expect(throws: Diagnostics.self) { try session.execute(SourceFile(name: "big.attn", text: text)) { _ in } }
    #expect(session.value(of: "x") == .tensor(Tensor(2)))
  }
}
