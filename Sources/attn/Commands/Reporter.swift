import AttnLang
import Foundation

/// Prints what evaluation produces, as text or as JSON Lines.
struct Reporter: Sendable {
  var json: Bool
  var precision: Int
  var color: Bool

  /// Runs `source` in `session`, printing values and errors; true when clean.
  func execute(_ source: SourceFile, in session: Session) -> Bool {
    guard let error = run(source, in: session) else { return true }
    report(error)
    return false
  }

  /// Runs `source` in `session`, printing values as they come; returns the
  /// error that stopped it, unreported.
  func run(_ source: SourceFile, in session: Session) -> Diagnostics? {
    let formatter = ValueFormatter(options: session.options.display)
    do {
      try session.execute(source) { output in
        let file = JSONEncoding.string(source.name)
        switch (json, output.isPrint, output.value) {
        case (true, true, .text(let text)):
          emit(#"{"file": \#(file), "line": \#(output.line), "print": \#(JSONEncoding.string(text))}"#)
        case (true, _, _):
          emit(#"{"file": \#(file), "line": \#(output.line), "value": \#(JSONEncoding.encode(output.value))}"#)
        default:
          emit(formatter.format(output.value))
        }
      }
      return nil
    } catch {
      return error
    }
  }

  func report(_ diagnostics: Diagnostics) {
    if json {
      for item in diagnostics.items {
        let source = item.source ?? diagnostics.source
        let key = item.severity == .error ? "error" : item.severity.rawValue
        var fields = place(item.range, in: source) + #", "\#(key)": \#(JSONEncoding.string(item.message))"#
        if !item.callStack.isEmpty {
          let calls = item.callStack.map { call in
            "{" + #""function": \#(JSONEncoding.string(call.function)), "# + place(call.range, in: call.source) + "}"
          }
          fields += #", "stack": [\#(calls.joined(separator: ", "))]"#
        }
        emit("{" + fields + "}")
      }
    } else {
      FileHandle.standardOutput.synchronizeFile()
      printError(DiagnosticRenderer(useColor: color).render(diagnostics))
    }
  }

  /// `"file": …, "line": …, "column": …` for a place in a source.
  func place(_ range: SourceRange, in source: SourceFile) -> String {
    let location = source.location(of: range.start)
    return #""file": \#(JSONEncoding.string(source.name)), "line": \#(location.line), "column": \#(location.column)"#
  }

  /// An error that belongs to a whole file rather than a place in it.
  func report(message: String, file: String) {
    if json {
      emit(#"{"file": \#(JSONEncoding.string(file)), "error": \#(JSONEncoding.string(message))}"#)
    } else {
      printError("\(file): error: \(message)")
    }
  }

  func emit(_ line: String) {
    print(line)
    fflush(nil)
  }
}
