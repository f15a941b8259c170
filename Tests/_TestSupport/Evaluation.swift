import AttnLang

/// Runs `code` in `session` and returns the printed values, or the
/// rendered errors (without locations) as the thrown text.
public struct EvaluationFailure: Error, CustomStringConvertible {
  public var diagnostics: Diagnostics
  public var messages: [String] { diagnostics.items.map(\.message) }
  public var description: String { DiagnosticRenderer().render(diagnostics) }
}

extension Session {
  /// The values `code` prints, in order.
  public func values(_ code: String, name: String = "test.attn") throws -> [Value] {
    var printed: [Value] = []
    do {
      try execute(SourceFile(name: name, text: code)) { printed.append($0.value) }
    } catch {
      throw EvaluationFailure(diagnostics: error)
    }
    return printed
  }

  /// The one value `code` prints.
  public func value(_ code: String) throws -> Value {
    let printed = try values(code)
    guard printed.count == 1, let value = printed.first else {
      throw EvaluationFailure(
        diagnostics: Diagnostics(
          source: SourceFile(name: "test", text: code),
          items: [Diagnostic("expected one value, got \(printed.count)", at: SourceRange(0, 0))]))
    }
    return value
  }

  /// The diagnostics `code` produces (empty when it runs cleanly).
  public func errors(_ code: String) -> [Diagnostic] {
    do {
      try execute(SourceFile(name: "test.attn", text: code)) { _ in }
      return []
    } catch {
      return error.items
    }
  }
}
