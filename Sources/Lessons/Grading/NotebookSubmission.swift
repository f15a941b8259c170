import AttnLang
import Foundation

/// A student's Jupyter notebook (`.ipynb`) as a file to grade: its code
/// cells in order, one after the other, as if typed into one `.attn` file.
/// Lines for the kernel rather than the language (`:lesson`, `:check NAME`,
/// `check("NAME")`, any `:` command) are left out, kept as blank lines so
/// that line numbers still count the code's lines.
public enum NotebookSubmission {
  /// Whether `path` names a notebook rather than an `.attn` file.
  public static func isNotebook(_ path: String) -> Bool { path.lowercased().hasSuffix(".ipynb") }

  /// The code of the notebook `file` (read as bytes), named as the file.
  /// - Throws: ``SourceReadError`` when the file is not an nbformat 4 notebook.
  public static func source(of file: SourceFile) throws -> SourceFile {
    let lines = try codeLines(of: file)
    return SourceFile(name: file.name, text: lines.map(\.text).joined(separator: "\n") + "\n")
  }

  /// Where each line of ``source(of:)`` is in the notebook, in order: its
  /// code cell (1-based, counting code cells) and its line in that cell.
  public static func places(of file: SourceFile) throws -> [(cell: Int, line: Int)] {
    try codeLines(of: file).map { ($0.cell, $0.line) }
  }

  /// Each line of the code cells with where it came from; the kernel's
  /// command lines blanked.
  static func codeLines(of file: SourceFile) throws -> [(text: String, cell: Int, line: Int)] {
    let data = Data(file.text.utf8)
    guard let object = try? JSONSerialization.jsonObject(with: data), let notebook = object as? [String: Any],
      let cells = notebook["cells"] as? [[String: Any]]
    else {
      throw SourceReadError(path: file.name, reason: "it is not a Jupyter notebook (no JSON object with 'cells')")
    }
    var lines: [(text: String, cell: Int, line: Int)] = []
    var number = 0
    for cell in cells where cell["cell_type"] as? String == "code" {
      number += 1
      let text: String
      if let joined = cell["source"] as? String {
        text = joined
      } else if let parts = cell["source"] as? [String] {
        text = parts.joined()
      } else {
        continue
      }
      for (index, line) in text.components(separatedBy: "\n").enumerated() {
        lines.append((NotebookCommand.isCommandLine(line) ? "" : line, number, index + 1))
      }
    }
    return lines
  }
}
