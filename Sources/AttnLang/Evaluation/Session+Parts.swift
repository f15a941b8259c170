extension Session {
  /// Sources at least this large run part by part (``executeInParts(_:output:)``).
  static let inPartsThreshold = 1 << 20
  /// About how many bytes of source one part holds.
  static let partSize = 64 << 10

  /// Runs a large source with memory bounded by its largest part rather than
  /// its length: a file of a million statements must not hold a million
  /// statements' syntax trees and compiled code at once.
  ///
  /// The behaviour is the one of a small source: first every part is parsed
  /// and compiled only to find mistakes (so a syntax error on the last line
  /// still stops everything before the first runs), then each part is
  /// parsed, compiled and run in turn, and dropped.
  func executeInParts(_ source: SourceFile, output: (Output) -> Void) throws(Diagnostics) {
    let boundaries = Lexer.statementBoundaries(of: source, every: Session.partSize)
    let parts = zip(boundaries, boundaries.dropFirst()).map { $0..<$1 }

    var syntaxErrors = MistakeList()
    var compileErrors = MistakeList()
    var checker = Compiler(source: source, globals: globals, maximumStringBytes: options.maximumElements)
    for part in parts {
      var parser = Parser(source, range: part)
      let statements = parser.parseProgram()
      syntaxErrors.add(parser.diagnostics)
      guard syntaxErrors.isEmpty else { continue }
      for statement in statements {
        do { _ = try checker.statement(statement) } catch { compileErrors.add([error]) }
      }
    }
    if !syntaxErrors.isEmpty { throw Diagnostics(source: source, items: syntaxErrors.reported) }
    if !compileErrors.isEmpty { throw Diagnostics(source: source, items: compileErrors.reported) }

    stop.clear()
    var compiler = Compiler(source: source, globals: globals, maximumStringBytes: options.maximumElements)
    for part in parts {
      var parser = Parser(source, range: part)
      var statements: [CompiledProgram.Statement] = []
      for statement in parser.parseProgram() {
        do {
          let code = try compiler.statement(statement)
          let line = source.lineIndex(of: statement.range.start) + 1
          statements.append(CompiledProgram.Statement(range: statement.range, line: line, code: code))
        } catch {
          // The check above compiled the same statements in the same order.
          throw Diagnostics(source: source, items: [error])
        }
      }
      try run(CompiledProgram(source: source, statements: statements), output: output, clearingStop: false)
    }
  }
}

/// The first mistakes (as many as are reported) and how many there were.
private struct MistakeList {
  private var first: [Diagnostic] = []
  private var count = 0

  var isEmpty: Bool { count == 0 }

  mutating func add(_ mistakes: [Diagnostic]) {
    for mistake in mistakes where first.count <= Session.maximumReportedErrors { first.append(mistake) }
    count += mistakes.count
  }

  /// What a small source would report: the first ten, then a note counting the rest.
  var reported: [Diagnostic] {
    guard count > Session.maximumReportedErrors else { return first }
    let hidden = count - Session.maximumReportedErrors
    return Array(first.prefix(Session.maximumReportedErrors)) + [
      Diagnostic(
        "\(hidden) more error\(hidden == 1 ? "" : "s") not shown", at: first[Session.maximumReportedErrors].range,
        severity: .note)
    ]
  }
}
