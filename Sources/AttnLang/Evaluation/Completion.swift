import Foundation

/// What Tab offers at a point in the line: a front end's `:` commands at
/// the start, fields after `name.`, named arguments inside a call, else
/// builtins, variables, constants and keywords.
public enum Completion {
  /// Characters that end the word being completed (the `.` so that fields
  /// complete on their own, `(` and `,` so that arguments do).
  public static let wordBreaks = " \t\n()[],.+-*/@^<>=;"

  /// Candidates for the word `prefix` that starts at `wordStart` in `line`;
  /// `commands` are the front end's `:` commands (`:help`, …).
  public static func candidates(
    line: String, wordStart: Int, prefix: String, session: Session, commands: [String] = []
  ) -> [String] {
    let before = String(line.prefix(wordStart))
    if before.trimmingCharacters(in: .whitespaces).isEmpty, prefix.hasPrefix(":") {
      return commands.filter { $0.hasPrefix(prefix) }
    }
    if before.hasSuffix(".") {
      let owner = String(before.dropLast().reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
      return fields(of: owner, session: session).filter { $0.hasPrefix(prefix) }.sorted()
    }
    var words = Builtins.publicNames + session.variableOrder + Constants.values.keys.sorted() + keywords
    if let function = enclosingCall(before) {
      words = (session.namedArguments(of: function).map { $0 + ":" }) + words
    }
    var seen = Set<String>()
    return words.filter { $0.hasPrefix(prefix) && seen.insert($0).inserted }
  }

  /// The words that start statements and join conditions.
  static let keywords = Parser.keywords.sorted()

  /// The fields `name.` can be followed by.
  static func fields(of name: String, session: Session) -> [String] {
    switch session.variables[name] {
    case .record(let record): return record.fieldNames
    case .tensor, .number: return ["T", "dtype", "shape"]
    default: return []
    }
  }

  /// The builtin whose parentheses are still open at the end of `text`.
  public static func enclosingCall(_ text: String) -> String? {
    var depth = 0
    var index = text.endIndex
    while index > text.startIndex {
      index = text.index(before: index)
      switch text[index] {
      case ")", "]": depth += 1
      case "[": depth -= 1
      case "(":
        if depth == 0 {
          let name = text[..<index].reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
          return name.isEmpty ? nil : String(name.reversed())
        }
        depth -= 1
      default: break
      }
    }
    return nil
  }
}
