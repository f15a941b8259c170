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
  /// What one check gave: a value, or what went wrong.
  typealias Outcome = Result<Value, Problem>

  /// - Parameter timeLimit: seconds one check may take in the student's
  ///   session (their function may loop); the reference is the lesson's own.
  public static func judge(
    _ exercise: Exercise, student: Session, reference: Session, timeLimit: Double = 10
  ) -> Verdict {
    let expected = exercise.checks.map { value(of: $0, in: reference) }
    let actual = exercise.checks.map { value(of: $0, in: student, timeLimit: timeLimit) }
    return verdict(exercise, expected: expected, actual: actual)
  }

  /// The verdict on checks that gave `actual` where the lesson's solution gives `expected`.
  static func verdict(_ exercise: Exercise, expected: [Outcome], actual: [Outcome]) -> Verdict {
    var failures: [Verdict.Failure] = []
    for (check, (expected, actual)) in zip(exercise.checks, zip(expected, actual)) {
      if let reason = failure(of: check, expected: expected, actual: actual, tolerance: exercise.tolerance) {
        failures.append(Verdict.Failure(check: check, reason: reason))
      }
    }
    return Verdict(exercise: exercise, failures: failures)
  }

  /// Why `actual` fails `check`, or nil when it passes. A check's message
  /// is said when it applies (an `if nan:` message only to results that
  /// are not finite); otherwise what differs, in words.
  static func failure(of check: Exercise.Check, expected: Outcome, actual: Outcome, tolerance: Double) -> String? {
    let reference: Value
    switch expected {
    case .success(let value): reference = value
    case .failure(let problem): return "the lesson's own check fails: \(problem)"
    }
    switch actual {
    case .failure(let problem):
      return check.message.map { "\($0) (\(problem))" } ?? problem.description
    case .success(let value):
      guard let difference = ValueComparison.difference(expected: reference, actual: value, tolerance: tolerance)
      else { return nil }
      switch check.messageCondition {
      case .always: return check.message ?? difference
      case .notFinite:
        let applies = ValueComparison.hasNonFinite(value) && !ValueComparison.hasNonFinite(reference)
        return applies ? check.message.map { "\($0) (\(difference))" } ?? difference : difference
      }
    }
  }

  struct Problem: Error, CustomStringConvertible {
    var description: String
  }

  /// The one value `check` gives in `session`, or what went wrong.
  static func value(of check: Exercise.Check, in session: Session, timeLimit: Double? = nil) -> Outcome {
    value(of: SourceFile(name: "check", text: check.expression), in: session, timeLimit: timeLimit)
  }

  /// The one value `source` gives in `session`, or what went wrong.
  static func value(of source: SourceFile, in session: Session, timeLimit: Double? = nil) -> Outcome {
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
