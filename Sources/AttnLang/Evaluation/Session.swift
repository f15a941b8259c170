import Attention
import Synchronization

/// Settings a session evaluates under.
public struct SessionOptions: Sendable {
  /// How values print.
  public var display = DisplayOptions()
  /// The most elements one tensor may have; larger requests are refused
  /// before anything is allocated.
  public var maximumElements = 50_000_000

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
  let interruption = Atomic<Bool>(false)

  public init(options: SessionOptions = SessionOptions()) {
    self.options = options
  }

  /// Parses and runs `source` statement by statement, calling `output` for
  /// each value a bare expression prints, and stops at the first error.
  ///
  /// - Throws: ``Diagnostics``: every syntax error (nothing runs then), or
  ///   the one runtime error that stopped evaluation.
  public func execute(_ source: SourceFile, output: (Output) -> Void) throws(Diagnostics) {
    var parser = Parser(source)
    let statements = parser.parseProgram()
    guard parser.diagnostics.isEmpty else {
      throw Diagnostics(source: source, items: Session.capped(parser.diagnostics))
    }
    interruption.store(false, ordering: .relaxed)
    Session.processInterrupt.store(false, ordering: .relaxed)
    Interruption.clear()
    let interpreter = Interpreter(session: self)
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

  /// Whether `text` ends inside an open `(` or `[`, so the REPL should read
  /// another line before evaluating.
  public static func isIncomplete(_ text: String) -> Bool {
    Parser(SourceFile(name: "", text: text)).isIncomplete
  }

  /// Set from a signal handler (Ctrl-C): stops whichever session is running.
  static let processInterrupt = Atomic<Bool>(false)

  /// Asks whatever evaluation is running to stop at its next step; safe to
  /// call from a signal handler.
  public static func requestInterrupt() {
    processInterrupt.store(true, ordering: .relaxed)
    Interruption.request()
  }

  /// Whether this session was asked to stop.
  var isInterrupted: Bool {
    interruption.load(ordering: .relaxed) || Session.processInterrupt.load(ordering: .relaxed)
  }

  /// Asks a running ``execute(_:output:)`` on another thread to stop at the
  /// next step; it then fails with `interrupted`.
  public func interrupt() {
    interruption.store(true, ordering: .relaxed)
    Interruption.request()
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

  /// Refuses a tensor of `count` elements beyond ``SessionOptions/maximumElements``.
  func checkSize(_ shape: [Int], at range: SourceRange, operation: String) throws(Diagnostic) {
    // A count too large for Int is as good as too many.
    let count = (try? Tensor.elementCount(of: shape.map { Swift.max($0, 0) }, operation: operation)) ?? Int.max
    if count > options.maximumElements {
      throw Diagnostic(
        "\(operation): shape \(describe(shape: shape)) has \(count == Int.max ? "too many" : String(count)) elements, more than the limit of \(options.maximumElements) (raise it with --max-elements)",
        at: range)
    }
  }
}

/// Named constants of the language.
enum Constants {
  static let values: [String: Double] = [
    "inf": .infinity, "nan": .nan, "true": 1, "false": 0, "pi": Double.pi,
  ]
}
