import AttnLang
import Foundation
import Lessons

/// The prompt's logic, independent of how lines arrive: gathers lines until
/// a statement is complete, runs `:` commands (``PromptCommand``), evaluates
/// code and prints. The commands live in `Repl+Commands.swift`, lesson
/// walkthroughs in `Repl+Lessons.swift`.
final class Repl {
  let session: Session
  let color: Bool
  let name: String
  private(set) var pending: [String] = []
  /// How many lines of the lesson's offered input ``pending`` holds: while
  /// the student accepts an offered block line by line, the next line is offered.
  private(set) var offerAccepted = 0
  /// Comment lines typed just before the next input: a `def`'s help.
  private(set) var heldComments: [String] = []
  /// Called with each whole input as typed (every line of a block at once),
  /// for the line editor's history.
  var onInput: ((String) -> Void)?
  var transcript = TranscriptFilter()
  var wantsToQuit = false
  /// Inputs that ran without error, for `:save` and `:export`: the latest
  /// ``historyKept`` (a prompt fed a million lines through a pipe must not
  /// keep every value it printed). See ``keptHistory``.
  private(set) var history: [HistoryEntry] = []
  /// How many inputs ran without error, including those no longer kept.
  private(set) var historyCount = 0
  static let historyKept = 10_000
  /// The lesson being walked through, if any. When it ends, file access
  /// returns to what it was before it (see ``Repl/open(_:builtIn:)``).
  var walkthrough: Walkthrough? {
    didSet {
      if walkthrough == nil, let filesOutsideLesson {
        session.options.files = filesOutsideLesson
        self.filesOutsideLesson = nil
      }
    }
  }
  /// The session's file access from before the lesson began.
  var filesOutsideLesson: FileAccess?
  /// Directories a lesson from elsewhere may also use (`--allow-files`).
  var allowedDirectories: [String] = []
  /// Solved exercises, kept across sessions (nil: not kept).
  var progressStore: ProgressStore? = ProgressStore.defaultPath().map(ProgressStore.init(path:))
  /// Whether what was wrong with the progress file was said (once a session).
  var progressWarned = false

  /// One input that ran, with what it printed (plain, as a lesson records it).
  struct HistoryEntry {
    var input: String
    /// The lines it printed (none, or some, which may be empty lines).
    var output: [String]
    var values: [Value]
    /// The directory the input's relative file names were read from (a
    /// lesson's own, during a walkthrough); nil for the current directory.
    var directory: String? = nil
  }

  init(session: Session, color: Bool, name: String) {
    self.session = session
    self.color = color
    self.name = name
  }

  /// The prompt for the next line: `attn> `, or `...> ` inside an open bracket.
  var prompt: String { Transcript.prompt(forLine: pending.count) }

  /// Takes one line of input (or several, as a recalled block holds them);
  /// evaluates once the statement is complete. Returns false when it
  /// produced an error.
  @discardableResult
  func feed(_ rawLine: String) -> Bool {
    if let walkthrough, let offered = walkthrough.offeredLines, pending.count == offerAccepted {
      if offerAccepted < offered.count, Walkthrough.accepts(rawLine, as: offered[offerAccepted]) {
        return acceptOffered(offered, in: walkthrough)
      }
      if offerAccepted > 0, isCommand(rawLine) { return commandInsideOffer(rawLine, in: walkthrough) }
      // Anything else is the student's own input; lines already accepted stay part of it.
      offerAccepted = 0
    }
    guard let line = transcript.filter(rawLine, continuing: !pending.isEmpty) else { return true }
    if pending.isEmpty {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix(":") || trimmed.hasPrefix("?") {
        heldComments.removeAll()
        inputCompleted(trimmed)
        return command(trimmed)
      }
      if trimmed.hasPrefix("#") && !line.contains("\n") {
        // A comment right above a `def` is its help, as in a file: keep it for the next input.
        heldComments.append(line)
        return true
      }
      if trimmed.isEmpty {
        heldComments.removeAll()
        if walkthrough?.currentExercise != nil { return true }
      }
    }
    pending.append(line)
    // Parsed once: the same program tells whether to wait and is then run.
    let text = (heldComments + pending).joined(separator: "\n")
    let program = Session.parse(SourceFile(name: name, text: text))
    if program.isIncomplete { return true }
    pending.removeAll()
    heldComments.removeAll()
    inputCompleted(text)
    let succeeded = evaluate(program).succeeded
    if succeeded, walkthrough?.currentExercise != nil { judgeExercise(program) }
    return succeeded
  }

  /// Whether a line is a `:` command or `?name`.
  func isCommand(_ line: String) -> Bool {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    return trimmed.hasPrefix(":") || trimmed.hasPrefix("?")
  }

  /// The student accepted the next offered line: wait for the rest of the
  /// lesson's input, or run it whole once its last line is in.
  func acceptOffered(_ offered: [String], in walkthrough: Walkthrough) -> Bool {
    offerAccepted += 1
    guard offerAccepted == offered.count else {
      pending.append(offered[offerAccepted - 1])
      return true
    }
    pending.removeAll()
    offerAccepted = 0
    let input = offered.joined(separator: "\n")
    inputCompleted(input)
    return runLessonInput(input, in: walkthrough)
  }

  /// A `:` command typed on a continuation line of an offered block runs;
  /// the block's accepted lines stay unless the command moved the lesson on.
  func commandInsideOffer(_ line: String, in walkthrough: Walkthrough) -> Bool {
    let position = walkthrough.position
    let succeeded = command(line.trimmingCharacters(in: .whitespaces))
    if self.walkthrough !== walkthrough || walkthrough.position != position { cancelPending() }
    return succeeded
  }

  /// Evaluates whatever is pending (at end of input); false on error.
  func flush() -> Bool {
    guard !pending.isEmpty else { return true }
    let text = (heldComments + pending).joined(separator: "\n")
    pending.removeAll()
    heldComments.removeAll()
    offerAccepted = 0
    return evaluate(text)
  }

  /// Drops a half-typed statement (Ctrl-C).
  func cancelPending() {
    pending.removeAll()
    heldComments.removeAll()
    offerAccepted = 0
  }

  /// Reports a whole input (all its lines) to ``onInput``.
  func inputCompleted(_ text: String) { onInput?(text) }

  func evaluate(_ text: String) -> Bool {
    evaluate(Session.parse(SourceFile(name: name, text: text))).succeeded
  }

  /// Runs `program`, printing values (stdout) and errors (stderr) as they
  /// come, and returns the printed lines in the plain form a lesson holds
  /// them in (no colors), as `:save` writes them too.
  func evaluate(_ program: Program, showsLocation: Bool = false) -> (succeeded: Bool, lines: [String]) {
    let formatter = ValueFormatter(options: session.options.display)
    // On a plain display the printed text is already the recorded one: format once.
    let recorder =
      session.options.display == session.options.display.plain
      ? nil : ValueFormatter(options: session.options.display.plain)
    var printed: [String] = []
    var values: [Value] = []
    do {
      try session.execute(program) { output in
        let text = formatter.format(output.value)
        print(text)
        printed.append(recorder?.format(output.value) ?? text)
        values.append(output.value)
      }
      remember(
        HistoryEntry(
          input: program.source.text.trimmingCharacters(in: .newlines), output: lines(printed),
          values: values, directory: session.options.files.baseDirectory))
      fflush(nil)
      return (true, lines(printed))
    } catch {
      fflush(nil)
      printError(DiagnosticRenderer(useColor: color, showsLocation: showsLocation).render(error))
      printed.append(DiagnosticRenderer(useColor: false, showsLocation: showsLocation).render(error))
      return (false, lines(printed))
    }
  }

  /// Adds an input to the history, dropping the oldest beyond ``historyKept``
  /// (in batches, so each input costs O(1) on average).
  func remember(_ entry: HistoryEntry) {
    history.append(entry)
    historyCount += 1
    if history.count >= Repl.historyKept + Repl.historyKept / 10 {
      history.removeFirst(history.count - Repl.historyKept)
    }
  }

  /// The inputs `:save` and `:export` write, and how many earlier ones were dropped.
  var keptHistory: (entries: ArraySlice<HistoryEntry>, dropped: Int) {
    let entries = history.suffix(Repl.historyKept)
    return (entries, historyCount - entries.count)
  }

  /// Forgets every input (`:reset`).
  func forgetHistory() {
    history.removeAll()
    historyCount = 0
  }

  func lines(_ printed: [String]) -> [String] {
    printed.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
  }

  /// Runs a `:` command or `?name`; false on error.
  func command(_ text: String) -> Bool {
    switch PromptCommand.parse(text) {
    case .success(let parsed):
      return parsed.command.run(self, parsed.argument)
    case .failure(let message):
      printError("error: \(message.text)")
      return false
    }
  }
}
