import AttnLang
import Foundation

/// Prints what evaluation produces, as text or as JSON Lines.
struct Reporter: Sendable {
  var json: Bool
  var precision: Int
  var color: Bool

  /// Runs `source` in `session`, printing values and errors; true when clean.
  func execute(_ source: SourceFile, in session: Session) -> Bool {
    let formatter = ValueFormatter(options: session.options.display)
    do {
      try session.execute(source) { output in
        if json {
          emit(
            #"{"file": \#(JSONEncoding.string(source.name)), "line": \#(output.line), "value": \#(JSONEncoding.encode(output.value))}"#
          )
        } else {
          emit(formatter.format(output.value))
        }
      }
      return true
    } catch {
      report(error)
      return false
    }
  }

  func report(_ diagnostics: Diagnostics) {
    if json {
      for item in diagnostics.items {
        let location = diagnostics.source.location(of: item.range.start)
        let key = item.severity == .error ? "error" : item.severity.rawValue
        emit(
          #"{"file": \#(JSONEncoding.string(diagnostics.source.name)), "line": \#(location.line), "column": \#(location.column), "\#(key)": \#(JSONEncoding.string(item.message))}"#
        )
      }
    } else {
      FileHandle.standardOutput.synchronizeFile()
      printError(DiagnosticRenderer(useColor: color).render(diagnostics))
    }
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
