import Foundation
import Lessons
import Testing
import _TestSupport

/// Every lesson walked at the real prompt in a pseudo-terminal, as a
/// student walks it: each offered line accepted with Enter (a block line by
/// line), every output compared by attn with the lesson's, every exercise
/// answered first with its plausible wrong answer (rejected, with the words
/// the lesson promises), then with a hint asked and the solution typed.
@Suite(.serialized) struct LessonWalkTests {
  static let lessonsDirectory = AttnProcess.packageRoot.appendingPathComponent("lessons").path
  static let lessons = (try? LessonLibrary.markdownFiles(in: [lessonsDirectory])) ?? []

  @Test func thereAreLessonsToWalk() {
    #expect(Self.lessons.count >= 17)
  }

  @Test(arguments: lessons)
  func walksToItsEnd(_ path: String) throws {
    let notebook = try LessonLibrary.load(path)
    let name = (path as NSString).lastPathComponent
    let walker = try LessonWalker(lesson: String(name.prefix { $0.isNumber }))
    for cell in notebook.cells where !cell.entries.isEmpty {
      if let exercise = cell.exercise {
        try walker.answer(exercise, solution: cell.entries, in: name)
      } else {
        for entry in cell.entries { try walker.accept(entry, in: name) }
      }
    }
    #expect(walker.terminal.waitFor("End of “\(notebook.title)”", after: walker.mark), "\(walker.tail)")
    #expect(walker.terminal.waitForPrompt())
    walker.terminal.send("\u{04}")
    #expect(walker.terminal.waitForExit() == 0, "\(walker.tail)")
  }
}

/// Drives `attn lesson N` in a pseudo-terminal.
final class LessonWalker {
  struct Stuck: Error, CustomStringConvertible {
    var description: String
  }

  let terminal: PseudoTerminal
  /// Where the transcript stood before the last keys were sent.
  var mark = 0

  init(lesson: String, columns: UInt16 = 1000) throws {
    let state = try makeTemporaryDirectory()
    let environment = [
      "TERM": "xterm-256color", "HOME": state.path, "XDG_STATE_HOME": state.path, "ATTN_HISTORY": "",
      "NO_COLOR": "1", "LANG": "C.UTF-8", "ATTN_LESSONS": LessonWalkTests.lessonsDirectory,
    ]
    terminal = try PseudoTerminal(
      executable: AttnProcess.executable.path, arguments: ["lesson", lesson], environment: environment,
      columns: columns)
  }

  /// The end of the transcript, for failure messages.
  var tail: String { String(terminal.transcript.suffix(3000)) }

  /// What the program printed since ``mark``.
  var sinceMark: String { String(terminal.transcript.dropFirst(mark)) }

  /// Sends keys once the line ends with `shown`, or gives up saying where it stuck.
  func type(_ keys: String, after shown: String, in lesson: String, timeout: Double = 60) throws {
    guard terminal.waitForEnding(shown, timeout: timeout) else {
      throw Stuck(description: "\(lesson): the prompt never showed \(shown.debugDescription):\n\(tail)")
    }
    mark = terminal.transcript.count
    terminal.send(keys)
  }

  /// Waits until the input sent last has finished: the next prompt (or the lesson's end) is printed.
  func waitForNextPrompt(in lesson: String, timeout: Double = 120) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let text = sinceMark
      // Keys were sent after the input's own prompt: any prompt now is the next one.
      if text.contains("attn> ") || text.contains("End of “") { return }
      _ = terminal.waitFor("\u{0}", timeout: 0.05)
    }
    throw Stuck(description: "\(lesson): no prompt came back:\n\(tail)")
  }

  /// Accepts an offered input line by line with Enter; attn must say it
  /// matches the lesson when the lesson shows an output.
  func accept(_ entry: Notebook.Entry, in lesson: String) throws {
    for (index, line) in Walkthrough.lines(of: entry.input).enumerated() {
      try type("\r", after: (index == 0 ? "attn> " : "...> ") + line, in: lesson)
    }
    try waitForNextPrompt(in: lesson)
    let printed = sinceMark
    #expect(!printed.contains("✗"), "\(lesson):\(entry.line): the output differs from the lesson's:\n\(printed)")
    #expect(!printed.contains("error: unexpected"), "\(lesson):\(entry.line): a syntax error:\n\(printed)")
    if !entry.expected.isEmpty {
      #expect(printed.contains("✓ same as the lesson"), "\(lesson):\(entry.line): not confirmed:\n\(printed)")
    }
  }

  /// Answers an exercise at its empty prompt: its wrong answer (rejected
  /// with the feedback the lesson names), a hint, then the solution typed
  /// input by input until attn says it is solved.
  func answer(_ exercise: Exercise, solution: [Notebook.Entry], in lesson: String) throws {
    let context = "\(lesson), exercise \(exercise.name)"
    #expect(!exercise.wrongAnswers.isEmpty, "\(context) has no wrong: answer to try")
    for wrong in exercise.wrongAnswers {
      try type(wrong.code + "\r", after: "attn> ", in: context)
      try waitForNextPrompt(in: context)
      let verdict = sinceMark
      #expect(verdict.contains("✗ not yet"), "\(context): '\(wrong.code)' is not rejected:\n\(verdict)")
      #expect(
        verdict.contains(wrong.feedback), "\(context): the rejection does not say '\(wrong.feedback)':\n\(verdict)")
    }
    if let hint = exercise.hints.first {
      try type(":hint\r", after: "attn> ", in: context)
      try waitForNextPrompt(in: context)
      #expect(sinceMark.contains("hint: " + hint), "\(context): no hint:\n\(sinceMark)")
    }
    var solved = false
    for entry in solution where !solved {
      let lines = entry.input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      for (index, line) in lines.enumerated() {
        try type(line + "\r", after: index == 0 ? "attn> " : "...> ", in: context)
      }
      try waitForNextPrompt(in: context)
      solved = sinceMark.contains("✓ solved: \(exercise.name)")
      #expect(!sinceMark.contains("error:"), "\(context): the solution fails:\n\(sinceMark)")
    }
    #expect(solved, "\(context): the solution is not accepted:\n\(tail)")
  }
}
