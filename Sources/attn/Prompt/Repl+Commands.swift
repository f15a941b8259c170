import AttnLang
import Foundation
import Lessons

/// What each `:` command does (the table is ``PromptCommand/all``).
extension Repl {
  func help(_ name: String) -> Bool {
    if name.isEmpty {
      print(PromptCommand.overview)
      return true
    }
    if name == "lesson" || name == "lessons" {
      print(PromptCommand.lessonHelp)
      return true
    }
    return evaluate("help(\(JSONEncoding.string(name)))")
  }

  func listVariables() -> Bool {
    let names = session.variableOrder.filter { $0 != "ans" }
    if names.isEmpty { print("no variables yet; try x = [1, 2, 3]") }
    for name in names {
      guard let value = session.variables[name] else { continue }
      print("\(name): \(describeForVars(value, formatter: ValueFormatter(options: session.options.display.plain)))")
    }
    return true
  }

  func reset() -> Bool {
    session.reset()
    forgetHistory()
    print("cleared every variable")
    return true
  }

  func set(_ argument: String) -> Bool {
    switch Setting.parse(argument) {
    case .success(.precision(let digits)):
      session.options.display.precision = digits
    case .success(.maxElements(let count)):
      session.options.maximumElements = count
    case .failure(let error):
      printError("error: \(error.text)")
      return false
    }
    return true
  }

  /// Runs a file in this session; its code joins the session's inputs, so `:save` reproduces it.
  /// Only a regular file: a FIFO or device is refused, not waited on.
  func load(_ path: String) -> Bool {
    do {
      let file = try FileAccess.unrestricted().openForReading(path)
      let bytes = try file.readAll(limit: Int64(SourceFile.maximumSize), shown: path)
      return evaluate(Session.parse(SourceFile(name: path, bytes: bytes)), showsLocation: true).succeeded
    } catch {
      printError("error: \(error)")
      return false
    }
  }

  /// Said after `:save` and `:export` when the oldest inputs were no longer kept.
  static func droppedNote(_ dropped: Int) -> String {
    dropped == 0
      ? ""
      : " (the latest \(historyKept); the \(dropped) before them are no longer kept, so the file starts mid-session)"
  }

  func save(_ path: String) -> Bool {
    do {
      let (entries, dropped) = keptHistory
      try SessionSaver.save(entries.map { ($0.input, $0.output, $0.directory) }, to: path)
      print("saved \(entries.count) inputs to \(path)" + Repl.droppedNote(dropped))
      return true
    } catch {
      printError("error: \(error)")
      return false
    }
  }

  func export(_ path: String) -> Bool {
    guard path.hasSuffix(".html") else {
      printError("error: :export needs a file name ending in .html")
      return false
    }
    let (kept, dropped) = keptHistory
    let entries = kept.map {
      NotebookHTML.Entry(
        input: $0.input, output: $0.output, values: $0.values)
    }
    let page = NotebookHTML.page(title: "attn session", blocks: [.markdown("# attn session"), .cell(entries)])
    do {
      try atomicWrite(page, to: path)
      print("exported \(entries.count) inputs to \(path)" + Repl.droppedNote(dropped))
      return true
    } catch {
      printError("error: \(error)")
      return false
    }
  }

  func nextCell() -> Bool {
    guard let walkthrough else { return notInLesson() }
    if walkthrough.currentExercise != nil { skipExercise(walkthrough) }
    walkthrough.nextCell()
    finishIfDone()
    return true
  }

  /// `:skip`: the offered input is not run (at an exercise, as `:next`).
  func skipInput() -> Bool {
    guard let walkthrough else { return notInLesson() }
    if walkthrough.currentExercise != nil { return nextCell() }
    walkthrough.advance()
    print(paint("skipped; later inputs may need what it would have defined", code: "2"))
    finishIfDone()
    return true
  }

  func previousCell() -> Bool {
    guard let walkthrough else { return notInLesson() }
    walkthrough.previousCell()
    return true
  }

  func quit() -> Bool {
    if walkthrough != nil {
      walkthrough = nil
      print("left the lesson; its variables are still here (:vars)")
    } else {
      wantsToQuit = true
    }
    return true
  }

  /// Runs an expression repeatedly and reports the median time (compiled
  /// once: the first run, which compiles it, is not counted).
  func time(_ expression: String) -> Bool {
    // Compiled once (the first run, not counted): the runs time the work, not the compiling.
    let source = SourceFile(name: name + " :time", text: expression)
    var samples: [Double] = []
    let budget = 1.0
    let started = DispatchTime.now().uptimeNanoseconds
    do {
      try session.execute(source) { _ in }
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

/// How `:vars` shows a value: numbers, short strings and small vectors as
/// they print, larger tensors by shape, records by their fields.
func describeForVars(_ value: Value, formatter: ValueFormatter) -> String {
  switch value {
  case .number:
    return formatter.format(value)
  case .tensor(let tensor) where tensor.rank <= 1 && tensor.count <= 8:
    return formatter.format(value)
  case .tensor(let tensor):
    return "tensor \(tensor.shape)"
  case .record(let record):
    return "record ("
      + record.fields.map { field -> String in
        if case .tensor(let tensor) = field.value { return "\(field.name) \(tensor.shape)" }
        return field.name
      }.joined(separator: ", ") + ")"
  case .function(let function):
    return function.description
  case .string(let text):
    return text.count <= 30 ? JSONEncoding.string(text) : "string of \(text.count) characters"
  case .list(let items):
    return "list of \(items.count) item\(items.count == 1 ? "" : "s")"
  default:
    return value.typeName
  }
}
