import AttnLang
import Foundation

/// What grading one submission found: a mark per exercise and the errors
/// the submission itself ran into.
public struct SubmissionResult: Codable, Sendable, Equatable {
  public struct ExerciseResult: Codable, Sendable, Equatable {
    public var exercise: String
    public var passed: Bool
    /// Why it failed, for the student; nil when it passed.
    public var reason: String?

    public init(exercise: String, passed: Bool, reason: String? = nil) {
      self.exercise = exercise
      self.passed = passed
      self.reason = reason
    }
  }

  /// An error of the submission, at its line when it has one.
  public struct Problem: Codable, Sendable, Equatable {
    public var line: Int?
    public var message: String

    public init(line: Int?, message: String) {
      self.line = line
      self.message = message
    }
  }

  public var file: String
  public var exercises: [ExerciseResult]
  public var problems: [Problem]

  public init(file: String, exercises: [ExerciseResult], problems: [Problem]) {
    self.file = file
    self.exercises = exercises
    self.problems = problems
  }

  public var score: Int { exercises.filter(\.passed).count }

  /// Every exercise failed for the same reason (the submission crashed, or ran out of time).
  public static func failed(_ file: String, exercises: [Exercise], reason: String) -> SubmissionResult {
    SubmissionResult(
      file: file, exercises: exercises.map { ExerciseResult(exercise: $0.name, passed: false, reason: reason) },
      problems: [Problem(line: nil, message: reason)])
  }
}

/// Grades a student's file against a lesson's (or an exercise file's)
/// exercises: the lesson's own cells run first (so the file can use `q`,
/// `K`, …), then the submission statement by statement, going on after
/// errors; then each exercise is judged against a session that ran the
/// lesson with its solutions.
public enum Grader {
  public struct Limits: Sendable {
    /// Seconds one statement, and one check, may run.
    public var timeLimit: Double
    /// Bytes the submission may print before it is stopped.
    public var outputLimit: Int

    public init(timeLimit: Double = 5, outputLimit: Int = 1 << 20) {
      self.timeLimit = timeLimit
      self.outputLimit = outputLimit
    }
  }

  /// - Parameters:
  ///   - student, reference: fresh sessions to run the submission and the lesson in.
  ///   - submissionFiles: the files the submission (and the checks run on its
  ///     values) may use, set on `student` once the lesson's cells have run
  ///     with the access it was made with; nil keeps that access.
  public static func grade(
    _ submission: SourceFile, against lesson: Notebook, student: Session, submissionFiles: FileAccess? = nil,
    reference: Session, limits: Limits
  ) -> SubmissionResult {
    let formatter = ValueFormatter(options: student.options.display.plain)
    let referenceRunner = NotebookRunner(session: reference)
    let studentRunner = NotebookRunner(session: student)
    for cell in lesson.cells {
      for entry in cell.entries {
        _ = referenceRunner.output(of: entry.input, name: lesson.path)
        if cell.exercise == nil { _ = studentRunner.output(of: entry.input, name: lesson.path) }
      }
    }
    if let submissionFiles { student.options.files = submissionFiles }
    var printed = 0
    var problems: [SubmissionResult.Problem] = []
    let failures = student.executeEach(submission, timeLimit: limits.timeLimit) { output in
      guard printed <= limits.outputLimit else { return }
      printed += formatter.format(output.value).utf8.count + 1
      if printed > limits.outputLimit { student.stop.request() }
    }
    if printed > limits.outputLimit {
      problems.append(.init(line: nil, message: "printed more than \(limits.outputLimit) bytes; stopped there"))
    }
    for failure in failures {
      // The stop for printing too much is reported above, not as "interrupted".
      for item in failure.items where !(printed > limits.outputLimit && item.message == "interrupted") {
        let line = failure.source.location(of: item.range.start).line
        problems.append(.init(line: line, message: item.message))
      }
    }
    student.stop.clear()
    let results = lesson.exercises.map { exercise in
      let verdict = Judge.judge(exercise, student: student, reference: reference, timeLimit: limits.timeLimit)
      return SubmissionResult.ExerciseResult(
        exercise: exercise.name, passed: verdict.passed, reason: verdict.failures.first?.reason)
    }
    return SubmissionResult(file: submission.name, exercises: results, problems: problems)
  }
}
