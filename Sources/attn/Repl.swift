import AttnLang
import Foundation
import Lessons

/// The prompt's logic, independent of how lines arrive: gathers lines until
/// a statement is complete, runs `:` commands, evaluates code and prints.
final class Repl {
  let session: Session
  let color: Bool
  let name: String
  private(set) var pending: [String] = []
  var transcript = TranscriptFilter()
  private(set) var wantsToQuit = false
  /// Inputs that ran without error, for `:save`.
  private(set) var history: [(input: String, output: String, values: [Value])] = []
  /// The lesson being walked through, if any.
  var walkthrough: Walkthrough?

  init(session: Session, color: Bool, name: String) {
    self.session = session
    self.color = color
    self.name = name
  }

  /// The prompt for the next line: `attn> `, or `...> ` inside an open bracket.
  var prompt: String { pending.isEmpty ? "attn> " : "...> " }

  /// Takes one line of input; evaluates once the statement is complete.
  /// Returns false when it produced an error.
  @discardableResult
  func feed(_ rawLine: String) -> Bool {
    if let walkthrough, pending.isEmpty, let offered = walkthrough.offeredLine,
      rawLine.trimmingCharacters(in: .whitespaces) == offered
    {
      return runLessonInput(offered, in: walkthrough)
    }
    guard let line = transcript.filter(rawLine, continuing: !pending.isEmpty) else { return true }
    if pending.isEmpty {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix(":") || trimmed.hasPrefix("?") { return command(trimmed) }
    }
    pending.append(line)
    let text = pending.joined(separator: "\n")
    if Session.isIncomplete(text) { return true }
    pending.removeAll()
    return evaluate(text)
  }

  /// Evaluates whatever is pending (at end of input); false on error.
  func flush() -> Bool {
    guard !pending.isEmpty else { return true }
    let text = pending.joined(separator: "\n")
    pending.removeAll()
    return evaluate(text)
  }

  /// Drops a half-typed statement (Ctrl-C).
  func cancelPending() { pending.removeAll() }

  func evaluate(_ text: String) -> Bool {
    evaluateCapturing(text).succeeded
  }

  /// Evaluates `text`, printing values (stdout) and errors (stderr) as they
  /// come, and returns the printed lines as a lesson would record them.
  /// The printed lines are recorded in the plain form (no colors), as a
  /// lesson holds them and as `:save` writes them.
  func evaluateCapturing(_ text: String) -> (succeeded: Bool, lines: [String]) {
    let source = SourceFile(name: name, text: text)
    let formatter = ValueFormatter(options: session.options.display)
    let recorder = ValueFormatter(options: session.options.display.plain)
    var printed: [String] = []
    var values: [Value] = []
    do {
      try session.execute(source) { output in
        print(formatter.format(output.value))
        printed.append(recorder.format(output.value))
        values.append(output.value)
      }
      history.append((text, printed.joined(separator: "\n"), values))
      fflush(stdout)
      return (true, lines(printed))
    } catch {
      fflush(stdout)
      printError(DiagnosticRenderer(useColor: color, showsLocation: false).render(error))
      printed.append(DiagnosticRenderer(useColor: false, showsLocation: false).render(error))
      return (false, lines(printed))
    }
  }

  func lines(_ printed: [String]) -> [String] {
    printed.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
  }

  /// Runs a `:` command or `?name`; false on error.
  func command(_ text: String) -> Bool {
    switch ReplCommandParser.parse(text) {
    case .success(let command):
      return run(command)
    case .failure(let message):
      printError("error: \(message.text)")
      return false
    }
  }

  func run(_ command: ReplCommandKind) -> Bool {
    switch command {
    case .quit:
      if walkthrough != nil {
        walkthrough = nil
        print("left the lesson; its variables are still here (:vars)")
      } else {
        wantsToQuit = true
      }
      return true
    case .lesson(let name):
      return startLesson(name)
    case .next:
      guard let walkthrough else { return notInLesson() }
      walkthrough.nextCell()
      finishIfDone()
      return true
    case .back:
      guard let walkthrough else { return notInLesson() }
      walkthrough.previousCell()
      return true
    case .help(nil):
      print(ReplHelp.overview)
      return true
    case .help(let name?):
      return evaluate("help(\(JSONEncoding.string(name)))")
    case .vars:
      let names = session.variableOrder.filter { $0 != "ans" }
      if names.isEmpty { print("no variables yet; try x = [1, 2, 3]") }
      for name in names {
        guard let value = session.variables[name] else { continue }
        print("\(name): \(describeForVars(value))")
      }
      return true
    case .reset:
      session.reset()
      history.removeAll()
      print("cleared every variable")
      return true
    case .setPrecision(let digits):
      session.options.display.precision = digits
      return true
    case .setMaxElements(let count):
      session.options.maximumElements = count
      return true
    case .load(let path):
      do {
        let source = try SourceFile.read(path)
        let formatter = ValueFormatter(options: session.options.display)
        let recorder = ValueFormatter(options: session.options.display.plain)
        var printed: [String] = []
        var values: [Value] = []
        try session.execute(source) { output in
          print(formatter.format(output.value))
          printed.append(recorder.format(output.value))
          values.append(output.value)
        }
        // The file's code joins the session's inputs, so :save reproduces it.
        history.append((source.text.trimmingCharacters(in: .newlines), printed.joined(separator: "\n"), values))
        return true
      } catch let error as Diagnostics {
        printError(DiagnosticRenderer(useColor: color).render(error))
      } catch {
        printError("error: \(error)")
      }
      return false
    case .export(let path):
      let entries = history.map {
        NotebookHTML.Entry(
          input: $0.input, output: $0.output.isEmpty ? [] : $0.output.components(separatedBy: "\n"), values: $0.values)
      }
      let page = NotebookHTML.page(
        title: "attn session", blocks: [.markdown("# attn session"), .cell(entries)])
      do {
        try atomicWrite(page, to: path)
        print("exported \(history.count) inputs to \(path)")
        return true
      } catch {
        printError("error: cannot write '\(path)': \(error.localizedDescription)")
        return false
      }
    case .save(let path):
      do {
        try SessionSaver.save(history.map { ($0.input, $0.output) }, to: path)
        print("saved \(history.count) inputs to \(path)")
        return true
      } catch {
        printError("error: cannot write '\(path)': \(error.localizedDescription)")
        return false
      }
    case .time(let expression):
      return time(expression)
    }
  }

  /// Runs an expression repeatedly and reports the median time.
  func time(_ expression: String) -> Bool {
    let source = SourceFile(name: name, text: expression)
    var samples: [Double] = []
    let budget = 1.0
    let started = DispatchTime.now().uptimeNanoseconds
    do {
      repeat {
        let start = DispatchTime.now().uptimeNanoseconds
        try session.execute(source) { _ in }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      } while samples.count < 1000 && Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 < budget
    } catch {
      printError(DiagnosticRenderer(useColor: color, showsLocation: false).render(error))
      return false
    }
    samples.sort()
    let median = samples[samples.count / 2]
    print("median \(formatDuration(median)) over \(samples.count) runs (min \(formatDuration(samples[0])))")
    return true
  }
}

/// `1.23 ms`, `45.6 µs`, `2.01 s`.
func formatDuration(_ seconds: Double) -> String {
  if seconds >= 1 { return String(format: "%.3g s", seconds) }
  if seconds >= 1e-3 { return String(format: "%.3g ms", seconds * 1e3) }
  if seconds >= 1e-6 { return String(format: "%.3g µs", seconds * 1e6) }
  return String(format: "%.3g ns", seconds * 1e9)
}

/// How `:vars` shows a value: tensors by shape, records by their fields.
func describeForVars(_ value: Value) -> String {
  switch value {
  case .record(let record):
    return "record ("
      + record.fields.map { field -> String in
        if case .tensor(let tensor) = field.value { return "\(field.name) \(tensor.shape)" }
        return field.name
      }.joined(separator: ", ") + ")"
  default:
    return value.typeName
  }
}
