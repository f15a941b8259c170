import AttnLang
import Testing

/// Parser errors are checked with their message and their position, marked
/// inline: the `^` in the marker line sits under the reported column.
@Suite struct ParserTests {
  func parse(_ text: String) -> (statements: [Statement], errors: [Diagnostic], source: SourceFile) {
    let source = SourceFile(name: "t", text: text)
    var parser = Parser(source)
    let statements = parser.parseProgram()
    return (statements, parser.diagnostics, source)
  }

  /// Asserts that `code` gives exactly one error, `message`, at the column
  /// marked by `^` in `marker`.
  func expectError(
    _ code: String, _ marker: String, _ message: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    let result = parse(code)
    #expect(result.errors.map(\.message) == [message], sourceLocation: sourceLocation)
    let expectedColumn = (marker.firstIndex(of: "^")?.utf16Offset(in: marker) ?? -1) + 1
    let column = result.errors.first.map { result.source.location(of: $0.range.start).column }
    #expect(column == expectedColumn, sourceLocation: sourceLocation)
  }

  func shape(_ text: String) -> String {
    guard case .expression(let expr) = parse(text).statements.first?.kind else { return "?" }
    return render(expr)
  }

  func render(_ expr: Expr) -> String {
    switch expr.kind {
    case .number(let value): return value.rounded() == value ? String(Int(value)) : "\(value)"
    case .string(let text): return "\"\(text)\""
    case .name(let name): return name
    case .list(let items): return "[" + items.map(render).joined(separator: " ") + "]"
    case .record(let fields): return "{" + fields.map { "\($0.name): \(render($0.value))" }.joined(separator: " ") + "}"
    case .negate(let operand): return "(- \(render(operand)))"
    case .not(let operand): return "(not \(render(operand)))"
    case .binary(let op, let a, let b): return "(\(op.rawValue) \(render(a)) \(render(b)))"
    case .logical(let op, let a, let b): return "(\(op.rawValue) \(render(a)) \(render(b)))"
    case .call(let callee, let arguments):
      let rendered = arguments.map { argument -> String in
        " " + (argument.label.map { "\($0): " } ?? "") + render(argument.value)
      }
      return "(\(render(callee))" + rendered.joined() + ")"
    case .index(let base, let items): return "(index \(render(base)) \(items.count))"
    case .field(let base, let name, _): return "(. \(render(base)) \(name))"
    case .lambda(let declaration):
      guard case .expression(let body) = declaration.body else { return "(lambda)" }
      return "(-> (\(declaration.parameters.map(\.name).joined(separator: " "))) \(render(body)))"
    }
  }

  @Test func precedence() {
    #expect(shape("1 + 2 * 3") == "(+ 1 (* 2 3))")
    #expect(shape("-x^2") == "(- (^ x 2))")
    #expect(shape("2^3^2") == "(^ 2 (^ 3 2))")
    #expect(shape("a @ b + c < d") == "(< (+ (@ a b) c) d)")
    #expect(shape("softmax(x, axis: 0).weights") == "(. (softmax x axis: 0) weights)")
    #expect(shape("-3") == "-3")
    #expect(shape("x[1, :]") == "(index x 2)")
  }

  @Test func statementsAndSilence() {
    let result = parse("x = 1; y = 2\nx + y;\nx")
    #expect(result.errors.isEmpty)
    #expect(result.statements.map(\.isSilent) == [true, false, true, false])
  }

  @Test func errorsHaveMessagesAndColumns() {
    expectError("softmax(x", "         ^", "expected ')' to close the call to softmax, found end of input")
    expectError("1 +", "   ^", "expected an expression, found end of input")
    expectError("x = = 2", "    ^", "expected an expression, found '='")
    expectError("f(axis: 1, 2)", "           ^", "positional arguments must come before named ones")
    expectError("f(a: 1, a: 2)", "        ^", "argument 'a' is given twice")
    expectError("1 2", "  ^", "unexpected '2' after the statement; start a new line or use ';'")
    expectError(
      "f(x) = 3", "^", "only a name, a field or an element can be assigned to, as in 'x = …', 'r.lr = …' or 'l[0] = …'")
    expectError("x = if", "    ^", "expected an expression, found the keyword 'if'")
    expectError("x.", "  ^", "expected a field name after '.'")
    expectError("[1, 2", "     ^", "expected ']' to close '[', found end of input")
  }

  @Test func recoversAtStatementBoundaries() {
    let result = parse("1 +\nok = 2\n) oops\nfine")
    #expect(result.errors.count == 2)
    #expect(result.errors.map { result.source.location(of: $0.range.start).line } == [1, 3])
  }

  @Test func boundsNesting() {
    let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
    let result = parse(deep)
    #expect(result.errors.map(\.message) == ["expression is nested too deeply (more than 200 levels)"])
    let signs = String(repeating: "-", count: 100_000) + "1"
    #expect(parse(signs).errors.map(\.message) == ["too many signs in a row"])
  }

  @Test func incompleteInput() {
    #expect(Session.parse(SourceFile(name: "", text: "softmax([1, 2,")).isIncomplete)
    #expect(Session.parse(SourceFile(name: "", text: "f(\n")).isIncomplete)
    #expect(!Session.parse(SourceFile(name: "", text: "softmax([1, 2])")).isIncomplete)
    #expect(!Session.parse(SourceFile(name: "", text: "1 +")).isIncomplete)
  }
}
