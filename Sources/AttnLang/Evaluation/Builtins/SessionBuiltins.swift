import Attention

extension Builtins {
  static let sessionBuiltins: [Builtin] = [
    Builtin(
      name: "help", topic: .session, signature: "help() or help(\"name\")",
      summary: "lists every builtin, or shows one's signature, formula and example",
      details: "", example: "help(\"softmax\")", arity: 0...1
    ) { args in
      guard args.count == 1 else { return .text(overview) }
      let name = try args.string(0)
      guard let builtin = table[name] else {
        var message = "no builtin named '\(name)'"
        if let suggestion = closestMatch(to: name, in: names) { message += "; did you mean '\(suggestion)'?" }
        throw Diagnostic(message, at: args.positional[0].range)
      }
      return .text(builtin.helpText)
    }
  ]
}
