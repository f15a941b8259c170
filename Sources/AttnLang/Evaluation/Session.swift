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

/// A value printed by a bare expression statement, or a line `print` wrote.
public struct Output: Sendable {
  public var value: Value
  /// The top-level statement that printed it.
  public var range: SourceRange
  /// Its 1-based line in the source.
  public var line: Int
  /// True for a line of text from `print` (then `value` is that ``Value/text(_:)``).
  public var isPrint: Bool

  public init(value: Value, range: SourceRange, line: Int, isPrint: Bool = false) {
    self.value = value
    self.range = range
    self.line = line
    self.isPrint = isPrint
  }
}

/// One evaluation session: the variables and settings that the REPL, `attn
/// run` and the lesson checker all share through ``execute(_:output:)``.
///
/// A failed statement leaves every variable as it was before it, even one
/// that failed part way through a loop.
public final class Session: @unchecked Sendable {
  /// The session's variables (functions from `def` among them).
  let globals = Globals()
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

  /// Every variable with a value, by name.
  public var variables: [String: Value] {
    Dictionary(globals.defined.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
  }

  /// Variable names in the order they were first assigned.
  public var variableOrder: [String] { globals.defined.map(\.name) }

  /// The names of the variables that hold functions (from `def`, or assigned).
  public var functionNames: [String] {
    globals.defined.compactMap { if case .function = $0.value { $0.name } else { nil } }
  }

  /// The named arguments the function called `name` accepts: a builtin, or
  /// a function in a variable (a `def`); empty for anything else.
  public func namedArguments(of name: String) -> [String] {
    if let signature = Builtins.signature(of: name) { return signature.namedLabels }
    if case .function(let function)? = value(of: name) { return function.signature.namedLabels }
    return []
  }

  /// The value of one variable, or nil.
  public func value(of name: String) -> Value? { globals.value(of: name) }

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
  ///
  /// Every statement is compiled first (mistakes such as `break` outside a
  /// loop are reported before anything runs), then each runs in turn; one
  /// that fails is undone.
  public func execute(_ program: Program, output: (Output) -> Void) throws(Diagnostics) {
    let source = program.source
    guard program.diagnostics.isEmpty else {
      throw Diagnostics(source: source, items: Session.capped(program.diagnostics))
    }
    var compiler = Compiler(source: source, globals: globals)
    var compiled: [(statement: Statement, run: Compiled.Statement)] = []
    var mistakes: [Diagnostic] = []
    for statement in program.statements {
      do {
        compiled.append((statement, try compiler.statement(statement)))
      } catch {
        mistakes.append(error)
      }
    }
    guard mistakes.isEmpty else { throw Diagnostics(source: source, items: Session.capped(mistakes)) }
    stop.clear()
    let context = self.context
    try withoutActuallyEscaping(output) { (output) throws(Diagnostics) in
      let runtime = Runtime(session: self, context: context, output: output)
      let frame = Frame(runtime: runtime, slotCount: 0, function: nil)
      try context.run { () throws(Diagnostics) in
        for (statement, run) in compiled {
          runtime.statement = (statement.range, source.lineIndex(of: statement.range.start) + 1)
          let snapshot = globals.snapshot
          do throws(Diagnostic) {
            _ = try run(frame)
          } catch {
            globals.restore(snapshot)
            throw Diagnostics(source: source, items: [error])
          }
        }
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
    globals.removeAll()
  }

  /// Sets a variable, as an assignment statement does.
  public func define(_ name: String, _ value: Value) {
    globals.define(name, value)
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
