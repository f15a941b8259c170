/// One `:` command of the prompt: its names, usage, help and what it does.
/// ``PromptCommand/all`` is the one table that parsing, `:help` and
/// completion read; adding a command is adding a row.
struct PromptCommand: Sendable {
  /// What follows the command's name.
  enum ArgumentRule: Sendable {
    case none
    case optional
    /// The message when it is missing, such as ":load needs a file name".
    case required(String)
  }

  var name: String
  var aliases: [String] = []
  var usage: String
  var summary: String
  var argument: ArgumentRule
  /// Runs the command with its argument (empty when none); false on error.
  var run: @Sendable (Repl, String) -> Bool
}

/// A message for a command that could not be understood.
struct CommandError: Error, Equatable {
  var text: String
}

extension PromptCommand {
  /// What Tab offers for a `:` at the start of a line.
  static var completionWords: [String] { all.map { ":" + $0.name } }

  static let all: [PromptCommand] = [
    PromptCommand(
      name: "help", aliases: ["h", "?"], usage: ":help [name]",
      summary: "this list, or a builtin's signature, formula and example (also ?name)", argument: .optional
    ) { repl, name in repl.help(name) },
    PromptCommand(
      name: "vars", aliases: ["v"], usage: ":vars", summary: "the variables you have defined, with their shapes",
      argument: .none
    ) { repl, _ in repl.listVariables() },
    PromptCommand(name: "reset", usage: ":reset", summary: "forget every variable", argument: .none) { repl, _ in
      repl.reset()
    },
    PromptCommand(
      name: "load", aliases: ["l"], usage: ":load FILE", summary: "run an attn file in this session",
      argument: .required(":load needs a file name")
    ) { repl, path in repl.load(path) },
    PromptCommand(
      name: "save", usage: ":save FILE", summary: "save what you typed (that ran) as a .attn file, or a .md notebook",
      argument: .required(":save needs a file name")
    ) { repl, path in repl.save(path) },
    PromptCommand(
      name: "export", usage: ":export FILE.html", summary: "write the session as a web page, with pictures as SVG",
      argument: .required(":export needs a file name ending in .html")
    ) { repl, path in repl.export(path) },
    PromptCommand(
      name: "set", usage: ":set precision N | :set max-elements N",
      summary: "change how many digits print, or the tensor size limit", argument: .required(Setting.usage)
    ) { repl, argument in repl.set(argument) },
    PromptCommand(
      name: "time", aliases: ["t"], usage: ":time EXPR",
      summary: "run an expression repeatedly and report the median time",
      argument: .required(":time needs an expression")
    ) { repl, expression in repl.time(expression) },
    PromptCommand(
      name: "lesson", aliases: ["lessons"], usage: ":lesson [N]", summary: "list the lessons, or walk through lesson N",
      argument: .optional
    ) { repl, name in repl.startLesson(name.isEmpty ? nil : name) },
    PromptCommand(
      name: "skip", aliases: ["s"], usage: ":skip", summary: "in a lesson: skip the offered input (a line or a block)",
      argument: .none
    ) { repl, _ in repl.skipInput() },
    PromptCommand(
      name: "next", aliases: ["n"], usage: ":next", summary: "in a lesson: skip to the next cell", argument: .none
    ) { repl, _ in repl.nextCell() },
    PromptCommand(
      name: "back", aliases: ["b"], usage: ":back", summary: "in a lesson: go back a cell", argument: .none
    ) { repl, _ in repl.previousCell() },
    PromptCommand(
      name: "explain", aliases: ["e"], usage: ":explain EXPR",
      summary: "shows how EXPR comes about, stage by stage (as explain(EXPR))",
      argument: .required(":explain needs a call, such as :explain softmax([1, 2, 3])")
    ) { repl, expression in repl.evaluate("explain(\(expression))") },
    PromptCommand(
      name: "hint", usage: ":hint", summary: "at an exercise: the next hint", argument: .none
    ) { repl, _ in repl.hint() },
    PromptCommand(
      name: "solution", usage: ":solution", summary: "at an exercise: show and run the answer (recorded as revealed)",
      argument: .none
    ) { repl, _ in repl.solution() },
    PromptCommand(
      name: "quit", aliases: ["q", "exit"], usage: ":quit",
      summary: "leave (also Ctrl-D); in a lesson, back to the plain prompt", argument: .none
    ) { repl, _ in repl.quit() },
  ]

  /// The command named (or aliased) `name`.
  static func named(_ name: String) -> PromptCommand? {
    all.first { $0.name == name || $0.aliases.contains(name) }
  }

  /// Parses `:name argument` or `?name` into a command and its argument.
  static func parse(_ text: String) -> Result<(command: PromptCommand, argument: String), CommandError> {
    var body = Substring(text.trimmingCharacters(in: .whitespaces))
    if body.hasPrefix("?"), let help = named("help") {
      return .success((help, body.dropFirst().trimmingCharacters(in: .whitespaces)))
    }
    guard body.hasPrefix(":") else { return .failure(CommandError(text: "commands start with ':'")) }
    body = body.dropFirst()
    let name = String(body.prefix { !$0.isWhitespace })
    let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    guard let command = named(name) else {
      var message = "unknown command ':\(name)'"
      if !name.isEmpty, let suggestion = all.map(\.name).first(where: { $0.hasPrefix(name) }) {
        message += "; did you mean ':\(suggestion)'?"
      }
      return .failure(CommandError(text: message + " (:help lists the commands)"))
    }
    switch command.argument {
    case .none where !argument.isEmpty:
      return .failure(CommandError(text: ":\(name) takes no argument"))
    case .required(let message) where argument.isEmpty:
      return .failure(CommandError(text: message))
    default:
      return .success((command, argument))
    }
  }

  /// The text of `:help`.
  static var overview: String {
    var text = "Type an expression to see its value, or name = expression to keep it.\n"
    text += "Examples:  softmax([1, 2, 3])   U = randn(4, 3, seed: 1)   attend(U[0], U)\n\nCommands:\n"
    let width = all.map(\.usage.count).max() ?? 0
    for command in all {
      text += "  " + command.usage.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary + "\n"
    }
    text += "\nhelp() lists every builtin; ?name or :help name shows one; :help lesson tells how lessons walk."
    text += " ans is the last value."
    return text
  }

  /// The text of `:help lesson`: how a walkthrough offers inputs and how to
  /// accept, replace or edit them.
  static let lessonHelp = """
    Walking through a lesson (attn lesson N, or :lesson N here):
      Each input of the lesson is offered on the prompt, as the lesson writes it.
      Enter          runs the offered line; an input of several lines is offered line
                     by line after ...> and runs once its last line is in
      typing         replaces the offered line with what you type (your own command;
                     the lesson offers its line again afterwards)
      ← → Backspace  (or any editing key) edit the offered line instead; an edited line
                     is your own command too
      Ctrl-C         clears the line; the offer comes back
      :skip  skip the offered input    :next  skip the rest of the cell
      :back  go back a cell            :quit  leave the lesson, keeping its variables
    After each input attn says whether the output matches the lesson's (✓) or shows
    what the lesson has (✗). At an exercise the prompt is empty: type your answer (as
    many inputs as you like; trying things out is not an attempt until an input defines
    a name the exercise asks for); :hint gives a hint, :solution shows and runs the answer.
    """
}

/// A setting `:set` changes.
enum Setting: Equatable {
  case precision(Int)
  case maxElements(Int)

  static let usage = "usage: :set precision N  or  :set max-elements N"

  static func parse(_ argument: String) -> Result<Setting, CommandError> {
    let parts = argument.split(whereSeparator: \.isWhitespace)
    guard parts.count == 2, let number = Int(parts[1]) else { return .failure(CommandError(text: usage)) }
    switch parts[0] {
    case "precision":
      guard (0...17).contains(number) else { return .failure(CommandError(text: "precision must be 0 to 17")) }
      return .success(.precision(number))
    case "max-elements":
      guard number > 0 else { return .failure(CommandError(text: "max-elements must be positive")) }
      return .success(.maxElements(number))
    default:
      return .failure(CommandError(text: "unknown setting '\(parts[0])'; settings: precision, max-elements"))
    }
  }
}
