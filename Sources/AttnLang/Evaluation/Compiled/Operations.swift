import Attention

// Operators, literals and access to parts of values.

/// `a op b`; two numbers take a path without tensors.
final class Binary: Compiled.Expression {
  let op: BinaryOperator
  let left: Compiled.Expression
  let right: Compiled.Expression
  let range: SourceRange

  init(_ op: BinaryOperator, _ left: Compiled.Expression, _ right: Compiled.Expression, range: SourceRange) {
    self.op = op
    self.left = left
    self.right = right
    self.range = range
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    let a = try left.evaluate(frame)
    let b = try right.evaluate(frame)
    if case .number(let x) = a, case .number(let y) = b {
      switch op {
      case .add: return .number(x + y)
      case .subtract: return .number(x - y)
      case .multiply: return .number(x * y)
      case .divide: return .number(x / y)
      case .less: return .number(x < y ? 1 : 0)
      case .lessEqual: return .number(x <= y ? 1 : 0)
      case .greater: return .number(x > y ? 1 : 0)
      case .greaterEqual: return .number(x >= y ? 1 : 0)
      case .equal: return .number(x == y ? 1 : 0)
      case .notEqual: return .number(x != y ? 1 : 0)
      case .remainder, .power, .matmul: break
      }
    }
    return try combine(op, a, b, range: range, runtime: frame.runtime)
  }
}

/// `a and b`, `a or b`: the right side runs only when it decides.
final class Logical: Compiled.Expression {
  let isOr: Bool
  let left: Compiled.Expression
  let right: Compiled.Expression
  let leftRange: SourceRange
  let rightRange: SourceRange

  init(
    _ op: LogicalOperator, _ left: Compiled.Expression, _ right: Compiled.Expression,
    leftRange: SourceRange, rightRange: SourceRange
  ) {
    isOr = op == .or
    self.left = left
    self.right = right
    self.leftRange = leftRange
    self.rightRange = rightRange
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    if try truth(try left.evaluate(frame), at: leftRange) == isOr { return .number(isOr ? 1 : 0) }
    return .number(try truth(try right.evaluate(frame), at: rightRange) ? 1 : 0)
  }
}

/// `-x`.
final class Negate: Compiled.Expression {
  let operand: Compiled.Expression
  let range: SourceRange

  init(_ operand: Compiled.Expression, range: SourceRange) {
    self.operand = operand
    self.range = range
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    let value = try operand.evaluate(frame)
    if case .number(let x) = value { return .number(-x) }
    return try negate(value, at: range, runtime: frame.runtime)
  }
}

/// `not x`.
final class Not: Compiled.Expression {
  let operand: Compiled.Expression
  let range: SourceRange

  init(_ operand: Compiled.Expression, range: SourceRange) {
    self.operand = operand
    self.range = range
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    .number(try truth(try operand.evaluate(frame), at: range) ? 0 : 1)
  }
}

/// `[a, b, …]` with something other than number literals inside.
final class ListLiteral: Compiled.Expression {
  let elements: [Compiled.Expression]
  let ranges: [SourceRange]
  let range: SourceRange

  init(_ elements: [Compiled.Expression], ranges: [SourceRange], range: SourceRange) {
    self.elements = elements
    self.ranges = ranges
    self.range = range
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    var items: [Value] = []
    items.reserveCapacity(elements.count)
    for element in elements { items.append(try element.evaluate(frame)) }
    return try literal(items, ranges: ranges, range: range, runtime: frame.runtime)
  }
}

/// `{name: value, …}`.
final class RecordLiteral: Compiled.Expression {
  let names: [String]
  let values: [Compiled.Expression]

  init(names: [String], values: [Compiled.Expression]) {
    self.names = names
    self.values = values
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    var fields: [(name: String, value: Value)] = []
    fields.reserveCapacity(names.count)
    for index in names.indices { fields.append((names[index], try values[index].evaluate(frame))) }
    return .record(Record(fields))
  }
}

/// One entry of a subscript, compiled: a position (or rows) or a slice.
enum SubscriptCode {
  case value(Compiled.Expression, SourceRange)
  case slice(
    start: (Compiled.Expression, SourceRange)?, end: (Compiled.Expression, SourceRange)?,
    step: (Compiled.Expression, SourceRange)?, range: SourceRange)

  func evaluate(_ frame: Frame) throws(Diagnostic) -> Subscript {
    switch self {
    case .value(let code, let range):
      return .value(try code.evaluate(frame), range)
    case .slice(let start, let end, let step, let range):
      func bound(_ part: (Compiled.Expression, SourceRange)?) throws(Diagnostic) -> Int? {
        guard let (code, range) = part else { return nil }
        return try integer(try code.evaluate(frame), at: range, what: "a slice bound")
      }
      return .slice(start: try bound(start), end: try bound(end), step: try bound(step) ?? 1, range: range)
    }
  }
}

/// The entries of a subscript, evaluated.
func evaluate(_ items: [SubscriptCode], in frame: Frame) throws(Diagnostic) -> [Subscript] {
  var subscripts: [Subscript] = []
  subscripts.reserveCapacity(items.count)
  for item in items { subscripts.append(try item.evaluate(frame)) }
  return subscripts
}

/// One evaluated entry of a subscript.
enum Subscript {
  /// A position, or an integer tensor gathering rows.
  case value(Value, SourceRange)
  case slice(start: Int?, end: Int?, step: Int, range: SourceRange)
}

/// `base[items]`.
final class Index: Compiled.Expression {
  let base: Compiled.Expression
  let items: [SubscriptCode]
  let baseRange: SourceRange
  let range: SourceRange

  init(_ base: Compiled.Expression, items: [SubscriptCode], baseRange: SourceRange, range: SourceRange) {
    self.base = base
    self.items = items
    self.baseRange = baseRange
    self.range = range
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    let value = try base.evaluate(frame)
    let subscripts = try AttnLang.evaluate(items, in: frame)
    return try subscripted(value, subscripts, baseRange: baseRange, range: range, runtime: frame.runtime)
  }
}

/// `base.name`.
final class Field: Compiled.Expression {
  let base: Compiled.Expression
  let name: String
  let range: SourceRange

  init(_ base: Compiled.Expression, name: String, range: SourceRange) {
    self.base = base
    self.name = name
    self.range = range
  }

  override func evaluate(_ frame: Frame) throws(Diagnostic) -> Value {
    try field(of: try base.evaluate(frame), name, at: range, runtime: frame.runtime)
  }
}
