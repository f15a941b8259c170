import AttnLang
import Foundation

/// A lesson's exercises answered in a notebook (the Jupyter kernel), where
/// there is no walkthrough to say which exercise is current: a first cell
/// `:lesson NAME` says which lesson the notebook follows, the student writes
/// an answer in the exercise's empty cell, and `:check NAME` (or
/// `check("NAME")`) judges it against the lesson's hidden checks, as
/// Otter-Grader's `grader.check("q1")` does. `:hint NAME` gives the next
/// hint, `:solution NAME` shows the answer and runs it.
public final class NotebookExercises {
  public let notebook: Notebook
  /// The options the reference sessions run under (the lesson's files).
  let referenceOptions: SessionOptions
  private var references: [String: Session] = [:]
  private var hintsShown: [String: Int] = [:]
  /// The exercise named last, for `:hint` and `:solution` without a name.
  private var lastNamed: String?

  public init(notebook: Notebook, referenceOptions: SessionOptions) {
    self.notebook = notebook
    self.referenceOptions = referenceOptions
  }

  /// What `:lesson NAME` answers in a notebook: which lesson, and how its exercises are checked.
  public static func introduction(to notebook: Notebook) -> String {
    let names = notebook.exercises.map(\.name)
    guard let first = names.first else { return "this notebook follows “\(notebook.title)” (it has no exercises)" }
    return "this notebook follows “\(notebook.title)”; its exercises: \(names.joined(separator: ", "))\n"
      + "answer in the exercise's cell, then check with :check \(first) (or check(\"\(first)\")); "
      + ":hint \(first) and :solution \(first) help"
  }

  /// The exercise named `name` (or the last one named, when `name` is
  /// empty), or a message saying which there are.
  public func exercise(_ name: String) -> Result<Exercise, NotebookExerciseError> {
    let wanted = name.isEmpty ? lastNamed : name
    let names = notebook.exercises.map(\.name).joined(separator: ", ")
    guard let wanted else {
      return .failure(.init(message: "which exercise? name one of: \(names)"))
    }
    guard let exercise = notebook.exercises.first(where: { $0.name == wanted }) else {
      return .failure(.init(message: "“\(notebook.title)” has no exercise '\(wanted)'; its exercises: \(names)"))
    }
    lastNamed = exercise.name
    return .success(exercise)
  }

  /// `:check NAME`: the student's session judged against the lesson's
  /// hidden checks, as lines to show: ✓, or ✗ with what failed.
  public func check(_ exercise: Exercise, student: Session, timeLimit: Double = 10) -> (passed: Bool, text: String) {
    let verdict = Judge.judge(exercise, student: student, reference: reference(for: exercise), timeLimit: timeLimit)
    if verdict.passed { return (true, "✓ \(exercise.name): passed every check") }
    let count = exercise.checks.count
    let failed = verdict.failures.count
    var lines = [
      "✗ \(exercise.name): not yet (\(failed) of \(count) check\(count == 1 ? "" : "s") \(failed == 1 ? "fails" : "fail"))"
    ]
    lines += verdict.failures.prefix(3).map { "  " + $0.reason }
    lines.append("  :hint \(exercise.name) for a hint, :solution \(exercise.name) for the answer")
    return (false, lines.joined(separator: "\n"))
  }

  /// `:hint NAME`: the exercise's next hint.
  public func hint(_ exercise: Exercise) -> String {
    let shown = hintsShown[exercise.name, default: 0]
    guard shown < exercise.hints.count else {
      return exercise.hints.isEmpty
        ? "\(exercise.name) has no hints; :solution \(exercise.name) shows the answer"
        : "no more hints; :solution \(exercise.name) shows the answer"
    }
    hintsShown[exercise.name] = shown + 1
    return "hint: " + exercise.hints[shown]
  }

  /// The solution's inputs, as the lesson writes them.
  public func solution(_ exercise: Exercise) -> [String] {
    notebook.cells.first { $0.exercise?.name == exercise.name }?.entries.map(\.input) ?? []
  }

  /// A session that ran the lesson through the exercise's solution, made when first needed.
  func reference(for exercise: Exercise) -> Session {
    if let made = references[exercise.name] { return made }
    let last = notebook.cells.first { $0.exercise?.name == exercise.name }?.index ?? Int.max
    let session = NotebookRunner.reference(for: notebook, throughCell: last, options: referenceOptions)
    references[exercise.name] = session
    return session
  }
}

/// An exercise a notebook cannot find, in words.
public struct NotebookExerciseError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var description: String { message }
  public init(message: String) { self.message = message }
}
