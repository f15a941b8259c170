import Attention

extension Builtins {
  static let sessionBuiltins: [Builtin] = [
    Builtin(
      name: "help", topic: .session,
      parameters: [.optional("name", .string, shown: "all", "a builtin's name in quotes")],
      summary: "lists every builtin, or shows one's signature, formula and example",
      example: "help(\"softmax\")"
    ) { args in
      guard let name = try args.optionalString("name") else { return .text(overview) }
      guard let builtin = table[name] else {
        var message = "no builtin named '\(name)'"
        if let suggestion = closestMatch(to: name, in: names) { message += "; did you mean '\(suggestion)'?" }
        throw Diagnostic(message, at: args.range(of: "name"))
      }
      return .text(builtin.helpText)
    }
  ]
}
