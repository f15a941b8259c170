import AttnLang
import Testing

@Suite struct LexerTests {
  func kinds(_ text: String) -> [Token.Kind] {
    var lexer = Lexer(SourceFile(name: "t", text: text))
    return lexer.tokenize().map(\.kind)
  }

  func diagnostics(_ text: String) -> [String] {
    var lexer = Lexer(SourceFile(name: "t", text: text))
    _ = lexer.tokenize()
    return lexer.diagnostics.map(\.message)
  }

  @Test func numbersNamesAndSymbols() {
    #expect(
      kinds("x = 1.5e-3 @ .5 # note") == [
        .identifier("x"), .equals, .number(1.5e-3), .at, .number(0.5), .end,
      ])
    #expect(
      kinds("a<=b!=c==d>=e") == [
        .identifier("a"), .lessEqual, .identifier("b"), .bangEqual, .identifier("c"), .equalEqual,
        .identifier("d"), .greaterEqual, .identifier("e"), .end,
      ])
  }

  @Test func newlinesEndStatementsOnlyOutsideBrackets() {
    #expect(
      kinds("f(1,\n2)\nx") == [
        .identifier("f"), .leftParen, .number(1), .comma, .number(2), .rightParen, .newline, .identifier("x"), .end,
      ])
  }

  @Test func stringsKeepUTF8AndEscapes() {
    #expect(kinds(#""über" "a\"b""#) == [.string("über"), .string("a\"b"), .end])
  }

  @Test func mistakesBecomeDiagnostics() {
    #expect(diagnostics("\"open") == ["unterminated string; add a closing \""])
    #expect(diagnostics("1e400") == ["number 1e400 is too large; the largest is about 1.8e308"])
    #expect(diagnostics("x $ y") == ["unexpected character '$'"])
    #expect(diagnostics("a\u{0}b") == ["unexpected control character 0x0"])
    #expect(diagnostics("λ") == ["unexpected character 'λ'"])
  }

  @Test func invalidUTF8IsReportedByByte() {
    var lexer = Lexer(SourceFile(name: "t", bytes: [0x78, 0x20, 0xFF, 0x0A]))
    _ = lexer.tokenize()
    #expect(lexer.diagnostics.map(\.message) == ["invalid UTF-8 byte 0xFF"])
    #expect(lexer.diagnostics.first?.range == SourceRange(2, 3))
  }
}
