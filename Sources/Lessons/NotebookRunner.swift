import AttnLang

/// What running one entry of a cell printed, and whether it matched.
public struct EntryResult {
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
public struct CellResult {
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
  /// Seconds one input may run before it is stopped (nil: no limit): a
  /// lesson from elsewhere may hold `while true { }`.
  public var timeLimit: Double?

  public init(session: Session = Session(), timeLimit: Double? = nil) {
    self.session = session
    self.timeLimit = timeLimit
  }

  /// A fresh session (made with `options`) that ran `notebook`'s cells up
  /// to the cell numbered `last` (its ``Notebook/Cell/index``), exercises'
  /// solutions included: the reference an exercise's answer is judged against.
  public static func reference(for notebook: Notebook, throughCell last: Int, options: SessionOptions) -> Session {
    let session = Session(options: options)
    let runner = NotebookRunner(session: session)
    for cell in notebook.cells where cell.index <= last {
      for entry in cell.entries { _ = runner.output(of: entry.input, name: notebook.path) }
    }
    return session
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
    let deadline = timeLimit.map { Deadline(after: $0, stopping: session.stop) }
    defer { deadline?.cancel() }
    do {
      try session.execute(SourceFile(name: name, text: input)) {
        printed.append(formatter.format($0.value))
        values.append($0.value)
        prints.append($0.isPrint)
      }
    } catch {
      if session.stop.reason == .deadline, let timeLimit {
        session.stop.clear()
        let seconds = timeLimit == timeLimit.rounded() && timeLimit < 1e9 ? String(Int(timeLimit)) : String(timeLimit)
        printed.append("error: this input ran longer than \(seconds) seconds and was stopped (--timeout)")
      } else {
        printed.append(DiagnosticRenderer(useColor: false, showsLocation: false).render(error))
      }
    }
    let lines = printed.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    return (lines, values, prints)
  }

  /// Runs one cell and compares each entry's output with its expectation.
  /// An exercise's solution must also pass its checks, the checks must not
  /// pass before it runs (then they would check nothing), and each of its
  /// `wrong:` answers must be rejected with words that name the mistake.
  public func run(_ cell: Notebook.Cell, in notebook: Notebook) -> CellResult {
    let before = cell.exercise.map { exercise in
      exercise.checks.map { Judge.value(of: $0, in: session, timeLimit: timeLimit) }
    }
    let wrong = cell.exercise.map { exercise in
      exercise.wrongAnswers.map { answer in (answer, outcomes(of: answer, for: exercise)) }
    }
    let entries = cell.entries.map { entry in
      let (actual, values, printed) = outputs(of: entry.input, name: notebook.path)
      let matches = OutputMatcher.matches(expected: entry.expected, actual: actual, tolerance: cell.options.tolerance)
      return EntryResult(entry: entry, actual: actual, values: values, matches: matches, printed: printed)
    }
    var result = CellResult(cell: cell, entries: entries)
    if let exercise = cell.exercise, let before, let wrong {
      result.exerciseProblem = NotebookRunner.problem(
        of: exercise, before: before, wrong: wrong, in: session, timeLimit: timeLimit)
    }
    return result
  }

  /// What the checks give after `answer` runs in this session, which is
  /// then put back as it was; an answer that fails to run gives its error.
  func outcomes(of answer: Exercise.WrongAnswer, for exercise: Exercise) -> Result<[Judge.Outcome], Judge.Problem> {
    session.withoutKeepingChanges {
      do throws(Diagnostics) {
        try session.execute(SourceFile(name: "wrong answer", text: answer.code)) { _ in }
      } catch {
        return .failure(Judge.Problem(description: error.items.first?.message ?? "an error"))
      }
      return .success(exercise.checks.map { Judge.value(of: $0, in: session, timeLimit: 10) })
    }
  }

  /// Why an exercise is broken, if it is: a check that fails once the
  /// solution ran, checks that all gave the same values before it ran, a
  /// yes/no check without a message, or a wrong answer the checks accept
  /// (or reject without saying what its `wrong:` line says they should).
  static func problem(
    of exercise: Exercise, before: [Judge.Outcome],
    wrong: [(Exercise.WrongAnswer, Result<[Judge.Outcome], Judge.Problem>)], in session: Session,
    timeLimit: Double? = nil
  ) -> String? {
    let name = "exercise '\(exercise.name)'"
    var unchanged = 0
    var expected: [Judge.Outcome] = []
    for (check, earlier) in zip(exercise.checks, before) {
      let outcome = Judge.value(of: check, in: session, timeLimit: timeLimit)
      expected.append(outcome)
      switch outcome {
      case .failure(let problem):
        return "\(name): after the solution, check '\(check.expression)' fails: \(problem)"
      case .success(let value):
        if case .success(let old) = earlier,
          ValueComparison.difference(expected: value, actual: old, tolerance: exercise.tolerance) == nil
        {
          unchanged += 1
        }
      }
      if check.message == nil, Session.parse(SourceFile(name: "check", text: check.expression)).isYesNoTest {
        return
          "\(name): check '\(check.expression)' (line \(check.line)) only says yes or no: add '# what it means' after it, so that a student who fails it learns what is wrong"
      }
    }
    if unchanged == exercise.checks.count {
      return "\(name): its checks already pass before the solution runs, so they check nothing"
    }
    for (answer, outcomes) in wrong {
      let answerName = "the wrong answer on line \(answer.line) ('\(answer.code)')"
      switch outcomes {
      case .failure(let problem):
        return "\(name): \(answerName) does not run: \(problem)"
      case .success(let actual):
        let verdict = Judge.verdict(exercise, expected: expected, actual: actual)
        if verdict.passed { return "\(name): its checks accept \(answerName)" }
        let reasons = verdict.failures.map(\.reason)
        if !reasons.contains(where: { $0.contains(answer.feedback) }) {
          return
            "\(name): \(answerName) is rejected, but not with '\(answer.feedback)'; the student is told: \(reasons.joined(separator: " | "))"
        }
      }
    }
    return nil
  }

  /// Runs every cell in order.
  public func run(_ notebook: Notebook) -> [CellResult] {
    notebook.cells.map { run($0, in: notebook) }
  }
}
