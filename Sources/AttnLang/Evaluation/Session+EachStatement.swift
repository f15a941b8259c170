import Dispatch

extension Session {
  /// Runs `source` statement by statement and goes on after a statement
  /// fails — the way a grader runs a student's file, so that one broken
  /// answer does not hide the others. Each statement may run at most
  /// `timeLimit` seconds (then it is stopped and the next one runs).
  ///
  /// A syntax error costs only its statement: the parser resumes at the
  /// next one, every statement that parsed runs, and the syntax errors are
  /// reported first, at their lines. Returns every error.
  public func executeEach(
    _ source: SourceFile, timeLimit: Double? = nil, output: (Output) -> Void
  ) -> [Diagnostics] {
    let program = Session.parse(source)
    var failures: [Diagnostics] = []
    if !program.diagnostics.isEmpty {
      failures.append(Diagnostics(source: source, items: Session.capped(program.diagnostics)))
    }
    for statement in program.statements {
      let single = Program(source: source, statements: [statement], diagnostics: [], isIncomplete: false)
      let deadline = timeLimit.map { Deadline(after: $0, stopping: stop) }
      do {
        try run(try compile(single), output: output)
      } catch {
        var error = error
        if stop.reason == .deadline, let timeLimit {
          for index in error.items.indices where error.items[index].message == "interrupted" {
            error.items[index].message =
              "this statement ran longer than \(timeLimit.formatted()) seconds and was stopped"
          }
        }
        failures.append(error)
      }
      deadline?.cancel()
      if stop.reason == .interruption { break }
    }
    return failures
  }
}

extension Double {
  /// `5` rather than `5.0`, `0.5` as is.
  func formatted() -> String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
