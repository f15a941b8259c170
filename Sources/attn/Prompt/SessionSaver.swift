import AttnLang
import Foundation
import Lessons

/// Writes a session's inputs as an attn file, or as a Markdown notebook
/// (a transcript cell that `attn test` can check) when the name ends in `.md`.
///
/// An input that read its relative file names from another directory than
/// the saved file's (a lesson's cells read `data/…` beside the lesson) has
/// those names rewritten to lead to the same files from where the saved
/// file is, so that it replays with `attn run`.
enum SessionSaver {
  static func save(_ history: [(input: String, output: [String], directory: String?)], to path: String) throws {
    let target = directory(of: path)
    let inputs = history.map { entry in
      relocate(entry.input, from: entry.directory ?? FileManager.default.currentDirectoryPath, to: target)
    }
    let text: String
    if path.hasSuffix(".md") {
      var cell = ""
      for (input, entry) in zip(inputs, history) {
        cell += Transcript.lines(of: input).joined(separator: "\n") + "\n"
        // Printed text that would read as an input or close the cell is escaped.
        for line in Notebook.transcriptLines(ofOutput: entry.output) { cell += line + "\n" }
      }
      text = "# Session\n\nSaved from the attn> prompt.\n\n```attn\n" + cell + "```\n"
    } else {
      text = inputs.joined(separator: "\n") + "\n"
    }
    try atomicWrite(text, to: path)
  }

  /// The absolute directory a file at `path` is in.
  static func directory(of path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return ((absolute as NSString).deletingLastPathComponent as NSString).standardizingPath
  }

  /// `input` with each relative file name given to a file builtin, as read
  /// from `source`, rewritten to be read from `target`.
  static func relocate(_ input: String, from source: String, to target: String) -> String {
    let source = (source as NSString).standardizingPath
    guard source != target else { return input }
    let literals = Session.parse(SourceFile(name: "input", text: input)).fileNameLiterals
    guard !literals.isEmpty else { return input }
    var bytes = Array(input.utf8)
    for (name, range) in literals.reversed() where !name.hasPrefix("/") && range.end <= bytes.count {
      let file = ((source + "/" + name) as NSString).standardizingPath
      bytes.replaceSubrange(range.start..<range.end, with: Array(quoted(relativePath(to: file, from: target)).utf8))
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The path leading from directory `base` to `file` (both absolute):
  /// `../lessons/data/names.txt`; `file` itself when they share no directory.
  static func relativePath(to file: String, from base: String) -> String {
    let fileParts = file.split(separator: "/")
    let baseParts = base.split(separator: "/")
    var common = 0
    while common < fileParts.count - 1, common < baseParts.count, fileParts[common] == baseParts[common] {
      common += 1
    }
    if common == 0 { return file }
    let up = Array(repeating: "..", count: baseParts.count - common)
    return (up + fileParts[common...].map(String.init)).joined(separator: "/")
  }

  /// A string literal of the language holding `text`.
  static func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }
}
