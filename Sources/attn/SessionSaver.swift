import Foundation

/// Writes a session's inputs as an attn file, or as a Markdown notebook
/// (a transcript cell that `attn test` can check) when the name ends in `.md`.
enum SessionSaver {
  static func save(_ history: [(input: String, output: String)], to path: String) throws {
    let text: String
    if path.hasSuffix(".md") {
      var cell = ""
      for entry in history {
        let lines = entry.input.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() { cell += (index == 0 ? "attn> " : "...> ") + line + "\n" }
        if !entry.output.isEmpty { cell += entry.output + "\n" }
      }
      text = "# Session\n\nSaved from the attn> prompt.\n\n```attn\n" + cell + "```\n"
    } else {
      text = history.map(\.input).joined(separator: "\n") + "\n"
    }
    try atomicWrite(text, to: path)
  }
}

/// Writes `text` to a temporary file beside `path` and renames it over
/// `path`, so an interrupted write never leaves a half-written file.
func atomicWrite(_ text: String, to path: String) throws {
  try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
}
