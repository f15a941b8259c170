import AttnLang

/// What running one entry of a cell printed, and whether it matched.
public struct EntryResult: Sendable {
  public var entry: Notebook.Entry
  /// The lines printed, as the prompt shows them (values and errors).
  public var actual: [String]
  /// The values printed, for pictures in exported pages.
  public var values: [Value]
  public var matches: Bool
}

/// The results of one cell.
public struct CellResult: Sendable {
  public var cell: Notebook.Cell
  public var entries: [EntryResult]
  /// A cell passes when every entry matches, or when it is not checked.
  public var passed: Bool { !cell.options.check || entries.allSatisfy(\.matches) }
}

/// Runs a notebook's cells in order in one session, as the prompt would.
public struct NotebookRunner {
  public var session: Session

  public init(session: Session = Session()) {
    self.session = session
  }

  /// The lines the prompt prints for `input`: each value, or the error as
  /// the REPL shows it (without colors).
  public func output(of input: String, name: String) -> (lines: [String], values: [Value]) {
    let formatter = ValueFormatter(options: session.options.display)
    var printed: [String] = []
    var values: [Value] = []
    do {
      try session.execute(SourceFile(name: name, text: input)) {
        printed.append(formatter.format($0.value))
        values.append($0.value)
      }
    } catch {
      printed.append(DiagnosticRenderer(useColor: false, showsLocation: false).render(error))
    }
    let lines = printed.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    return (lines, values)
  }

  /// Runs one cell and compares each entry's output with its expectation.
  public func run(_ cell: Notebook.Cell, in notebook: Notebook) -> CellResult {
    let entries = cell.entries.map { entry in
      let (actual, values) = output(of: entry.input, name: notebook.path)
      let matches = OutputMatcher.matches(expected: entry.expected, actual: actual, tolerance: cell.options.tolerance)
      return EntryResult(entry: entry, actual: actual, values: values, matches: matches)
    }
    return CellResult(cell: cell, entries: entries)
  }

  /// Runs every cell in order.
  public func run(_ notebook: Notebook) -> [CellResult] {
    notebook.cells.map { run($0, in: notebook) }
  }
}
