import Attention

extension Compiler {
  mutating func expression(_ expr: Expr) throws(Diagnostic) -> Compiled.Expression {
    let range = expr.range
    switch expr.kind {
    case .number(let number):
      let value = Value.number(number)
      return { _ in value }
    case .string(let text):
      let value = Value.string(text)
      return { _ in value }
    case .name(let name):
      return try read(name, at: range)
    case .list(let elements):
      return try listLiteral(elements, range: range)
    case .record(let fields):
      let names = fields.map(\.name)
      let values = try expressions(fields.map(\.value))
      return { (frame: Frame) throws(Diagnostic) -> Value in
        var record: [(name: String, value: Value)] = []
        record.reserveCapacity(names.count)
        for (name, value) in zip(names, values) { record.append((name, try value(frame))) }
        return .record(Record(record))
      }
    case .negate(let operand):
      let value = try expression(operand)
      return { (frame: Frame) throws(Diagnostic) -> Value in
        let operand = try value(frame)
        if case .number(let x) = operand { return .number(-x) }
        return try negate(operand, at: range, runtime: frame.runtime)
      }
    case .not(let operand):
      let value = try expression(operand)
      let operandRange = operand.range
      return { (frame: Frame) throws(Diagnostic) -> Value in
        .number(try truth(try value(frame), at: operandRange) ? 0 : 1)
      }
    case .binary(let op, let left, let right):
      return try binary(op, left, right, range: range)
    case .logical(let op, let left, let right):
      let (a, b) = (try expression(left), try expression(right))
      let (leftRange, rightRange) = (left.range, right.range)
      let stopsOn = op == .or
      return { (frame: Frame) throws(Diagnostic) -> Value in
        if try truth(try a(frame), at: leftRange) == stopsOn { return .number(stopsOn ? 1 : 0) }
        return .number(try truth(try b(frame), at: rightRange) ? 1 : 0)
      }
    case .call(let callee, let arguments):
      return try call(callee, arguments, range: range)
    case .index(let base, let items):
      let value = try expression(base)
      let positions = try indexItems(items)
      let baseRange = base.range
      return { (frame: Frame) throws(Diagnostic) -> Value in
        let base = try value(frame)
        return try subscripted(base, try positions(frame), baseRange: baseRange, range: range, runtime: frame.runtime)
      }
    case .field(let base, let name, let nameRange):
      let value = try expression(base)
      return { (frame: Frame) throws(Diagnostic) -> Value in
        try field(of: try value(frame), name, at: nameRange, runtime: frame.runtime)
      }
    case .lambda(let declaration):
      return try function(declaration)
    }
  }

  /// Several expressions, in order.
  mutating func expressions(_ exprs: [Expr]) throws(Diagnostic) -> [Compiled.Expression] {
    var compiled: [Compiled.Expression] = []
    compiled.reserveCapacity(exprs.count)
    for expr in exprs { compiled.append(try expression(expr)) }
    return compiled
  }

  /// Reading a name, resolved once; `calling` when it is a call's callee
  /// (an unknown one is then an "unknown function").
  mutating func read(_ name: String, at range: SourceRange, calling: Bool = false) throws(Diagnostic)
    -> Compiled.Expression
  {
    switch scope.resolve(name, globals: globals) {
    case .local(let slot):
      return { (frame: Frame) throws(Diagnostic) -> Value in
        guard let value = frame.slots[slot] else {
          throw Diagnostic(
            "'\(name)' is used before it is assigned: a name a function assigns to is its own local variable",
            at: range)
        }
        return value
      }
    case .global(let slot):
      let locals = localNames()
      return { (frame: Frame) throws(Diagnostic) -> Value in
        guard let value = frame.runtime.globals[slot] else {
          throw unknownName(name, at: range, locals: locals, globals: frame.runtime.globals, calling: calling)
        }
        return value
      }
    case .currentFunction:
      return { (frame: Frame) throws(Diagnostic) -> Value in
        guard let function = frame.function else { throw Diagnostic("'\(name)' is not defined here", at: range) }
        return .function(function)
      }
    case .constant(let number):
      let value = Value.number(number)
      return { _ in value }
    case .builtin(let builtin):
      let value = Value.function(Builtins.function(builtin))
      return { _ in value }
    }
  }

  /// `[…]`: a tensor when every element is a number or tensor (all of one
  /// shape), otherwise a list.
  mutating func listLiteral(_ elements: [Expr], range: SourceRange) throws(Diagnostic) -> Compiled.Expression {
    var numbers: [Double] = []
    for element in elements {
      guard case .number(let value) = element.kind else { break }
      numbers.append(value)
    }
    if numbers.count == elements.count {
      // A row of number literals (the common case, and a long pasted one) is made once.
      let value = Value.tensor(Tensor(numbers))
      return { _ in value }
    }
    let values = try expressions(elements)
    let ranges = elements.map(\.range)
    return { (frame: Frame) throws(Diagnostic) -> Value in
      var items: [Value] = []
      items.reserveCapacity(values.count)
      for value in values { items.append(try value(frame)) }
      return try literal(items, ranges: ranges, range: range, runtime: frame.runtime)
    }
  }

  /// A binary operator; numbers take a path without tensors.
  mutating func binary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, range: SourceRange) throws(Diagnostic)
    -> Compiled.Expression
  {
    let (a, b) = (try expression(left), try expression(right))
    func general(_ frame: Frame, _ x: Value, _ y: Value) throws(Diagnostic) -> Value {
      try combine(op, x, y, range: range, runtime: frame.runtime)
    }
    switch op {
    case .add:
      return { (frame: Frame) throws(Diagnostic) -> Value in
        let (x, y) = (try a(frame), try b(frame))
        if case .number(let p) = x, case .number(let q) = y { return .number(p + q) }
        return try general(frame, x, y)
      }
    case .subtract:
      return { (frame: Frame) throws(Diagnostic) -> Value in
        let (x, y) = (try a(frame), try b(frame))
        if case .number(let p) = x, case .number(let q) = y { return .number(p - q) }
        return try general(frame, x, y)
      }
    case .multiply:
      return { (frame: Frame) throws(Diagnostic) -> Value in
        let (x, y) = (try a(frame), try b(frame))
        if case .number(let p) = x, case .number(let q) = y { return .number(p * q) }
        return try general(frame, x, y)
      }
    case .divide:
      return { (frame: Frame) throws(Diagnostic) -> Value in
        let (x, y) = (try a(frame), try b(frame))
        if case .number(let p) = x, case .number(let q) = y { return .number(p / q) }
        return try general(frame, x, y)
      }
    case .less, .lessEqual, .greater, .greaterEqual:
      let compare: (Double, Double) -> Bool =
        switch op {
        case .less: { $0 < $1 }
        case .lessEqual: { $0 <= $1 }
        case .greater: { $0 > $1 }
        default: { $0 >= $1 }
        }
      return { (frame: Frame) throws(Diagnostic) -> Value in
        let (x, y) = (try a(frame), try b(frame))
        if case .number(let p) = x, case .number(let q) = y { return .number(compare(p, q) ? 1 : 0) }
        return try general(frame, x, y)
      }
    default:
      return { (frame: Frame) throws(Diagnostic) -> Value in try general(frame, try a(frame), try b(frame)) }
    }
  }

  /// The entries of a subscript, evaluated: numbers, tensors or slices.
  mutating func indexItems(_ items: [IndexItem]) throws(Diagnostic) -> (Frame) throws(Diagnostic) -> [Subscript] {
    var parts: [(Frame) throws(Diagnostic) -> Subscript] = []
    for item in items {
      switch item {
      case .position(let expr):
        let value = try expression(expr)
        let range = expr.range
        let part: (Frame) throws(Diagnostic) -> Subscript = { (frame: Frame) throws(Diagnostic) -> Subscript in
          .value(try value(frame), range)
        }
        parts.append(part)
      case .slice(let start, let end, let step, let range):
        var bounds: [(Compiled.Expression, SourceRange)?] = []
        for bound in [start, end, step] {
          bounds.append(try bound.map { (expr) throws(Diagnostic) in (try expression(expr), expr.range) })
        }
        let part: (Frame) throws(Diagnostic) -> Subscript = { (frame: Frame) throws(Diagnostic) -> Subscript in
          var numbers: [Int?] = []
          for bound in bounds {
            guard let (value, boundRange) = bound else {
              numbers.append(nil)
              continue
            }
            numbers.append(try integer(try value(frame), at: boundRange, what: "a slice bound"))
          }
          return .slice(start: numbers[0], end: numbers[1], step: numbers[2] ?? 1, range: range)
        }
        parts.append(part)
      }
    }
    if parts.count == 1 {
      let only = parts[0]
      return { (frame: Frame) throws(Diagnostic) -> [Subscript] in [try only(frame)] }
    }
    return { (frame: Frame) throws(Diagnostic) -> [Subscript] in
      var result: [Subscript] = []
      for part in parts { result.append(try part(frame)) }
      return result
    }
  }
}

/// One evaluated entry of a subscript.
enum Subscript {
  /// A position, or an integer tensor gathering rows.
  case value(Value, SourceRange)
  case slice(start: Int?, end: Int?, step: Int, range: SourceRange)

  var range: SourceRange {
    switch self {
    case .value(_, let range), .slice(_, _, _, let range): return range
    }
  }
}
