import Attention

// Calls, and making functions from `def` and lambdas.

/// A call's arguments as written: positional ones, then `name: value` ones.
struct ArgumentCode {
  struct Item {
    var value: Compiled.Expression
    var range: SourceRange
    /// The label and where it is written, for a named argument.
    var label: (name: String, range: SourceRange)?
  }

  var items: [Item]
  var positionalCount: Int

  init(_ items: [Item]) {
    self.items = items
    positionalCount = items.count { $0.label == nil }
  }

  /// The arguments, evaluated left to right.
  func evaluate(_ frame: Frame) throws(Diagnostic) -> (positional: [ArgumentValue], named: [NamedArgumentValue]) {
    var positional: [ArgumentValue] = []
    positional.reserveCapacity(positionalCount)
    var named: [NamedArgumentValue] = []
    for item in items {
      let argument = ArgumentValue(value: try item.value.evaluate(frame), range: item.range)
      if let label = item.label {
        named.append(NamedArgumentValue(label: label.name, labelRange: label.range, argument: argument))
      } else {
        positional.append(argument)
      }
    }
    return (positional, named)
  }
}

/// A call of a builtin named directly: the builtin is found, and each
/// argument matched to its parameter, when the call is compiled.
final class BuiltinCall: Compiled.Expression {
  let builtin: Builtin
  let arguments: [(value: Compiled.Expression, range: SourceRange, parameter: Int?)]
  let range: SourceRange
  let source: SourceFile

  init(
    _ builtin: Builtin, arguments: [(value: Compiled.Expression, range: SourceRange, parameter: Int?)],
    range: SourceRange, source: SourceFile
  ) {
    self.builtin = builtin
    self.arguments = arguments
    self.range = range
    self.source = source
  }

  /// The argument array of the last call, emptied, for the next one to fill
  /// (nil while a call is running: a call of this node inside it, through
  /// `map` or recursion, makes its own).
  private var spareValues: [ArgumentValue?]?

  /// The call's arguments, evaluated and checked, without running the
  /// builtin (for `explain`, which runs its steps instead).
  func arguments(_ frame: Frame) throws(Diagnostic) -> Arguments {
    try arguments(frame, filling: [ArgumentValue?](repeating: nil, count: builtin.signature.parameters.count))
  }

  /// Evaluates the arguments into `values` (one slot per parameter, all nil;
  /// consumed, so that filling it does not copy it) and the variadic rest,
  /// and checks their kinds.
  private func arguments(_ frame: Frame, filling values: consuming [ArgumentValue?]) throws(Diagnostic) -> Arguments {
    var rest: [ArgumentValue] = []
    for argument in arguments {
      let value = ArgumentValue(value: try argument.value.evaluate(frame), range: argument.range)
      if let index = argument.parameter {
        if builtin.signature.binds(value, to: index) { values[index] = value }
      } else {
        rest.append(value)
      }
    }
    try builtin.signature.check(values, rest: rest)
    return Arguments(
      signature: builtin.signature, values: values, rest: rest, range: range, runtime: frame.runtime, source: source)
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    let empty = spareValues.take() ?? [ArgumentValue?](repeating: nil, count: builtin.signature.parameters.count)
    let call = try arguments(frame, filling: empty)
    let result = try frame.runtime.library(range, as: builtin.name) { try builtin.call(call) }
    // Reuse the array: once the call is consumed this is its only reference
    // (a builtin that kept `call` makes the reset copy instead, which is correct).
    var values = (consume call).values
    for index in values.indices { values[index] = nil }
    spareValues = values
    if case .tensor(let tensor) = result { return Value(tensor) }
    return result
  }
}

/// A call of whatever function the callee gives: a `def`, a lambda, a
/// builtin held in a variable.
final class DynamicCall: Compiled.Expression {
  let callee: Compiled.Expression
  let calleeName: String?
  let calleeRange: SourceRange
  let arguments: ArgumentCode
  let range: SourceRange
  let source: SourceFile

  init(
    callee: Compiled.Expression, calleeName: String?, calleeRange: SourceRange, arguments: ArgumentCode,
    range: SourceRange, source: SourceFile
  ) {
    self.callee = callee
    self.calleeName = calleeName
    self.calleeRange = calleeRange
    self.arguments = arguments
    self.range = range
    self.source = source
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    let value = try callee.evaluate(frame)
    guard case .function(let function) = value else {
      let what =
        calleeName.map { "'\($0)' is a \(value.typeName), not a function" } ?? "a \(value.typeName) is not a function"
      throw Diagnostic("\(what); only functions can be called", at: calleeRange)
    }
    let (positional, named) = try arguments.evaluate(frame)
    return try frame.runtime.call(function, positional: positional, named: named, range: range, source: source)
  }
}

/// A `def` or lambda, compiled once: each time it runs it makes a function
/// value holding the values it captures from the function around it.
final class MakeFunction: Compiled.Expression {
  let declaration: FunctionDeclaration
  let source: SourceFile
  let signature: Signature
  let slotCount: Int
  let defaults: [(slot: Int, compute: Compiled.Expression)]
  /// Where each captured value comes from here (a slot, or this function
  /// itself) and the slot it fills in the new function's calls.
  let captures: [(from: Capture, slot: Int)]
  let body: Compiled.Expression

  enum Capture {
    case local(Int)
    case currentFunction
  }

  init(
    declaration: FunctionDeclaration, source: SourceFile, signature: Signature, slotCount: Int,
    defaults: [(slot: Int, compute: Compiled.Expression)], captures: [(from: Capture, slot: Int)],
    body: Compiled.Expression
  ) {
    self.declaration = declaration
    self.source = source
    self.signature = signature
    self.slotCount = slotCount
    self.defaults = defaults
    self.captures = captures
    self.body = body
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    var captured: [(slot: Int, value: Value?)] = []
    for capture in captures {
      switch capture.from {
      case .local(let index): captured.append((capture.slot, frame.slots[index]))
      case .currentFunction: captured.append((capture.slot, frame.function.map { .function($0) }))
      }
    }
    return .function(
      Function(
        UserFunction(
          declaration: declaration, source: source, signature: signature, slotCount: slotCount, defaults: defaults,
          captured: captured, body: body)))
  }
}

/// A block body as an expression: what `return` gives, else nothing.
final class FunctionBody: Compiled.Expression {
  let block: Compiled.Statement

  init(_ block: Compiled.Statement) { self.block = block }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    if case .returned(let value) = try block.execute(frame) { return value }
    return .none
  }
}

/// `explain(builtin(…), rows:, cols:)`: the inner call's arguments are
/// evaluated as a call would, then its explainer runs the computation stage
/// by stage instead of the builtin.
final class ExplainCall: Compiled.Expression {
  let inner: BuiltinCall
  let rows: Compiled.Expression?
  let cols: Compiled.Expression?
  let range: SourceRange

  init(inner: BuiltinCall, rows: Compiled.Expression?, cols: Compiled.Expression?, range: SourceRange) {
    self.inner = inner
    self.rows = rows
    self.cols = cols
    self.range = range
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    let arguments = try inner.arguments(frame)
    let labels = Explainers.Labels(rows: try labels(rows, frame), cols: try labels(cols, frame))
    guard let explainer = Explainers.table[inner.builtin.name] else {
      throw Diagnostic("explain cannot show \(inner.builtin.name)", at: inner.range)
    }
    let explanation = try frame.runtime.library(inner.range, as: inner.builtin.name) {
      try explainer(arguments, labels)
    }
    return .explanation(explanation)
  }

  func labels(_ code: Compiled.Expression?, _ frame: Frame) throws(Diagnostic) -> [String]? {
    guard let code else { return nil }
    let value = try code.evaluate(frame)
    guard case .list(let items) = value else {
      throw Diagnostic("explain: labels must be a list of strings, such as [\"the\", \"cat\"]", at: range)
    }
    return items.map { item in
      if case .string(let text) = item { return text }
      return ValueFormatter().format(item)
    }
  }
}
