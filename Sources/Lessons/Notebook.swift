import AttnLang
import Foundation

/// A lesson: Markdown prose with ```` ```attn ```` cells written as
/// transcripts — `attn> ` input lines (`...> ` for continuations), each
/// followed by the output it prints.
public struct Notebook: Sendable {
  /// One input of a cell and the output written after it.
  public struct Entry: Sendable, Equatable {
    /// The input with its prompts removed; continuation lines joined by newlines.
    public var input: String
    /// The 1-based line of the `attn> ` prompt.
    public var line: Int
    /// The expected output lines.
    public var expected: [String]
  }

  /// How a cell is checked, from its fence's info string: ```` ```attn nocheck ````
  /// or ```` ```attn tolerance=0.01 ````.
  public struct CellOptions: Sendable, Equatable {
    public var check = true
    /// An absolute tolerance for every number, instead of the written precision.
    public var tolerance: Double? = nil
    /// The name of the exercise the cell holds (```` ```attn exercise name=my-softmax ````), if it is one.
    public var exercise: String? = nil

    public init(check: Bool = true, tolerance: Double? = nil, exercise: String? = nil) {
      self.check = check
      self.tolerance = tolerance
      self.exercise = exercise
    }
  }

  public struct Cell: Sendable {
    /// 0-based position among the notebook's cells.
    public var index: Int
    /// The 1-based line of the opening fence.
    public var line: Int
    public var options: CellOptions
    /// For an exercise cell, the entries are its solution.
    public var entries: [Entry]
    /// The task's checks and hints, when the cell is an exercise.
    public var exercise: Exercise?
    /// 0-based indices of the lines between the fences.
    var body: Range<Int>
    /// How many lines at the start of the body are an exercise's `check:` and `hint:` lines.
    var directiveCount = 0
  }

  public enum Block: Sendable {
    /// Markdown text, with the 1-based line it starts on.
    case prose(String, line: Int)
    case cell(Cell)
  }

  public var path: String
  public var blocks: [Block]
  /// The source lines, for rewriting expected outputs in place.
  var lines: [String]

  public var cells: [Cell] {
    blocks.compactMap { if case .cell(let cell) = $0 { cell } else { nil } }
  }

  /// The exercises, in order.
  public var exercises: [Exercise] { cells.compactMap(\.exercise) }

  /// The text of the first `# ` heading, or the file name (control
  /// characters shown as escapes: it is printed on terminals).
  public var title: String {
    for line in lines where line.hasPrefix("# ") { return ControlCharacters.escaped(String(line.dropFirst(2)).trimmed) }
    return ControlCharacters.escaped(path.split(separator: "/").last.map(String.init) ?? path)
  }

  /// The first paragraph of prose after the title: the lesson's one-line summary.
  public var summary: String {
    var paragraph: [String] = []
    var seenTitle = false
    for line in lines {
      if line.hasPrefix("```") { break }
      if line.hasPrefix("# ") {
        seenTitle = true
        continue
      }
      guard seenTitle else { continue }
      if line.trimmed.isEmpty || line.hasPrefix("#") {
        if !paragraph.isEmpty { break }
        continue
      }
      paragraph.append(line.trimmed)
    }
    return ControlCharacters.escaped(paragraph.joined(separator: " "))
  }
}

/// A mistake in a notebook's format, at a line.
public struct NotebookError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var line: Int
  public var message: String
  public var description: String { "\(path):\(line): error: \(message)" }
}

extension Notebook {
  /// Parses Markdown text into prose and cells.
  ///
  /// - Throws: ``NotebookError`` for an unclosed fence, output before the
  ///   first prompt, or an unknown cell option.
  public init(path: String, text: String) throws {
    self.path = path
    // Any line ending: "\r\n" is a single Character in Swift.
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    if lines.last == "" { lines.removeLast() }
    self.lines = lines
    blocks = []
    var prose: [String] = []
    var proseStart = 1
    var index = 0
    while index < self.lines.count {
      let line = self.lines[index]
      guard let options = try Notebook.cellOptions(line, path: path, line: index + 1) else {
        if prose.isEmpty { proseStart = index + 1 }
        prose.append(line)
        index += 1
        continue
      }
      if !prose.isEmpty {
        blocks.append(.prose(prose.joined(separator: "\n"), line: proseStart))
        prose = []
      }
      let opening = index
      let fence = Notebook.fenceLength(line)
      index += 1
      // The cell ends at a fence at least as long as its opening one (```` holds a ``` line).
      while index < self.lines.count, Notebook.closingFenceLength(self.lines[index]).map({ $0 < fence }) ?? true {
        index += 1
      }
      guard index < self.lines.count else {
        throw NotebookError(path: path, line: opening + 1, message: "the ```attn cell is never closed")
      }
      let body = (opening + 1)..<index
      var bodyLines = Array(self.lines[body])
      var exercise: Exercise? = nil
      var directiveCount = 0
      if let name = options.exercise {
        directiveCount = bodyLines.prefix { Transcript.strip($0, prompt: Transcript.prompt) == nil }.count
        exercise = try Exercise(
          name: name, directives: Array(bodyLines.prefix(directiveCount)), firstLine: opening + 2, path: path)
        guard !exercises.contains(where: { $0.name == name }) else {
          throw NotebookError(path: path, line: opening + 1, message: "a second exercise named '\(name)'")
        }
        bodyLines.removeFirst(directiveCount)
      }
      let entries = try Notebook.entries(bodyLines, firstLine: opening + 2 + directiveCount, path: path)
      if exercise != nil, entries.isEmpty {
        throw NotebookError(
          path: path, line: opening + 1, message: "an exercise needs its solution: 'attn> ' lines after its checks")
      }
      blocks.append(
        .cell(
          Cell(
            index: cells.count, line: opening + 1, options: options, entries: entries, exercise: exercise, body: body,
            directiveCount: directiveCount)))
      index += 1
    }
    if !prose.isEmpty { blocks.append(.prose(prose.joined(separator: "\n"), line: proseStart)) }
  }

  /// How many backticks open a fence (```` ``` ```` or longer).
  static func fenceLength(_ line: String) -> Int { line.prefix { $0 == "`" }.count }

  /// The length of a line that can close a fence (only backticks, at least
  /// three, spaces around), else nil.
  static func closingFenceLength(_ line: String) -> Int? {
    let trimmed = line.trimmed
    guard trimmed.count >= 3, trimmed.allSatisfy({ $0 == "`" }) else { return nil }
    return trimmed.count
  }

  /// An output line as a transcript holds it: a line that would read as an
  /// input (it starts with a prompt), would close the cell (only backticks)
  /// or starts with `\` is written after a `\`, which reading removes.
  public static func escapedOutput(_ line: String) -> String {
    let needsEscape =
      line.hasPrefix("\\") || closingFenceLength(line) != nil
      || Transcript.prompts.contains { Transcript.strip(line, prompt: $0) != nil }
    return needsEscape ? "\\" + line : line
  }

  /// An input's printed lines as a transcript writes them, each escaped
  /// (``escapedOutput(_:)``) and trailing empty ones written as `\` — blank
  /// lines at the end of an output are otherwise layout.
  public static func transcriptLines(ofOutput output: [String]) -> [String] {
    var lines = output.map(escapedOutput)
    var index = lines.count - 1
    while index >= 0, output[index].trimmed.isEmpty {
      lines[index] = "\\" + output[index]
      index -= 1
    }
    return lines
  }

  /// The options of a line that opens an attn cell, or nil for any other line.
  static func cellOptions(_ line: String, path: String, line number: Int) throws -> CellOptions? {
    guard line.hasPrefix("```") else { return nil }
    let words = line.dropFirst(3).split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
    guard words.first == "attn" else { return nil }
    var options = CellOptions()
    var isExercise = false
    var seen = Set<Substring>()
    for word in words.dropFirst() {
      let option = word.prefix { $0 != "=" }
      guard seen.insert(option).inserted else {
        throw NotebookError(path: path, line: number, message: "cell option '\(option)' is given twice")
      }
      if word == "nocheck" {
        options.check = false
      } else if word.hasPrefix("tolerance="), let value = Double(word.dropFirst("tolerance=".count)), value >= 0,
        value.isFinite
      {
        options.tolerance = value
      } else if word == "exercise" {
        isExercise = true
      } else if word.hasPrefix("name="), Exercise.isValidName(word.dropFirst("name=".count)) {
        options.exercise = String(word.dropFirst("name=".count))
      } else {
        throw NotebookError(
          path: path, line: number,
          message:
            "unknown cell option '\(word)'; options are nocheck, tolerance=NUMBER (finite, not negative), exercise and name=NAME (letters, digits, '-' and '_')"
        )
      }
    }
    if isExercise != (options.exercise != nil) {
      throw NotebookError(
        path: path, line: number, message: "an exercise cell is written ```attn exercise name=NAME (both words)")
    }
    return options
  }

  static func entries(_ lines: [String], firstLine: Int, path: String) throws -> [Entry] {
    var entries: [Entry] = []
    // Whether each entry's last expected lines were escaped (not layout).
    var escaped: [[Bool]] = []
    for (offset, line) in lines.enumerated() {
      if let input = Transcript.strip(line, prompt: Transcript.prompt) {
        entries.append(Entry(input: input, line: firstLine + offset, expected: []))
        escaped.append([])
      } else if let continuation = Transcript.strip(line, prompt: Transcript.continuationPrompt),
        let last = entries.indices.last,
        entries[last].expected.isEmpty
      {
        entries[last].input += "\n" + continuation
      } else if let last = entries.indices.last {
        // `\` starts an escaped output line (see ``escapedOutput(_:)``).
        entries[last].expected.append(line.hasPrefix("\\") ? String(line.dropFirst()) : line)
        escaped[last].append(line.hasPrefix("\\"))
      } else if !line.trimmed.isEmpty {
        throw NotebookError(
          path: path, line: firstLine + offset,
          message: "a cell must start with an 'attn> ' input line, found '\(line)'")
      }
    }
    // Blank lines at the end of an output are layout, not output.
    for index in entries.indices {
      while entries[index].expected.last?.trimmed.isEmpty == true, escaped[index].last == false {
        entries[index].expected.removeLast()
        escaped[index].removeLast()
      }
    }
    return entries
  }

  /// The notebook's text with each entry's output replaced by `outputs`
  /// (indexed by cell, then entry): the `--update` re-recording.
  public func updatingOutputs(_ outputs: [[[String]]]) -> String {
    var result: [String] = []
    var next = 0
    for cell in cells {
      result += lines[next..<(cell.body.lowerBound + cell.directiveCount)]
      for (entryIndex, entry) in cell.entries.enumerated() {
        // An empty input line is written as the bare prompt, without its trailing space.
        result += Transcript.lines(of: entry.input).map { $0.hasSuffix(" ") ? String($0.dropLast()) : $0 }
        let output =
          cell.index < outputs.count && entryIndex < outputs[cell.index].count
          ? outputs[cell.index][entryIndex] : entry.expected
        result += Notebook.transcriptLines(ofOutput: output)
      }
      next = cell.body.upperBound
    }
    result += lines[next...]
    return result.joined(separator: "\n") + "\n"
  }
}

extension String {
  var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
