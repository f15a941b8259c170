import Foundation
import Lessons

/// Writes a session's inputs as an attn file, or as a Markdown notebook
/// (a transcript cell that `attn test` can check) when the name ends in `.md`.
enum SessionSaver {
  static func save(_ history: [(input: String, output: String)], to path: String) throws {
    let text: String
    if path.hasSuffix(".md") {
      var cell = ""
      for entry in history {
        cell += Transcript.lines(of: entry.input).joined(separator: "\n") + "\n"
        if !entry.output.isEmpty { cell += entry.output + "\n" }
      }
      text = "# Session\n\nSaved from the attn> prompt.\n\n```attn\n" + cell + "```\n"
    } else {
      text = history.map(\.input).joined(separator: "\n") + "\n"
    }
    try atomicWrite(text, to: path)
  }
}
