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

  /// Sends keys once a prompt is up, whatever is offered on it.
  func typeAtPrompt(_ keys: String, in lesson: String, timeout: Double = 60) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      // By scalars: "\r\n" is one Character, which a Character "\n" does not match.
      let scalars = terminal.transcript.unicodeScalars
      let lastLine = String(scalars[(scalars.lastIndex(of: "\n").map(scalars.index(after:)) ?? scalars.startIndex)...])
      if lastLine.hasPrefix("attn> ") && terminal.transcript.count > mark {
        usleep(100_000)
        mark = terminal.transcript.count
        terminal.send(keys)
        return
      }
      _ = terminal.waitFor("\u{0}", timeout: 0.05)
    }
    throw Stuck(description: "\(lesson): no prompt:\n\(tail)")
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

/// How an offered line behaves under a person's keys, in a real terminal.
@Suite(.serialized) struct OfferedLineTests {
  @Test func typingReplacesEditingChangesCtrlCBringsItBack() throws {
    let walker = try LessonWalker(lesson: "3", columns: 200)
    let terminal = walker.terminal
    // Typing over the offer replaces it: the student's own command runs, the offer comes back.
    try walker.type("2 + 40\r", after: "attn> U = [[1, 0], [0, 1], [0.7, 0.7], [-1, 0]]", in: "lesson 3")
    #expect(terminal.waitFor("\r\n42\r\n", after: walker.mark), "\(walker.tail)")
    #expect(!walker.sinceMark.contains("error"), "\(walker.tail)")
    // Ctrl-C clears the line; the offer comes back.
    try walker.type("\u{03}", after: "attn> U = [[1, 0], [0, 1], [0.7, 0.7], [-1, 0]]", in: "lesson 3")
    try walker.type("\r", after: "attn> U = [[1, 0], [0, 1], [0.7, 0.7], [-1, 0]]", in: "lesson 3")
    // An editing key edits the offer: Left, then typing, changes the line in place.
    try walker.type("\u{1B}[D, 5", after: "attn> q = [1, 0.2]", in: "lesson 3")
    #expect(terminal.waitFor("5]", after: walker.mark), "\(walker.tail)")
    usleep(100_000)
    terminal.send("\r")
    try walker.type("len(q)\r", after: "attn> q = [1, 0.2]", in: "lesson 3")
    #expect(terminal.waitFor("\r\n3\r\n", after: walker.mark), "the edited line ran: \(walker.tail)")
    // `:skip` passes over an input; `:back` returns to the cell's start.
    try walker.type("\r", after: "attn> q = [1, 0.2]", in: "lesson 3")
    try walker.type(":skip\r", after: "attn> scores = dot(U, q)", in: "lesson 3")
    #expect(terminal.waitFor("skipped", after: walker.mark), "\(walker.tail)")
    try walker.type(":back\r", after: "attn> scores", in: "lesson 3")
    try walker.type("\r", after: "attn> scores = dot(U, q)", in: "lesson 3")
    try walker.type("\r", after: "attn> scores", in: "lesson 3")
    #expect(terminal.waitFor("✓ same as the lesson", after: walker.mark), "\(walker.tail)")
    // :next to the block of cell 8; a command inside the block runs and keeps the lines accepted.
    for _ in 0..<5 { try walker.typeAtPrompt(":next\r", in: "lesson 3") }
    try walker.type("\r", after: "attn> def hard_select(q, U) {", in: "lesson 3")
    try walker.type(":vars\r", after: "...>   i = argmax(dot(U, q))", in: "lesson 3")
    #expect(terminal.waitFor("scores: ", after: walker.mark), "\(walker.tail)")
    try walker.type("\r", after: "...>   i = argmax(dot(U, q))", in: "lesson 3")
    try walker.type("\r", after: "...>   return U[i]", in: "lesson 3")
    try walker.type("\r", after: "...> }", in: "lesson 3")
    try walker.type("\r", after: "attn> hard_select(q, U)", in: "lesson 3")
    #expect(terminal.waitFor("✓ same as the lesson", after: walker.mark), "\(walker.tail)")
    // Up recalls the whole block as one entry.
    try walker.type("\u{1B}[A", after: "attn> attend(10 * q, U).weights", in: "lesson 3")
    #expect(terminal.waitFor("hard_select(q, U)", after: walker.mark))
    usleep(200_000)
    terminal.send("\u{03}")
    try walker.type("\u{1B}[A\u{1B}[A", after: "attn> attend(10 * q, U).weights", in: "lesson 3")
    #expect(terminal.waitFor("return U[i]", after: walker.mark), "the block is recalled whole: \(walker.tail)")
    usleep(200_000)
    terminal.send("\u{03}")
    try walker.type(":quit\r", after: "attn> attend(10 * q, U).weights", in: "lesson 3")
    #expect(terminal.waitFor("left the lesson", after: walker.mark), "\(walker.tail)")
    try walker.type("\u{04}", after: "attn> ", in: "lesson 3")
    #expect(terminal.waitForExit() == 0)
  }

  /// At an exercise the prompt is empty; :solution shows and runs the answer
  /// and the course list then marks the solution as shown.
  @Test func solutionAtAnExerciseInATerminal() throws {
    let walker = try LessonWalker(lesson: "5", columns: 200)
    let terminal = walker.terminal
    while !terminal.transcript.contains("exercise sharpen") {
      try walker.typeAtPrompt(":next\r", in: "lesson 5")
      _ = terminal.waitFor("── cell", after: walker.mark)
    }
    try walker.type(":solution\r", after: "attn> ", in: "lesson 5")
    #expect(terminal.waitFor("solution of sharpen:\r\nattn> k = 50", after: walker.mark), "\(walker.tail)")
    #expect(terminal.waitFor("exercise values-gradient", after: walker.mark), "the lesson goes on: \(walker.tail)")
    try walker.type(":quit\r", after: "attn> ", in: "lesson 5")
    try walker.type("k\r", after: "attn> ", in: "lesson 5")
    #expect(terminal.waitFor("\r\n50\r\n", after: walker.mark), "the solution ran: \(walker.tail)")
    try walker.type(":lesson\r", after: "attn> ", in: "lesson 5")
    #expect(terminal.waitFor("(· 0/3 exercises, 1 solution shown)", after: walker.mark), "\(walker.tail)")
    try walker.type("\u{04}", after: "attn> ", in: "lesson 5")
    #expect(terminal.waitForExit() == 0)
  }
}
