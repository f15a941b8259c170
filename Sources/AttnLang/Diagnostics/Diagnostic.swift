/// A problem found in the user's input, located in its source.
///
/// Diagnostics are values: the lexer, parser and interpreter make them, and
/// ``DiagnosticRenderer`` shows them (compiler style), or a front end turns
/// them into JSON.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
  public enum Severity: String, Sendable {
    case error, warning, note
  }

  public var severity: Severity
  public var message: String
  public var range: SourceRange
  /// The source `range` is in, when it is not the one being run: the body
  /// of a function defined earlier.
  public var source: SourceFile?
  /// For an error inside a function, the calls that led to it, innermost first.
  public var callStack: [CallSite] = []

  public init(_ message: String, at range: SourceRange, severity: Severity = .error) {
    self.severity = severity
    self.message = message
    self.range = range
  }

  public var description: String { "\(severity.rawValue): \(message)" }

  public static func == (a: Diagnostic, b: Diagnostic) -> Bool {
    a.severity == b.severity && a.message == b.message && a.range == b.range && a.callStack == b.callStack
      && a.source?.name == b.source?.name
  }
}

/// A call in progress when an error happened: which function, and where it
/// was called from.
public struct CallSite: Equatable, Sendable {
  public var function: String
  public var range: SourceRange
  public var source: SourceFile

  public static func == (a: CallSite, b: CallSite) -> Bool {
    a.function == b.function && a.range == b.range && a.source.name == b.source.name
  }
}

/// Everything that went wrong in one piece of input; thrown by
/// ``Session/execute(_:output:)-(SourceFile,_)``. Syntax errors can come several at once
/// (the parser recovers at statement boundaries); a runtime error comes alone.
public struct Diagnostics: Error, Sendable {
  public var source: SourceFile
  public var items: [Diagnostic]

  public init(source: SourceFile, items: [Diagnostic]) {
    self.source = source
    self.items = items
  }
}
