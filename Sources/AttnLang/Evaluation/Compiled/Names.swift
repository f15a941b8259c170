// Reading names, each resolved when compiled.

/// A literal, a constant (`pi`) or a builtin named directly: the same value each time.
final class Constant: Compiled.Expression {
  let value: Value

  init(_ value: Value) { self.value = value }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value { value }
}

/// A parameter, local or captured value.
final class ReadLocal: Compiled.Expression {
  let index: Int
  let name: String
  let range: SourceRange

  init(_ index: Int, name: String, range: SourceRange) {
    self.index = index
    self.name = name
    self.range = range
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    guard let value = frame.slots[index] else {
      throw Diagnostic(
        "'\(name)' is used before it is assigned: a name a function assigns to is its own local variable", at: range)
    }
    return value
  }
}

/// A session variable.
final class ReadGlobal: Compiled.Expression {
  let index: Int
  let name: String
  let range: SourceRange
  /// The local names around the read, for "did you mean".
  let locals: [String]
  /// Whether the name is being called (an unknown one is an "unknown function").
  let calling: Bool

  init(_ index: Int, name: String, range: SourceRange, locals: [String], calling: Bool) {
    self.index = index
    self.name = name
    self.range = range
    self.locals = locals
    self.calling = calling
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    guard let value = frame.globals[index] else {
      throw unknownName(name, at: range, locals: locals, globals: frame.globals, calling: calling)
    }
    return value
  }
}

/// A nested `def` naming itself.
final class ReadCurrentFunction: Compiled.Expression {
  let name: String
  let range: SourceRange

  init(name: String, range: SourceRange) {
    self.name = name
    self.range = range
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    guard let function = frame.function else { throw Diagnostic("'\(name)' is not defined here", at: range) }
    return .function(function)
  }
}

/// Names a Python user types by habit, and what attn writes instead.
let pythonHabits: [String: String] = [
  "quit": "to leave the prompt type :quit (or press Ctrl-D)",
  "exit": "to leave the prompt type :quit (or press Ctrl-D)",
  "None": "attn writes none",
  "True": "attn writes true (or 1)",
  "False": "attn writes false (or 0)",
  "lambda": "attn writes a function as x -> 2 * x",
  "np": "attn's builtins need no prefix: softmax(x), not np.softmax(x)",
  "torch": "attn's builtins need no prefix: softmax(x), not torch.softmax(x)",
]

/// "unknown name" (or "unknown function" for a callee), with the closest
/// name that has a value as a suggestion.
func unknownName(_ name: String, at range: SourceRange, locals: [String], globals: Globals, calling: Bool = false)
  -> Diagnostic
{
  if let habit = pythonHabits[name] {
    return Diagnostic("unknown \(calling ? "function" : "name") '\(name)'; " + habit, at: range)
  }
  var message = "unknown \(calling ? "function" : "name") '\(name)'"
  let candidates = locals + globals.defined.map(\.name) + Builtins.names + Array(Constants.values.keys)
  if let suggestion = closestMatch(to: name, in: candidates.filter { $0 != name }) {
    message += "; did you mean '\(suggestion)'?"
  }
  return Diagnostic(message, at: range)
}
