import Attention

/// The value of `a op b` for any two values (numbers alone take a faster
/// path in compiled code): tensors broadcast through the library; strings
/// and lists join with `+`; records combine field by field with each other
/// and with numbers and tensors; `==` and `!=` compare any two values.
func combine(
  _ op: BinaryOperator, _ a: Value, _ b: Value, range: SourceRange, runtime: Runtime, depth: Int = 0
) throws(Diagnostic) -> Value {
  // Two tensors, matched in place (`Value.tensor` would copy each, a
  // retain and a release per reference, for every operator at the prompt).
  if case .tensor(let x) = a, case .tensor(let y) = b {
    return try combineTensors(op, x, y, range: range, runtime: runtime)
  }
  if let x = a.tensor, let y = b.tensor {
    return try combineTensors(op, x, y, range: range, runtime: runtime)
  }
  switch (op, a, b) {
  case (.add, .string(let x), .string(let y)):
    try runtime.checkLength(x.utf8.count + y.utf8.count, of: "string", operation: "'+'", at: range)
    return .string(x + y)
  case (.add, .list(let x), .list(let y)):
    try runtime.checkLength(x.count + y.count, of: "list", operation: "'+'", at: range)
    return .list(x + y)
  case (.equal, _, _): return .number(a == b ? 1 : 0)
  case (.notEqual, _, _): return .number(a == b ? 0 : 1)
  case (.less, .string(let x), .string(let y)): return .number(x < y ? 1 : 0)
  case (.lessEqual, .string(let x), .string(let y)): return .number(x <= y ? 1 : 0)
  case (.greater, .string(let x), .string(let y)): return .number(x > y ? 1 : 0)
  case (.greaterEqual, .string(let x), .string(let y)): return .number(x >= y ? 1 : 0)
  case (_, .record, _), (_, _, .record):
    return try combineRecords(op, a, b, range: range, runtime: runtime, depth: depth)
  default:
    throw Diagnostic(operatorMistake(op, a, b), at: range)
  }
}

/// `x op y` for tensors (numbers among them), as the library computes it.
@inline(__always)
private func combineTensors(
  _ op: BinaryOperator, _ x: Tensor, _ y: Tensor, range: SourceRange, runtime: Runtime
) throws(Diagnostic) -> Value {
  if op == .matmul { return Value(try runtime.library(range, as: "@") { try matmul(x, y) }) }
  guard let operation = op.elementwise else {
    throw Diagnostic("'\(op.rawValue)' is not an elementwise operator", at: range)
  }
  return Value(try runtime.library(range, as: op.rawValue) { try elementwise(x, operation, y) })
}

/// Records combine field by field: two records with the same fields, or a
/// record and a number or tensor (applied to every field), recursively.
func combineRecords(
  _ op: BinaryOperator, _ a: Value, _ b: Value, range: SourceRange, runtime: Runtime, depth: Int = 0
) throws(Diagnostic) -> Value {
  guard depth < Value.maximumStructureDepth else { throw Value.tooDeep("'\(op.rawValue)'", at: range) }
  guard op != .matmul, ![.less, .lessEqual, .greater, .greaterEqual].contains(op) else {
    throw Diagnostic("'\(op.rawValue)' does not apply to records; use it on their fields", at: range)
  }
  switch (a, b) {
  case (.record(let x), .record(let y)):
    guard Set(x.fieldNames) == Set(y.fieldNames), x.fields.count == y.fields.count else {
      throw Diagnostic(
        "'\(op.rawValue)' needs records with the same fields: {\(x.fieldNames.joined(separator: ", "))} vs {\(y.fieldNames.joined(separator: ", "))}",
        at: range)
    }
    var fields: [(name: String, value: Value)] = []
    for field in x.fields {
      guard let other = y[field.name] else { continue }
      fields.append((field.name, try combineField(op, field.value, other, field.name, range, runtime, depth)))
    }
    return .record(Record(fields))
  case (.record(let x), _):
    guard b.tensor != nil else { throw Diagnostic(operatorMistake(op, a, b), at: range) }
    var fields: [(name: String, value: Value)] = []
    for field in x.fields {
      fields.append((field.name, try combineField(op, field.value, b, field.name, range, runtime, depth)))
    }
    return .record(Record(fields))
  case (_, .record(let y)):
    guard a.tensor != nil else { throw Diagnostic(operatorMistake(op, a, b), at: range) }
    var fields: [(name: String, value: Value)] = []
    for field in y.fields {
      fields.append((field.name, try combineField(op, a, field.value, field.name, range, runtime, depth)))
    }
    return .record(Record(fields))
  default:
    throw Diagnostic(operatorMistake(op, a, b), at: range)
  }
}

/// One field of a record combination; a mistake names the field.
private func combineField(
  _ op: BinaryOperator, _ a: Value, _ b: Value, _ name: String, _ range: SourceRange, _ runtime: Runtime,
  _ depth: Int
) throws(Diagnostic) -> Value {
  if case .number(let x) = a, case .number(let y) = b, let operation = op.elementwise {
    return .number(operation.function(x, y))
  }
  do {
    return try combine(op, a, b, range: range, runtime: runtime, depth: depth + 1)
  } catch {
    var error = error
    if !error.message.hasPrefix("field ") { error.message = "field '\(name)': " + error.message }
    throw error
  }
}

/// What went wrong with `a op b`, with a hint where one helps.
func operatorMistake(_ op: BinaryOperator, _ a: Value, _ b: Value) -> String {
  var message = "'\(op.rawValue)' cannot combine a \(a.typeName) and a \(b.typeName)"
  switch (a, b) {
  case (.string, .number), (.number, .string), (.string, .tensor), (.tensor, .string):
    if op == .add { message += "; turn the number into text with str(x)" }
  case (.list, .number), (.number, .list), (.list, .tensor), (.tensor, .list):
    message += "; lists join with '+' only: use map(f, l), or keep tensors in a record"
  default: break
  }
  return message
}

/// `-x` for anything but a plain number.
func negate(_ value: Value, at range: SourceRange, runtime: Runtime) throws(Diagnostic) -> Value {
  switch value {
  case .tensor(let tensor): return Value(-tensor)
  case .record:
    return try combineRecords(.multiply, value, .number(-1), range: range, runtime: runtime)
  default: throw Diagnostic("'-' needs a number, tensor or record, got \(value.typeName)", at: range)
  }
}

/// Whether a condition holds: a number or a one-element tensor that is not 0.
func truth(_ value: Value, at range: SourceRange) throws(Diagnostic) -> Bool {
  switch value {
  case .number(let number): return number != 0
  case .tensor(let tensor) where tensor.count == 1: return tensor.scalars[0] != 0
  default:
    throw Diagnostic(
      "a condition must be a number or a one-element tensor, got a \(value.typeName)"
        + (value.tensor != nil ? "; reduce it first, e.g. with max(…) or sum(…)" : ""), at: range)
  }
}

/// The value of a `[…]` literal: numbers and tensors of one shape stack into
/// a tensor; anything else makes a list.
func literal(_ items: [Value], ranges: [SourceRange], range: SourceRange, runtime: Runtime) throws(Diagnostic)
  -> Value
{
  guard !items.isEmpty, items.allSatisfy({ $0.tensor != nil }) else {
    return items.isEmpty ? .tensor(Tensor([])) : .list(items)
  }
  var tensors: [Tensor] = []
  tensors.reserveCapacity(items.count)
  for (item, itemRange) in zip(items, ranges) {
    guard let tensor = item.tensor else { continue }
    if let first = tensors.first, first.shape != tensor.shape {
      throw Diagnostic(
        "ragged tensor literal: element \(tensors.count) has shape \(Tensor.describe(tensor.shape)) but element 0 has \(Tensor.describe(first.shape))",
        at: itemRange)
    }
    tensors.append(tensor)
  }
  if tensors[0].rank >= Tensor.maximumRank {
    throw Diagnostic("tensor literal is nested deeper than rank \(Tensor.maximumRank)", at: range)
  }
  return .tensor(try runtime.library(range, as: "tensor literal") { try stack(tensors) })
}

extension BinaryOperator {
  /// The library's elementwise operation for this operator (nil for `@`),
  /// found by a switch rather than by matching the spelling.
  var elementwise: BinaryOperation? {
    switch self {
    case .add: .add
    case .subtract: .subtract
    case .multiply: .multiply
    case .divide: .divide
    case .remainder: .remainder
    case .power: .power
    case .less: .less
    case .lessEqual: .lessOrEqual
    case .greater: .greater
    case .greaterEqual: .greaterOrEqual
    case .equal: .equal
    case .notEqual: .notEqual
    case .matmul: nil
    }
  }
}
