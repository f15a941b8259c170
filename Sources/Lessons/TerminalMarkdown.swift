import AttnLang

/// Renders lesson prose for a terminal: headings in bold (underlined for
/// the title), `**strong**` bold, `*emphasis*` italic, `` `code` `` in cyan,
/// indented code dimmed. Without color, the Markdown is shown as written,
/// which reads well as plain text.
public enum TerminalMarkdown {
  /// A lesson's prose may come from anyone: its control characters are
  /// shown as escapes, never sent to the terminal; the colors are attn's own.
  public static func render(_ markdown: String, color: Bool, width: Int = 80) -> String {
    let wrapped = wrap(ControlCharacters.escaped(markdown), width: max(width - 1, 20))
    guard color else { return wrapped }
    return wrapped.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      let text = String(line)
      if text.hasPrefix("# ") { return "\u{1B}[1;4m" + inline(String(text.dropFirst(2))) + "\u{1B}[0m" }
      if text.hasPrefix("## ") || text.hasPrefix("### ") {
        return "\u{1B}[1m" + inline(String(text.drop { $0 == "#" }.dropFirst())) + "\u{1B}[0m"
      }
      if text.hasPrefix("    ") { return "\u{1B}[2m" + text + "\u{1B}[0m" }
      return inline(text)
    }.joined(separator: "\n")
  }

  /// Breaks prose lines longer than `width` at spaces; indented code stays as is.
  static func wrap(_ text: String, width: Int) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      guard line.count > width, !line.hasPrefix("    ") else { return String(line) }
      var lines: [String] = []
      var current = ""
      for word in line.split(separator: " ") {
        if !current.isEmpty, current.count + 1 + word.count > width {
          lines.append(current)
          current = String(word)
        } else {
          current += (current.isEmpty ? "" : " ") + word
        }
      }
      if !current.isEmpty { lines.append(current) }
      return lines.joined(separator: "\n")
    }.joined(separator: "\n")
  }

  /// Styles the inline markup of one line.
  static func inline(_ text: String) -> String {
    var result = ""
    var characters = Array(text)[...]
    while let first = characters.first {
      if first == "`", let end = characters.dropFirst().firstIndex(of: "`") {
        result += "\u{1B}[36m" + String(characters[(characters.startIndex + 1)..<end]) + "\u{1B}[0m"
        characters = characters[(end + 1)...]
      } else if characters.starts(with: ["*", "*"]),
        let end = find(["*", "*"], in: characters.dropFirst(2))
      {
        result += "\u{1B}[1m" + String(characters[(characters.startIndex + 2)..<end]) + "\u{1B}[0m"
        characters = characters[(end + 2)...]
      } else if first == "*", characters.count > 1, characters[characters.startIndex + 1] != " ",
        let end = characters.dropFirst().firstIndex(of: "*")
      {
        result += "\u{1B}[3m" + String(characters[(characters.startIndex + 1)..<end]) + "\u{1B}[0m"
        characters = characters[(end + 1)...]
      } else {
        result.append(first)
        characters = characters.dropFirst()
      }
    }
    return result
  }

  static func find(_ pattern: [Character], in text: ArraySlice<Character>) -> Int? {
    var index = text.startIndex
    while index + pattern.count <= text.endIndex {
      if Array(text[index..<(index + pattern.count)]) == pattern { return index }
      index += 1
    }
    return nil
  }
}
