import Foundation

/// A graded submission in Gradescope's autograder format (the
/// `results.json` its `run_autograder` writes): the score in points, the
/// time taken, a summary for the student, and one test per exercise with
/// its points, why it failed, and when the student may see it.
///
/// The fields are those of Gradescope's autograder specification
/// (`score`, `execution_time`, `output`, `stdout_visibility`, and per test
/// `name`, `number`, `score`, `max_score`, `output`, `visibility`).
public enum GradescopeReport {
  public struct Document: Codable, Equatable {
    public var score: Double
    /// Seconds the grading took.
    public var executionTime: Double
    /// A summary of the submission for the student.
    public var output: String
    /// When a student may see what the autograder printed (never: `hidden`).
    public var stdoutVisibility: String
    public var tests: [Test]

    enum CodingKeys: String, CodingKey {
      case score, output, tests
      case executionTime = "execution_time"
      case stdoutVisibility = "stdout_visibility"
    }
  }

  public struct Test: Codable, Equatable {
    public var name: String
    public var number: String
    public var score: Double
    public var maxScore: Double
    /// Why the exercise failed (the first failing check's message), or that it passed.
    public var output: String
    /// An ``Exercise/Visibility`` raw value.
    public var visibility: String

    enum CodingKeys: String, CodingKey {
      case name, number, score, output, visibility
      case maxScore = "max_score"
    }
  }

  /// The document for `result`, graded against `exercises` (for their
  /// points and visibility) in `seconds`.
  public static func document(
    lesson: String, exercises: [Exercise], result: SubmissionResult, seconds: Double
  ) -> Document {
    var tests: [Test] = []
    for (index, exercise) in exercises.enumerated() {
      let mark = result.exercises.first { $0.exercise == exercise.name }
      let passed = mark?.passed ?? false
      tests.append(
        Test(
          name: exercise.name, number: String(index + 1), score: passed ? exercise.points : 0,
          maxScore: exercise.points,
          output: passed ? "✓ passed" : "✗ " + (mark?.reason ?? "not graded"),
          visibility: exercise.visibility.rawValue))
    }
    let score = tests.reduce(0) { $0 + $1.score }
    let total = tests.reduce(0) { $0 + $1.maxScore }
    var output =
      "\(result.file) against \(lesson): \(points(score)) of \(points(total)) points; "
      + "\(result.score) of \(exercises.count) exercise\(exercises.count == 1 ? "" : "s") passed"
    if !result.problems.isEmpty {
      output += "\n\nErrors while the file ran:"
      for problem in result.problems.prefix(20) {
        output += "\n  " + (problem.line.map { "line \($0): " } ?? "") + problem.message
      }
      if result.problems.count > 20 { output += "\n  … \(result.problems.count - 20) more" }
    }
    return Document(
      score: score, executionTime: (seconds * 100).rounded() / 100, output: output, stdoutVisibility: "hidden",
      tests: tests)
  }

  /// The document as JSON text.
  public static func json(_ document: Document) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// Points without a needless ".0".
  static func points(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}
