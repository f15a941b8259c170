import AttnLang
import Dispatch

/// Whether an answer passes an exercise, and if not, why.
public struct Verdict: Sendable {
  public struct Failure: Sendable {
    public var check: Exercise.Check
    /// What is wrong, for the student: the check's own message, or how far off the value is.
    public var reason: String
  }

  public var exercise: Exercise
  public var failures: [Failure]
  public var passed: Bool { failures.isEmpty }
}

/// Checks answers: each of an exercise's checks is evaluated in the
/// student's session and in the reference session, leaving both untouched
/// (``Session/probe(_:)``), and the values compared.
public enum Judge {
  /// - Parameter timeLimit: seconds one check may take in the student's
  ///   session (their function may loop); the reference is the lesson's own.
  public static func judge(
    _ exercise: Exercise, student: Session, reference: Session, timeLimit: Double = 10
  ) -> Verdict {
    var failures: [Verdict.Failure] = []
    for check in exercise.checks {
      let source = SourceFile(name: "check", text: check.expression)
      let expected: Value
      switch value(of: source, in: reference) {
      case .success(let value): expected = value
      case .failure(let problem):
        failures.append(.init(check: check, reason: "the lesson's own check fails: \(problem)"))
        continue
      }
      switch value(of: source, in: student, timeLimit: timeLimit) {
      case .failure(let problem):
        failures.append(
          .init(check: check, reason: check.message.map { "\($0) (\(problem))" } ?? problem.description))
      case .success(let actual):
        if let problem = ValueComparison.difference(expected: expected, actual: actual, tolerance: exercise.tolerance)
        {
          failures.append(.init(check: check, reason: check.message ?? problem))
        }
      }
    }
    return Verdict(exercise: exercise, failures: failures)
  }

  struct Problem: Error, CustomStringConvertible {
    var description: String
  }

  /// The one value `source` gives in `session`, or what went wrong.
  static func value(of source: SourceFile, in session: Session, timeLimit: Double? = nil) -> Result<Value, Problem> {
    let deadline = timeLimit.map { Deadline(after: $0, stopping: session.stop) }
    defer { deadline?.cancel() }
    do {
      let values = try session.probe(source)
      guard values.count == 1, let value = values.first else {
        return .failure(Problem(description: "the check must give one value, it gives \(values.count)"))
      }
      return .success(value)
    } catch {
      if session.stop.reason == .deadline {
        session.stop.clear()
        return .failure(Problem(description: "it took longer than \(Int(timeLimit ?? 0)) seconds"))
      }
      return .failure(Problem(description: error.items.first?.message ?? "an error"))
    }
  }
}
