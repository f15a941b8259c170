import AttnLang
import Foundation

/// Walking through a lesson at the prompt, one input at a time: which
/// prose to show next, which input to offer, and whether the output the
/// student got matches the lesson's.
public final class Walkthrough {
  public let notebook: Notebook
  let cells: [Notebook.Cell]
  public private(set) var cellIndex = 0
  public private(set) var entryIndex = 0
  /// Whether the prose before the current cell (and its header) still has to be shown.
  public private(set) var needsIntroduction = true
  /// Whether the how-to line shown when the lesson starts was shown.
  public var startShown = false

  public init(notebook: Notebook) {
    self.notebook = notebook
    cells = notebook.cells.filter { !$0.entries.isEmpty }
  }

  public var isFinished: Bool { cellIndex >= cells.count }

  /// The input to offer at the prompt, or nil when the lesson is over (or
  /// at an exercise, whose answer is the student's to write).
  public var currentEntry: Notebook.Entry? {
    guard !isFinished, currentExercise == nil else { return nil }
    return cells[cellIndex].entries[entryIndex]
  }

  /// The exercise the student is at, if the current cell is one.
  public var currentExercise: Exercise? {
    isFinished ? nil : cells[cellIndex].exercise
  }

  /// The names the current exercise's solution defines: an input that
  /// defines one of them is an answer to check; any other is the student
  /// trying things out.
  public var exerciseNames: Set<String> {
    guard let cell = currentCell, cell.exercise != nil else { return [] }
    return cell.entries.reduce(into: Set<String>()) { names, entry in
      names.formUnion(Session.parse(SourceFile(name: notebook.path, text: entry.input)).assignedNames)
    }
  }

  /// The current cell (nil past the end).
  public var currentCell: Notebook.Cell? { isFinished ? nil : cells[cellIndex] }

  /// How many of each exercise's hints were shown.
  private var hintsShown: [String: Int] = [:]

  /// The next hint of the current exercise, or nil when all were shown.
  public func nextHint() -> String? {
    guard let exercise = currentExercise else { return nil }
    let shown = hintsShown[exercise.name, default: 0]
    guard shown < exercise.hints.count else { return nil }
    hintsShown[exercise.name] = shown + 1
    return exercise.hints[shown]
  }

  /// Sessions that ran the lesson through each exercise's solution, made
  /// when first needed: the reference answers are checked against.
  private var references: [String: Session] = [:]

  /// The reference session for the current exercise, made with `options`.
  public func reference(options: SessionOptions) -> Session? {
    guard let exercise = currentExercise else { return nil }
    if let made = references[exercise.name] { return made }
    let session = NotebookRunner.reference(for: notebook, throughCell: cells[cellIndex].index, options: options)
    references[exercise.name] = session
    return session
  }

  /// The current input's lines as the lesson wrote them (indentation kept,
  /// tabs as spaces, no spaces at the end): the prompt offers them one at a
  /// time, `...> ` after the first, and runs the input once the last is accepted.
  public var offeredLines: [String]? {
    currentEntry.map { Walkthrough.lines(of: $0.input) }
  }

  /// An input's lines as the prompt offers them.
  public static func lines(of input: String) -> [String] {
    input.split(separator: "\n", omittingEmptySubsequences: false).map {
      var line = $0.replacingOccurrences(of: "\t", with: "    ")
      while line.last?.isWhitespace == true { line.removeLast() }
      return line
    }
  }

  /// Whether `typed` is the offered line `offered`: the same code, however
  /// it is indented or followed by spaces.
  public static func accepts(_ typed: String, as offered: String) -> Bool {
    typed.trimmingCharacters(in: .whitespaces) == offered.trimmingCharacters(in: .whitespaces)
  }

  /// Where the walkthrough is: changes when it moves to another input.
  public var position: Position { Position(cell: cellIndex, entry: entryIndex) }

  /// A place in the lesson: the cell and the input in it.
  public struct Position: Equatable, Sendable {
    public var cell: Int
    public var entry: Int
  }

  /// `cell 3/12`.
  public var progress: String { "cell \(min(cellIndex + 1, cells.count))/\(cells.count)" }

  /// The Markdown between the previous cell and the current one (for the
  /// first cell, everything before it; past the end, everything after the last).
  public var introduction: String {
    let previousEnd = cellIndex == 0 ? 0 : cells[cellIndex - 1].line
    let currentStart = isFinished ? Int.max : cells[cellIndex].line
    var text: [String] = []
    for block in notebook.blocks {
      if case .prose(let prose, let line) = block, line > previousEnd, line < currentStart { text.append(prose) }
    }
    return text.joined(separator: "\n")
  }

  public func introductionShown() { needsIntroduction = false }

  /// Whether `actual` matches the current entry's recorded output, under the cell's options.
  public func matches(_ actual: [String]) -> Bool {
    guard let entry = currentEntry else { return false }
    return OutputMatcher.matches(
      expected: entry.expected, actual: actual, tolerance: cells[cellIndex].options.tolerance)
  }

  /// Moves to the next input (and the next cell after the last input of one).
  public func advance() {
    guard !isFinished else { return }
    entryIndex += 1
    if entryIndex >= cells[cellIndex].entries.count { nextCell() }
  }

  /// Skips the rest of the current cell.
  public func nextCell() {
    guard !isFinished else { return }
    cellIndex += 1
    entryIndex = 0
    needsIntroduction = true
  }

  /// Goes back to the start of the previous cell (or of this one, at the first).
  public func previousCell() {
    cellIndex = max(0, min(cellIndex, cells.count) - (entryIndex == 0 || isFinished ? 1 : 0))
    entryIndex = 0
    needsIntroduction = true
  }
}
