import Attention

/// Settings a session evaluates under.
public struct SessionOptions: Sendable {
  /// How values print.
  public var display = DisplayOptions()
  /// The most elements one tensor may have; larger requests are refused
  /// before anything is allocated.
  public var maximumElements = 50_000_000
  /// Said after the element limit's message: how this front end raises it,
  /// such as "(raise it with --max-elements or :set max-elements)".
  public var elementLimitHint: String? = nil

  public init() {}
}

/// A value printed by a bare expression statement.
public struct Output: Sendable {
  public var value: Value
  /// The statement that printed it.
  public var range: SourceRange
  /// Its 1-based line in the source.
  public var line: Int
}

/// One evaluation session: the variables and settings that the REPL, `attn
/// run` and the lesson checker all share through ``execute(_:output:)``.
///
/// A failed statement leaves every variable as it was before it.
public final class Session: @unchecked Sendable {
  public private(set) var variables: [String: Value] = [:]
  /// Variable names in the order they were first assigned.
  public private(set) var variableOrder: [String] = []
  public var options: SessionOptions
  /// Asks a running evaluation to stop at its next step (Ctrl-C, a time
  /// limit); requesting it is safe from any thread and from a signal handler.
  public let stop: StopRequest

  /// A session with its own stop request, or one the front end shares with
  /// a signal handler.
  public init(options: SessionOptions = SessionOptions(), stop: StopRequest = StopRequest()) {
    self.options = options
    self.stop = stop
  }

  /// The context one evaluation runs under: this session's element limit and stop request.
  var context: ExecutionContext {
    ExecutionContext(maximumElements: options.maximumElements, stop: stop)
  }

  /// Parses and runs `source` statement by statement, calling `output` for
  /// each value a bare expression prints, and stops at the first error.
  ///
  /// - Throws: ``Diagnostics``: every syntax error (nothing runs then), or
  ///   the one runtime error that stopped evaluation.
  public func execute(_ source: SourceFile, output: (Output) -> Void) throws(Diagnostics) {
    try execute(Session.parse(source), output: output)
  }

  /// Parses `source` once, for a front end that must know whether the input
  /// is complete before running it (``Program/isIncomplete``).
  public static func parse(_ source: SourceFile) -> Program {
    var parser = Parser(source)
    let statements = parser.parseProgram()
    return Program(
      source: source, statements: statements, diagnostics: parser.diagnostics, isIncomplete: parser.isIncomplete)
  }

  /// Runs a parsed program; see ``execute(_:output:)-(SourceFile,_)``.
  public func execute(_ program: Program, output: (Output) -> Void) throws(Diagnostics) {
    let source = program.source
    let statements = program.statements
    guard program.diagnostics.isEmpty else {
      throw Diagnostics(source: source, items: Session.capped(program.diagnostics))
    }
    stop.clear()
    let context = self.context
    let interpreter = Interpreter(session: self, context: context)
    try context.run { () throws(Diagnostics) in
      try run(statements, in: interpreter, source: source, output: output)
    }
  }

  func run(
    _ statements: [Statement], in interpreter: Interpreter, source: SourceFile, output: (Output) -> Void
  ) throws(Diagnostics) {
    for statement in statements {
      do {
        switch statement.kind {
        case .assign(let name, let nameRange, let expr):
          try assignable(name, at: nameRange)
          let value = try interpreter.evaluate(expr)
          define(name, value)
        case .expression(let expr):
          let value = try interpreter.evaluate(expr)
          define("ans", value)
          if !statement.isSilent {
            output(
              Output(value: value, range: statement.range, line: source.lineIndex(of: statement.range.start) + 1))
          }
        }
      } catch {
        throw Diagnostics(source: source, items: [error])
      }
    }
  }

  /// At most ``maximumReportedErrors`` syntax errors, then a note counting
  /// the rest — a binary file fed by mistake gives a screenful, not thousands.
  static let maximumReportedErrors = 10

  static func capped(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    guard diagnostics.count > maximumReportedErrors else { return diagnostics }
    let shown = Array(diagnostics.prefix(maximumReportedErrors))
    let hidden = diagnostics.count - maximumReportedErrors
    return shown + [
      Diagnostic(
        "\(hidden) more error\(hidden == 1 ? "" : "s") not shown", at: diagnostics[maximumReportedErrors].range,
        severity: .note)
    ]
  }

  /// Asks a running ``execute(_:output:)`` on another thread to stop at the
  /// next step; it then fails with `interrupted`.
  public func interrupt() {
    stop.request()
  }

  /// Forgets every variable.
  public func reset() {
    variables.removeAll()
    variableOrder.removeAll()
  }

  /// Sets a variable, as an assignment statement does.
  public func define(_ name: String, _ value: Value) {
    if variables.updateValue(value, forKey: name) == nil { variableOrder.append(name) }
  }

  func assignable(_ name: String, at range: SourceRange) throws(Diagnostic) {
    if Constants.values[name] != nil {
      throw Diagnostic("cannot assign to the constant '\(name)'", at: range)
    }
    if Builtins.table[name] != nil {
      throw Diagnostic("'\(name)' is a builtin function; choose another name", at: range)
    }
  }
}

/// Source parsed once: its statements and syntax errors.
public struct Program: Sendable {
  public let source: SourceFile
  let statements: [Statement]
  let diagnostics: [Diagnostic]
  /// True when the input ended inside an open bracket: a prompt should read
  /// another line before running it.
  public let isIncomplete: Bool
}

/// Named constants of the language.
enum Constants {
  static let values: [String: Double] = [
    "inf": .infinity, "nan": .nan, "true": 1, "false": 0, "pi": Double.pi,
  ]
}
