import Foundation

/// A cell of a notebook that talks to attn about the lesson rather than
/// running code (the Jupyter kernel's exercise commands):
///
///     :lesson 03-selecting-a-vector     this notebook follows lesson 3
///     :check pick-the-diagonal          judge my answer (also check("pick-the-diagonal"))
///     :hint pick-the-diagonal           the next hint
///     :solution pick-the-diagonal       show the answer and run it
///
/// A name may be left out after the first: the exercise named last is meant.
public enum NotebookCommand: Equatable, Sendable {
  case lesson(String)
  case check(String)
  case hint(String)
  case solution(String)

  /// The command a cell is, or nil when it is code.
  public static func parse(_ cell: String) -> NotebookCommand? {
    let text = cell.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !text.contains("\n") else { return nil }
    if text.hasPrefix("check("), text.hasSuffix(")") {
      let inner = text.dropFirst("check(".count).dropLast().trimmingCharacters(in: .whitespaces)
      guard inner.count >= 2, inner.hasPrefix("\""), inner.hasSuffix("\"") else { return nil }
      let name = String(inner.dropFirst().dropLast())
      return Exercise.isValidName(Substring(name)) ? .check(name) : nil
    }
    guard text.hasPrefix(":") else { return nil }
    let body = text.dropFirst()
    let word = String(body.prefix { !$0.isWhitespace })
    let argument = body.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
    switch word {
    case "lesson": return .lesson(argument)
    case "check": return .check(argument)
    case "hint": return .hint(argument)
    case "solution": return .solution(argument)
    default: return nil
    }
  }

  /// Whether a line of a submitted notebook is for attn at the prompt or in
  /// the kernel (a `:` command, `check("…")`), not code to grade.
  public static func isCommandLine(_ line: String) -> Bool {
    let text = line.trimmingCharacters(in: .whitespaces)
    return text.hasPrefix(":") || (text.hasPrefix("check(\"") && parse(text) != nil)
  }
}
