import ArgumentParser
import AttnLang
import Foundation
import Lessons
import Synchronization

/// `attn grade LESSON SUBMISSION...`: checks students' files against a
/// lesson's exercises. Each submission runs in a process of its own, so one
/// that exhausts memory, overflows or loops cannot take the grader down.
struct GradeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grade",
    abstract: "Check students' files against a lesson's exercises.",
    discussion: """
      LESSON is a lesson, or any Markdown file of exercise cells. Each SUBMISSION (an \
      .attn file, or a Jupyter notebook .ipynb whose code cells run in order) runs in a \
      fresh attn process: first the lesson's own cells (so it may \
      use q, K, … as the lesson does), then the submission, statement by statement, \
      going on after an error; then every exercise's hidden checks compare its values \
      with the lesson's solution. Each submission runs in a private copy: a fresh \
      directory holding only that file, where it may read and write, with tempdir() \
      and the --allow-files directories (data for the class) — never the folder of \
      the other submissions, nor the lesson's (its hidden checks). A statement or check that runs longer than --timeout \
      seconds is stopped, a submission that prints more than --max-output bytes is \
      stopped, and one that runs 4 × --timeout seconds in all, crashes or passes \
      --max-memory fails every exercise it had not answered — the grader goes on.

      --jobs N grades N submissions at a time, each in its own process with its own \
      limits (a class of 1,000 files grades in minutes).

      Reports: text (default), --json (one document), --junit FILE (a test suite per \
      submission, a test case per exercise), --gradescope FILE (Gradescope's \
      results.json for one submission: a test per exercise, worth the exercise's \
      'points:', shown as its 'visibility:' says). Exit status: 0 when every \
      submission passed every exercise, 1 otherwise, 2 on bad usage; Ctrl-C stops the \
      grading processes, removes the private copies and ends with 130.
      """
  )

  @Argument(help: "The lesson whose exercises are graded: a .md file, or an installed lesson's number or name.")
  var lesson: String

  @Argument(help: "Students' .attn files or Jupyter notebooks (.ipynb).")
  var submissions: [String]

  @Option(name: .long, help: "Grade this many submissions at a time.")
  var jobs: Int = 1

  @Option(name: .long, help: "Also write Gradescope's autograder results (results.json) for the one submission.")
  var gradescope: String?

  @Flag(name: .long, help: "Print one JSON document instead of text.")
  var json = false

  @Option(name: .long, help: "Also write a JUnit XML report to this file.")
  var junit: String?

  @Option(name: .long, help: "Seconds each statement and each check may run.")
  var timeout: Double = 5

  @Option(name: .customLong("max-output"), help: "Bytes a submission may print before it is stopped.")
  var maxOutput: Int = 1 << 20

  @Option(
    name: .customLong("max-elements"), help: "The largest tensor a submission may make (elements).")
  var maxElements: Int = 10_000_000

  @Option(name: .customLong("max-memory"), help: "Megabytes a submission's process may use.")
  var maxMemory: Int = 2048

  @OptionGroup var confinement: FileConfinementOptions

  func validate() throws {
    guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    guard maxOutput > 0, maxElements > 0, maxMemory > 0 else {
      throw ValidationError("--max-output, --max-elements and --max-memory must be positive")
    }
    guard jobs >= 1 else { throw ValidationError("--jobs must be 1 or more") }
    if gradescope != nil, submissions.count != 1 {
      throw ValidationError(
        "--gradescope grades one submission (Gradescope runs the autograder once per student); "
          + "got \(submissions.count)")
    }
  }

  func run() throws {
    let lesson = lessonPath(self.lesson)
    let notebook = try loadLessonOrExit(lesson)
    let exercises = notebook.exercises
    guard !exercises.isEmpty else {
      printError("attn: error: \(lesson) has no exercises (```attn exercise name=NAME cells)")
      throw ExitCode(2)
    }
    Interrupts.endOnInterrupt()
    Interrupts.whenEnded { GradingLeftovers.removeAll() }
    let started = Date()
    let graded = gradeAll(lesson: lesson, exercises: exercises)
    GradingLeftovers.waitIfEnding()
    let results = graded.compactMap { $0 }
    let missing = graded.contains { $0 == nil }
    let names = exercises.map(\.name)
    if let junit {
      try atomicWrite(GradeReport.junit(lesson: lesson, results: results), to: junit)
    }
    if let gradescope, let result = results.first {
      let document = GradescopeReport.document(
        lesson: notebook.title, exercises: exercises, result: result, seconds: Date().timeIntervalSince(started))
      try atomicWrite(GradescopeReport.json(document), to: gradescope)
    }
    print(
      json
        ? GradeReport.json(lesson: lesson, exercises: names, results: results)
        : GradeReport.text(lesson: lesson, exercises: names, results: results), terminator: "")
    if missing { throw ExitCode(2) }
    if results.contains(where: { $0.score < $0.exercises.count }) { throw ExitCode(1) }
  }

  /// Every submission's result in the order given (nil for a file that
  /// cannot be read), graded `jobs` at a time.
  func gradeAll(lesson: String, exercises: [Exercise]) -> [SubmissionResult?] {
    let results = Mutex<[SubmissionResult?]>(Array(repeating: nil, count: submissions.count))
    let next = Atomic<Int>(0)
    let group = DispatchGroup()
    for _ in 0..<min(jobs, submissions.count) {
      group.enter()
      let worker = Thread {
        defer { group.leave() }
        while true {
          let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
          guard index < submissions.count else { return }
          let path = submissions[index]
          let copy: PrivateCopy
          do {
            copy = try PrivateCopy(of: path)
            if NotebookSubmission.isNotebook(path) {
              _ = try NotebookSubmission.source(of: SourceFile(name: path, text: copy.text))
            }
          } catch {
            printError("attn: error: \(error)")
            continue
          }
          var result = gradeInChild(copy.path, lesson: lesson, exercises: exercises)
          result.file = path
          results.withLock { $0[index] = result }
        }
      }
      worker.stackSize = 1 << 20
      worker.start()
    }
    group.wait()
    return results.withLock { $0 }
  }

  /// Runs `attn grade-one` for one submission and reads its result; a child
  /// that crashes, is killed or runs out of time fails every exercise.
  func gradeInChild(_ path: String, lesson: String, exercises: [Exercise]) -> SubmissionResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    if !FileManager.default.fileExists(atPath: "/proc/self/exe") {
      process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    }
    process.arguments =
      [
        "grade-one", lesson, path, "--timeout", String(timeout), "--max-output", String(maxOutput),
        "--max-elements", String(maxElements), "--max-memory", String(maxMemory),
      ] + confinement.allowFiles.flatMap { ["--allow-files", $0] }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      return .failed(path, exercises: exercises, reason: "could not start a grading process: \(error)")
    }
    let child = process.processIdentifier
    GradingLeftovers.children.withLock { _ = $0.insert(child) }
    defer { GradingLeftovers.children.withLock { _ = $0.remove(child) } }
    let reader = ChildOutput()
    let readThread = Thread { reader.data = output.fileHandleForReading.readDataToEndOfFile() }
    readThread.start()
    let limit = timeout * 4 + 5
    let started = Date()
    while process.isRunning, Date().timeIntervalSince(started) < limit { usleep(20_000) }
    // A child stopped (or crashed) leaves its tempdir(): remove it here.
    defer { Session.removeTemporaryDirectories(leftBy: process.processIdentifier) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return .failed(
        path, exercises: exercises, reason: "ran longer than \((timeout * 4).formattedSeconds) seconds in all; stopped")
    }
    process.waitUntilExit()
    while !reader.isDone { usleep(1000) }
    if process.terminationReason == .uncaughtSignal {
      return .failed(
        path, exercises: exercises, reason: "the submission crashed attn (signal \(process.terminationStatus))")
    }
    guard let result = try? JSONDecoder().decode(SubmissionResult.self, from: reader.data ?? Data()) else {
      return .failed(path, exercises: exercises, reason: "grading failed (status \(process.terminationStatus))")
    }
    return result
  }
}

/// A submission copied alone into a fresh directory (mode 0700) of its own,
/// where it is graded: what it can reach is its own file, not its
/// classmates'. Removed (with whatever the submission wrote there) when the
/// value goes away.
final class PrivateCopy {
  let directory: String
  let path: String
  /// What the file holds.
  let text: String

  /// - Throws: ``FileAccessError`` when `original` cannot be read as a
  ///   regular file of at most ``SourceFile/maximumSize`` bytes.
  init(of original: String) throws {
    let bytes = try FileAccess.unrestricted().openForReading(original)
      .readAll(limit: Int64(SourceFile.maximumSize), shown: original)
    text = String(decoding: bytes, as: UTF8.self)
    var template = Array((NSTemporaryDirectory() + "/attn-grade-XXXXXX").utf8CString)
    guard let pointer = mkdtemp(&template) else {
      throw FileAccessError("cannot make a private directory to grade '\(original)' in")
    }
    let made = String(cString: pointer)
    directory = made
    GradingLeftovers.directories.withLock { _ = $0.insert(made) }
    let name = (original as NSString).lastPathComponent
    let plain = NotebookSubmission.isNotebook(name) ? "submission.ipynb" : "submission.attn"
    path = directory + "/" + (name.hasPrefix(".") || name.isEmpty ? plain : name)
    do {
      try FileAccess.unrestricted().write(bytes, to: path)
    } catch {
      try? FileManager.default.removeItem(atPath: made)
      GradingLeftovers.directories.withLock { _ = $0.remove(made) }
      throw error
    }
  }

  deinit {
    try? FileManager.default.removeItem(atPath: directory)
    GradingLeftovers.directories.withLock { _ = $0.remove(directory) }
  }
}

/// What grading has running or on disk, for an interrupted grader to undo:
/// the grading processes (stopped) and the private copies (removed), with
/// the temporary directories the stopped processes leave.
enum GradingLeftovers {
  static let children = Mutex<Set<Int32>>([])
  static let directories = Mutex<Set<String>>([])
  /// Set once an ending signal arrived: the grading that ends because its
  /// processes were stopped reports nothing (the signal's handler exits).
  static let ending = Atomic<Bool>(false)

  static func removeAll() {
    ending.store(true, ordering: .sequentiallyConsistent)
    let stopped = children.withLock { $0 }
    for child in stopped { kill(child, SIGKILL) }
    if !stopped.isEmpty { usleep(50_000) }
    for child in stopped { Session.removeTemporaryDirectories(leftBy: child) }
    for directory in directories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: directory) }
  }

  /// Waits for the ending signal's handler to exit, if one is at work.
  static func waitIfEnding() {
    while ending.load(ordering: .sequentiallyConsistent) { sleep(1) }
  }
}

/// What a child process printed, read on another thread.
final class ChildOutput: Sendable {
  private let stored = Mutex<Data?>(nil)
  var data: Data? {
    get { stored.withLock { $0 } }
    set { stored.withLock { $0 = newValue } }
  }
  var isDone: Bool { data != nil }
}

extension Double {
  var formattedSeconds: String { self == rounded() ? String(Int(self)) : String(self) }
}

/// `attn grade-one LESSON SUBMISSION`: grades one submission in this process
/// and prints the result as JSON, for `attn grade` (not shown in help).
struct GradeOneCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grade-one", abstract: "Grade one submission (used by attn grade).", shouldDisplay: false)

  @Argument var lesson: String
  @Argument var submission: String
  @Option var timeout: Double = 5
  @Option(name: .customLong("max-output")) var maxOutput: Int = 1 << 20
  @Option(name: .customLong("max-elements")) var maxElements: Int = 10_000_000
  @Option(name: .customLong("max-memory")) var maxMemory: Int = 2048
  @OptionGroup var confinement: FileConfinementOptions

  func run() throws {
    let notebook = try LessonLibrary.load(lesson)
    let file = try SourceFile.read(submission)
    let isNotebook = NotebookSubmission.isNotebook(submission)
    let source = isNotebook ? try NotebookSubmission.source(of: file) : file
    var evaluation = try EvaluationOptions.parse([
      "--max-elements", String(maxElements), "--max-memory", String(maxMemory), "--no-color",
    ])
    evaluation.precision = 4
    // The lesson's own cells may read its files; the submission may not.
    var studentOptions = evaluation.sessionOptions
    studentOptions.files = confinement.confined(for: lesson)
    var referenceOptions = evaluation.sessionOptions
    referenceOptions.files = confinement.confined(for: lesson)
    var result = Grader.grade(
      source, against: notebook, student: evaluation.session(studentOptions),
      submissionFiles: confinement.confined(for: submission), reference: evaluation.session(referenceOptions),
      limits: Grader.Limits(timeLimit: timeout, outputLimit: maxOutput))
    if isNotebook {
      // A notebook's errors say which code cell, and which line of it.
      let places = try NotebookSubmission.places(of: file)
      result.problems = result.problems.map { problem in
        guard let line = problem.line, line >= 1, line <= places.count else { return problem }
        let place = places[line - 1]
        return .init(line: nil, message: "code cell \(place.cell), line \(place.line): \(problem.message)")
      }
    }
    let data = try JSONEncoder().encode(result)
    FileHandle.standardOutput.write(data)
  }
}
