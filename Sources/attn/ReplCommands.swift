/// A `:` command of the prompt.
enum ReplCommandKind: Equatable {
  case help(String?)
  case vars
  case reset
  case load(String)
  case save(String)
  case export(String)
  case setPrecision(Int)
  case setMaxElements(Int)
  case time(String)
  case lesson(String?)
  case next
  case back
  case quit
}

/// A message for a command that could not be understood.
struct CommandError: Error, Equatable {
  var text: String
}

/// Parses `:help softmax`, `?softmax`, `:set precision 6`, …
enum ReplCommandParser {
  /// Every command with its argument pattern, for `:help` and completion.
  static let commands: [(name: String, usage: String, summary: String)] = [
    ("help", ":help [name]", "this list, or a builtin's signature, formula and example (also ?name)"),
    ("vars", ":vars", "the variables you have defined, with their shapes"),
    ("reset", ":reset", "forget every variable"),
    ("load", ":load FILE", "run an attn file in this session"),
    ("save", ":save FILE", "save what you typed (that ran) as a .attn file, or a .md notebook"),
    ("export", ":export FILE.html", "write the session as a web page, with pictures as SVG"),
    ("set", ":set precision N | :set max-elements N", "change how many digits print, or the tensor size limit"),
    ("time", ":time EXPR", "run an expression repeatedly and report the median time"),
    ("lesson", ":lesson [N]", "list the lessons, or walk through lesson N"),
    ("next", ":next", "in a lesson: skip to the next cell"),
    ("back", ":back", "in a lesson: go back a cell"),
    ("quit", ":quit", "leave (also Ctrl-D); in a lesson, back to the plain prompt"),
  ]

  static func parse(_ text: String) -> Result<ReplCommandKind, CommandError> {
    var body = Substring(text.trimmingCharacters(in: .whitespaces))
    if body.hasPrefix("?") {
      let name = body.dropFirst().trimmingCharacters(in: .whitespaces)
      return .success(.help(name.isEmpty ? nil : name))
    }
    guard body.hasPrefix(":") else { return .failure(CommandError(text: "commands start with ':'")) }
    body = body.dropFirst()
    let name = body.prefix { !$0.isWhitespace }
    let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    switch name {
    case "help", "h", "?":
      return .success(.help(argument.isEmpty ? nil : argument))
    case "vars", "v":
      return noArgument(.vars, argument, name)
    case "reset":
      return noArgument(.reset, argument, name)
    case "quit", "q", "exit":
      return noArgument(.quit, argument, name)
    case "lesson", "lessons":
      return .success(.lesson(argument.isEmpty ? nil : argument))
    case "next", "n":
      return noArgument(.next, argument, name)
    case "back", "b":
      return noArgument(.back, argument, name)
    case "load", "l":
      return argument.isEmpty ? .failure(CommandError(text: ":load needs a file name")) : .success(.load(argument))
    case "save":
      return argument.isEmpty ? .failure(CommandError(text: ":save needs a file name")) : .success(.save(argument))
    case "export":
      guard argument.hasSuffix(".html") else {
        return .failure(CommandError(text: ":export needs a file name ending in .html"))
      }
      return .success(.export(argument))
    case "time", "t":
      return argument.isEmpty ? .failure(CommandError(text: ":time needs an expression")) : .success(.time(argument))
    case "set":
      return parseSet(argument)
    default:
      let names = commands.map(\.name)
      var message = "unknown command ':\(name)'"
      if let suggestion = suggest(String(name), names) { message += "; did you mean ':\(suggestion)'?" }
      return .failure(CommandError(text: message + " (:help lists the commands)"))
    }
  }

  static func noArgument(_ kind: ReplCommandKind, _ argument: String, _ name: Substring) -> Result<
    ReplCommandKind, CommandError
  > {
    argument.isEmpty ? .success(kind) : .failure(CommandError(text: ":\(name) takes no argument"))
  }

  static func parseSet(_ argument: String) -> Result<ReplCommandKind, CommandError> {
    let parts = argument.split(whereSeparator: \.isWhitespace)
    guard parts.count == 2, let number = Int(parts[1]) else {
      return .failure(CommandError(text: "usage: :set precision N  or  :set max-elements N"))
    }
    switch parts[0] {
    case "precision":
      guard (0...17).contains(number) else { return .failure(CommandError(text: "precision must be 0 to 17")) }
      return .success(.setPrecision(number))
    case "max-elements":
      guard number > 0 else { return .failure(CommandError(text: "max-elements must be positive")) }
      return .success(.setMaxElements(number))
    default:
      return .failure(CommandError(text: "unknown setting '\(parts[0])'; settings: precision, max-elements"))
    }
  }

  static func suggest(_ name: String, _ names: [String]) -> String? {
    names.first { $0.hasPrefix(name) && !name.isEmpty }
  }
}

/// The text of `:help`.
enum ReplHelp {
  static var overview: String {
    var text = "Type an expression to see its value, or name = expression to keep it.\n"
    text += "Examples:  softmax([1, 2, 3])   U = randn(4, 3, seed: 1)   attend(U[0], U)\n\nCommands:\n"
    let width = ReplCommandParser.commands.map(\.usage.count).max() ?? 0
    for command in ReplCommandParser.commands {
      text += "  " + command.usage.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary + "\n"
    }
    text += "\nhelp() lists every builtin; ?name or :help name shows one. ans is the last value."
    return text
  }
}
