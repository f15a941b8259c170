import AttnLang

/// What running one entry of a cell printed, and whether it matched.
public struct EntryResult: Sendable {
  public var entry: Notebook.Entry
  /// The lines printed, as the prompt shows them (values and errors).
  public var actual: [String]
  /// The values printed, for pictures in exported pages.
  public var values: [Value]
  public var matches: Bool
  /// Which of `values` came from `print` (a line of text, not a value).
  public var printed: [Bool] = []
}

/// The results of one cell.
public struct CellResult: Sendable {
  public var cell: Notebook.Cell
  public var entries: [EntryResult]
  /// For an exercise: what is wrong with it (a check that fails after the
  /// solution ran, or checks that pass before it), else nil.
  public var exerciseProblem: String? = nil
  /// A cell passes when every entry matches (or it is not checked) and, for
  /// an exercise, its solution passes its checks.
  public var passed: Bool { (!cell.options.check || entries.allSatisfy(\.matches)) && exerciseProblem == nil }
}

/// Runs a notebook's cells in order in one session, as the prompt would.
public struct NotebookRunner {
  public var session: Session

  public init(session: Session = Session()) {
    self.session = session
  }

  /// The lines the prompt prints for `input`: each value, or the error as
  /// the REPL shows it (without colors).
  public func output(of input: String, name: String) -> (lines: [String], values: [Value]) {
    let result = outputs(of: input, name: name)
    return (result.lines, result.values)
  }

  /// ``output(of:name:)`` with which values came from `print`.
  func outputs(of input: String, name: String) -> (lines: [String], values: [Value], printed: [Bool]) {
    let formatter = ValueFormatter(options: session.options.display)
    var printed: [String] = []
    var values: [Value] = []
    var prints: [Bool] = []
    do {
      try session.execute(SourceFile(name: name, text: input)) {
        printed.append(formatter.format($0.value))
        values.append($0.value)
        prints.append($0.isPrint)
      }
    } catch {
      printed.append(DiagnosticRenderer(useColor: false, showsLocation: false).render(error))
    }
    let lines = printed.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    return (lines, values, prints)
  }

  /// Runs one cell and compares each entry's output with its expectation.
  /// An exercise's solution must also pass its checks, and the checks must
  /// not pass before it runs (then they would check nothing).
  public func run(_ cell: Notebook.Cell, in notebook: Notebook) -> CellResult {
    let before = cell.exercise.map { exercise in
      exercise.checks.map { Judge.value(of: SourceFile(name: "check", text: $0.expression), in: session) }
    }
    let entries = cell.entries.map { entry in
      let (actual, values, printed) = outputs(of: entry.input, name: notebook.path)
      let matches = OutputMatcher.matches(expected: entry.expected, actual: actual, tolerance: cell.options.tolerance)
      return EntryResult(entry: entry, actual: actual, values: values, matches: matches, printed: printed)
    }
    var result = CellResult(cell: cell, entries: entries)
    if let exercise = cell.exercise, let before {
      result.exerciseProblem = NotebookRunner.problem(of: exercise, before: before, in: session)
    }
    return result
  }

  /// Why an exercise is broken, if it is: a check that fails once the
  /// solution ran, or checks that all gave the same values before it ran.
  static func problem(of exercise: Exercise, before: [Result<Value, Judge.Problem>], in session: Session) -> String? {
    var unchanged = 0
    for (check, earlier) in zip(exercise.checks, before) {
      switch Judge.value(of: SourceFile(name: "check", text: check.expression), in: session) {
      case .failure(let problem):
        return "exercise '\(exercise.name)': after the solution, check '\(check.expression)' fails: \(problem)"
      case .success(let value):
        if case .success(let old) = earlier,
          ValueComparison.difference(expected: value, actual: old, tolerance: exercise.tolerance) == nil
        {
          unchanged += 1
        }
      }
    }
    if unchanged == exercise.checks.count {
      return "exercise '\(exercise.name)': its checks already pass before the solution runs, so they check nothing"
    }
    return nil
  }

  /// Runs every cell in order.
  public func run(_ notebook: Notebook) -> [CellResult] {
    notebook.cells.map { run($0, in: notebook) }
  }
}
