import Attention

extension Builtins {
  static let sessionBuiltins: [Builtin] = [
    Builtin(
      name: "help", topic: .session,
      parameters: [.optional("f", .any, shown: "all", "a function, or its name in quotes")],
      summary: "lists every builtin, or shows one function's signature, formula and example",
      details: "For a function you wrote with def, shows its parameters and the # comment lines right above it.",
      example: "help(softmax)\nhelp(\"attend\")"
    ) { args in
      guard args.has("f") else { return .text(overview) }
      switch try args.value("f") {
      case .function(let function):
        return .text(function.helpText)
      case .string(let name):
        if let builtin = table[name] { return .text(builtin.helpText) }
        if case .function(let function)? = args.session.value(of: name) { return .text(function.helpText) }
        var message = "no function named '\(name)'"
        let candidates = names + args.session.functionNames
        if let suggestion = closestMatch(to: name, in: candidates) { message += "; did you mean '\(suggestion)'?" }
        throw Diagnostic(message, at: args.range(of: "f"))
      case let other:
        throw Diagnostic(
          "help: f must be a function or its name in quotes, got \(other.typeName)", at: args.range(of: "f"))
      }
    }
  ]
}
